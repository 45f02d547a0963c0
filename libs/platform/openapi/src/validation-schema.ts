import type { Type } from '@nestjs/common';
import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

// class-transformer exports its metadata (the element class of `@Type(() => X)`) without typings at runtime path.
const { defaultMetadataStorage } =
  require('class-transformer/cjs/storage') as typeof import('class-transformer/types/storage');

type Schema = Record<string, unknown>;
/** Where @nestjs/swagger lists a class's documented properties (its DECORATORS constant, not exported). */
const API_MODEL_PROPERTIES_ARRAY = 'swagger/apiModelPropertiesArray';
type Rule = (schema: Schema, constraints: unknown[]) => void;

/**
 * What each class-validator rule means as JSON Schema. A DTO's validators are the one source of its
 * schema, so the document cannot promise what the validation refuses; a rule missing here stops the
 * document build, so a new validator cannot slip through undocumented.
 */
const RULES: Readonly<Record<string, Rule>> = {
  isString: (s) => void (s.type = 'string'),
  isBoolean: (s) => void (s.type = 'boolean'),
  isInt: (s) => void (s.type = 'integer'),
  isObject: (s) => void (s.type = 'object'),
  isArray: (s) => void (s.type = 'array'),
  isEmail: (s) => Object.assign(s, { type: 'string', format: 'email' }),
  isCalendarDate: (s) => Object.assign(s, { type: 'string', format: 'date' }),
  isIso8601: (s) => Object.assign(s, { type: 'string', format: 'date-time' }),
  isISO8601: (s) => Object.assign(s, { type: 'string', format: 'date-time' }),
  isIn: (s, [values]) => Object.assign(s, { type: s.type ?? 'string', enum: [...(values as unknown[])] }),
  maxLength: (s, [max]) => Object.assign(s, { type: 'string', maxLength: max }),
  minLength: (s, [min]) => Object.assign(s, { type: 'string', minLength: min }),
  isLength: (s, [min, max]) =>
    Object.assign(s, { type: 'string', minLength: min, ...(max === undefined ? {} : { maxLength: max }) }),
  matches: (s, [pattern]) =>
    Object.assign(s, { type: 'string', pattern: (pattern as RegExp).source ?? String(pattern) }),
  min: (s, [min]) => void (s.minimum = min),
  max: (s, [max]) => void (s.maximum = max),
  arrayMinSize: (s, [min]) => Object.assign(s, { type: 'array', minItems: min }),
  arrayMaxSize: (s, [max]) => Object.assign(s, { type: 'array', maxItems: max }),
};

const documented = new WeakSet<object>();

/**
 * Decorates a validated DTO class (and the classes it nests) with the `@ApiProperty` metadata its
 * class-validator rules imply. Properties that already carry `@ApiProperty` keep it.
 */
export function documentValidatedClass(dto: Type<unknown>): void {
  if (documented.has(dto)) return;
  documented.add(dto);
  // The base class first (e.g. PageQueryDto under a list's filters): its properties then live on the base
  // and come first in every subclass, whichever class a document happens to meet first.
  const base = Object.getPrototypeOf(dto) as Type<unknown> | null;
  if (typeof base === 'function' && base !== Function.prototype) documentValidatedClass(base);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const rule of getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false)) {
    byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
  }
  const existing = new Set(
    ((Reflect.getMetadata(API_MODEL_PROPERTIES_ARRAY, dto.prototype) as string[] | undefined) ?? []).map((key) =>
      key.replace(/^:/, ''),
    ),
  );
  for (const [property, rules] of byProperty) {
    if (existing.has(property)) continue;
    ApiProperty(propertyOptions(dto, property, rules))(dto.prototype as object, property);
  }
}

function propertyOptions(dto: Type<unknown>, property: string, rules: ValidationMetadata[]): ApiPropertyOptions {
  const schema: Schema = {};
  let optional = false;
  let nullable = false;
  let nested: Type<unknown> | undefined;
  let each = false;
  for (const rule of rules) {
    if (rule.type === 'conditionalValidation' && rule.name === 'isOptional') optional = nullable = true;
    // Our ValidateIf rules mean "absent is allowed, null is not" (e.g. PatchPolicyStageDto).
    else if (rule.type === 'conditionalValidation') optional = true;
    else if (rule.type === 'nestedValidation') {
      nested = nestedType(dto, property);
      each = each || rule.each === true;
    } else if (rule.type === 'customValidation' && rule.name) {
      const apply = RULES[rule.name];
      if (!apply) throw new Error(`${dto.name}.${property}: no OpenAPI mapping for the validator ${rule.name}`);
      apply(schema, (rule.constraints as unknown[] | undefined) ?? []);
    } else {
      throw new Error(`${dto.name}.${property}: no OpenAPI mapping for the validation ${rule.type}`);
    }
  }
  // A date written as YYYY-MM-DD (at most 10 characters) is a date, not a timestamp.
  if (schema.format === 'date-time' && typeof schema.maxLength === 'number' && schema.maxLength <= 10) {
    schema.format = 'date';
  }
  // An optional property skips validation for null as for undefined (class-validator's IsOptional).
  const common = { required: !optional, ...(nullable ? { nullable: true } : {}) };
  if (nested) {
    documentValidatedClass(nested);
    const { type: _type, ...arrayLimits } = schema;
    return { ...common, ...arrayLimits, type: () => nested, isArray: each } as ApiPropertyOptions;
  }
  if (schema.type === undefined) schema.type = 'string';
  return { ...common, ...schema } as ApiPropertyOptions;
}

function nestedType(dto: Type<unknown>, property: string): Type<unknown> {
  for (let target: unknown = dto; typeof target === 'function'; target = Object.getPrototypeOf(target)) {
    const meta = defaultMetadataStorage.findTypeMetadata(target as Type<unknown>, property);
    if (meta) return meta.typeFunction() as Type<unknown>;
  }
  throw new Error(`${dto.name}.${property}: a nested validation needs @Type(() => Class)`);
}
