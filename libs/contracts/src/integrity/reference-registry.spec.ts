import { AUDIT_CHECKS, AUDITS_PENDING, COMPENSATION_NAMES, CROSS_SERVICE_REFERENCES, VALIDATOR_NAMES } from './index';

describe('the reference registry', () => {
  it('gives every reference a validator, a compensation and an audit check (or a pending audit)', () => {
    for (const r of CROSS_SERVICE_REFERENCES) {
      expect({ id: r.id, validator: VALIDATOR_NAMES.includes(r.validator) }).toEqual({ id: r.id, validator: true });
      expect({ id: r.id, compensation: COMPENSATION_NAMES.includes(r.compensation) }).toEqual({
        id: r.id,
        compensation: true,
      });
      expect({ id: r.id, audited: r.audit !== null || AUDITS_PENDING.has(r.id) }).toEqual({ id: r.id, audited: true });
      if (r.audit !== null) expect(AUDIT_CHECKS.map((c) => c.id)).toContain(r.audit);
      expect(r.holder.service).not.toBe(r.owner.service);
    }
  });

  it('keeps the pending audits exact: only references without a replica', () => {
    const withoutReplica = CROSS_SERVICE_REFERENCES.filter((r) => r.replica === null)
      .map((r) => r.id)
      .sort();
    expect([...AUDITS_PENDING].sort()).toEqual(withoutReplica);
  });

  it('has unique ids', () => {
    const refIds = CROSS_SERVICE_REFERENCES.map((r) => r.id);
    const checkIds = AUDIT_CHECKS.map((c) => c.id);
    expect(new Set(refIds).size).toBe(refIds.length);
    expect(new Set(checkIds).size).toBe(checkIds.length);
  });

  it('covers the eight checks of domain §7.1 with the tables it names', () => {
    const byNumber = Object.fromEntries(AUDIT_CHECKS.filter((c) => c.domainCheck).map((c) => [c.domainCheck, c]));
    const shape = (n: number) => `${byNumber[n]?.table}.${byNumber[n]?.column} -> ${byNumber[n]?.parent.table}`;
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(shape)).toEqual([
      'workflow_instances.config_version_id -> config_snapshot_replica',
      'workflow_instances.workspace_id -> workspace_replica',
      'workflow_stages.workflow_instance_id -> workflow_instances',
      'atp_submissions.workflow_instance_id -> atp_submission_attempts',
      'atp_scope_master.workspace_id -> workspaces',
      'config_versions.workspace_id -> workspaces',
      'punchlists.workflow_instance_id -> workflow_facts',
      'approval_policy_master.workspace_id -> workspaces',
    ]);
    expect(byNumber[1].severity).toBe('CRITICAL');
    expect(byNumber[2].severity).toBe('CRITICAL');
    expect(byNumber[4].severity).toBe('CRITICAL');
  });
});
