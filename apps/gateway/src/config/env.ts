import { authEnvSchema } from '@atp/platform-auth';
import { loadEnv, serviceEnvSchema, type EnvOf } from '@atp/platform-config';

const serviceUrl = (description: string) => ({ kind: 'url', protocols: ['http', 'https'], description }) as const;
const MB = 1024 * 1024;

/** Everything the gateway reads from its environment; validated once at start-up. */
export const gatewayEnvSchema = {
  ...serviceEnvSchema,
  ...authEnvSchema,
  CONFIG_SERVICE_URL: serviceUrl('base URL of config-service'),
  WORKFLOW_SERVICE_URL: serviceUrl('base URL of workflow-service'),
  SUBMISSION_SERVICE_URL: serviceUrl('base URL of submission-service'),
  PUNCHLIST_SERVICE_URL: serviceUrl('base URL of punchlist-service'),
  UPSTREAM_TIMEOUT_MS: {
    kind: 'int',
    min: 100,
    max: 300000,
    default: 30000,
    description: 'idle time allowed on an upstream socket',
  },
  // Body limits per route class (contract "Limits"); the services check again with their own limits.
  BODY_LIMIT_JSON_BYTES: { kind: 'int', min: 1024, max: 100 * MB, default: 1 * MB, description: 'a JSON body' },
  BODY_LIMIT_DECISION_BYTES: {
    kind: 'int',
    min: 1024,
    max: 100 * MB,
    default: 2 * MB,
    description: 'a stage decision (up to 200 items)',
  },
  BODY_LIMIT_DOCUMENT_BYTES: {
    kind: 'int',
    min: 1024,
    max: 1024 * MB,
    default: 50 * MB,
    description: 'a document or evidence file',
  },
  BODY_LIMIT_SPREADSHEET_BYTES: {
    kind: 'int',
    min: 1024,
    max: 1024 * MB,
    default: 10 * MB,
    description: 'a configuration or site spreadsheet',
  },
  BODY_LIMIT_BULK_BYTES: {
    kind: 'int',
    min: 1024,
    max: 4096 * MB,
    default: 500 * MB,
    description: 'a bulk registration (manifest + zip)',
  },
  REQUEST_TIMEOUT_MS: {
    kind: 'int',
    min: 100,
    max: 600000,
    default: 30000,
    description: 'total time of a JSON request',
  },
  UPLOAD_TIMEOUT_MS: { kind: 'int', min: 100, max: 3600000, default: 600000, description: 'total time of an upload' },
  RATE_LIMIT_WINDOW_MS: { kind: 'int', min: 100, max: 3600000, default: 60000 },
  RATE_LIMIT_PER_USER: {
    kind: 'int',
    min: 1,
    max: 10000000,
    default: 600,
    description: 'requests per user per window',
  },
  RATE_LIMIT_PER_WORKSPACE: {
    kind: 'int',
    min: 1,
    max: 10000000,
    default: 3000,
    description: 'requests per workspace per window',
  },
  CORS_ORIGINS: {
    kind: 'list',
    default: [],
    description: 'origins allowed to call the API from a browser (none by default)',
  },
  API_DOCS_ENABLED: {
    kind: 'bool',
    default: true,
    description: 'serve /docs and /docs/openapi.json (turn off in production)',
  },
} as const;

export type AppEnv = EnvOf<typeof gatewayEnvSchema>;

export function loadAppEnv(source: Readonly<Record<string, string | undefined>> = process.env): AppEnv {
  return loadEnv(gatewayEnvSchema, source);
}
