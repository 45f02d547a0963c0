import {
  AUDIT_CHECKS,
  CROSS_SERVICE_REFERENCES,
  NON_DOMAIN_TABLES,
  NON_REFERENCE_COLUMNS,
  TENANT_CHILD_TABLES,
  type IntegrityService,
} from '@atp/contracts';

/** What the coverage check needs to know of one migrated database. */
export interface SchemaFacts {
  /** Every column of every table: `table.column`. */
  columns: ReadonlySet<string>;
  /** Columns that are part of a foreign key inside this database: `table.column`. */
  foreignKeyColumns: ReadonlySet<string>;
  /** Every index as its table and ordered columns. */
  indexes: ReadonlyArray<{ table: string; columns: readonly string[] }>;
}

/** Names that look like a reference to a row somewhere: `*_id`, `*_ids` and the pinned config versions. */
const ID_SHAPED = /(_id|_ids)$|^pinned_/;

/**
 * Everything the registry misses or gets wrong for one service's database, as sentences (empty = covered):
 * an id-shaped column that is neither an intra-service foreign key, nor a registry reference, nor explained in
 * `NON_REFERENCE_COLUMNS`; a registry entry or audit check naming a table or column that does not exist; an
 * audit whose parent lookup no index serves.
 */
export function registryGaps(service: IntegrityService, schema: SchemaFacts): string[] {
  const gaps: string[] = [];
  const refIds = new Set(
    CROSS_SERVICE_REFERENCES.filter((r) => r.holder.service === service).map(
      (r) => `${r.holder.table}.${r.holder.column}`,
    ),
  );
  const skippedTables = new Set(NON_DOMAIN_TABLES);
  const childTables = new Set(TENANT_CHILD_TABLES[service]);
  for (const qualified of [...schema.columns].sort()) {
    const [table, column] = qualified.split('.');
    if (skippedTables.has(table) || !ID_SHAPED.test(column)) continue;
    if (schema.foreignKeyColumns.has(qualified) || refIds.has(qualified)) continue;
    if (NON_REFERENCE_COLUMNS[`${service}:${qualified}`] !== undefined) continue;
    if (column === 'workspace_id' && childTables.has(table)) continue;
    gaps.push(
      `${service}:${qualified} looks like a reference but has no registry entry (nor an intra-service foreign key, nor a reason)`,
    );
  }
  for (const r of CROSS_SERVICE_REFERENCES.filter((x) => x.holder.service === service)) {
    const holder = `${r.holder.table}.${r.holder.column}`;
    if (!schema.columns.has(holder)) gaps.push(`${r.id}: no column ${holder} in the ${service} database`);
    if (schema.foreignKeyColumns.has(holder))
      gaps.push(`${r.id}: ${holder} is an intra-service foreign key, not a cross-service reference`);
  }
  for (const check of AUDIT_CHECKS.filter((c) => c.service === service)) {
    const { parent } = check;
    const needed = [
      `${check.table}.${check.column}`,
      `${check.table}.workspace_id`,
      `${parent.table}.${parent.column}`,
      ...Object.entries(parent.match ?? {}).flatMap(([p, h]) => [`${parent.table}.${p}`, `${check.table}.${h}`]),
    ];
    for (const name of needed) if (!schema.columns.has(name)) gaps.push(`audit ${check.id}: no column ${name}`);
    const lookup = new Set([...(parent.jsonArray ? [] : [parent.column]), ...Object.keys(parent.match ?? {})]);
    const served = schema.indexes.some((i) => i.table === parent.table && lookup.has(i.columns[0]));
    if (!served)
      gaps.push(`audit ${check.id}: no index of ${parent.table} starts with one of ${[...lookup].join(', ')}`);
  }
  return gaps;
}

type Query = (sql: string) => Promise<Array<Record<string, unknown>>>;

/** Reads the facts from a migrated database (public schema). */
export async function readSchemaFacts(query: Query): Promise<SchemaFacts> {
  const columns = await query(
    `SELECT table_name || '.' || column_name AS name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name IN (SELECT tablename FROM pg_tables WHERE schemaname = current_schema())`,
  );
  const fks = await query(
    `SELECT c.conrelid::regclass::text || '.' || a.attname AS name FROM pg_constraint c
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
      WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
  );
  const indexes = await query(
    `SELECT t.relname AS "table", array_agg(a.attname::text ORDER BY k.ord) AS columns
       FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
       JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) ON true
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE t.relnamespace = current_schema()::regnamespace GROUP BY i.indexrelid, t.relname`,
  );
  return {
    columns: new Set(columns.map((r) => String(r.name))),
    foreignKeyColumns: new Set(fks.map((r) => String(r.name))),
    indexes: indexes.map((r) => ({ table: String(r.table), columns: r.columns as string[] })),
  };
}
