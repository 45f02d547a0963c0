import { expectStatus } from '../support/api-client';
import { waitForConsumersCaughtUp } from '../support/consumer-lag';
import { USERS, approvalMatrixCsv } from '../support/demo-data';
import { EventLog } from '../support/event-log';
import { e2eStack } from '../support/stack';
import { pdfOf, Submissions, workflowStarted } from '../support/submission-steps';
import { decide, expectedChain, getWorkflow, inboxEntry } from '../support/workflow-steps';
import {
  REPLICA_GROUPS,
  activeVersions,
  importAndActivate,
  itemsOf,
  provisionWorkspace,
  type Workspace,
} from '../support/workspace';

/**
 * The submission's side of the journey, through the gateway only: QA sends a document back and the
 * vendor's next version goes on; a stage rejects and the resubmission runs on a newer configuration;
 * a stage approves with a punchlist that the vendor rectifies, QA verifies and the issuer closes, and
 * only then is the submission COMPLETED (submission-service, workflow-service and punchlist-service
 * agreeing through Kafka).
 */
describe('submission journeys through the gateway', () => {
  const { api, brokers } = e2eStack();
  let events: EventLog;
  let workspace: Workspace;
  let submissions: Submissions;

  beforeAll(async () => {
    events = await EventLog.start(brokers);
    workspace = await provisionWorkspace(api, brokers, { codePrefix: 'E2E-SUB' });
    submissions = new Submissions(api, workspace);
  });

  afterAll(async () => {
    await events?.stop();
  });

  async function approve(workflowId: string, approver: string, stageNumber: number) {
    const entry = await inboxEntry(api, workspace.id, approver, workflowId, stageNumber);
    expectStatus(
      await decide(api, workspace.id, approver, workflowId, entry.stageId, { decision: 'APPROVE', comment: 'ok' }),
      200,
      `approve stage ${stageNumber}`,
    );
    return entry;
  }

  it('QA rejects with a comment; the same document cannot go again; a new version is submitted, QA approves, the workflow starts', async () => {
    const begin = events.mark();
    const created = await submissions.create('RAN_MW', 'JKT-0001');
    const first = await submissions.upload(created.id, 'v1');
    await submissions.submit(created.id);

    const noComment = await api
      .as(USERS.qa)
      .post(`/workspaces/${workspace.id}/submissions/${created.id}/qa-review`, { decision: 'REJECT' });
    expect([noComment.status, noComment.body.code]).toEqual([422, 'COMMENT_REQUIRED']);
    const bySubmitter = await api
      .as(USERS.docControl)
      .post(`/workspaces/${workspace.id}/submissions/${created.id}/qa-review`, { decision: 'APPROVE' });
    expect(bySubmitter.status).toBe(403);
    expect(bySubmitter.contentType).toContain('application/problem+json');

    const rejected = await submissions.qaReview(created.id, 'REJECT', 'page 3 unsigned');
    expect(rejected).toMatchObject({ status: 'REJECTED_PRE_QA', attemptNumber: 1 });
    await events.waitFor(
      (e) => e.eventType === 'submission.qa-rejected' && e.aggregateId === created.id,
      'qa-rejected',
      { from: begin },
    );

    const sameDocument = await api
      .as(USERS.docControl)
      .post(`/workspaces/${workspace.id}/submissions/${created.id}/submit`, {});
    expect([sameDocument.status, sameDocument.body.code]).toEqual([422, 'NEW_DOCUMENT_REQUIRED']);

    const second = await submissions.upload(created.id, 'v2');
    expect(second.version).toBe(first.version + 1);
    const resubmitted = await submissions.submit(created.id);
    expect(resubmitted).toMatchObject({ status: 'SUBMITTED', attemptNumber: 2 });
    await submissions.qaReview(created.id, 'APPROVE', 'signed now');
    const started = await workflowStarted(events, created.id, 2, begin);
    expect(
      events.since(begin, (e) => e.eventType === 'workflow.started' && e.payload.submissionId === created.id),
    ).toHaveLength(1);

    const inReview = await submissions.waitForStatus(created.id, 'IN_REVIEW');
    expect(inReview.workflowInstanceId).toBe(started.aggregateId);
    expect(inReview.documents.map((d) => d.version)).toEqual([first.version, second.version]);
    expect(inReview.attempts).toEqual([
      expect.objectContaining({
        attemptNumber: 1,
        status: 'REJECTED_PRE_QA',
        documentId: first.documentId,
        qaDecision: 'REJECT',
        workflowInstanceId: null,
      }),
      expect.objectContaining({
        attemptNumber: 2,
        status: 'IN_REVIEW',
        documentId: second.documentId,
        qaDecision: 'APPROVE',
        workflowInstanceId: started.aggregateId,
      }),
    ]);
    const content = await api
      .as(USERS.auditor)
      .get(`/workspaces/${workspace.id}/submissions/${created.id}/documents/${second.documentId}/content`);
    expect(content.status).toBe(200);
    expect(content.text).toBe(pdfOf('v2').toString());
  });

  it('REJECT mid-chain; the resubmission runs a new workflow on the newer ACTIVE config; the old attempt keeps its workflow and version', async () => {
    const chain = await expectedChain(api, workspace, 'RAN_MW', 'JKT-0002');
    const first = await submissions.startWorkflow(events, 'RAN_MW', 'JKT-0002');
    const oldVersion = workspace.active.APPROVAL_MATRIX;
    await approve(first.workflowId, chain[0].approverUserId, 1);
    const entry = await inboxEntry(api, workspace.id, chain[1].approverUserId, first.workflowId, 2);
    const mark = events.mark();
    expectStatus(
      await decide(api, workspace.id, chain[1].approverUserId, first.workflowId, entry.stageId, {
        decision: 'REJECT',
        comment: 'grounding photos missing',
      }),
      200,
      'reject',
    );
    await events.waitForTypes(first.workflowId, ['workflow.stage.rejected', 'workflow.rejected'], { from: mark });
    const rejected = await submissions.waitForStatus(first.submissionId, 'REJECTED');
    expect(rejected.attempts[0]).toMatchObject({ status: 'REJECTED', workflowInstanceId: first.workflowId });

    // The operator activates a new approval matrix (every SLA 12 h) before the vendor resubmits.
    const newVersion = await importAndActivate(
      api,
      workspace.id,
      'APPROVAL_MATRIX',
      approvalMatrixCsv({ slaHours: 12 }),
    );
    workspace.active = await activeVersions(api, workspace.id);
    expect(workspace.active.APPROVAL_MATRIX).toBe(newVersion);
    await waitForConsumersCaughtUp(brokers, REPLICA_GROUPS);

    const sameDocument = await api
      .as(USERS.docControl)
      .post(`/workspaces/${workspace.id}/submissions/${first.submissionId}/submit`, {});
    expect([sameDocument.status, sameDocument.body.code]).toEqual([422, 'NEW_DOCUMENT_REQUIRED']);
    const next = await submissions.upload(first.submissionId, 'after-reject');
    const resubmitted = await submissions.submit(first.submissionId);
    expect(resubmitted.attempts[1]).toMatchObject({
      attemptNumber: 2,
      configVersionIds: { approvalMatrix: newVersion },
    });
    await submissions.qaReview(first.submissionId, 'APPROVE', 'photos added');
    const started = await workflowStarted(events, first.submissionId, 2, mark);
    expect(started.aggregateId).not.toBe(first.workflowId);
    expect(started.payload.configVersionId).toBe(newVersion);

    const [oldWorkflow, newWorkflow] = [
      await getWorkflow(api, workspace.id, first.workflowId),
      await getWorkflow(api, workspace.id, started.aggregateId),
    ];
    expect(oldWorkflow).toMatchObject({
      status: 'REJECTED',
      attemptNumber: 1,
      configVersionId: oldVersion,
      submissionId: first.submissionId,
    });
    expect(oldWorkflow.stages.map((s: { status: string }) => s.status)).toEqual(['APPROVED', 'REJECTED', 'CANCELLED']);
    expect(oldWorkflow.stages.every((s: { slaHours: number }) => s.slaHours !== 12)).toBe(true);
    expect(newWorkflow).toMatchObject({
      status: 'IN_PROGRESS',
      attemptNumber: 2,
      configVersionId: newVersion,
      currentStageNumber: 1,
    });
    expect(newWorkflow.stages.map((s: { slaHours: number }) => s.slaHours)).toEqual([12, 12, 12]);

    const view = await submissions.waitForStatus(first.submissionId, 'IN_REVIEW');
    expect(view.attempts).toEqual([
      expect.objectContaining({
        attemptNumber: 1,
        status: 'REJECTED',
        workflowInstanceId: first.workflowId,
        documentId: first.documentId,
        configVersionIds: expect.objectContaining({ approvalMatrix: oldVersion }),
      }),
      expect.objectContaining({
        attemptNumber: 2,
        status: 'IN_REVIEW',
        workflowInstanceId: started.aggregateId,
        documentId: next.documentId,
        configVersionIds: expect.objectContaining({ approvalMatrix: newVersion }),
      }),
    ]);
  });

  it('APPROVE_WITH_PUNCHLIST → the vendor rectifies with evidence → QA verifies → the issuer closes → the submission is COMPLETED', async () => {
    const chain = await expectedChain(api, workspace, 'RAN_MW', 'BKS-0001');
    const { submissionId, workflowId } = await submissions.startWorkflow(events, 'RAN_MW', 'BKS-0001');
    const issuer = chain[0].approverUserId;
    const entry = await inboxEntry(api, workspace.id, issuer, workflowId, 1);
    const mark = events.mark();
    expectStatus(
      await decide(api, workspace.id, issuer, workflowId, entry.stageId, {
        decision: 'APPROVE_WITH_PUNCHLIST',
        comment: 'fix the labels',
        items: [{ description: 'label the feeder cables', severity: 'MAJOR', itemCode: 'LBL-1' }],
      }),
      200,
      'approve with punchlist',
    );
    for (const stage of chain.slice(1)) await approve(workflowId, stage.approverUserId, stage.stageNumber);
    await events.waitFor(
      (e) => e.eventType === 'workflow.completed' && e.aggregateId === workflowId,
      'workflow completed',
      { from: mark },
    );
    // The workflow is done, the punchlist is not: the submission waits in APPROVED_WITH_PUNCHLIST.
    await submissions.waitForStatus(submissionId, 'APPROVED_WITH_PUNCHLIST');

    const created = await events.waitFor(
      (e) => e.eventType === 'punchlist.created' && e.payload.submissionId === submissionId,
      'punchlist.created',
      { from: mark },
    );
    const punchlistId = created.aggregateId;
    const listed = itemsOf(
      expectStatus(
        await api.as(USERS.docControl).get(`/workspaces/${workspace.id}/punchlists`, { query: { submissionId } }),
        200,
      ).body,
    );
    expect(listed.map((p: { id: string }) => p.id)).toEqual([punchlistId]);
    const base = `/workspaces/${workspace.id}/punchlists/${punchlistId}`;
    const before = expectStatus(await api.as(USERS.docControl).get(base), 200, 'punchlist').body;
    expect(before).toMatchObject({ status: 'OPEN', issuedBy: issuer, workflowInstanceId: workflowId });
    expect(before.items).toHaveLength(1);
    const item = before.items[0];
    expect(item).toMatchObject({ status: 'OPEN', severity: 'MAJOR', description: 'label the feeder cables' });

    // Out of order and by the wrong people: refused, nothing moves.
    expect((await api.as(USERS.qa).post(`${base}/items/${item.id}/verify`, {})).status).toBe(409);
    expect(
      (
        await api
          .as(USERS.qa)
          .upload(`${base}/items/${item.id}/rectify`, { comment: 'me' }, [
            { field: 'file', fileName: 'x.pdf', content: pdfOf('x') },
          ])
      ).status,
    ).toBe(403);

    const evidence = pdfOf('labels-fixed');
    const rectified = await api
      .as(USERS.docControl)
      .upload(`${base}/items/${item.id}/rectify`, { comment: 'labels fixed, photo attached' }, [
        { field: 'file', fileName: 'labels.pdf', content: evidence, contentType: 'application/pdf' },
      ]);
    expectStatus(rectified, 200, 'rectify');
    expect((await api.as(chain[1].approverUserId).post(`${base}/items/${item.id}/close`, {})).status).toBe(409); // not verified yet
    expectStatus(
      await api.as(USERS.qa).post(`${base}/items/${item.id}/verify`, { comment: 'checked on site' }),
      200,
      'verify',
    );
    const notIssuer = await api.as(chain[1].approverUserId).post(`${base}/items/${item.id}/close`, {});
    expect([notIssuer.status, notIssuer.body.code]).toEqual([403, 'NOT_ISSUER']);
    expectStatus(await api.as(issuer).post(`${base}/items/${item.id}/close`, { comment: 'accepted' }), 200, 'close');

    await events.waitFor(
      (e) => e.eventType === 'punchlist.cleared' && e.aggregateId === punchlistId,
      'punchlist.cleared',
      { from: mark },
    );
    const completed = await submissions.waitForStatus(submissionId, 'COMPLETED');
    expect(completed.attempts[0]).toMatchObject({ status: 'COMPLETED', workflowInstanceId: workflowId });

    const after = expectStatus(await api.as(USERS.auditor).get(base), 200, 'punchlist after').body;
    expect(after.status).toBe('CLEARED');
    expect(after.items[0].status).toBe('CLOSED');
    const [proof] = after.items[0].evidence;
    expect(proof).toMatchObject({ current: true });
    const download = await api.as(USERS.auditor).get(`${base}/items/${item.id}/evidence/${proof.id}/content`);
    expect([download.status, download.text]).toEqual([200, evidence.toString()]);
    const moves = events.since(
      mark,
      (e) => e.eventType === 'punchlist.item.status-changed' && e.aggregateId === punchlistId,
    );
    expect(moves.map((e) => e.payload.toStatus)).toEqual(['RECTIFIED', 'QA_VERIFIED', 'CLOSED']);
    expect(events.since(mark).every((e) => e.contractViolation === null)).toBe(true);
  });
});
