import type { AtpCategory } from '@atp/approval-routing';
import { expectStatus } from '../support/api-client';
import { CATEGORIES, USERS } from '../support/demo-data';
import { EventLog } from '../support/event-log';
import { e2eStack } from '../support/stack';
import { QaApprovalPublisher, decide, expectedChain, getWorkflow, inboxEntry, workflowStartedOf } from '../support/workflow-steps';
import { provisionWorkspace, type Workspace } from '../support/workspace';

/**
 * The approval journey of every ATP category, through the gateway: QA approval starts the workflow,
 * each stage is decided by the approver routing resolved (found in their inbox, the same as the dry run
 * and the routing library's chain), the workflow completes, and each step's events reach Kafka.
 */
describe('the journey of each ATP category', () => {
  const { api, brokers } = e2eStack();
  let events: EventLog;
  let qa: QaApprovalPublisher;
  let workspace: Workspace;

  beforeAll(async () => {
    events = await EventLog.start(brokers);
    qa = await QaApprovalPublisher.connect(brokers);
    workspace = await provisionWorkspace(api, brokers, { codePrefix: 'E2E-CAT' });
  });

  afterAll(async () => {
    await qa?.stop();
    await events?.stop();
  });

  const sites: Record<AtpCategory, string> = {
    RAN_MW: 'JKT-0001', PLN_UPGRADE: 'BDG-0001', DISMANTLE_DROP: 'SBY-0001', DISMANTLE_KEEP: 'BKS-0001', SOFTWARE_LICENSE: 'SBY-0002',
  };

  it.each(CATEGORIES.map((c) => [c]))('%s: every stage decided by its resolved approver, then COMPLETED', async (category) => {
    const siteCode = sites[category];
    const chain = await expectedChain(api, workspace, category, siteCode);
    const approved = await qa.publish(workspace, { category, siteCode });
    const started = await workflowStartedOf(events, approved.submissionId);
    const workflowId = started.aggregateId;
    expect(started).toMatchObject({ workspaceId: workspace.id, payload: { submissionId: approved.submissionId } });

    for (const stage of chain) {
      const mark = events.mark();
      const entry = await inboxEntry(api, workspace.id, stage.approverUserId, workflowId, stage.stageNumber);
      expect(entry).toMatchObject({ submissionId: approved.submissionId, roleCode: stage.roleCode });
      const answer = expectStatus(
        await decide(api, workspace.id, stage.approverUserId, workflowId, entry.stageId, { decision: 'APPROVE', comment: `${stage.roleCode} approves` }),
        200,
        `decision of stage ${stage.stageNumber}`,
      );
      expect(answer.body).toBeDefined();
      const approvedEvent = await events.waitFor((e) => e.eventType === 'workflow.stage.approved' && e.payload.stageId === entry.stageId, `stage ${stage.stageNumber} approved`, { from: mark });
      expect(approvedEvent).toMatchObject({ aggregateId: workflowId, key: workflowId, actorId: stage.approverUserId, workspaceId: workspace.id });
      const last = stage === chain[chain.length - 1];
      if (!last) {
        const next = chain[chain.indexOf(stage) + 1];
        await events.waitFor(
          (e) => e.eventType === 'workflow.stage.activated' && e.aggregateId === workflowId && e.payload.stageNumber === next.stageNumber,
          `stage ${next.stageNumber} activated`,
          { from: mark },
        );
      }
    }
    await events.waitFor((e) => e.eventType === 'workflow.completed' && e.aggregateId === workflowId, `workflow ${workflowId} completed`);

    const workflow = await getWorkflow(api, workspace.id, workflowId, USERS.auditor);
    expect(workflow.status).toBe('COMPLETED');
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
  });
});
