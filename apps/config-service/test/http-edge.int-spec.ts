import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { describeHttpEdge } from '@atp/testing';
import { startApp } from './support';

const WORKSPACE = '5b0e5c9e-1d4f-4a57-9d42-6f0b7c1a2e30';
const TABLES = ['outbox', 'users', 'workspaces', 'workspace_members', 'sites', 'config_versions', 'idempotency_keys'];

async function countWrites(app: INestApplication): Promise<number> {
  const rows = (await app.get(DataSource).query(`SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t})`).join(' + ')} AS n`)) as Array<{ n: string }>;
  return Number(rows[0].n);
}

describeHttpEdge('config-service', {
  boot: startApp,
  countWrites,
  routes: [
    { method: 'post', path: '/api/v1/users' },
    { method: 'post', path: `/api/v1/workspaces/${WORKSPACE}/routing/dry-run` },
    { method: 'put', path: `/api/v1/workspaces/${WORKSPACE}/sites` },
  ],
});
