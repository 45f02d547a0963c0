import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { configureHttp, connectInboxConsumers } from '@atp/platform-runtime';
import { createHttpAdapter } from '@atp/platform-http';
import { startTestApp, testIssuerEnv, uniqueSuffix } from '@atp/testing';
import { AppModule } from '../src/app.module';
import { loadAppEnv } from '../src/config/env';

export function databaseUrl(): string {
  const url = process.env.CONFIG_DATABASE_URL;
  if (!url) throw new Error('CONFIG_DATABASE_URL is not set');
  return url;
}

export async function startApp(): Promise<INestApplication> {
  const env = loadAppEnv({
    ...process.env,
    ...testIssuerEnv(),
    SERVICE_NAME: 'config-service',
    PORT: '0',
    LOG_LEVEL: 'error',
    DATABASE_URL: databaseUrl(),
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(env)] }).compile();
  const app = await startTestApp(moduleRef, createHttpAdapter, configureHttp);
  await connectInboxConsumers(app);
  return app;
}

/**
 * A test's own connection, as the service's role but seeing every workspace (the session-level bypass of
 * row-level security): the test inspects and arranges rows across workspaces, while the app's code stays scoped.
 */
export async function sql(): Promise<Client> {
  const client = new Client({ connectionString: databaseUrl() });
  await client.connect();
  await client.query(`SELECT set_config('app.rls_bypass', 'on', false)`);
  return client;
}

/** A sectioned CSV file (see import/csv-reader.ts) from sheets of rows. */
export function csv(sheets: Record<string, Array<Record<string, string | number | boolean | null>>>): Buffer {
  const quote = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines: string[] = [];
  for (const [name, rows] of Object.entries(sheets)) {
    lines.push(`[${name}]`);
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    lines.push(columns.join(','));
    for (const row of rows) lines.push(columns.map((c) => quote(row[c])).join(','));
  }
  return Buffer.from(lines.join('\n') + '\n');
}

export const VENDORS = ['ZTE', 'HTI', 'AVIAT', 'ALITA', 'LTE', 'HUAWEI', 'NOKIA', 'ERICSSON'];
export const CATEGORIES = ['RAN_MW', 'PLN_UPGRADE', 'DISMANTLE_DROP', 'DISMANTLE_KEEP', 'SOFTWARE_LICENSE'];

export function scopeConfigFile(scopeCount: number, salt = uniqueSuffix()): Buffer {
  return csv({
    scopes: Array.from({ length: scopeCount }, (_, i) => ({
      scope_code: `SCOPE_${i}`,
      scope_name: `Scope ${i} ${salt}`,
      scope_group: ['MICROWAVE', 'RAN', 'CME', 'PLN'][i % 4],
    })),
    vendors: VENDORS.map((v) => ({ vendor_code: v, vendor_name: v, vendor_type: 'OEM' })),
  });
}

const ROLES = [
  ['FOP_RTS', 1],
  ['REGION_TEAM', 2],
  ['RTH', 3],
  ['ROH', 4],
  ['PMO', 5],
  ['BO', 6],
  ['SME', 7],
  ['HEAD_NOC', 8],
] as const;

/**
 * An APPROVAL_MATRIX of `policies` policies with `stagesPerPolicy` stages each (needs scopes×8 vendors×5 categories ≥
 * policies). Rows: 8 roles + policies + policies × stages.
 */
export function approvalMatrixRows(policies: number, stagesPerPolicy: number, salt = uniqueSuffix()) {
  const roles = ROLES.map(([code, order]) => ({
    role_code: code as string,
    role_name: `${code} ${salt}`,
    hierarchy_order: order,
  }));
  const policyRows = Array.from({ length: policies }, (_, i) => ({
    policy_key: `P${i}`,
    scope_code: `SCOPE_${Math.floor(i / (VENDORS.length * CATEGORIES.length))}`,
    vendor_code: VENDORS[Math.floor(i / CATEGORIES.length) % VENDORS.length],
    atp_category: CATEGORIES[i % CATEGORIES.length],
  }));
  const stages = policyRows.flatMap((p) =>
    Array.from({ length: stagesPerPolicy }, (_, s) => ({
      policy_key: p.policy_key,
      stage_number: s + 1,
      stage_name: `STAGE_${s + 1}`,
      role_code: ROLES[s % ROLES.length][0] as string,
      sequence_order: s + 1,
      sla_hours: 48,
    })),
  );
  return { roles, policies: policyRows, stages };
}
