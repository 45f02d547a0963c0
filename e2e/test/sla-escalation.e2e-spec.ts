import { expectStatus } from '../support/api-client';
import { approverId } from '../support/demo-data';
import { EventLog } from '../support/event-log';
import { e2eStack, setClockOffset } from '../support/stack';
import { Submissions } from '../support/submission-steps';
import { decide, expectedChain, inboxEntry } from '../support/workflow-steps';
import { itemsOf, provisionWorkspace, type Workspace } from '../support/workspace';

const HOUR = 3_600_000;

/**
 * An SLA breach escalated to the backup approver, forced by moving the stack's clock past the stage's
 * due time (workflow-service reads the offset through its Clock; its sweeper runs every 500 ms here).
 */
describe('SLA breach', () => {
  const { api, brokers, state } = e2eStack();
  let events: EventLog;
  let workspace: Workspace;

  beforeAll(async () => {
    events = await EventLog.start(brokers);
    workspace = await provisionWorkspace(api, brokers, { codePrefix: 'E2E-SLA' });
  });

  afterAll(async () => {
    setClockOffset(state, 0);
    await events?.stop();
  });

  it('an overdue stage is marked breached once and escalated to the frozen backup, who then decides it', async () => {
    const chain = await expectedChain(api, workspace, 'PLN_UPGRADE', 'SBY-0001');
    const { workflowId } = await new Submissions(api, workspace).startWorkflow(events, 'PLN_UPGRADE', 'SBY-0001');
    const primary = chain[0].approverUserId;
    const backup = approverId(chain[0].roleCode, 'EJ', true);
    const entry = await inboxEntry(api, workspace.id, primary, workflowId, 1);
    expect(entry).toMatchObject({ sla: { state: 'ON_TRACK' } });

    const mark = events.mark();
    try {
      setClockOffset(state, (48 + 1) * HOUR); // ROH_REVIEW has a 48 h SLA
      const breached = await events.waitFor(
        (e) => e.eventType === 'workflow.stage.sla-breached' && e.payload.stageId === entry.stageId,
        'sla-breached',
        { from: mark },
      );
      const escalated = await events.waitFor(
        (e) => e.eventType === 'workflow.stage.escalated' && e.payload.stageId === entry.stageId,
        'escalated',
        { from: mark },
      );
      expect(breached.contractViolation).toBeNull();
      expect(escalated.payload).toMatchObject({ fromUserId: primary, toUserId: backup, reason: 'SLA_BREACHED' });
      const violations = itemsOf(
        expectStatus(await api.as('u-admin').get(`/workspaces/${workspace.id}/sla/violations`), 200).body,
      );
      expect(violations).toEqual(
        expect.arrayContaining([expect.objectContaining({ stageId: entry.stageId, approverUserId: backup })]),
      );
    } finally {
      setClockOffset(state, 0);
    }
    expect(
      (
        await decide(api, workspace.id, primary, workflowId, entry.stageId, {
          decision: 'APPROVE',
          comment: 'too late',
        })
      ).status,
    ).toBe(403);
    const backupEntry = await inboxEntry(api, workspace.id, backup, workflowId, 1);
    expectStatus(
      await decide(api, workspace.id, backup, workflowId, backupEntry.stageId, {
        decision: 'APPROVE',
        comment: 'covered',
      }),
      200,
      'backup decides',
    );
    // Breached once: the sweeper kept running while the clock was ahead, and never breached the stage twice.
    expect(
      events.since(mark, (e) => e.eventType === 'workflow.stage.sla-breached' && e.payload.stageId === entry.stageId),
    ).toHaveLength(1);
  });
});
