import { ATP_CATEGORIES, type AtpCategory } from './model';

/**
 * Canonical category and role codes (architecture §6, Q4). Legacy spreadsheets and the old engine
 * use several spellings for the same thing; imports store canonical codes, and routing compares
 * canonical codes on both sides so that a snapshot written before canonicalisation still matches.
 */

/** Upper-case, trim, and treat spaces, hyphens and slashes as underscores: "noc-head " → "NOC_HEAD". */
export function normaliseCode(raw: string): string {
  return raw
    .trim()
    .toUpperCase()
    .replace(/[\s\-/]+/g, '_');
}

const CATEGORY_ALIASES: Readonly<Record<string, AtpCategory>> = {
  HARDWARE: 'RAN_MW',
  HW: 'RAN_MW',
  ATP_HARDWARE: 'RAN_MW',
  RAN: 'RAN_MW',
  MW: 'RAN_MW',
  RANMW: 'RAN_MW',
  SOFTWARE: 'SOFTWARE_LICENSE',
  SW: 'SOFTWARE_LICENSE',
  ATP_SOFTWARE: 'SOFTWARE_LICENSE',
  SW_LICENSE: 'SOFTWARE_LICENSE',
  LICENSE: 'SOFTWARE_LICENSE',
  PLN: 'PLN_UPGRADE',
  POWER: 'PLN_UPGRADE',
  DISMANTLE: 'DISMANTLE_DROP',
};

/**
 * The legacy value BOTH is not a category but "hardware and software" (domain §5.1 creates both ATP
 * tasks; §5.3 gives it a combined chain, available as the `BOTH` template). It therefore has no single
 * canonical category; use `expandLegacyCategory` where one row must become one row per category.
 */
export const LEGACY_BOTH = 'BOTH';

/** Canonical ATP category for a raw value, or null when unknown (and for BOTH, see above). */
export function canonicalCategory(raw: string): AtpCategory | null {
  const code = normaliseCode(raw);
  if ((ATP_CATEGORIES as readonly string[]).includes(code)) return code as AtpCategory;
  return CATEGORY_ALIASES[code] ?? null;
}

/** Categories a raw value stands for: BOTH → RAN_MW and SOFTWARE_LICENSE; unknown → []. */
export function expandLegacyCategory(raw: string): AtpCategory[] {
  if (normaliseCode(raw) === LEGACY_BOTH) return ['RAN_MW', 'SOFTWARE_LICENSE'];
  const category = canonicalCategory(raw);
  return category ? [category] : [];
}

/** Canonical approval role codes of domain §8 and §5.3. */
export const CANONICAL_ROLE_CODES = [
  'BO',
  'SME',
  'SME_TEAM',
  'HEAD_NOC',
  'FOP_RTS',
  'REGION_TEAM',
  'RTH',
  'PMO',
  'ROH',
  'XLS_CONFIG_TEAM',
  'DOC_CONTROL',
] as const;
export type CanonicalRoleCode = (typeof CANONICAL_ROLE_CODES)[number];

const ROLE_ALIASES: Readonly<Record<string, CanonicalRoleCode>> = {
  NOC_HEAD: 'HEAD_NOC',
  HEAD_OF_NOC: 'HEAD_NOC',
  RTH_HEAD: 'RTH',
  RTS_FOP: 'FOP_RTS',
  RTS: 'FOP_RTS',
  FOP: 'FOP_RTS',
  RTH_TEAM: 'REGION_TEAM',
  BUSINESS_OPS: 'BO',
  BUSINESS_OPERATIONS: 'BO',
  XLS_CONFIG: 'XLS_CONFIG_TEAM',
  DOC_CONTROLLER: 'DOC_CONTROL',
};

/**
 * Canonical role code. Unknown codes are returned normalised rather than refused: a workspace may
 * define its own roles in `approval_role_master`, and only the known legacy spellings are rewritten.
 */
export function canonicalRoleCode(raw: string): string {
  const code = normaliseCode(raw);
  return ROLE_ALIASES[code] ?? code;
}

export function isCanonicalRoleCode(code: string): code is CanonicalRoleCode {
  return (CANONICAL_ROLE_CODES as readonly string[]).includes(code);
}

/** The codes a route request is resolved by, as stored by the imports. */
export interface RouteCodes {
  scopeCode: string;
  vendorCode: string | null;
}

/**
 * The one normalisation of a route request's codes, used by the dry run and by the real start (and again
 * inside policy resolution), so that both resolve the same request: scope and vendor codes as the imports
 * store them (`normaliseCode`), an empty vendor = no vendor.
 */
export function normaliseRouteCodes(input: { scopeCode: string; vendorCode?: string | null }): RouteCodes {
  const vendor = input.vendorCode?.trim() ? normaliseCode(input.vendorCode) : null;
  return { scopeCode: normaliseCode(input.scopeCode), vendorCode: vendor };
}

/** Site codes keep their hyphens (`JKT-0001`); they compare trimmed and upper-cased. */
export function normaliseSiteCode(raw: string): string {
  return raw.trim().toUpperCase();
}
