import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { assertBodiesNeverFail, STATIC_SERVICE_ENV, uniqueSuffix } from '@atp/testing';
import { loadAppEnv } from '../src/config/env';
import { openApiDocument } from '../src/openapi';
import { PunchlistHarness } from './support/punchlist-harness';

/**
 * Issue 8: bodies generated from punchlist-service's OpenAPI schemas, valid and mutated, on every
 * POST/PUT/PATCH of the running service (real PostgreSQL and Kafka): never a 5xx, every 4xx problem+json.
 * The caller holds every workspace role; the routes aim at a real punchlist and one of its items.
 */
const harness = new PunchlistHarness();
const workspaceId = randomUUID();
const s = uniqueSuffix();
const caller = `oab-${s}`;
const ROLES = ['WORKSPACE_ADMIN', 'DOC_CONTROL', 'QA_ENGINEER', 'APPROVER', 'AUDITOR'] as const;
const params: Record<string, string> = { workspaceId };
jest.setTimeout(300_000);

beforeAll(async () => {
  await harness.start();
  await harness.addMembers(
    workspaceId,
    ROLES.map((role) => [caller, role]),
  );
  const facts = { workflowInstanceId: `wf-${s}`, submissionId: `sub-${s}`, siteCode: `SITE-${s}`, vendorCode: 'AVIAT' };
  await harness.workflowStarted(workspaceId, facts);
  const stageId = `stg-${s}`;
  await harness.approvedWithPunchlist(workspaceId, { ...facts, stageId, decidedBy: caller }, [
    { itemCode: 'LBL-1', description: 'Cable tray label missing', severity: 'MINOR' },
  ]);
  params.punchlistId = (await harness.punchlistOfStage(stageId)).id;
  const punchlist = await request(harness.http())
    .get(`/api/v1/workspaces/${workspaceId}/punchlists/${params.punchlistId}`)
    .set(await harness.auth(caller))
    .expect(200);
  params.itemId = punchlist.body.items[0].id;
});

afterAll(() => harness.stop());

it('never answers 5xx to generated bodies, and every refusal is problem+json with a code', async () => {
  const result = await assertBodiesNeverFail(harness.app, {
    document: openApiDocument(loadAppEnv(STATIC_SERVICE_ENV)),
    headers: await harness.auth(caller),
    params,
  });
  expect(result.operations).toEqual(expect.arrayContaining(['itemsAdd', 'itemsAssign', 'itemsReject']));
  process.stdout.write(`${JSON.stringify(result.statuses)}\n`);
});
