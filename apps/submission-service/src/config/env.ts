import { integrityEnvSchema } from '@atp/platform-integrity';
import { loadEnv, serviceEnvSchema, type EnvOf } from '@atp/platform-config';
import { authEnvSchema } from '@atp/platform-auth';
import { blobStoreEnvSchema } from '@atp/platform-blob-store';

const MIB = 1024 * 1024;

/** Everything submission-service reads from its environment; validated once at start-up. */
export const submission_serviceEnvSchema = {
  ...serviceEnvSchema,
  ...authEnvSchema,
  ...integrityEnvSchema,
  ...blobStoreEnvSchema,
  BULK_MAX_ZIP_BYTES: { kind: 'int', min: 1, default: 500 * MIB, description: 'a bulk registration zip' },
  BULK_MAX_ZIP_ENTRIES: { kind: 'int', min: 1, max: 100000, default: 2000 },
  BULK_MAX_INFLATED_BYTES: {
    kind: 'int',
    min: 1,
    default: 2048 * MIB,
    description: 'sum of the inflated sizes of a bulk zip',
  },
  BULK_MAX_MANIFEST_BYTES: { kind: 'int', min: 1, default: 10 * MIB, description: 'a bulk manifest (CSV or XLSX)' },
  UPLOAD_SWEEP_INTERVAL_MS: {
    kind: 'int',
    min: 0,
    max: 86_400_000,
    default: 600_000,
    description: 'abandoned-upload sweeper period; 0 disables it (tests call it)',
  },
  UPLOAD_ABANDONED_AFTER_MS: {
    kind: 'int',
    min: 1000,
    max: 604_800_000,
    default: 3_600_000,
    description: 'grace period of an upload (or a bulk job) before the sweeper deletes its blob (or fails the job)',
  },
} as const;

export type AppEnv = EnvOf<typeof submission_serviceEnvSchema>;

export function loadAppEnv(source: Readonly<Record<string, string | undefined>> = process.env): AppEnv {
  return loadEnv(submission_serviceEnvSchema, source);
}
