import { loadEnv, serviceEnvSchema, type EnvOf } from '@atp/platform-config';

/** Everything punchlist-service reads from its environment; validated once at start-up. */
export const punchlist_serviceEnvSchema = {
  ...serviceEnvSchema,
} as const;

export type AppEnv = EnvOf<typeof punchlist_serviceEnvSchema>;

export function loadAppEnv(source: Readonly<Record<string, string | undefined>> = process.env): AppEnv {
  return loadEnv(punchlist_serviceEnvSchema, source);
}
