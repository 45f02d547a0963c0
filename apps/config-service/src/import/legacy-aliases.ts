import { ATP_CATEGORIES, type AtpCategory } from '@atp/approval-routing';

/**
 * Legacy spellings found in operators' workbooks (domain §5.3, §8, §9.1 items 12–13; architecture §6 Q4),
 * mapped to the canonical codes stored in the tables.
 */
export function normaliseCode(raw: string): string {
  return raw.trim().toUpperCase().replace(/[\s\-/]+/g, '_');
}

const CATEGORY_ALIASES: Readonly<Record<string, AtpCategory>> = {
  HARDWARE: 'RAN_MW',
  SOFTWARE: 'SOFTWARE_LICENSE',
  RAN: 'RAN_MW',
  MW: 'RAN_MW',
  PLN: 'PLN_UPGRADE',
};

/** BOTH is hardware and software at once: a BOTH policy row becomes one RAN_MW and one SOFTWARE_LICENSE policy. */
export function categoriesOf(raw: string): AtpCategory[] {
  const code = normaliseCode(raw);
  if (code === 'BOTH') return ['RAN_MW', 'SOFTWARE_LICENSE'];
  if ((ATP_CATEGORIES as readonly string[]).includes(code)) return [code as AtpCategory];
  const alias = CATEGORY_ALIASES[code];
  return alias ? [alias] : [];
}

const ROLE_ALIASES: Readonly<Record<string, string>> = {
  NOC_HEAD: 'HEAD_NOC',
  RTH_HEAD: 'RTH',
  RTS_FOP: 'FOP_RTS',
  RTS: 'FOP_RTS',
  RTH_TEAM: 'REGION_TEAM',
  BUSINESS_OPS: 'BO',
  XLS_CONFIG: 'XLS_CONFIG_TEAM',
};

export function canonicalRoleCode(raw: string): string {
  const code = normaliseCode(raw);
  return ROLE_ALIASES[code] ?? code;
}

/** Whether the value needed an alias, so the report can tell the user what was rewritten. */
export function isLegacyRoleCode(raw: string): boolean {
  return normaliseCode(raw) in ROLE_ALIASES;
}
