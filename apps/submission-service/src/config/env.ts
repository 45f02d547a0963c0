import { loadEnv, serviceEnvSchema, type EnvOf } from '@atp/platform-config';

/** Everything submission-service reads from its environment; validated once at start-up. */
export const submission_serviceEnvSchema = {
  ...serviceEnvSchema,
} as const;

export type AppEnv = EnvOf<typeof submission_serviceEnvSchema>;

export function loadAppEnv(source: Readonly<Record<string, string | undefined>> = process.env): AppEnv {
  return loadEnv(submission_serviceEnvSchema, source);
}
