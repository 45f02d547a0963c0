import { assertBodiesNeverFail, STATIC_SERVICE_ENV, uniqueSuffix } from '@atp/testing';
import { loadAppEnv } from '../src/config/env';
import { openApiDocument } from '../src/openapi';
import { SubmissionHarness, type Role, type TestWorkspace } from './support/submission-harness';

/**
 * Issue 8: bodies generated from submission-service's OpenAPI schemas, valid and mutated, on every
 * POST/PUT/PATCH of the running service (real PostgreSQL and Kafka): never a 5xx, every 4xx problem+json.
 * The caller holds every workspace role of a workspace with a site and ACTIVE configuration, and a
 * real DRAFT submission is the target of the submission routes.
 */
const harness = new SubmissionHarness();
const caller = `oab-${uniqueSuffix()}`;
const ROLES: Role[] = ['WORKSPACE_ADMIN', 'DOC_CONTROL', 'QA_ENGINEER', 'APPROVER', 'AUDITOR'];
let workspace: TestWorkspace;
let submissionId: string;
jest.setTimeout(300_000);

beforeAll(async () => {
  await harness.start();
  workspace = await harness.workspace(ROLES.map((role) => [caller, role]));
  const created = await harness
    .http()
    .post(`/api/v1/workspaces/${workspace.workspaceId}/submissions`)
    .set(await harness.auth(caller))
    .send({ siteCode: workspace.siteCode, scopeCode: 'MW_NEW', vendorCode: 'AVIAT', title: 'generated bodies' })
    .expect(201);
  submissionId = created.body.id ?? created.body.submissionId;
});

afterAll(() => harness.stop());

it('never answers 5xx to generated bodies, and every refusal is problem+json with a code', async () => {
  const result = await assertBodiesNeverFail(harness.app, {
    document: openApiDocument(loadAppEnv(STATIC_SERVICE_ENV)),
    headers: await harness.auth(caller),
    params: { workspaceId: workspace.workspaceId, submissionId },
  });
  expect(result.operations).toEqual(
    expect.arrayContaining(['submissionsCreate', 'submissionsQaReview', 'submissionsCategorize']),
  );
  process.stdout.write(`${JSON.stringify(result.statuses)}\n`);
});
