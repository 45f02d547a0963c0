import { integrityEnvSchema } from '@atp/platform-integrity';
import { EnvValidationError, loadEnv, serviceEnvSchema, type EnvOf } from '@atp/platform-config';
import { authEnvSchema } from '@atp/platform-auth';
import { blobStoreEnvSchema } from '@atp/platform-blob-store';

/** Everything punchlist-service reads from its environment; validated once at start-up. */
export const punchlist_serviceEnvSchema = {
  ...serviceEnvSchema,
  ...authEnvSchema,
  ...integrityEnvSchema,
  ...blobStoreEnvSchema,
  PUNCHLIST_REMINDER_AFTER_DAYS: {
    kind: 'int',
    min: 1,
    max: 3650,
    default: 30,
    description: 'days without progress before a reminder',
  },
  PUNCHLIST_STALLED_AFTER_DAYS: {
    kind: 'int',
    min: 1,
    max: 3650,
    default: 60,
    description: 'days without progress before STALLED',
  },
  PUNCHLIST_STALL_SWEEP_INTERVAL_MS: {
    kind: 'int',
    min: 0,
    max: 86_400_000,
    default: 3_600_000,
    description: 'stall sweeper period; 0 disables it (tests call it)',
  },
} as const;

export type AppEnv = EnvOf<typeof punchlist_serviceEnvSchema>;

export function loadAppEnv(source: Readonly<Record<string, string | undefined>> = process.env): AppEnv {
  const env = loadEnv(punchlist_serviceEnvSchema, source);
  if (env.PUNCHLIST_STALLED_AFTER_DAYS <= env.PUNCHLIST_REMINDER_AFTER_DAYS) {
    throw new EnvValidationError(['PUNCHLIST_STALLED_AFTER_DAYS must be greater than PUNCHLIST_REMINDER_AFTER_DAYS']);
  }
  return env;
}
