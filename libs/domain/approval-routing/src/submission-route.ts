import { normaliseRouteCodes } from './canonical-codes';
import type { AtpCategory, IsoDate } from './model';
import type { RouteRequest } from './routing-types';

/** What a QA-approved submission says about where and what it is (the `submission.qa-approved` payload). */
export interface SubmissionRouteFacts {
  workspaceId: string;
  submissionId: string;
  submittedBy: string;
  scopeCode: string;
  vendorCode: string | null;
  siteCode: string | null;
  clusterCode: string | null;
  regionCode?: string | null;
}

/**
 * The route request of a workflow start: codes normalised as the dry run normalises them, the site's cluster and
 * region, the submission (SUBMISSION overrides) and the submitter (never assigned). workflow-service's start and
 * the dry-run agreement test both build it here, so they cannot drift apart.
 */
export function routeRequestOfSubmission(
  facts: SubmissionRouteFacts,
  atpCategory: AtpCategory,
  asOf: IsoDate,
): RouteRequest {
  return {
    workspaceId: facts.workspaceId,
    ...normaliseRouteCodes(facts),
    atpCategory,
    asOf,
    site: { siteCode: facts.siteCode, clusterCode: facts.clusterCode, region: facts.regionCode ?? null },
    submissionId: facts.submissionId,
    submittedBy: facts.submittedBy,
  };
}
