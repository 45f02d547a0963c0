/**
 * Environment validation. Each app declares the variables it reads as a schema; `loadEnv` checks
 * them all at boot and throws one error naming every bad or missing variable, so a misconfigured
 * pod stops at once with a message instead of failing on first use.
 */
export type EnvVarSpec =
  | { kind: 'string'; default?: string; minLength?: number; description?: string }
  | { kind: 'url'; protocols: readonly string[]; default?: string; description?: string }
  | { kind: 'port'; default?: number; description?: string }
  | { kind: 'int'; min?: number; max?: number; default?: number; description?: string }
  | { kind: 'bool'; default?: boolean; description?: string }
  | { kind: 'enum'; values: readonly string[]; default?: string; description?: string }
  | { kind: 'list'; default?: readonly string[]; description?: string };

export type EnvSchema = Record<string, EnvVarSpec>;

type ValueOf<S extends EnvVarSpec> = S extends { kind: 'port' | 'int' }
  ? number
  : S extends { kind: 'bool' }
    ? boolean
    : S extends { kind: 'list' }
      ? string[]
      : string;

export type EnvOf<T extends EnvSchema> = { readonly [K in keyof T]: ValueOf<T[K]> };

export class EnvValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid environment:\n  - ${problems.join('\n  - ')}`);
    this.name = 'EnvValidationError';
  }
}

type Parsed = { value: unknown } | { problem: string };

function parseInteger(raw: string, min: number, max: number): Parsed {
  if (!/^-?\d+$/.test(raw)) return { problem: `must be an integer, got "${raw}"` };
  const value = Number(raw);
  if (value < min || value > max) return { problem: `must be between ${min} and ${max}, got ${value}` };
  return { value };
}

function parseValue(spec: EnvVarSpec, raw: string): Parsed {
  switch (spec.kind) {
    case 'string':
      return raw.length < (spec.minLength ?? 1)
        ? { problem: `must have at least ${spec.minLength ?? 1} characters` }
        : { value: raw };
    case 'url': {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return { problem: 'must be a URL' };
      }
      const protocol = url.protocol.replace(/:$/, '');
      return spec.protocols.includes(protocol)
        ? { value: raw }
        : { problem: `must use one of the protocols ${spec.protocols.join(', ')}, got ${protocol}` };
    }
    case 'port':
      return parseInteger(raw, 0, 65535); // 0 = any free port (tests)
    case 'int':
      return parseInteger(raw, spec.min ?? Number.MIN_SAFE_INTEGER, spec.max ?? Number.MAX_SAFE_INTEGER);
    case 'bool':
      if (['true', '1', 'yes'].includes(raw.toLowerCase())) return { value: true };
      if (['false', '0', 'no'].includes(raw.toLowerCase())) return { value: false };
      return { problem: `must be true or false, got "${raw}"` };
    case 'enum':
      return spec.values.includes(raw)
        ? { value: raw }
        : { problem: `must be one of ${spec.values.join(', ')}, got "${raw}"` };
    case 'list': {
      const items = raw
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
      return items.length > 0 ? { value: items } : { problem: 'must list at least one comma-separated value' };
    }
  }
}

export function loadEnv<T extends EnvSchema>(
  schema: T,
  source: Readonly<Record<string, string | undefined>>,
): EnvOf<T> {
  const problems: string[] = [];
  const result: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema)) {
    const raw = source[name];
    if (raw === undefined || raw === '') {
      if (spec.default === undefined)
        problems.push(`${name} is required${spec.description ? ` (${spec.description})` : ''}`);
      else result[name] = spec.default;
      continue;
    }
    const parsed = parseValue(spec, raw.trim());
    if ('problem' in parsed) problems.push(`${name} ${parsed.problem}`);
    else result[name] = parsed.value;
  }
  if (problems.length > 0) throw new EnvValidationError(problems);
  return result as EnvOf<T>;
}
