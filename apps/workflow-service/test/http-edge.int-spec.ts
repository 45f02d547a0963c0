import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { runAcrossWorkspaces } from '@atp/platform-database';
import { configureHttp } from '@atp/platform-runtime';
import { bearer, bootAppForTest, describeHttpEdge, serviceTestEnv } from '@atp/testing';
import { AppModule } from '../src/app.module';
import { loadAppEnv } from '../src/config/env';

const WORKSPACE = '5b0e5c9e-1d4f-4a57-9d42-6f0b7c1a2e31';
const TABLES = [
  'outbox',
  'workflow_instances',
  'workflow_stages',
  'workflow_stage_actions',
  'approver_overrides',
  'idempotency_keys',
];
const decisions = `/api/v1/workspaces/${WORKSPACE}/workflows/wf-1/stages/st-1/decisions`;

const boot = () =>
  bootAppForTest(
    AppModule.forRoot(loadAppEnv(serviceTestEnv('workflow', 'workflow-service', { SLA_SWEEP_INTERVAL_MS: '0' }))),
    configureHttp,
  );

async function countWrites(app: INestApplication): Promise<number> {
  // Every workspace's rows: row-level security would show an unscoped count nothing, and the check could not fail.
  const count = () =>
    app.get(DataSource).query(`SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t})`).join(' + ')} AS n`);
  const rows = (await runAcrossWorkspaces('workflow-service test: rows written', count)) as Array<{ n: string }>;
  return Number(rows[0].n);
}

describeHttpEdge('workflow-service', {
  boot,
  countWrites,
  limitBytes: 2 * 1024 * 1024,
  routes: [
    { method: 'post', path: decisions },
    { method: 'post', path: `/api/v1/workspaces/${WORKSPACE}/overrides` },
    { method: 'post', path: `/api/v1/workspaces/${WORKSPACE}/workflows/wf-1/hold` },
  ],
});

describe('workflow-service decision body limit', () => {
  let app: INestApplication;
  jest.setTimeout(60_000);
  beforeAll(async () => (app = await boot()));
  afterAll(() => app?.close());

  it('lets the largest valid decision through the parser: 200 items of 2,000 four-byte characters and a 4,000-character comment', async () => {
    const wide = '\u{1F4A5}'; // four bytes in UTF-8
    const body = {
      decision: 'APPROVE_WITH_PUNCHLIST',
      comment: wide.repeat(4000),
      items: Array.from({ length: 200 }, (_, i) => ({
        itemCode: `I-${i}`.padEnd(50, 'x'),
        description: wide.repeat(2000),
        severity: 'MINOR',
      })),
    };
    expect(Buffer.byteLength(JSON.stringify(body))).toBeGreaterThan(1024 * 1024);
    const response = await request(app.getHttpServer()).post(decisions).set(bearer('u-edge')).send(body);
    // Past the parser and the validation: the workflow does not exist (or the caller is not known).
    expect(response.status).toBeLessThan(500);
    expect(response.body.code).not.toMatch(/PAYLOAD_TOO_LARGE|VALIDATION_FAILED|MALFORMED_JSON/);
  });
});
