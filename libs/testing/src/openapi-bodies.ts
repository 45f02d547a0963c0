import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import request from 'supertest';

/** The parts of an OpenAPI 3.0 document the generator reads (a plain JSON document). */
export interface OpenApiSchema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  allOf?: OpenApiSchema[];
}

interface Operation {
  operationId?: string;
  requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> };
}

export interface OpenApiDocumentLike {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, OpenApiSchema> };
}

type Schemas = Record<string, OpenApiSchema>;

function resolve(schema: OpenApiSchema, schemas: Schemas): OpenApiSchema {
  if (schema.$ref) return resolve(schemas[schema.$ref.split('/').pop() as string], schemas);
  if (schema.allOf) {
    const parts = schema.allOf.map((part) => resolve(part, schemas));
    return {
      type: 'object',
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
      required: parts.flatMap((p) => p.required ?? []),
    };
  }
  return schema;
}

// Valid arrays and strings stay small: the point is the variety of values, not the volume (huge
// strings are a mutation of their own).
const VALID_ITEMS_CAP = 3;
const VALID_LENGTH_CAP = 60;

function validString(schema: OpenApiSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? VALID_LENGTH_CAP, VALID_LENGTH_CAP));
  const fits = (text: string) => text.length >= minLength && text.length <= (schema.maxLength ?? Infinity);
  if (schema.enum) return fc.constantFrom(...(schema.enum as string[]));
  if (schema.format === 'date')
    return fc
      .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
  if (schema.format === 'date-time')
    return fc
      .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString());
  if (schema.format === 'email') return fc.emailAddress().filter(fits);
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter(fits);
  return fc.string({ minLength, maxLength, unit: 'grapheme' });
}

/** Values the schema accepts (as far as a schema can say: the domain may still refuse them). */
export function validValue(schema: OpenApiSchema, schemas: Schemas): fc.Arbitrary<unknown> {
  const s = resolve(schema, schemas);
  const value = ((): fc.Arbitrary<unknown> => {
    switch (s.type) {
      case 'integer':
        return fc.integer({ min: s.minimum ?? -1_000_000, max: s.maximum ?? 1_000_000 });
      case 'number':
        return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true });
      case 'boolean':
        return fc.boolean();
      case 'array': {
        const minLength = s.minItems ?? 0;
        const maxLength = Math.max(minLength, Math.min(s.maxItems ?? VALID_ITEMS_CAP, VALID_ITEMS_CAP));
        return fc.array(validValue(s.items ?? {}, schemas), { minLength, maxLength });
      }
      case 'object':
        if (!s.properties)
          return fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
        return fc.record(
          Object.fromEntries(
            Object.entries(s.properties).map(([name, property]) => [name, validValue(property, schemas)]),
          ),
          { requiredKeys: s.required ?? [] },
        );
      default:
        return validString(s);
    }
  })();
  return s.nullable ? fc.option(value, { nil: null, freq: 8 }) : value;
}

/** A value of another JSON type than the schema's. */
function wrongType(schema: OpenApiSchema, schemas: Schemas): fc.Arbitrary<unknown> {
  const type = resolve(schema, schemas).type ?? 'string';
  const others: Record<string, fc.Arbitrary<unknown>> = {
    string: fc.string({ maxLength: 5 }),
    integer: fc.integer(),
    number: fc.double(),
    boolean: fc.boolean(),
    array: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
    object: fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  };
  const pool = Object.entries(others).filter(([name]) => name !== type && !(type === 'integer' && name === 'number'));
  return fc.oneof(...pool.map(([, arbitrary]) => arbitrary));
}

type Mutation = (body: Record<string, unknown>) => fc.Arbitrary<unknown>;

/**
 * A valid body spoiled once: a property of the wrong type, a required one missing, an unknown one
 * added, a huge string, a null; or no object at all.
 */
export function mutatedBody(schema: OpenApiSchema, schemas: Schemas): fc.Arbitrary<unknown> {
  const s = resolve(schema, schemas);
  const properties = Object.entries(s.properties ?? {});
  const names = properties.map(([name]) => name);
  const pick = <T>(items: T[]) => fc.constantFrom(...items);
  const mutations: Mutation[] = [
    (body) => fc.constantFrom<unknown>(null, [], [body], 'body', 42, true),
    (body) =>
      fc
        .tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }))
        .map(([key, value]) => ({ ...body, [`x${key}`]: value })),
    (body) =>
      fc.constantFrom('__proto__', 'constructor').map((key) =>
        JSON.parse(
          JSON.stringify({ ...body })
            .replace(/^\{/, `{"${key}":{"polluted":true},`)
            .replace(/,\}$/, '}'),
        ),
      ),
  ];
  if (properties.length > 0) {
    mutations.push(
      (body) =>
        pick(properties).chain(([name, property]) =>
          wrongType(property, schemas).map((value) => ({ ...body, [name]: value })),
        ),
      (body) => pick(names).map((name) => ({ ...body, [name]: null })),
      (body) =>
        fc
          .tuple(pick(names), fc.integer({ min: 10_000, max: 200_000 }))
          .map(([name, size]) => ({ ...body, [name]: 'x'.repeat(size) })),
      (body) =>
        fc
          .tuple(pick(names), fc.constantFrom('\u0000', '\u202e', '😀'.repeat(500), ' ', ''))
          .map(([name, text]) => ({ ...body, [name]: text })),
    );
  }
  if ((s.required ?? []).length > 0) {
    mutations.push((body) =>
      pick(s.required as string[]).map((name) =>
        Object.fromEntries(Object.entries(body).filter(([key]) => key !== name)),
      ),
    );
  }
  return validValue(s, schemas).chain((body) => {
    const object = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
    return fc.oneof(...mutations.map((mutation) => mutation(object)));
  });
}

export interface JsonBodyOperation {
  method: 'post' | 'put' | 'patch';
  path: string;
  operationId: string;
  schema: OpenApiSchema;
}

/** Every POST/PUT/PATCH of the document with a JSON body (multipart uploads have their own tests). */
export function jsonBodyOperations(document: OpenApiDocumentLike): JsonBodyOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    (['post', 'put', 'patch'] as const).flatMap((method) => {
      const schema = item[method]?.requestBody?.content?.['application/json']?.schema;
      return schema ? [{ method, path, operationId: item[method]?.operationId ?? `${method} ${path}`, schema }] : [];
    }),
  );
}

export interface BodyPropertyOptions {
  /** The service's OpenAPI document (an OpenAPIObject of @nestjs/swagger, or its JSON). */
  document: object;
  /** Headers of every request (a token of a caller allowed everywhere). */
  headers: Record<string, string>;
  /** Values of path parameters; any not given gets a fresh UUID per request. */
  params?: Record<string, string>;
  /** Bodies per operation, valid and mutated each (default 15). */
  runs?: number;
}

export interface BodyPropertyResult {
  operations: string[];
  /** Answers by operation and status, e.g. `{ submissionsCreate: { 201: 4, 400: 26 } }`. */
  statuses: Record<string, Record<number, number>>;
}

/**
 * Issue 8's property: for every POST/PUT/PATCH of the document, bodies generated from its schema,
 * valid and mutated (wrong types, missing required, extra fields, huge strings, nulls, not an object),
 * sent to the running service never get a 5xx, and every 4xx is application/problem+json with a code.
 */
export async function assertBodiesNeverFail(
  app: INestApplication,
  options: BodyPropertyOptions,
): Promise<BodyPropertyResult> {
  const document = options.document as OpenApiDocumentLike;
  const schemas = document.components?.schemas ?? {};
  const result: BodyPropertyResult = { operations: [], statuses: {} };
  for (const operation of jsonBodyOperations(document)) {
    result.operations.push(operation.operationId);
    const tally: Record<number, number> = (result.statuses[operation.operationId] = {});
    const bodies = fc.oneof(validValue(operation.schema, schemas), mutatedBody(operation.schema, schemas));
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const path = operation.path.replace(
          /\{([^}]+)\}/g,
          (_, name: string) => options.params?.[name] ?? randomUUID(),
        );
        const response = await request(app.getHttpServer())
          [operation.method](path)
          .set(options.headers)
          .set('content-type', 'application/json')
          .send(JSON.stringify(body));
        tally[response.status] = (tally[response.status] ?? 0) + 1;
        const problem = response.status >= 400 ? (JSON.parse(response.text || '{}') as { code?: unknown }) : {};
        const outcome = {
          operation: `${operation.method.toUpperCase()} ${operation.path}`,
          serverError: response.status >= 500 ? response.text.slice(0, 500) : false,
          problemJson:
            response.status >= 400 ? /application\/problem\+json/.test(String(response.headers['content-type'])) : true,
          hasCode: response.status >= 400 ? typeof problem.code === 'string' : true,
        };
        if (outcome.serverError !== false || !outcome.problemJson || !outcome.hasCode) {
          throw new Error(`${JSON.stringify(outcome)} status ${response.status}`);
        }
      }),
      { numRuns: 2 * (options.runs ?? 15), endOnFailure: false },
    );
  }
  return result;
}
