import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NotFoundError } from '@atp/platform-http';
import type { BulkReport } from './bulk-report';

export type JobStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface JobView {
  jobId: string;
  kind: string;
  status: JobStatus;
  total: number;
  done: number;
  failed: number;
  report: BulkReport;
  error: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

const COLUMNS = `id AS "jobId", kind, status, total, done, failed, report, error, created_by AS "createdBy",
  created_at AS "createdAt", updated_at AS "updatedAt", finished_at AS "finishedAt"`;

/** Long jobs of a workspace (api-contract `GET /jobs/{jobId}`): `done` rows succeeded, `failed` rows were refused. */
@Injectable()
export class BulkJobsRepository {
  async insert(
    manager: EntityManager,
    workspaceId: string,
    kind: string,
    total: number,
    actorId: string,
    report: BulkReport,
  ): Promise<string> {
    const [row] = (await manager.query(
      `INSERT INTO bulk_jobs (workspace_id, kind, status, total, report, created_by) VALUES ($1, $2, 'RUNNING', $3, $4, $5) RETURNING id`,
      [workspaceId, kind, total, JSON.stringify(report), actorId],
    )) as Array<{ id: string }>;
    return row.id;
  }

  async get(manager: EntityManager, workspaceId: string, jobId: string): Promise<JobView> {
    const rows = (await manager.query(`SELECT ${COLUMNS} FROM bulk_jobs WHERE workspace_id = $1 AND id = $2`, [
      workspaceId,
      jobId,
    ])) as Array<JobView & { createdAt: Date; updatedAt: Date; finishedAt: Date | null }>;
    if (!rows[0]) throw new NotFoundError('job', jobId);
    const row = rows[0];
    return {
      ...row,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      finishedAt: row.finishedAt?.toISOString() ?? null,
    };
  }

  /**
   * Records the progress after a row (in the row's transaction when it created something). False when the job is no
   * longer RUNNING (failed by a compensation, or by the sweeper): the caller stops.
   */
  async progress(
    manager: EntityManager,
    jobId: string,
    done: number,
    failed: number,
    report: BulkReport,
  ): Promise<boolean> {
    const [, affected] = (await manager.query(
      `UPDATE bulk_jobs SET done = $2, failed = $3, report = $4, updated_at = now() WHERE id = $1 AND status = 'RUNNING'`,
      [jobId, done, failed, JSON.stringify(report)],
    )) as [unknown, number];
    return affected > 0;
  }

  async finish(
    manager: EntityManager,
    jobId: string,
    status: Exclude<JobStatus, 'RUNNING'>,
    report: BulkReport,
    error: string | null,
  ): Promise<void> {
    await manager.query(
      `UPDATE bulk_jobs SET status = $2, report = $3, error = $4, updated_at = now(), finished_at = now() WHERE id = $1 AND status = 'RUNNING'`,
      [jobId, status, JSON.stringify(report), error],
    );
  }

  /** Fails the jobs whose process stopped beating (a crash or a kill mid-job): rows already created stay. */
  async failStale(manager: EntityManager, olderThanMs: number): Promise<string[]> {
    const rows = (await manager.query(
      `UPDATE bulk_jobs SET status = 'FAILED', error = 'interrupted: the service stopped while the job ran; rows not reported were not registered',
         finished_at = now(), updated_at = now(), report = jsonb_set(report, '{status}', '"PARTIAL"')
       WHERE status = 'RUNNING' AND updated_at < now() - make_interval(secs => $1 / 1000.0) RETURNING id`,
      [olderThanMs],
    )) as [Array<{ id: string }>, number] | Array<{ id: string }>;
    const list = Array.isArray(rows[0]) ? (rows[0] as Array<{ id: string }>) : (rows as Array<{ id: string }>);
    return list.map((row) => row.id);
  }
}
