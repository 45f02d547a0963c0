import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

/** Repository root, for scripts the tests drive (the Kafka restart, child processes). */
export const repoRoot = path.resolve(__dirname, '../../..');

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run the tests with \`npm test\`, which starts the stack and sets it`);
  return value;
}

/** The real PostgreSQL and Kafka the suite runs against (started by scripts/test.mjs). */
export function testStack(): { kafkaBrokers: string[]; pgAdminUrl: string } {
  return {
    kafkaBrokers: required('KAFKA_BROKERS')
      .split(',')
      .map((b) => b.trim()),
    pgAdminUrl: required('ATP_PG_ADMIN_URL'),
  };
}

/**
 * A superuser connection to the database of `databaseUrl` (row-level security does not filter it): for
 * tests that count or inspect every tenant's rows. The caller ends it.
 */
export async function superuserClient(databaseUrl: string): Promise<Client> {
  const url = new URL(testStack().pgAdminUrl);
  url.pathname = new URL(databaseUrl).pathname;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  return client;
}

export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database for one test file, dropped when it ends (owned by the stack's superuser). */
export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const { pgAdminUrl } = testStack();
  const name = `${prefix}_${uniqueSuffix()}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = new Client({ connectionString: pgAdminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  const db = new Client({ connectionString: url.toString() });
  await db.connect();
  await db.query('CREATE EXTENSION IF NOT EXISTS pgcrypto');
  await db.end();
  return {
    name,
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: pgAdminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Restarts the local Kafka broker and waits until it serves again. */
export async function restartKafkaBroker(): Promise<void> {
  await promisify(execFile)(process.execPath, ['scripts/kafka-control.mjs', 'restart'], {
    cwd: repoRoot,
    env: process.env,
    timeout: 180000,
  });
}

/** Env values that satisfy a service's schema for reading its module metadata (nothing connects). */
export const STATIC_SERVICE_ENV = {
  SERVICE_NAME: 'access-declarations',
  PORT: '0',
  DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
  KAFKA_BROKERS: '127.0.0.1:1',
  AUTH_ISSUER: 'https://issuer.invalid',
  AUTH_JWKS_FILE: '/nonexistent/jwks.json',
};
