import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  MASTER_TABLES_IN_INSERT_ORDER,
  type MasterRow,
  type MasterRowSet,
  type MasterTable,
} from '../import/master-rows';
import { insertColumnsOf } from './master-columns';

/** Columns that point at another row of the same version: a clone must remap them to the new ids. */
const INTRA_VERSION_REFERENCES = ['parent_policy_id', 'policy_id', 'approval_role_id', 'cluster_id'] as const;
const ROW_CHUNK = 5_000;

/** Bulk writes of the seven master tables (one statement per table and chunk, JSON-encoded rows). */
@Injectable()
export class MasterRowsRepository {
  async insert(manager: EntityManager, rowSet: MasterRowSet): Promise<number> {
    let written = 0;
    for (const table of MASTER_TABLES_IN_INSERT_ORDER) {
      const rows = rowSet[table] ?? [];
      if (rows.length === 0) continue;
      // Table names come from MASTER_TABLES_IN_INSERT_ORDER and columns from MASTER_COLUMNS: no identifier from data.
      const list = insertColumnsOf(table, rows).join(', ');
      for (let start = 0; start < rows.length; start += ROW_CHUNK) {
        const chunk = rows.slice(start, start + ROW_CHUNK);
        await manager.query(
          `INSERT INTO ${table} (${list}) SELECT ${list} FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`,
          [JSON.stringify(chunk)],
        );
      }
      written += rows.length;
    }
    return written;
  }

  async deleteAll(manager: EntityManager, configVersionId: string): Promise<void> {
    for (const table of [...MASTER_TABLES_IN_INSERT_ORDER].reverse()) {
      await manager.query(`DELETE FROM ${table} WHERE config_version_id = $1`, [configVersionId]);
    }
  }

  /** Copies every row of one version into another with fresh ids, keeping references inside the copy. */
  async clone(
    manager: EntityManager,
    fromVersionId: string,
    toVersionId: string,
    newId: () => string,
  ): Promise<number> {
    const source: MasterRowSet = {};
    const idMap = new Map<string, string>();
    for (const table of MASTER_TABLES_IN_INSERT_ORDER) {
      // to_jsonb keeps DATE columns as 'YYYY-MM-DD' text; pg would turn them into local-time Dates.
      const found = (await manager.query(`SELECT to_jsonb(t.*) AS row FROM ${table} t WHERE config_version_id = $1`, [
        fromVersionId,
      ])) as Array<{ row: MasterRow }>;
      const rows = found.map((f) => f.row);
      source[table] = rows;
      for (const row of rows) idMap.set(row.id as string, newId());
    }
    const copy: MasterRowSet = {};
    for (const table of Object.keys(source) as MasterTable[]) {
      copy[table] = (source[table] ?? []).map((row) => {
        const { created_at: _created, updated_at: _updated, ...rest } = row;
        const cloned: MasterRow = {
          ...rest,
          id: idMap.get(row.id as string) as string,
          config_version_id: toVersionId,
        };
        for (const column of INTRA_VERSION_REFERENCES) {
          const target = row[column];
          if (typeof target === 'string' && idMap.has(target)) cloned[column] = idMap.get(target) as string;
        }
        return cloned;
      });
    }
    return this.insert(manager, copy);
  }
}
