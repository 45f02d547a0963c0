import type { ConfigSnapshot } from '@atp/approval-routing';

export interface CollectionDiff {
  added: string[];
  removed: string[];
  changed: Array<{ key: string; before: Record<string, unknown>; after: Record<string, unknown> }>;
}

export type ConfigDiff = Record<string, CollectionDiff>;

/** Ids differ between versions by construction; rows are compared by business key and by their other fields. */
const ID_FIELDS = new Set(['id', 'policyId', 'approvalRoleId', 'scopeId', 'vendorId', 'clusterId', 'parentPolicyId']);

type Row = Record<string, unknown>;

function keyedCollections(snapshot: ConfigSnapshot): Record<string, Map<string, Row>> {
  const by = (rows: Row[], key: (row: Row) => string) => new Map(rows.map((row) => [key(row), row]));
  switch (snapshot.sourceType) {
    case 'APPROVAL_MATRIX': {
      const policyKey = new Map(
        snapshot.policies.map((p) => [p.id, `${p.scopeCode}|${p.vendorCode ?? '*'}|${p.atpCategory}`]),
      );
      return {
        roles: by(snapshot.roles as unknown as Row[], (r) => String(r.roleCode)),
        policies: by(snapshot.policies as unknown as Row[], (p) => policyKey.get(String(p.id)) ?? ''),
        policyStages: by(
          snapshot.policyStages as unknown as Row[],
          (s) => `${policyKey.get(String(s.policyId))}|${s.stageNumber}|${s.roleCode}|${s.parallelGroup ?? ''}`,
        ),
      };
    }
    case 'CLUSTER_MAPPING':
      return {
        clusters: by(snapshot.clusters as unknown as Row[], (c) => String(c.clusterCode)),
        clusterApprovers: by(snapshot.clusterApprovers as unknown as Row[], (a) => `${a.clusterCode}|${a.roleCode}`),
      };
    case 'SCOPE_CONFIG':
      return {
        scopes: by(snapshot.scopes as unknown as Row[], (s) => String(s.scopeCode)),
        vendors: by(snapshot.vendors as unknown as Row[], (v) => String(v.vendorCode)),
      };
  }
}

function comparable(row: Row): Row {
  return Object.fromEntries(Object.entries(row).filter(([field]) => !ID_FIELDS.has(field)));
}

/** Pure: what activating `draft` would change compared with `active` (null = nothing active yet). */
export function diffSnapshots(active: ConfigSnapshot | null, draft: ConfigSnapshot): ConfigDiff {
  const after = keyedCollections(draft);
  const before = active ? keyedCollections(active) : {};
  const result: ConfigDiff = {};
  for (const [name, rows] of Object.entries(after)) {
    const old = before[name] ?? new Map<string, Row>();
    const diff: CollectionDiff = { added: [], removed: [], changed: [] };
    for (const [key, row] of rows) {
      const previous = old.get(key);
      if (!previous) diff.added.push(key);
      else if (JSON.stringify(comparable(previous)) !== JSON.stringify(comparable(row)))
        diff.changed.push({ key, before: comparable(previous), after: comparable(row) });
    }
    for (const key of old.keys()) if (!rows.has(key)) diff.removed.push(key);
    result[name] = diff;
  }
  return result;
}
