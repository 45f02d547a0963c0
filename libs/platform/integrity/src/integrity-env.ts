import type { EnvSchema } from '@atp/platform-config';

/** The orphan audit's schedule; every service spreads this into its environment schema. */
export const integrityEnvSchema = {
  INTEGRITY_AUDIT_INTERVAL_MS: {
    // Off unless a deployment sets it (npm start: every minute; k8s: atp.env), so a service booted by a test
    // never audits behind the test's back.
    kind: 'int',
    min: 0,
    max: 86_400_000,
    default: 0,
    description: 'period of the orphan audit of every workspace; 0 disables the schedule (the endpoint still runs it)',
  },
} as const satisfies EnvSchema;
