/** Switching the whole local cluster between its local commit setting and durable commits. */
import { Client } from 'pg';

/**
 * `ALTER SYSTEM` + reload: every session of every database (the running services' included) commits
 * durably from its next transaction on, unless its database or session sets otherwise. Undone by
 * `durable = false` (the local stack's `synchronous_commit = off` from atp-local.conf applies again).
 */
export async function setClusterDurable(adminUrl: string, durable: boolean): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(durable ? `ALTER SYSTEM SET synchronous_commit = on` : `ALTER SYSTEM RESET synchronous_commit`);
    await client.query(`SELECT pg_reload_conf()`);
  } finally {
    await client.end();
  }
}
