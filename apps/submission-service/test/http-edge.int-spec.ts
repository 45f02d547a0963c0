import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { configureHttp } from '@atp/platform-runtime';
import { bootAppForTest, describeHttpEdge, serviceTestEnv } from '@atp/testing';
import { AppModule } from '../src/app.module';
import { loadAppEnv } from '../src/config/env';

async function countWrites(app: INestApplication): Promise<number> {
  const rows = (await app.get(DataSource).query('SELECT count(*) AS n FROM outbox')) as Array<{ n: string }>;
  return Number(rows[0].n);
}

// The edge runs before routing: these refusals hold for every route the service will have.
describeHttpEdge('submission-service', {
  boot: () =>
    bootAppForTest(AppModule.forRoot(loadAppEnv(serviceTestEnv('submission', 'submission-service'))), configureHttp),
  countWrites,
  routes: [{ method: 'post', path: '/api/v1/workspaces/5b0e5c9e-1d4f-4a57-9d42-6f0b7c1a2e32/submissions' }],
});
