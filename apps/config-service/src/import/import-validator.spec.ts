import { readSectionedCsv } from './csv-reader';
import { ImportLimits } from './import-limits';
import { validateImport } from './import-validator';
import type { ImportContext } from './master-rows';

let n = 0;
const context: ImportContext = {
  workspaceId: '6f1c1a52-8a0e-4f55-9d7e-3b1f3f0b6a11',
  configVersionId: 'v',
  newId: () => `id-${++n}`,
  scopeIdsByCode: new Map([['MW_NEW', 's1']]),
  vendorIdsByCode: new Map([['ZTE', 'v1']]),
  roleIdsByCode: new Map(),
  userIdsByKey: new Map(),
};
const read = (text: string) => readSectionedCsv(Buffer.from(text), ImportLimits, 'roles');

describe('approval matrix import validation', () => {
  it('accepts a chain, maps legacy aliases and expands BOTH into two policies', () => {
    const sheets = read(
      `[roles]\nrole_code,role_name,hierarchy_order\nNOC_HEAD,Head NOC,1\n[policies]\npolicy_key,scope_code,vendor_code,atp_category\nP1,MW_NEW,,BOTH\n[stages]\npolicy_key,stage_number,stage_name,role_code,sequence_order\nP1,1,HEAD_NOC_REVIEW,HEAD_NOC,1\n`,
    );
    const { rows, report } = validateImport('APPROVAL_MATRIX', sheets, context);
    expect(report.status).toBe('WARNINGS');
    expect(report.errors).toEqual([]);
    expect(rows.approval_role_master?.[0].role_code).toBe('HEAD_NOC');
    expect(rows.approval_policy_master?.map((p) => p.atp_category).sort()).toEqual(['RAN_MW', 'SOFTWARE_LICENSE']);
    expect(rows.approval_policy_stages).toHaveLength(2);
    expect(rows.approval_policy_stages?.[0].sla_hours).toBe(24);
  });

  it('maps every legacy spelling the routing library knows (one implementation), with a warning per rewrite', () => {
    const sheets = read(
      `[roles]\nrole_code,role_name,hierarchy_order\nhead of noc,Head NOC,1\nHEAD_NOC_X,Other,2\n[policies]\npolicy_key,scope_code,vendor_code,atp_category\nP1,MW_NEW,,HW\nP2,MW_NEW,ZTE,dismantle\nP3,MW_NEW,,SW License\n[stages]\npolicy_key,stage_number,stage_name,role_code,sequence_order\nP1,1,R,NOC HEAD,1\nP2,1,R,HEAD_NOC,1\nP3,1,R,head-noc,1\n`,
    );
    const { rows, report } = validateImport('APPROVAL_MATRIX', sheets, context);
    expect(report.errors).toEqual([]);
    expect(rows.approval_role_master?.map((r) => r.role_code)).toEqual(['HEAD_NOC', 'HEAD_NOC_X']);
    expect(rows.approval_policy_master?.map((p) => p.atp_category)).toEqual([
      'RAN_MW',
      'DISMANTLE_DROP',
      'SOFTWARE_LICENSE',
    ]);
    expect(rows.approval_policy_stages).toHaveLength(3);
    expect(report.warnings.map((w) => `${w.sheet}:${w.row}:${w.code}`)).toEqual([
      'roles:3:LEGACY_ALIAS',
      'policies:7:LEGACY_ALIAS',
      'policies:8:LEGACY_ALIAS',
      'policies:9:LEGACY_ALIAS',
    ]);
  });

  it('reports each bad cell once, located by sheet, line and column', () => {
    const sheets = read(
      `[roles]\nrole_code,role_name,hierarchy_order\nBO,BO,x\n[policies]\npolicy_key,scope_code,atp_category\nP1,NOPE,RAN_MW\n[stages]\npolicy_key,stage_number,stage_name,role_code,sequence_order,assignment_mode\nP1,1,S,BO,1,STATIC_USER\n`,
    );
    const { report } = validateImport('APPROVAL_MATRIX', sheets, context);
    expect(report.status).toBe('INVALID');
    expect(report.errors.map((e) => `${e.sheet}:${e.row}:${e.column}:${e.code}`)).toEqual([
      'roles:3:hierarchy_order:INVALID_INTEGER',
      'policies:6:scope_code:UNKNOWN_SCOPE',
      'stages:9:auto_assign_rule:REQUIRED',
    ]);
  });

  it('refuses a missing sheet and an empty file', () => {
    const { report } = validateImport('SCOPE_CONFIG', read(''), context);
    expect(report.errors.map((e) => e.code).sort()).toEqual(['EMPTY_FILE', 'MISSING_SHEET', 'MISSING_SHEET']);
  });
});
