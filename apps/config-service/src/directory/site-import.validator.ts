import type { Finding } from '../import/findings';
import { RowReader } from '../import/row-reader';
import type { Sheet } from '../import/sheet';

export interface SiteInput {
  siteCode: string;
  siteName: string;
  region: string | null;
  city: string | null;
  clusterCode: string | null;
  isActive: boolean;
}

export const SITE_COLUMNS = ['site_code', 'site_name', 'region', 'city', 'cluster_code', 'is_active'] as const;

/** Pure: a `sites` sheet → site rows, one finding per bad cell (same report style as config imports). */
export function validateSites(sheets: Sheet[], findings: Finding[]): SiteInput[] {
  const sheet = sheets.find((s) => s.name === 'sites') ?? (sheets.length === 1 ? sheets[0] : undefined);
  if (!sheet) {
    findings.push({
      sheet: 'sites',
      row: 0,
      column: null,
      code: 'MISSING_SHEET',
      message: 'sheet "sites" is missing',
      severity: 'ERROR',
    });
    return [];
  }
  for (const column of ['site_code', 'site_name'].filter((c) => !sheet.columns.includes(c))) {
    findings.push({
      sheet: sheet.name,
      row: 1,
      column,
      code: 'MISSING_COLUMN',
      message: `required column "${column}" is missing`,
      severity: 'ERROR',
    });
  }
  const seen = new Set<string>();
  const sites: SiteInput[] = [];
  for (const row of sheet.rows) {
    const r = new RowReader(sheet.name, row, findings);
    const siteCode = r.requiredText('site_code', 100);
    if (siteCode && !/^[A-Za-z0-9._-]+$/.test(siteCode))
      r.error('site_code', 'INVALID_VALUE', 'site_code may hold letters, digits, ".", "_" and "-" only');
    if (siteCode && seen.has(siteCode)) r.error('site_code', 'DUPLICATE', `site ${siteCode} appears twice`);
    seen.add(siteCode);
    const site: SiteInput = {
      siteCode,
      siteName: r.requiredText('site_name', 200),
      region: r.text('region', 100),
      city: r.text('city', 100),
      clusterCode: r.text('cluster_code', 120)?.toUpperCase() ?? null,
      isActive: r.bool('is_active', true),
    };
    if (!r.hasErrors) sites.push(site);
  }
  return sites;
}
