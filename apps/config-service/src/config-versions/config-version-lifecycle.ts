import { ConflictError } from '@atp/platform-http';

export const CONFIG_STATUSES = ['DRAFT', 'ACTIVE', 'SUPERSEDED', 'ARCHIVED'] as const;
export type ConfigStatus = (typeof CONFIG_STATUSES)[number];

/**
 * Allowed transitions of domain §2.1 (architecture §3.1: rollback is clone-and-activate, so SUPERSEDED and
 * ARCHIVED are terminal). The database trigger `trg_config_versions_lifecycle` enforces the same table.
 */
export const CONFIG_TRANSITIONS: Readonly<Record<ConfigStatus, readonly ConfigStatus[]>> = {
  DRAFT: ['ACTIVE'],
  ACTIVE: ['SUPERSEDED', 'ARCHIVED'],
  SUPERSEDED: [],
  ARCHIVED: [],
};

export function canTransition(from: ConfigStatus, to: ConfigStatus): boolean {
  return CONFIG_TRANSITIONS[from].includes(to);
}

export function assertTransition(versionId: string, from: ConfigStatus, to: ConfigStatus): void {
  if (!canTransition(from, to)) {
    throw new ConflictError(
      'ILLEGAL_TRANSITION',
      `config version ${versionId} is ${from}; ${from} → ${to} is not allowed`,
      { from, to },
    );
  }
}

/**
 * Only VALID and WARNINGS versions may be activated (INVALID ones are never stored, PENDING ones are not checked yet).
 */
export function assertActivatable(versionId: string, validationStatus: string): void {
  if (validationStatus !== 'VALID' && validationStatus !== 'WARNINGS') {
    throw new ConflictError('NOT_VALIDATED', `config version ${versionId} has validation status ${validationStatus}`, {
      validationStatus,
    });
  }
}
