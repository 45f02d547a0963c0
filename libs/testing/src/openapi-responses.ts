import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { repoRoot } from './stack';

/**
 * The committed public OpenAPI document (docs/openapi.json) as a check of every answer a test receives (the
 * e2e api client checks each one; an int test can call it on the answers it reads): a JSON 2xx must match its
 * operation's response schema. Objects are closed: a field the schema does not name is a mismatch too, so the
 * document describes the whole answer, not just some of it.
 */
type Schema = Record<string, unknown>;

interface Operation {
  id: string;
  method: string;
  template: string;
  pattern: RegExp;
  /** Literal segments: the more, the more specific (`/punchlists/open-items` before `/punchlists/{id}`). */
  literals: number;
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

const docs = path.join(repoRoot, 'docs');
const readDocument = (file: string) => JSON.parse(readFileSync(path.join(docs, file), 'utf8')) as Schema;
const REF_PREFIX = '#/components/schemas/';
const ROOT_ID = 'openapi-components';

/** OpenAPI 3.0 schema → JSON Schema for ajv: `nullable`, component refs, closed objects. */
function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const { nullable, ...rest } = schema as Schema;
  const converted: Schema = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key === 'example') continue;
    if (key === '$ref' && typeof value === 'string' && value.startsWith(REF_PREFIX)) {
      converted.$ref = `${ROOT_ID}#/definitions/${value.slice(REF_PREFIX.length)}`;
    } else if (key === 'properties') {
      converted.properties = Object.fromEntries(
        Object.entries(value as Schema).map(([name, sub]) => [name, toJsonSchema(sub)]),
      );
    } else {
      converted[key] = toJsonSchema(value);
    }
  }
  if (converted.properties && converted.additionalProperties === undefined) converted.additionalProperties = false;
  return nullable === true ? { anyOf: [{ type: 'null' }, converted] } : converted;
}

function operationsOf(document: Schema): Operation[] {
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(document.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, operation] of Object.entries(item)) {
      const segments = template.split('/').filter(Boolean);
      const source = segments
        .map((s) => (/^\{.+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      operations.push({
        id: String(operation.operationId),
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^/${source}/?$`),
        literals: segments.filter((s) => !s.startsWith('{')).length,
        responses: operation.responses as Operation['responses'],
      });
    }
  }
  return operations;
}

class ResponseContract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly operations: Operation[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor() {
    addFormats(this.ajv);
    const document = readDocument('openapi.json');
    const schemas = (document.components as { schemas?: Schema } | undefined)?.schemas ?? {};
    const definitions = Object.fromEntries(
      Object.entries(schemas).map(([name, schema]) => [name, toJsonSchema(schema)]),
    );
    this.ajv.addSchema({ $id: ROOT_ID, definitions });
    this.operations = operationsOf(document).sort((a, b) => b.literals - a.literals);
  }

  /** Why this answer breaks the document, or null when it keeps it (or is not a JSON 2xx of the API). */
  mismatch(method: string, pathname: string, status: number, contentType: string, body: unknown): string | null {
    if (status < 200 || status > 299 || !pathname.startsWith('/api/v1/')) return null;
    const operation = this.operations.find((o) => o.method === method && o.pattern.test(pathname));
    if (!operation) return `${method} ${pathname} answered ${status} but no operation of docs/openapi.json serves it`;
    const where = `${operation.id} (${method} ${operation.template}) answered ${status}`;
    const response = operation.responses[String(status)];
    if (!response)
      return `${where}: the document declares no ${status} (only ${Object.keys(operation.responses).join(', ')})`;
    const media = Object.entries(response.content ?? {});
    if (status === 204 || media.length === 0) return null;
    const json = media.find(([type]) => /json/.test(type));
    if (!json) return null; // a declared download: bytes, nothing to validate
    if (!/json/.test(contentType))
      return `${where} with ${contentType || 'no content type'}, the document says ${json[0]}`;
    const validate = this.validatorOf(`${operation.id} ${status}`, json[1].schema ?? {});
    // ATP_E2E_OPENAPI_LOG=<file>: one line per validated answer, to see which operations the journeys cover.
    if (process.env.ATP_E2E_OPENAPI_LOG) appendFileSync(process.env.ATP_E2E_OPENAPI_LOG, `${operation.id} ${status}\n`);
    return validate(body) ? null : `${where} a body its schema refuses: ${describe(validate.errors)}`;
  }

  private validatorOf(key: string, schema: Schema): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema) as Schema);
      this.validators.set(key, validate);
    }
    return validate;
  }
}

function describe(errors: ErrorObject[] | null | undefined): string {
  const shown = (errors ?? []).slice(0, 8).map((e) => {
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
        : '';
    return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${extra}`;
  });
  return shown.join('; ');
}

let contract: ResponseContract | undefined;

/**
 * Throws, naming the operation and the refused paths of the body, when a 2xx answer to `method path` breaks
 * docs/openapi.json.
 */
export function assertAnswerKeepsContract(
  method: string,
  path: string,
  status: number,
  contentType: string,
  body: unknown,
): void {
  contract ??= new ResponseContract();
  const problem = contract.mismatch(method.toUpperCase(), path.split('?')[0], status, contentType, body);
  if (problem) throw new Error(`OpenAPI response contract: ${problem}`);
}
