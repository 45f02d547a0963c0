import { randomUUID } from 'node:crypto';
import { assertBodiesNeverFail, bearer, STATIC_SERVICE_ENV, uniqueSuffix } from '@atp/testing';
import { loadAppEnv } from '../src/config/env';
import { openApiDocument } from '../src/openapi';
import { WorkflowHarness } from './support/workflow-harness';

/**
 * Issue 8: bodies generated from workflow-service's OpenAPI schemas, valid and mutated, on every
 * POST/PUT/PATCH of the running service (real PostgreSQL and Kafka): never a 5xx, every 4xx problem+json.
 * The caller holds every workspace role; workflow, stage and override ids are unknown (404 after validation).
 */
const harness = new WorkflowHarness();
const workspaceId = randomUUID();
const caller = `oab-${uniqueSuffix()}`;
const ROLES = ['WORKSPACE_ADMIN', 'DOC_CONTROL', 'QA_ENGINEER', 'APPROVER', 'AUDITOR'] as const;
jest.setTimeout(300_000);

beforeAll(async () => {
  await harness.start();
  for (const role of ROLES) await harness.addMember(workspaceId, caller, role);
  await harness.waitForMembers(workspaceId, ROLES.length);
});

afterAll(() => harness.stop());

it('never answers 5xx to generated bodies, and every refusal is problem+json with a code', async () => {
  const result = await assertBodiesNeverFail(harness.app, {
    document: openApiDocument(loadAppEnv(STATIC_SERVICE_ENV)),
    headers: bearer(caller),
    params: { workspaceId },
  });
  expect(result.operations).toEqual(expect.arrayContaining(['decisionsDecide', 'overridesRequest', 'adminHold']));
  process.stdout.write(`${JSON.stringify(result.statuses)}\n`);
});
