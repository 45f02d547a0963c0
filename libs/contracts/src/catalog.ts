import type { EventDefinition } from './event-definition';
import { WorkspaceCreatedV1, WorkspaceDeactivatedV1, WorkspaceUpdatedV1 } from './events/config/workspace-events.v1';
import {
  ConfigVersionActivatedV1,
  ConfigVersionArchivedV1,
  ConfigVersionDeletedV1,
  ConfigVersionDraftEditedV1,
  ConfigVersionImportedV1,
  ConfigVersionRolledBackV1,
  ConfigVersionSupersededV1,
} from './events/config/config-version-events.v1';
import { ConfigVersionSnapshotV1 } from './events/config/config-snapshot.v1';
import {
  MembershipCreatedV1,
  MembershipUpdatedV1,
  SiteCreatedV1,
  SiteUpdatedV1,
  UserCreatedV1,
  UserUpdatedV1,
} from './events/config/directory-reference-events.v1';
import { SubmissionQaApprovedV1 } from './events/submission/qa-approved.v1';
import { SubmissionCreatedV1 } from './events/submission/submission-created.v1';
import { SubmissionDocumentUploadedV1 } from './events/submission/submission-document-uploaded.v1';
import { SubmissionSubmittedV1 } from './events/submission/submission-submitted.v1';
import { SubmissionQaRejectedV1 } from './events/submission/submission-qa-rejected.v1';
import { SubmissionStatusChangedV1 } from './events/submission/submission-status-changed.v1';
import {
  StageActivatedV1,
  StageApprovedV1,
  StageApprovedWithPunchlistV1,
  StageEscalatedV1,
  StageReassignedV1,
  StageRejectedV1,
  StageSlaBreachedV1,
  StageUnassignedV1,
} from './events/workflow/stage-events.v1';
import {
  WorkflowCancelledV1,
  WorkflowCompletedV1,
  WorkflowOnHoldV1,
  WorkflowRejectedV1,
  WorkflowResumedV1,
  WorkflowStartedV1,
  WorkflowStartRefusedV1,
} from './events/workflow/workflow-lifecycle-events.v1';
import {
  ApproverOverrideApprovedV1,
  ApproverOverrideRejectedV1,
  ApproverOverrideRequestedV1,
} from './events/workflow/override-events.v1';
import { StageSkippedV1 } from './events/workflow/stage-skipped.v1';
import { WorkflowPinsAssertedV1 } from './events/workflow/workflow-pins-asserted.v1';
import { PunchlistCreatedV1 } from './events/punchlist/punchlist-created.v1';
import { PunchlistItemsAddedV1 } from './events/punchlist/punchlist-items-added.v1';
import { PunchItemStatusChangedV1 } from './events/punchlist/punchlist-item-status-changed.v1';
import { PunchlistReminderV1, PunchlistStalledV1 } from './events/punchlist/punchlist-progress-events.v1';
import { PunchlistClearedV1 } from './events/punchlist/punchlist-cleared.v1';
import { ReferenceRejectedV1 } from './events/integrity/reference-rejected.v1';
import { IntegrityOrphansDetectedV1 } from './events/integrity/orphans-detected.v1';

/**
 * Every event the platform publishes. Producers refuse to write an event type missing here and
 * consumers validate what they read against the same entry.
 */
export const eventCatalog: readonly EventDefinition[] = [
  WorkspaceCreatedV1,
  WorkspaceUpdatedV1,
  WorkspaceDeactivatedV1,
  ConfigVersionImportedV1,
  ConfigVersionDraftEditedV1,
  ConfigVersionActivatedV1,
  ConfigVersionSupersededV1,
  ConfigVersionArchivedV1,
  ConfigVersionRolledBackV1,
  ConfigVersionDeletedV1,
  ConfigVersionSnapshotV1,
  UserCreatedV1,
  UserUpdatedV1,
  MembershipCreatedV1,
  MembershipUpdatedV1,
  SiteCreatedV1,
  SiteUpdatedV1,
  SubmissionQaApprovedV1,
  SubmissionCreatedV1,
  SubmissionDocumentUploadedV1,
  SubmissionSubmittedV1,
  SubmissionQaRejectedV1,
  SubmissionStatusChangedV1,
  WorkflowStartedV1,
  WorkflowStartRefusedV1,
  WorkflowOnHoldV1,
  WorkflowResumedV1,
  WorkflowCancelledV1,
  WorkflowCompletedV1,
  WorkflowRejectedV1,
  StageActivatedV1,
  StageApprovedV1,
  StageApprovedWithPunchlistV1,
  StageRejectedV1,
  StageUnassignedV1,
  StageSlaBreachedV1,
  StageEscalatedV1,
  StageReassignedV1,
  StageSkippedV1,
  WorkflowPinsAssertedV1,
  ApproverOverrideRequestedV1,
  ApproverOverrideApprovedV1,
  ApproverOverrideRejectedV1,
  PunchlistCreatedV1,
  PunchlistItemsAddedV1,
  PunchItemStatusChangedV1,
  PunchlistReminderV1,
  PunchlistStalledV1,
  PunchlistClearedV1,
  ReferenceRejectedV1,
  IntegrityOrphansDetectedV1,
] as EventDefinition[];
