import type { AuditCheck, ReplicaLookup } from '@atp/contracts';

/** Names in the registry are plain snake_case identifiers; anything else is a registry bug, refused here. */
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function ident(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`integrity audit: ${JSON.stringify(name)} is not a plain identifier`);
  return name;
}

/** A JSON member name of the snapshot documents (camelCase). */
function jsonKey(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new Error(`integrity audit: ${JSON.stringify(name)} is not a plain JSON key`);
  return name;
}

/** The correlated lookup of the holder row `h` in the parent (replica or own table) `p`. */
export function parentLookupSql(check: Pick<AuditCheck, 'column' | 'parent'>): string {
  const parent: ReplicaLookup = check.parent;
  const conditions = parent.jsonArray
    ? [
        `p.${ident(parent.column)} -> '${jsonKey(parent.jsonArray)}' @> jsonb_build_array(jsonb_build_object('id', h.${ident(check.column)}))`,
      ]
    : [`p.${ident(parent.column)} = h.${ident(check.column)}`];
  for (const [replicaColumn, holderColumn] of Object.entries(parent.match ?? {})) {
    conditions.push(`p.${ident(replicaColumn)} = h.${ident(holderColumn)}`);
  }
  if (parent.where) conditions.push(`(${parent.where})`);
  return `SELECT 1 FROM ${ident(parent.table)} p WHERE ${conditions.join(' AND ')}`;
}

/**
 * One set-wise anti-join per check: the orphans per workspace, with a few row keys for whoever looks.
 * `$1` is the workspace to audit, or NULL for all of them. `rowKey` is the SQL text of the holder's key
 * (its primary key columns joined), read from the catalog.
 */
export function orphanCountSql(check: AuditCheck, rowKey: string, sampleSize: number): string {
  const table = ident(check.table);
  const column = ident(check.column);
  return `SELECT h.workspace_id::text AS "workspaceId", count(*)::int AS "count",
       (array_agg(${rowKey} ORDER BY ${rowKey}))[1:${Math.trunc(sampleSize)}] AS "sampleIds"
     FROM ${table} h
     WHERE h.${column} IS NOT NULL AND ($1::uuid IS NULL OR h.workspace_id = $1::uuid)
       AND NOT EXISTS (${parentLookupSql(check)})
     GROUP BY h.workspace_id`;
}

/** The holder's primary key as one text expression over `h` (`h.id::text`, or columns joined with '/'). */
export function rowKeySql(primaryKey: readonly string[]): string {
  if (primaryKey.length === 0) return 'h.ctid::text';
  return primaryKey.map((c) => `h.${ident(c)}::text`).join(` || '/' || `);
}
