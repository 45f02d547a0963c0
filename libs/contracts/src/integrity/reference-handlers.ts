/**
 * Names of the owners' validators (compensating validation consumers, architecture §5.3) and of the holders'
 * compensations. The registry refers to them by name; the services implement them. A name stays in
 * `HANDLERS_PENDING` until its service implements it: the implementing change removes it, and a test of the
 * implementing service checks that every name it claims is bound to a handler.
 */
export const VALIDATOR_NAMES = [
  'config.workspace',
  'config.configVersion',
  'config.approvalPolicy',
  'config.approvalRole',
  'config.policyStage',
  'config.scope',
  'config.vendor',
  'config.site',
  'config.member',
  'workflow.workflowInstance',
  'workflow.workflowStage',
  'submission.submission',
  'punchlist.punchlist',
] as const;

export type ValidatorName = (typeof VALIDATOR_NAMES)[number];

export const COMPENSATION_NAMES = [
  /** workflow ON_HOLD with reason INVALID_REFERENCE */
  'workflow.holdInvalidReference',
  /** an approver override that names a bad reference is EXPIRED (it never applies) */
  'workflow.expireOverride',
  /** submission status INVALID_REFERENCE */
  'submission.markInvalidReference',
  /** a bulk job of an unknown workspace FAILED with the reason */
  'submission.failBulkJob',
  /** punchlist flagged (needs review) with the reason */
  'punchlist.flagInvalidReference',
] as const;

export type CompensationName = (typeof COMPENSATION_NAMES)[number];

/**
 * Validators and compensations not implemented yet. Implemented: config-service's claim checker
 * (`apps/config-service/src/claims`, VALIDATOR_OF), workflow-service's punchlist claims and submission-service's
 * submission claims (`src/integrity/*-claims.consumer.ts`), and the compensation consumers of workflow-, submission-
 * and punchlist-service (`src/integrity/reference-rejected.consumer.ts`). Each service's `handlers.spec.ts` binds its
 * names.
 *
 * `punchlist.punchlist` stays: no service publishes a claim naming a punchlist (submission-service takes its gates'
 * punchlist ids from punchlist-service's own `punchlist.created` / `punchlist.cleared`), so there is nothing for
 * punchlist-service to check until such a claim exists.
 */
export const HANDLERS_PENDING: ReadonlySet<ValidatorName | CompensationName> = new Set<
  ValidatorName | CompensationName
>(['punchlist.punchlist']);
