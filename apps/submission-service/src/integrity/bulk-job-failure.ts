import type { EntityManager } from 'typeorm';
import type { ReferenceRejectedPayloadV1 } from '@atp/contracts';
import { invalidReferenceNote } from '@atp/platform-messaging';

/**
 * Compensation `submission.failBulkJob` (architecture §5.3): config-service refused the workspace of a submission a
 * bulk registration created (unknown, or deactivated meanwhile), so every other row of that job would be refused the
 * same way. The job, while RUNNING, is FAILED with the refusal as its error; the runner sees it at its next row and
 * registers nothing more (its progress writes are guarded on RUNNING). The submissions it already created are
 * compensated one by one (INVALID_REFERENCE). Returns the ids of the jobs failed; idempotent by state.
 */
export async function failBulkJobsOf(manager: EntityManager, p: ReferenceRejectedPayloadV1): Promise<string[]> {
  if (p.field !== 'workspaceId') return [];
  // An UPDATE answers [rows, count] through TypeORM's PostgreSQL driver.
  const [rows] = (await manager.query(
    `UPDATE bulk_jobs SET status = 'FAILED', error = $3, finished_at = now(), updated_at = now(),
            report = jsonb_set(report, '{status}', CASE WHEN done > 0 THEN '"PARTIAL"'::jsonb ELSE '"NONE_CREATED"'::jsonb END)
      WHERE workspace_id = $1 AND status = 'RUNNING'
        AND id IN (SELECT d.source_batch_id FROM atp_submission_documents d WHERE d.submission_id = $2 AND d.source_batch_id IS NOT NULL)
      RETURNING id`,
    [p.workspaceId, p.aggregateId, `bulk job stopped: ${invalidReferenceNote(p)}`],
  )) as [Array<{ id: string }>, number];
  return rows.map((r) => r.id);
}
