import { orphanCountSql, parentLookupSql, rowKeySql } from './audit-sql';
import { registryGaps, type SchemaFacts } from './schema-coverage';
import { auditChecksOf } from '@atp/contracts';

describe('the audit SQL', () => {
  it('anti-joins on the replica with the extra equalities', () => {
    expect(
      parentLookupSql({
        column: 'site_id',
        parent: { table: 'site_replica', column: 'site_id', match: { workspace_id: 'workspace_id' } },
      }),
    ).toBe('SELECT 1 FROM site_replica p WHERE p.site_id = h.site_id AND p.workspace_id = h.workspace_id');
  });

  it('looks ids up inside replicated snapshot documents', () => {
    expect(
      parentLookupSql({
        column: 'approval_role_id',
        parent: {
          table: 'config_snapshot_replica',
          column: 'snapshot',
          jsonArray: 'roles',
          match: { config_version_id: 'config_version_id' },
        },
      }),
    ).toBe(
      `SELECT 1 FROM config_snapshot_replica p WHERE p.snapshot -> 'roles' @> jsonb_build_array(jsonb_build_object('id', h.approval_role_id)) AND p.config_version_id = h.config_version_id`,
    );
  });

  it('refuses identifiers that are not plain names', () => {
    const [check] = auditChecksOf('workflow');
    expect(() => orphanCountSql({ ...check, table: 'x; DROP TABLE y' }, 'h.id', 5)).toThrow(/not a plain identifier/);
  });

  it('keys sample rows by their primary key', () => {
    expect(rowKeySql(['id'])).toBe('h.id::text');
    expect(rowKeySql(['submission_id', 'attempt_number'])).toBe(
      `h.submission_id::text || '/' || h.attempt_number::text`,
    );
  });
});

describe('registry coverage of a schema', () => {
  const facts = (extra: string[]): SchemaFacts => ({
    columns: new Set([
      'punchlists.id',
      'punchlists.workspace_id',
      'punchlists.workflow_instance_id',
      'punchlists.workflow_stage_id',
      'punchlists.submission_id',
      'punchlists.source_event_id',
      'workflow_facts.workflow_instance_id',
      'workflow_facts.workspace_id',
      'workflow_facts.submission_id',
      ...extra,
    ]),
    foreignKeyColumns: new Set(['punchlists.workflow_instance_id']),
    indexes: [{ table: 'workflow_facts', columns: ['workflow_instance_id'] }],
  });

  it('is satisfied by a schema the registry describes', () => {
    expect(registryGaps('punchlist', facts([]))).toEqual([]);
  });

  it('names an id column nobody registered', () => {
    expect(registryGaps('punchlist', facts(['punchlists.site_id']))).toEqual([
      'punchlist:punchlists.site_id looks like a reference but has no registry entry (nor an intra-service foreign key, nor a reason)',
    ]);
  });

  it('names a lookup no index serves', () => {
    const schema = { ...facts([]), indexes: [] };
    expect(registryGaps('punchlist', schema).some((g) => g.includes('no index of workflow_facts'))).toBe(true);
  });
});
