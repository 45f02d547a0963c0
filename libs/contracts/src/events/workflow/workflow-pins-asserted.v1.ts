import { idSchema, objectSchema, timestampSchema, workflowEvent } from './workflow-event-shapes';

/**
 * The config versions a running workflow pins, re-asserted from workflow-service's own rows on an admin's request.
 * config-service keeps its RESTRICT feed (`workflow_pins`) from `workflow.started` and the workflow's end; once the
 * topic's retention has dropped old starts, a rebuilt feed gets the running workflows back from these events.
 */
export interface WorkflowPinsAssertedPayloadV1 {
  workflowInstanceId: string;
  submissionId: string;
  pinnedConfigVersions: { approvalMatrix: string; clusterMapping: string; scopeConfig: string };
  /** When the owner read its state: the workflow was running then. */
  assertedAt: string;
}

export const WorkflowPinsAssertedV1 = workflowEvent<WorkflowPinsAssertedPayloadV1>({
  eventType: 'workflow.pins-asserted',
  description: 'A running workflow re-asserts the config versions it pins (rebuild of the pin feed from the owner).',
  payloadSchema: objectSchema(
    {
      workflowInstanceId: idSchema,
      submissionId: idSchema,
      pinnedConfigVersions: objectSchema(
        { approvalMatrix: idSchema, clusterMapping: idSchema, scopeConfig: idSchema },
        ['approvalMatrix', 'clusterMapping', 'scopeConfig'],
      ),
      assertedAt: timestampSchema,
    },
    ['workflowInstanceId', 'submissionId', 'pinnedConfigVersions', 'assertedAt'],
  ),
  fixturePayload: {
    workflowInstanceId: 'wf-1',
    submissionId: 'sub-1',
    assertedAt: '2026-01-06T10:00:00.000Z',
    pinnedConfigVersions: { approvalMatrix: 'cv-matrix-1', clusterMapping: 'cv-cluster-1', scopeConfig: 'cv-scope-1' },
  },
});
