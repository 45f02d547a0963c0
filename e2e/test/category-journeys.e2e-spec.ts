import type { AtpCategory } from '@atp/approval-routing';
import { expectStatus } from '../support/api-client';
import { CATEGORIES, USERS } from '../support/demo-data';
import { EventLog } from '../support/event-log';
import { e2eStack } from '../support/stack';
import { Submissions } from '../support/submission-steps';
import { decide, expectedChain, getWorkflow, inboxEntry } from '../support/workflow-steps';
import { provisionWorkspace, type Workspace } from '../support/workspace';

/**
 * The approval journey of every ATP category, through the gateway only: a document controller creates
 * the submission, uploads its document and submits it; QA approves, which starts the workflow; each
 * stage is decided by the approver routing resolved (found in their inbox, the same as the dry run and
 * the routing library's chain); the submission's projection ends COMPLETED; each step's events reach Kafka.
 */
describe('the journey of each ATP category', () => {
  const { api, brokers } = e2eStack();
  let events: EventLog;
  let workspace: Workspace;
  let submissions: Submissions;

  beforeAll(async () => {
    events = await EventLog.start(brokers);
    workspace = await provisionWorkspace(api, brokers, { codePrefix: 'E2E-CAT' });
    submissions = new Submissions(api, workspace);
  });

  afterAll(async () => {
    await events?.stop();
  });

  const sites: Record<AtpCategory, string> = {
    RAN_MW: 'JKT-0001',
    PLN_UPGRADE: 'BDG-0001',
    DISMANTLE_DROP: 'SBY-0001',
    DISMANTLE_KEEP: 'BKS-0001',
    SOFTWARE_LICENSE: 'SBY-0002',
  };

  it.each(CATEGORIES.map((c) => [c]))(
    '%s: every stage decided by its resolved approver, then COMPLETED',
    async (category) => {
      const siteCode = sites[category];
      const chain = await expectedChain(api, workspace, category, siteCode);
      const begin = events.mark();
      const { submissionId, documentId, workflowId, started } = await submissions.startWorkflow(
        events,
        category,
        siteCode,
      );
      expect(started).toMatchObject({
        workspaceId: workspace.id,
        payload: {
          submissionId,
          attemptNumber: 1,
          atpCategory: category,
          configVersionId: workspace.active.APPROVAL_MATRIX,
          totalStages: chain.length,
        },
      });
      // submission-service's own events, in the order the steps happened, keyed by the submission.
      await events.waitForTypes(
        submissionId,
        ['submission.created', 'submission.document-uploaded', 'submission.submitted', 'submission.qa-approved'],
        { from: begin },
      );
      const ofSubmission = events.since(begin, (e) => e.aggregateId === submissionId);
      expect(ofSubmission.every((e) => e.key === submissionId && e.contractViolation === null)).toBe(true);
      expect(ofSubmission.find((e) => e.eventType === 'submission.qa-approved')).toMatchObject({
        actorId: USERS.qa,
        payload: { submittedBy: USERS.docControl, qaApprovedBy: USERS.qa, atpCategory: category, siteCode },
      });
      const inReview = await submissions.waitForStatus(submissionId, 'IN_REVIEW');
      expect(inReview).toMatchObject({ workflowInstanceId: workflowId, attemptNumber: 1 });
      expect(inReview.attempts).toEqual([
        expect.objectContaining({
          attemptNumber: 1,
          documentId,
          qaDecision: 'APPROVE',
          workflowInstanceId: workflowId,
        }),
      ]);

      for (const stage of chain) {
        const mark = events.mark();
        const entry = await inboxEntry(api, workspace.id, stage.approverUserId, workflowId, stage.stageNumber);
        expect(entry).toMatchObject({ submissionId, roleCode: stage.roleCode });
        const answer = expectStatus(
          await decide(api, workspace.id, stage.approverUserId, workflowId, entry.stageId, {
            decision: 'APPROVE',
            comment: `${stage.roleCode} approves`,
          }),
          200,
          `decision of stage ${stage.stageNumber}`,
        );
        expect(answer.body).toBeDefined();
        const approvedEvent = await events.waitFor(
          (e) => e.eventType === 'workflow.stage.approved' && e.payload.stageId === entry.stageId,
          `stage ${stage.stageNumber} approved`,
          { from: mark },
        );
        expect(approvedEvent).toMatchObject({
          aggregateId: workflowId,
          key: workflowId,
          actorId: stage.approverUserId,
          workspaceId: workspace.id,
        });
        const last = stage === chain[chain.length - 1];
        if (!last) {
          const next = chain[chain.indexOf(stage) + 1];
          await events.waitFor(
            (e) =>
              e.eventType === 'workflow.stage.activated' &&
              e.aggregateId === workflowId &&
              e.payload.stageNumber === next.stageNumber,
            `stage ${next.stageNumber} activated`,
            { from: mark },
          );
        }
      }
      await events.waitFor(
        (e) => e.eventType === 'workflow.completed' && e.aggregateId === workflowId,
        `workflow ${workflowId} completed`,
      );

      const workflow = await getWorkflow(api, workspace.id, workflowId, USERS.auditor);
      expect(workflow.status).toBe('COMPLETED');
      const completed = await submissions.waitForStatus(submissionId, 'COMPLETED');
      expect(completed.completedAt).toEqual(expect.any(String));
      expect(completed.attempts).toEqual([
        expect.objectContaining({ attemptNumber: 1, status: 'COMPLETED', workflowInstanceId: workflowId }),
      ]);
      await events.waitFor(
        (e) =>
          e.eventType === 'submission.status-changed' &&
          e.aggregateId === submissionId &&
          e.payload.toStatus === 'COMPLETED',
        `submission ${submissionId} COMPLETED`,
        { from: begin },
      );
      const ofWorkflow = events.all().filter((e) => e.aggregateId === workflowId);
      expect(ofWorkflow.map((e) => e.eventType)).toEqual([
        'workflow.started',
        ...chain.flatMap(() => ['workflow.stage.activated', 'workflow.stage.approved']),
        'workflow.completed',
      ]);
      // One aggregate, one partition key, versions strictly increasing, every event valid against its contract.
      expect(ofWorkflow.every((e) => e.key === workflowId && e.contractViolation === null)).toBe(true);
      const versions = ofWorkflow.map((e) => e.aggregateVersion);
      expect([...versions].sort((a, b) => a - b)).toEqual(versions);
      expect(new Set(versions).size).toBe(versions.length);
    },
  );
});
