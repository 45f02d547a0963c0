import { integrityEnvSchema } from '@atp/platform-integrity';
import { authEnvSchema } from '@atp/platform-auth';
import { EnvValidationError, loadEnv, serviceEnvSchema, type EnvOf } from '@atp/platform-config';

/** Everything workflow-service reads from its environment; validated once at start-up. */
export const workflow_serviceEnvSchema = {
  ...serviceEnvSchema,
  ...authEnvSchema,
  ...integrityEnvSchema,
  SLA_SWEEP_INTERVAL_MS: {
    kind: 'int',
    min: 0,
    max: 3_600_000,
    default: 60_000,
    description: 'SLA sweeper period; 0 disables it (tests call it)',
  },
  CLOCK_OFFSET_FILE: {
    kind: 'string',
    default: '',
    description: 'tests only (NODE_ENV=test): a JSON file {"offsetMs": N} that shifts the service clock',
  },
} as const;

export type AppEnv = EnvOf<typeof workflow_serviceEnvSchema>;

export function loadAppEnv(source: Readonly<Record<string, string | undefined>> = process.env): AppEnv {
  const env = loadEnv(workflow_serviceEnvSchema, source);
  if (env.CLOCK_OFFSET_FILE && env.NODE_ENV !== 'test') {
    // A clock anyone can move would let a file on the host forge SLA breaches in production.
    throw new EnvValidationError(['CLOCK_OFFSET_FILE is only accepted with NODE_ENV=test']);
  }
  return env;
}
