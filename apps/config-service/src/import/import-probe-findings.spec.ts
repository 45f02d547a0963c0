import { readSectionedCsv } from './csv-reader';
import type { Finding } from './findings';
import { ImportLimits } from './import-limits';
import { validateImport } from './import-validator';
import type { ImportContext } from './master-rows';

/** Findings of the functional probe (fd7f7ac) that are pure validation rules; the HTTP side is in test/. */
let n = 0;
const context: ImportContext = {
  workspaceId: '6f1c1a52-8a0e-4f55-9d7e-3b1f3f0b6a11',
  configVersionId: 'v',
  newId: () => `id-${++n}`,
  scopeIdsByCode: new Map([
    ['MW_NEW', 's1'],
    ['PLN_UPGRADE', 's2'],
  ]),
  vendorIdsByCode: new Map([['ZTE', 'v1']]),
  roleIdsByCode: new Map([
    ['RTH', 'r1'],
    ['ROH', 'r2'],
  ]),
  userIdsByKey: new Map([
    ['u-1', 'u-1'],
    ['u-2', 'u-2'],
  ]),
  clusterRolesOfActiveMatrix: new Set(['ROH', 'RTH']),
  scopeCodesInUse: new Map([
    ['MW_NEW', ['APPROVAL_MATRIX']],
    ['PLN_UPGRADE', ['APPROVAL_MATRIX', 'CLUSTER_MAPPING']],
  ]),
  vendorCodesInUse: new Map([['ZTE', ['APPROVAL_MATRIX']]]),
};
const read = (text: string) => readSectionedCsv(Buffer.from(text), ImportLimits, 'roles');
const codes = (findings: Finding[]) => findings.map((f) => `${f.sheet}:${f.row}:${f.column ?? ''}:${f.code}`);
const VENDORS = '[vendors]\nvendor_code,vendor_name,vendor_type\nZTE,ZTE,OEM\n';
const ROLES = '[roles]\nrole_code,role_name,hierarchy_order\nRTH,RTH,1\n';
const POLICY = '[policies]\npolicy_key,scope_code,vendor_code,atp_category,effective_date\nP1,MW_NEW,,RAN_MW,\n';
const matrix = (stageRows: string, policies = POLICY) =>
  read(
    `${ROLES}${policies}[stages]\npolicy_key,stage_number,stage_name,role_code,sequence_order,sla_hours\n${stageRows}`,
  );

describe('import findings of the functional probe', () => {
  it('#1 an unfilled template (header rows and a readme only) is EMPTY_FILE, and a matrix without policies is refused', () => {
    const template = read(
      '[roles]\nrole_code,role_name,hierarchy_order\n[policies]\npolicy_key,scope_code,atp_category\n' +
        '[stages]\npolicy_key,stage_number,stage_name,role_code,sequence_order\n[readme]\nsheet,column\nroles,role_code\nroles,role_name\n',
    );
    const empty = validateImport('APPROVAL_MATRIX', template, context).report;
    expect(empty.status).toBe('INVALID');
    expect(codes(empty.errors)).toEqual(['*:0::EMPTY_FILE']);

    const rolesOnly = read(
      `${ROLES}[policies]\npolicy_key,scope_code,atp_category\n[stages]\npolicy_key,stage_number,stage_name,role_code,sequence_order\n`,
    );
    expect(codes(validateImport('APPROVAL_MATRIX', rolesOnly, context).report.errors)).toEqual([
      'policies:0::SHEET_EMPTY',
      'stages:0::SHEET_EMPTY',
    ]);
  });

  it('#14 rowCount counts the data sheets only, not the readme', () => {
    const sheets = read(
      `${ROLES}${POLICY}[stages]\npolicy_key,stage_number,stage_name,role_code,sequence_order\nP1,1,R,RTH,1\n[readme]\nsheet,column\na,b\n`,
    );
    expect(validateImport('APPROVAL_MATRIX', sheets, context).report.rowCount).toBe(3);
  });

  it('#2a #12 an SLA above one year (8760 h) is INVALID_INTEGER, not a 1,141-year SLA or a 500', () => {
    for (const sla of ['100000000000', '10000000', '8761']) {
      const { report } = validateImport('APPROVAL_MATRIX', matrix(`P1,1,R,RTH,1,${sla}\n`), context);
      expect(codes(report.errors)).toEqual(['stages:9:sla_hours:INVALID_INTEGER']);
    }
    expect(validateImport('APPROVAL_MATRIX', matrix('P1,1,R,RTH,1,8760\n'), context).report.errors).toEqual([]);
  });

  it('#2b integers beyond the database range are INVALID_INTEGER', () => {
    const { report } = validateImport('APPROVAL_MATRIX', matrix('P1,99999999999,R,RTH,99999999999,24\n'), context);
    expect(codes(report.errors)).toEqual([
      'stages:9:stage_number:INVALID_INTEGER',
      'stages:9:sequence_order:INVALID_INTEGER',
    ]);
  });

  it('#2c an impossible date is INVALID_DATE, also beside other errors', () => {
    const policies =
      '[policies]\npolicy_key,scope_code,vendor_code,atp_category,effective_date,expiry_date\nP1,MW_NEW,,RAN_MW,2026-02-30,2026-04-31\n';
    const { report } = validateImport('APPROVAL_MATRIX', matrix('P1,1,R,RTH,1,abc\n', policies), context);
    expect(codes(report.errors)).toEqual([
      'policies:6:effective_date:INVALID_DATE',
      'policies:6:expiry_date:INVALID_DATE',
      'stages:9:sla_hours:INVALID_INTEGER',
    ]);
  });

  it('#2d an impossible effective_from in a CLUSTER_MAPPING is INVALID_DATE', () => {
    const sheets = readSectionedCsv(
      Buffer.from(
        '[clusters]\ncluster_code,scope_code,region_name\nC1,MW_NEW,Jabo\n' +
          '[cluster_approvers]\ncluster_code,role_code,primary_user,effective_from\nC1,RTH,u-1,2026-02-30\nC1,ROH,u-1,\n',
      ),
      ImportLimits,
      'clusters',
    );
    expect(codes(validateImport('CLUSTER_MAPPING', sheets, context).report.errors)).toEqual([
      'cluster_approvers:6:effective_from:INVALID_DATE',
    ]);
  });

  it('#13 POLICY_WITHOUT_STAGES names the policy_key and its row, and is left out when the stage rows failed', () => {
    const policies =
      '[policies]\npolicy_key,scope_code,vendor_code,atp_category\nP1,MW_NEW,,RAN_MW\nP2,PLN_UPGRADE,,PLN_UPGRADE\n';
    const { report } = validateImport('APPROVAL_MATRIX', matrix('P1,1,R,RTH,1,bad\n', policies), context);
    expect(codes(report.errors)).toEqual(['stages:10:sla_hours:INVALID_INTEGER']);
    expect(report.warnings).toEqual([
      expect.objectContaining({ sheet: 'policies', row: 7, column: 'policy_key', code: 'POLICY_WITHOUT_STAGES' }),
    ]);
    expect(report.warnings[0]?.message).toContain('policy P2 (PLN_UPGRADE)');
  });

  it('#10 a Latin-1 CSV is INVALID_ENCODING at its first garbled cell, not stored as U+FFFD', () => {
    const latin1 = Buffer.from(
      '[scopes]\nscope_code,scope_name,scope_group\nLIC,Li\xe7ence Fa\xe7ade,MICROWAVE\n' + VENDORS,
      'latin1',
    );
    const { report } = validateImport('SCOPE_CONFIG', readSectionedCsv(latin1, ImportLimits, 'scopes'), context);
    expect(report.status).toBe('INVALID');
    expect(codes(report.errors)).toEqual(['scopes:3:scope_name:INVALID_ENCODING']);
  });

  it('#23 a title row above the header and a ";" delimiter give one finding that says so', () => {
    const titled = read('Approval matrix of XLSmart\nrole_code,role_name,hierarchy_order\nRTH,RTH,1\n');
    const titledReport = validateImport('APPROVAL_MATRIX', titled, context).report;
    expect(titledReport.errors.filter((f) => f.sheet === 'roles').map((f) => `${f.row}:${f.code}`)).toEqual([
      '2:HEADER_NOT_IN_FIRST_ROW',
    ]);

    const semicolon = readSectionedCsv(
      Buffer.from('[scopes]\nscope_code;scope_name;scope_group\nMW_NEW;MW New;MICROWAVE\n' + VENDORS),
      ImportLimits,
      'scopes',
    );
    const semicolonReport = validateImport('SCOPE_CONFIG', semicolon, context).report;
    expect(codes(semicolonReport.errors)).toEqual(['scopes:1::SEMICOLON_DELIMITER']);
    expect(semicolonReport.warnings.filter((f) => f.code === 'UNKNOWN_COLUMN')).toEqual([]);
  });

  it('#23 an Excel serial number in a date column says which date it is', () => {
    const policies =
      '[policies]\npolicy_key,scope_code,vendor_code,atp_category,effective_date\nP1,MW_NEW,,RAN_MW,46037\n';
    const { report } = validateImport('APPROVAL_MATRIX', matrix('P1,1,R,RTH,1,24\n', policies), context);
    expect(report.errors).toEqual([expect.objectContaining({ code: 'INVALID_DATE', column: 'effective_date' })]);
    expect(report.errors[0]?.message).toContain('Excel serial date (46037 = 2026-01-15)');
  });

  it('#24 a WARNING per cluster × role the ACTIVE matrix assigns by cluster and the mapping leaves without approver', () => {
    const sheets = readSectionedCsv(
      Buffer.from(
        '[clusters]\ncluster_code,scope_code,region_name\nJKT-C1,MW_NEW,Jabo\nJKT-C2,MW_NEW,Jabo\n' +
          '[cluster_approvers]\ncluster_code,role_code,primary_user\nJKT-C1,RTH,u-1\nJKT-C1,ROH,u-1\nJKT-C2,ROH,u-2\n',
      ),
      ImportLimits,
      'clusters',
    );
    const { report } = validateImport('CLUSTER_MAPPING', sheets, context);
    expect(report.status).toBe('WARNINGS');
    expect(codes(report.warnings)).toEqual(['clusters:4:cluster_code:CLUSTER_ROLE_WITHOUT_APPROVER']);
    expect(report.warnings[0]?.message).toContain('JKT-C2 has no approver for role RTH');
  });

  it('#8 a SCOPE_CONFIG that drops scopes and vendors the ACTIVE versions use warns per code', () => {
    const sheets = readSectionedCsv(
      Buffer.from(
        '[scopes]\nscope_code,scope_name,scope_group\nMW_NEW,MW New,MICROWAVE\n' +
          '[vendors]\nvendor_code,vendor_name,vendor_type\nAVIAT,Aviat,OEM\n',
      ),
      ImportLimits,
      'scopes',
    );
    const { report } = validateImport('SCOPE_CONFIG', sheets, context);
    expect(codes(report.warnings)).toEqual([
      'scopes:0:scope_code:SCOPE_IN_USE_REMOVED',
      'vendors:0:vendor_code:VENDOR_IN_USE_REMOVED',
    ]);
    expect(report.warnings[0]?.message).toContain(
      'scope PLN_UPGRADE is not in this file but the ACTIVE APPROVAL_MATRIX and CLUSTER_MAPPING refer to it',
    );
  });
});
