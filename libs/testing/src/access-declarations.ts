import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DynamicModule } from '@nestjs/common';
import { accessMatrixSection, describeRouteAccess, findAccessMatrixSection, listModuleRouteAccess } from '@atp/platform-auth';
import { repoRoot } from './stack';

/** Env values that satisfy a service's schema for reading its module metadata (nothing connects). */
export const STATIC_SERVICE_ENV = {
  SERVICE_NAME: 'access-declarations', PORT: '0', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', KAFKA_BROKERS: '127.0.0.1:1',
  AUTH_ISSUER: 'https://issuer.invalid', AUTH_JWKS_FILE: '/nonexistent/jwks.json',
};

/**
 * The access declarations of a service, checked without starting it (a unit spec):
 * - every route declares a policy;
 * - a Jest snapshot of all declarations: a diff in it changes who can reach an endpoint, review it as a
 *   permission change (update with `-u` only when that change is meant);
 * - docs/access-matrix.md has the service's section exactly as the code declares it (`npm run access-matrix`
 *   regenerates it; add a new service to scripts/access-matrix.ts).
 */
export function describeAccessDeclarations(service: string, module: () => DynamicModule): void {
  describe(`${service} access declarations`, () => {
    const routes = listModuleRouteAccess(module());

    it('declare a policy on every route', () => {
      expect(routes.filter((route) => !route.policy).map((route) => `${route.method} ${route.path}`)).toEqual([]);
    });

    it('match the reviewed snapshot (a diff here is a permission change)', () => {
      expect(describeRouteAccess(routes).join('\n')).toMatchSnapshot();
    });

    it('match docs/access-matrix.md (regenerate with npm run access-matrix)', () => {
      const document = readFileSync(path.join(repoRoot, 'docs', 'access-matrix.md'), 'utf8');
      expect(findAccessMatrixSection(document, service)).toBe(accessMatrixSection(service, routes));
    });
  });
}
