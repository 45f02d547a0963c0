import { loadEnv, serviceEnvSchema, type EnvOf } from '@atp/platform-config';

const serviceUrl = (description: string) => ({ kind: 'url', protocols: ['http', 'https'], description }) as const;

/** Everything the gateway reads from its environment; validated once at start-up. */
export const gatewayEnvSchema = {
  ...serviceEnvSchema,
  CONFIG_SERVICE_URL: serviceUrl('base URL of config-service'),
  WORKFLOW_SERVICE_URL: serviceUrl('base URL of workflow-service'),
  SUBMISSION_SERVICE_URL: serviceUrl('base URL of submission-service'),
  PUNCHLIST_SERVICE_URL: serviceUrl('base URL of punchlist-service'),
  UPSTREAM_TIMEOUT_MS: { kind: 'int', min: 100, max: 300000, default: 30000 },
} as const;

export type AppEnv = EnvOf<typeof gatewayEnvSchema>;

export function loadAppEnv(source: Readonly<Record<string, string | undefined>> = process.env): AppEnv {
  return loadEnv(gatewayEnvSchema, source);
}
