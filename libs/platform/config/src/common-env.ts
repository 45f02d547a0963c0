import type { EnvSchema } from './env-schema';
import { kafkaSecurityEnvSchema } from './kafka-security-env';

/** Variables every service reads; each app spreads this into its own schema. */
export const serviceEnvSchema = {
  NODE_ENV: { kind: 'enum', values: ['development', 'test', 'production'], default: 'development' },
  SERVICE_NAME: { kind: 'string', description: 'name used in logs, metrics and Kafka client ids' },
  PORT: { kind: 'port', description: 'HTTP port' },
  LOG_LEVEL: { kind: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
  DATABASE_URL: { kind: 'url', protocols: ['postgres', 'postgresql'], description: 'the service role connection' },
  DATABASE_POOL_SIZE: { kind: 'int', min: 1, max: 200, default: 10 },
  KAFKA_BROKERS: { kind: 'list', description: 'comma-separated host:port list' },
  KAFKA_CLIENT_ID: { kind: 'string', default: 'atp' },
  ...kafkaSecurityEnvSchema,
  OUTBOX_POLL_INTERVAL_MS: { kind: 'int', min: 50, max: 60000, default: 1000 },
  SHUTDOWN_GRACE_MS: { kind: 'int', min: 0, max: 120000, default: 10000 },
} as const satisfies EnvSchema;

/** Only the migration runner reads the owner's connection. */
export const migrationEnvSchema = {
  DATABASE_MIGRATION_URL: {
    kind: 'url',
    protocols: ['postgres', 'postgresql'],
    description: 'the owner role connection used for migrations',
  },
  DATABASE_URL: {
    kind: 'url',
    protocols: ['postgres', 'postgresql'],
    description: 'the service role connection, granted DML by migrations',
  },
} as const satisfies EnvSchema;
