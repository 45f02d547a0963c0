import { Body, Controller, Module, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Public, RequireWorkspaceRole } from '@atp/platform-auth';
import { mergeServiceDocuments, type ServicePart } from './merge';
import { ApiProblems } from './problem.schema';
import { buildServiceDocument } from './service-document';

class LineDto {
  @IsString() @MaxLength(10) code!: string;
}

class OrderDto {
  @IsIn(['A', 'B']) kind!: 'A' | 'B';
  @IsOptional() @IsInt() @Min(1) @Max(9) count?: number;
  @Matches(/^[a-z]+$/) slug!: string;
  @IsArray() @ArrayMaxSize(3) @ValidateNested({ each: true }) @Type(() => LineDto) lines!: LineDto[];
}

@ApiProblems()
@Controller('api/v1/workspaces/:workspaceId/orders')
class OrdersController {
  @Post()
  @RequireWorkspaceRole('WORKSPACE_ADMIN')
  create(@Param('workspaceId', ParseUUIDPipe) _workspaceId: string, @Body() _body: OrderDto) {
    return {};
  }

  @Post('ping')
  @Public()
  ping() {
    return {};
  }
}

@Module({ controllers: [OrdersController] })
class OrdersModule {}

describe('buildServiceDocument', () => {
  const document = buildServiceDocument({ module: OrdersModule }, { title: 'orders' });

  it('derives the request schema from the validators, nested classes included', () => {
    expect(document.components?.schemas?.OrderDto).toEqual({
      type: 'object',
      properties: {
        kind: { type: 'string', enum: ['A', 'B'] },
        count: { type: 'integer', minimum: 1, maximum: 9, nullable: true },
        slug: { type: 'string', pattern: '^[a-z]+$' },
        lines: { type: 'array', maxItems: 3, items: { $ref: '#/components/schemas/LineDto' } },
      },
      required: ['kind', 'slug', 'lines'],
    });
    expect(document.components?.schemas?.LineDto).toMatchObject({
      required: ['code'],
      properties: { code: { maxLength: 10 } },
    });
  });

  it('names operations, documents problems, access, the bearer scheme and uuid path parameters', () => {
    const create = document.paths['/api/v1/workspaces/{workspaceId}/orders'].post;
    expect(create?.operationId).toBe('ordersCreate');
    expect(Object.keys(create?.responses ?? {})).toEqual(
      expect.arrayContaining(['400', '401', '403', '404', '413', '415', '422']),
    );
    expect(create?.parameters?.[0]).toMatchObject({ name: 'workspaceId', schema: { type: 'string', format: 'uuid' } });
    expect((create as unknown as Record<string, unknown>)['x-access']).toBe('workspace: WORKSPACE_ADMIN');
    expect(document.paths['/api/v1/workspaces/{workspaceId}/orders/ping'].post?.security).toEqual([]);
    expect(document.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components?.schemas?.Problem).toBeDefined();
  });
});

describe('mergeServiceDocuments', () => {
  const info = { title: 't', description: 'd', version: '1' };
  const part = (service: string, schema: object) => ({
    service,
    routes: (path: string) => path === `/${service}`,
    document: {
      openapi: '3.0.0',
      info,
      paths: { [`/${service}`]: { get: { responses: {} } }, '/health': {} },
      components: { schemas: { Shared: schema } },
    },
  });

  it('keeps the paths each service is routed, tagged with it', () => {
    const merged = mergeServiceDocuments([part('a', { type: 'object' }), part('b', { type: 'object' })], info);
    expect(Object.keys(merged.paths)).toEqual(['/a', '/b']);
    expect(merged.paths['/b'].get?.tags).toEqual(['b']);
  });

  it('fills the parameters the gateway fixes per service: one path and operation id each, no such parameter', () => {
    const shared = (service: string): ServicePart => ({
      service,
      routes: (path: string) => path === `/audits/${service}`,
      fixedParams: { service },
      document: {
        openapi: '3.0.0',
        info,
        paths: {
          '/audits/{service}': {
            post: { operationId: 'Audit_run', parameters: [{ name: 'service', in: 'path' }], responses: {} } as never,
          },
        },
      },
    });
    const merged = mergeServiceDocuments([shared('a'), shared('b')], info);
    expect(Object.keys(merged.paths)).toEqual(['/audits/a', '/audits/b']);
    expect(merged.paths['/audits/b'].post).toMatchObject({ operationId: 'Audit_run_b', parameters: [], tags: ['b'] });
  });

  it('refuses two services defining one schema name differently', () => {
    expect(() => mergeServiceDocuments([part('a', { type: 'object' }), part('b', { type: 'string' })], info)).toThrow(
      /Shared differs/,
    );
  });
});
