import type { DataSource } from 'typeorm';

/**
 * The inbox only has to remember an event for as long as Kafka can deliver it again: the topics
 * keep 7 days, so 30 days of inbox rows is a wide margin. Older rows are deleted in small batches
 * so the purge never holds long locks on a busy table.
 */
export const INBOX_RETENTION_DAYS = 30;
const PURGE_BATCH = 5000;

export async function purgeInbox(dataSource: DataSource, retentionDays = INBOX_RETENTION_DAYS): Promise<number> {
  let purged = 0;
  for (;;) {
    const [, deleted] = (await dataSource.query(
      `DELETE FROM inbox WHERE ctid IN (
         SELECT ctid FROM inbox WHERE processed_at < clock_timestamp() - make_interval(days => $1) LIMIT $2)`,
      [retentionDays, PURGE_BATCH],
    )) as [unknown[], number];
    purged += deleted;
    if (deleted < PURGE_BATCH) return purged;
  }
}
