import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { WorkflowStartedPayloadV1 } from '@atp/contracts';

/** What this service knows of a workflow (from `atp.workflow.events.v1`): its submission, site and vendor. */
@Injectable()
export class WorkflowFacts {
  async recordStarted(
    manager: EntityManager,
    workspaceId: string,
    p: WorkflowStartedPayloadV1,
    occurredAt: string,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO workflow_facts (workflow_instance_id, workspace_id, submission_id, attempt_number, site_id, site_code, vendor_id,
         vendor_code, scope_code, atp_category, started_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
       ON CONFLICT (workflow_instance_id) DO UPDATE SET attempt_number = EXCLUDED.attempt_number, site_id = EXCLUDED.site_id,
         site_code = EXCLUDED.site_code, vendor_id = EXCLUDED.vendor_id, vendor_code = EXCLUDED.vendor_code,
         scope_code = EXCLUDED.scope_code, atp_category = EXCLUDED.atp_category, started_at = EXCLUDED.started_at, updated_at = now()`,
      [
        p.workflowInstanceId,
        workspaceId,
        p.submissionId,
        p.attemptNumber,
        p.siteId,
        p.siteCode ?? null,
        p.vendorId,
        p.vendorCode ?? null,
        p.scopeCode,
        p.atpCategory,
        occurredAt,
      ],
    );
  }

  /**
   * A decision names its workflow and submission; the row exists already when `workflow.started` was
   * read (same partition, earlier offset). When it was not (a consumer deployed later), the decision's
   * facts are enough to hold the punchlist; site and vendor stay unknown.
   */
  async ensure(
    manager: EntityManager,
    workspaceId: string,
    workflowInstanceId: string,
    submissionId: string,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO workflow_facts (workflow_instance_id, workspace_id, submission_id) VALUES ($1, $2, $3)
       ON CONFLICT (workflow_instance_id) DO NOTHING`,
      [workflowInstanceId, workspaceId, submissionId],
    );
  }
}
