import { canonicalCategory, normaliseCode } from './canonical-codes';
import type { AtpCategory, StageGroup } from './model';

/**
 * Built-in approval chains. The domain proposes template tables that are not among the 16 tables, so
 * the templates a scope's `default_template_code` can name are code: the five category chains of
 * domain §5.3, the legacy BOTH chain, and ATP_COMBINED (domain §3.1), the last resort of resolution.
 */
export interface TemplateStage {
  stageName: string;
  roleCode: string;
  slaHours: number;
  stageGroup: StageGroup | null;
}

export interface ApprovalTemplate {
  templateCode: string;
  templateName: string;
  /** Sequential: stage n+1 opens when stage n is approved. */
  stages: readonly TemplateStage[];
}

const stage = (
  stageName: string,
  roleCode: string,
  slaHours: number,
  stageGroup: StageGroup | null,
): TemplateStage => ({
  stageName,
  roleCode,
  slaHours,
  stageGroup,
});

/** Domain §5.3, Excel "ATP Process Flow" v2.7. */
export const CATEGORY_CHAINS: Readonly<Record<AtpCategory, readonly TemplateStage[]>> = {
  RAN_MW: [
    stage('FOP_RTS_REVIEW', 'FOP_RTS', 48, 'SIGN'),
    stage('REGION_REVIEW', 'REGION_TEAM', 48, 'SIGN'),
    stage('RTH_REVIEW', 'RTH', 24, 'FINAL'),
  ],
  PLN_UPGRADE: [stage('ROH_REVIEW', 'ROH', 48, 'SIGN'), stage('RTH_REVIEW', 'RTH', 24, 'FINAL')],
  DISMANTLE_DROP: [
    stage('FOP_RTS_REVIEW', 'FOP_RTS', 48, 'SIGN'),
    stage('REGION_REVIEW', 'REGION_TEAM', 48, 'SIGN'),
    stage('PMO_REVIEW', 'PMO', 48, 'FINAL'),
  ],
  DISMANTLE_KEEP: [stage('ROH_REVIEW', 'ROH', 48, 'SIGN'), stage('RTH_REVIEW', 'RTH', 24, 'FINAL')],
  SOFTWARE_LICENSE: [
    stage('BO_REVIEW', 'BO', 48, 'REVIEW'),
    stage('SME_REVIEW', 'SME', 48, 'VALIDATION'),
    stage('HEAD_NOC_REVIEW', 'HEAD_NOC', 24, 'FINAL'),
  ],
};

export const ATP_COMBINED_TEMPLATE_CODE = 'ATP_COMBINED';

/** Domain §3.1: BO Review 8h → SME Technical Review 24h → NOC Head 48h → RTS/FOP 48h → RTH Final 72h. */
export const ATP_COMBINED_TEMPLATE: ApprovalTemplate = {
  templateCode: ATP_COMBINED_TEMPLATE_CODE,
  templateName: 'ATP Combined (built-in)',
  stages: [
    stage('BO Review', 'BO', 8, 'REVIEW'),
    stage('SME Technical Review', 'SME', 24, 'VALIDATION'),
    stage('NOC Head Approval', 'HEAD_NOC', 48, 'SIGN'),
    stage('RTS/FOP Approval', 'FOP_RTS', 48, 'SIGN'),
    stage('RTH Final Approval', 'RTH', 72, 'FINAL'),
  ],
};

/** Domain §5.3 legacy alias BOTH: BO → FOP_RTS → SME → REGION_TEAM (48 h each) → HEAD_NOC 24 h. */
const BOTH_TEMPLATE: ApprovalTemplate = {
  templateCode: 'BOTH',
  templateName: 'Hardware and software (legacy BOTH)',
  stages: [
    stage('BO_REVIEW', 'BO', 48, 'REVIEW'),
    stage('FOP_RTS_REVIEW', 'FOP_RTS', 48, 'SIGN'),
    stage('SME_REVIEW', 'SME', 48, 'VALIDATION'),
    stage('REGION_REVIEW', 'REGION_TEAM', 48, 'SIGN'),
    stage('FINAL_REVIEW', 'HEAD_NOC', 24, 'FINAL'),
  ],
};

/** The built-in chain of one category (domain §5.3); its template code is the category. */
export const categoryTemplate = (category: AtpCategory): ApprovalTemplate => ({
  templateCode: category,
  templateName: `${category} chain (built-in)`,
  stages: CATEGORY_CHAINS[category],
});

/**
 * The built-in template a `default_template_code` names, or null. Category spellings are accepted
 * through `canonicalCategory` (ATP_HARDWARE, SOFTWARE …), so a scope row imported from a legacy sheet
 * still finds its chain.
 */
export function findTemplate(templateCode: string): ApprovalTemplate | null {
  const code = normaliseCode(templateCode);
  if (code === ATP_COMBINED_TEMPLATE_CODE) return ATP_COMBINED_TEMPLATE;
  if (code === BOTH_TEMPLATE.templateCode) return BOTH_TEMPLATE;
  const category = canonicalCategory(code);
  return category ? categoryTemplate(category) : null;
}

/** The category whose chain a template is, or null for the multi-category chains (ATP_COMBINED, BOTH). */
export function templateCategory(template: ApprovalTemplate): AtpCategory | null {
  if (template.templateCode === ATP_COMBINED_TEMPLATE_CODE || template.templateCode === BOTH_TEMPLATE.templateCode)
    return null;
  return canonicalCategory(template.templateCode);
}
