import { loadEnv, serviceEnvSchema, type EnvOf } from '@atp/platform-config';

/** Everything gateway reads from its environment; validated once at start-up. */
export const gatewayEnvSchema = {
  ...serviceEnvSchema,
} as const;

export type AppEnv = EnvOf<typeof gatewayEnvSchema>;

export function loadAppEnv(source: Readonly<Record<string, string | undefined>> = process.env): AppEnv {
  return loadEnv(gatewayEnvSchema, source);
}
