import { SCOPE_GROUPS, normaliseCode } from '@atp/approval-routing';
import type { Finding } from './findings';
import type { ImportContext, MasterRow, MasterRowSet } from './master-rows';
import { RowReader } from './row-reader';
import { locateSheets } from './sheet-presence';
import { SheetLayouts } from './sheet-layouts';
import type { Sheet } from './sheet';

export const VENDOR_TYPES = ['OEM', 'SUBCONTRACTOR', 'TOWER_PROVIDER', 'PLATFORM_OWNER', 'OTHER'] as const;

/** SCOPE_CONFIG = scopes and vendors (domain §1.3 items 2–3). */
export function validateScopeConfig(sheets: Sheet[], context: ImportContext, findings: Finding[]): MasterRowSet {
  const located = locateSheets(sheets, SheetLayouts.SCOPE_CONFIG, findings);
  const { workspaceId, configVersionId, newId } = context;
  const scopes: MasterRow[] = [];
  const scopeCodes = new Set<string>();
  for (const row of located.get('scopes')?.rows ?? []) {
    const r = new RowReader('scopes', row, findings);
    const code = normaliseCode(r.requiredText('scope_code', 50));
    if (code && scopeCodes.has(code)) r.error('scope_code', 'DUPLICATE', `scope ${code} appears twice`);
    scopeCodes.add(code);
    const record: MasterRow = {
      id: newId(),
      workspace_id: workspaceId,
      config_version_id: configVersionId,
      scope_code: code,
      scope_name: r.requiredText('scope_name', 150),
      scope_group: r.oneOf('scope_group', SCOPE_GROUPS, { required: true, fallback: null }),
      category_code: r.oneOf('category_code', ['UPGRADE', 'DISMANTLE', 'NEW', 'RELOCATION'] as const, {
        required: false,
        fallback: null,
      }),
      atp_type: r.oneOf('atp_type', ['HARDWARE', 'SOFTWARE', 'BOTH'] as const, { required: false, fallback: 'BOTH' }),
      default_template_code: r.oneOf(
        'default_template_code',
        ['ATP_HARDWARE', 'ATP_SOFTWARE', 'ATP_COMBINED'] as const,
        { required: false, fallback: null },
      ),
      requires_cluster: r.bool('requires_cluster', true),
      description: r.text('description', 1000),
    };
    if (!r.hasErrors) scopes.push(record);
  }
  const vendors: MasterRow[] = [];
  const vendorCodes = new Set<string>();
  for (const row of located.get('vendors')?.rows ?? []) {
    const r = new RowReader('vendors', row, findings);
    const code = normaliseCode(r.requiredText('vendor_code', 50));
    if (code && vendorCodes.has(code)) r.error('vendor_code', 'DUPLICATE', `vendor ${code} appears twice`);
    vendorCodes.add(code);
    const email = r.text('contact_email', 255);
    if (email && !/^[^@\s]+@[^@\s]+$/.test(email))
      r.error('contact_email', 'INVALID_EMAIL', `contact_email "${email}" is not an e-mail address`);
    const record: MasterRow = {
      id: newId(),
      workspace_id: workspaceId,
      config_version_id: configVersionId,
      vendor_code: code,
      vendor_name: r.requiredText('vendor_name', 150),
      vendor_type: r.oneOf('vendor_type', VENDOR_TYPES, { required: true, fallback: null }),
      contact_person: r.text('contact_person', 150),
      contact_email: email,
      contact_phone: r.text('contact_phone', 50),
    };
    if (!r.hasErrors) vendors.push(record);
  }
  warnCodesInUse(
    'scopes',
    'scope_code',
    'scope',
    scopes.map((s) => s.scope_code as string),
    context.scopeCodesInUse,
    findings,
  );
  warnCodesInUse(
    'vendors',
    'vendor_code',
    'vendor',
    vendors.map((v) => v.vendor_code as string),
    context.vendorCodesInUse,
    findings,
  );
  return { atp_scope_master: scopes, vendor_master: vendors };
}

/**
 * #8: a SCOPE_CONFIG that drops codes the ACTIVE matrix or cluster mapping still refer to. A removed scope no
 * longer routes (routing needs the scope ACTIVE), so the user must know before activating.
 */
function warnCodesInUse(
  sheet: string,
  column: string,
  what: string,
  kept: string[],
  inUse: ReadonlyMap<string, readonly string[]> | undefined,
  findings: Finding[],
): void {
  const present = new Set(kept);
  for (const [code, sources] of [...(inUse ?? new Map<string, readonly string[]>())].sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    if (present.has(code)) continue;
    findings.push({
      sheet,
      row: 0,
      column,
      code: `${what.toUpperCase()}_IN_USE_REMOVED`,
      severity: 'WARNING',
      message:
        `${what} ${code} is not in this file but the ACTIVE ${sources.join(' and ')} refer to it: once activated, ` +
        `${what === 'scope' ? 'submissions for it are refused (NO_POLICY)' : 'its vendor-specific policies no longer apply'}`,
    });
  }
}
