import { integrityEnvSchema } from '@atp/platform-integrity';
import { authEnvSchema } from '@atp/platform-auth';
import { loadEnv, serviceEnvSchema, type EnvOf } from '@atp/platform-config';

/** Everything config-service reads from its environment; validated once at start-up. */
export const config_serviceEnvSchema = {
  ...serviceEnvSchema,
  ...authEnvSchema,
  ...integrityEnvSchema,
} as const;

export type AppEnv = EnvOf<typeof config_serviceEnvSchema>;

export function loadAppEnv(source: Readonly<Record<string, string | undefined>> = process.env): AppEnv {
  return loadEnv(config_serviceEnvSchema, source);
}
