import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Injectable, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import request from 'supertest';
import { createHttpAdapter, ProblemDetailsFilter } from '@atp/platform-http';
import {
  Authenticated,
  Public,
  RequireMember,
  RequirePlatformRole,
  RequireWorkspaceRole,
  type WorkspaceRole,
} from './access-policy';
import { AuthModule } from './auth.module';
import { Caller, type AuthenticatedCaller } from './caller';
import { MembershipSource } from './membership-source';
import { assertEveryRouteDeclaresAccess, listRouteAccess } from './route-access';

const WS = '11111111-1111-4111-8111-111111111111';
const ISSUER = 'https://issuer.spec';

/** Memberships of the spec (pure logic under test: the guard's decisions, not a database). */
@Injectable()
class SpecMemberships extends MembershipSource {
  static readonly roles: Record<string, WorkspaceRole[]> = {
    [`${WS}|admin`]: ['WORKSPACE_ADMIN'],
    [`${WS}|doc`]: ['DOC_CONTROL'],
  };
  async activeRoles(workspaceId: string, userId: string): Promise<WorkspaceRole[]> {
    return SpecMemberships.roles[`${workspaceId}|${userId}`] ?? [];
  }
}

@Controller()
class SpecController {
  @Get('health') @Public() health() {
    return 'ok';
  }
  @Get('me') @Authenticated() me(@Caller() caller: AuthenticatedCaller) {
    return caller;
  }
  @Get('platform') @RequirePlatformRole('PLATFORM_ADMIN') platform() {
    return 'ok';
  }
  @Get('workspaces/:workspaceId') @RequireMember() read(@Caller() caller: AuthenticatedCaller) {
    return caller;
  }
  @Get('workspaces/:workspaceId/admin') @RequireWorkspaceRole('WORKSPACE_ADMIN') admin() {
    return 'ok';
  }
  @Get('undeclared') undeclared() {
    return 'leak';
  }
}

describe('AccessGuard', () => {
  let app: INestApplication;
  let key: CryptoKey;
  const token = (sub: string, roles: string[] = []) =>
    new SignJWT({ roles })
      .setProtectedHeader({ alg: 'RS256', kid: 'k' })
      .setIssuer(ISSUER)
      .setAudience('atp-api')
      .setSubject(sub)
      .setExpirationTime('5m')
      .sign(key);
  const get = async (path: string, sub?: string, roles?: string[]) => {
    const call = request(app.getHttpServer()).get(path);
    if (sub) void call.set('authorization', `Bearer ${await token(sub, roles)}`);
    return call;
  };

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    key = pair.privateKey;
    const file = join(mkdtempSync(join(tmpdir(), 'guard-')), 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k', alg: 'RS256' }] }));
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forService({
          settings: { issuer: ISSUER, audience: 'atp-api', jwksFile: file, algorithms: ['RS256'], clockSkewSeconds: 0 },
          membership: SpecMemberships,
        }),
      ],
      controllers: [SpecController],
    }).compile();
    app = moduleRef.createNestApplication(createHttpAdapter(), { logger: false });
    app.useGlobalFilters(new ProblemDetailsFilter());
    await app.init();
    await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
  });

  afterAll(() => app?.close());

  it('lets public routes through without a token, and nothing else', async () => {
    expect((await get('/health')).status).toBe(200);
    expect((await get('/me')).status).toBe(401);
  });

  it('puts the verified caller on the request', async () => {
    expect((await get('/me', 'u1', ['PLATFORM_ADMIN'])).body).toEqual({
      userId: 'u1',
      platformRoles: ['PLATFORM_ADMIN'],
      workspaceRoles: [],
    });
    expect((await get(`/workspaces/${WS}`, 'doc')).body.workspaceRoles).toEqual(['DOC_CONTROL']);
  });

  it('needs the platform role on platform routes', async () => {
    expect((await get('/platform', 'u1')).body.code).toBe('PLATFORM_ROLE_REQUIRED');
    expect((await get('/platform', 'u1', ['PLATFORM_ADMIN'])).status).toBe(200);
  });

  it('answers 404 to a non-member (also for an id that is no UUID) and 403 to a member without the role', async () => {
    expect((await get(`/workspaces/${WS}`, 'stranger')).status).toBe(404);
    expect((await get('/workspaces/not-a-uuid', 'admin')).status).toBe(404);
    const refused = await get(`/workspaces/${WS}/admin`, 'doc');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'ROLE_REQUIRED', requiredRoles: ['WORKSPACE_ADMIN'] });
    expect((await get(`/workspaces/${WS}/admin`, 'admin')).status).toBe(200);
  });

  it('refuses a route that declares nothing, and the start-up check names it', async () => {
    expect((await get('/undeclared', 'admin', ['PLATFORM_ADMIN'])).body.code).toBe('ACCESS_UNDECLARED');
    expect(() => assertEveryRouteDeclaresAccess(app)).toThrow(
      'GET /undeclared (SpecController.undeclared) declares no access policy',
    );
    expect(listRouteAccess(app).map((r) => `${r.method} ${r.path}`)).toContain('GET /workspaces/:workspaceId/admin');
  });
});
