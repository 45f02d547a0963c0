import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, type Page } from '@atp/platform-http';
import type { ListSubmissionsQueryDto } from './dto/submission.dto';
import { SUMMARY_SELECT, summaryOf } from './submission-view';

const DEFAULT_LIMIT = 50;

/** The list of a workspace's submissions, newest first, with keyset (cursor) pagination. */
@Injectable()
export class SubmissionQueries {
  constructor(private readonly dataSource: DataSource) {}

  async list(workspaceId: string, query: ListSubmissionsQueryDto): Promise<Page<Record<string, unknown>>> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const params: unknown[] = [workspaceId];
    const where = ['s.workspace_id = $1'];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.status) add('s.status = ?', query.status);
    if (query.siteCode) add('s.site_code = ?', query.siteCode);
    if (query.scopeCode) add('upper(s.scope_code) = upper(?)', query.scopeCode);
    if (query.vendorCode) add('upper(s.vendor_code) = upper(?)', query.vendorCode);
    if (query.atpCategory) add('s.atp_category = ?', query.atpCategory);
    if (query.region)
      add('EXISTS (SELECT 1 FROM site_replica r WHERE r.site_id = s.site_id AND r.region = ?)', query.region);
    if (query.submittedFrom) add('s.submitted_at >= ?::timestamptz', query.submittedFrom);
    if (query.submittedTo) add('s.submitted_at < ?::timestamptz', query.submittedTo);
    const cursor = decodeCursor<{ createdAt: string; id: string }>(query.cursor, ['createdAt', 'id']);
    if (cursor) {
      params.push(cursor.createdAt, cursor.id);
      where.push(`(s.created_at, s.id) < ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    params.push(limit + 1);
    const rows = (await this.dataSource.query(
      `${SUMMARY_SELECT} WHERE ${where.join(' AND ')} ORDER BY s.created_at DESC, s.id DESC LIMIT $${params.length}`,
      params,
    )) as Array<Record<string, unknown>>;
    const items = rows.slice(0, limit).map(summaryOf);
    const last = rows.length > limit ? items[items.length - 1] : null;
    // The cursor keeps the database's microseconds (a JS Date would drop them and repeat rows).
    const nextCursor = last
      ? encodeCursor({ createdAt: await this.exactCreatedAt(last.id as string), id: last.id as string })
      : null;
    return { items, nextCursor };
  }

  private async exactCreatedAt(id: string): Promise<string> {
    const rows = (await this.dataSource.query(`SELECT created_at::text AS t FROM atp_submissions WHERE id = $1`, [
      id,
    ])) as Array<{ t: string }>;
    return rows[0].t;
  }
}
