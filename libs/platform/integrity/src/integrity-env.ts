import type { EnvSchema } from '@atp/platform-config';

/** The orphan audit's schedule; every service spreads this into its environment schema. */
export const integrityEnvSchema = {
  INTEGRITY_AUDIT_INTERVAL_MS: {
    kind: 'int', min: 0, max: 86_400_000, default: 60_000,
    description: 'period of the orphan audit of every workspace; 0 disables the schedule (the endpoint still runs it)',
  },
} as const satisfies EnvSchema;
