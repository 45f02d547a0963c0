import { loadEnv, serviceEnvSchema, type EnvOf } from '@atp/platform-config';

/** Everything workflow-service reads from its environment; validated once at start-up. */
export const workflow_serviceEnvSchema = {
  ...serviceEnvSchema,
} as const;

export type AppEnv = EnvOf<typeof workflow_serviceEnvSchema>;

export function loadAppEnv(source: Readonly<Record<string, string | undefined>> = process.env): AppEnv {
  return loadEnv(workflow_serviceEnvSchema, source);
}
