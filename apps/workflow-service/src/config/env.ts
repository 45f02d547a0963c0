import { authEnvSchema } from '@atp/platform-auth';
import { loadEnv, serviceEnvSchema, type EnvOf } from '@atp/platform-config';

/** Everything workflow-service reads from its environment; validated once at start-up. */
export const workflow_serviceEnvSchema = {
  ...serviceEnvSchema,
  ...authEnvSchema,
  SLA_SWEEP_INTERVAL_MS: { kind: 'int', min: 0, max: 3_600_000, default: 60_000, description: 'SLA sweeper period; 0 disables it (tests call it)' },
} as const;

export type AppEnv = EnvOf<typeof workflow_serviceEnvSchema>;

export function loadAppEnv(source: Readonly<Record<string, string | undefined>> = process.env): AppEnv {
  return loadEnv(workflow_serviceEnvSchema, source);
}
