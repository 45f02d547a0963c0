import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import type { K8sObject } from './render';

const SCHEMAS = path.resolve(__dirname, '../schemas');

/**
 * Validates objects against the vendored, strict JSON schemas (schemas/SOURCES.md): a field the API does
 * not know, a wrong type or a missing required field is an error, as the API server would answer.
 */
export class SchemaValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly cache = new Map<string, ValidateFunction>();

  private validatorFor(apiVersion: string, kind: string): ValidateFunction | null {
    const key = `${apiVersion}/${kind}`;
    if (!this.cache.has(key)) {
      const file = path.join(SCHEMAS, apiVersion.replace('/', '_'), `${kind}.json`);
      if (!existsSync(file)) return null;
      this.cache.set(key, this.ajv.compile(JSON.parse(readFileSync(file, 'utf8'))));
    }
    return this.cache.get(key) ?? null;
  }

  /** Problems of one object, as `Kind/name /path: message`; empty when valid. */
  problems(object: K8sObject): string[] {
    const id = `${object.kind}/${object.metadata?.name}`;
    const validate = this.validatorFor(object.apiVersion, object.kind);
    if (!validate) return [`${id}: no schema for ${object.apiVersion} ${object.kind} (vendor it: schemas/SOURCES.md)`];
    if (validate(object)) return [];
    return (validate.errors ?? []).map((e) => {
      const unknown = (e.params as { additionalProperty?: string }).additionalProperty;
      const extra = e.keyword === 'additionalProperties' ? ` "${unknown}"` : '';
      return `${id} ${e.instancePath || '/'}: ${e.message}${extra}`;
    });
  }
}
