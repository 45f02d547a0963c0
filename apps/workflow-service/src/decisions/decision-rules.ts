import type { FieldError } from '@atp/platform-http';
import type { PunchSeverity } from '@atp/contracts';
import type { Decision } from './dto/decision.dto';
import type { StageStatus } from '../workflow/state-machine';

/** Which severities each decision may carry (architecture §6 Q12), and whether items are required. */
export const allowedSeverities: Readonly<Record<Decision, readonly PunchSeverity[]>> = {
  APPROVE: [],
  APPROVE_WITH_PUNCHLIST: ['MAJOR', 'MINOR'],
  REJECT: ['CRITICAL'],
};

export const resultingStageStatus: Readonly<Record<Decision, StageStatus>> = {
  APPROVE: 'APPROVED',
  APPROVE_WITH_PUNCHLIST: 'APPROVED',
  REJECT: 'REJECTED',
};

export function itemErrors(decision: Decision, items: ReadonlyArray<{ severity: PunchSeverity }>): FieldError[] {
  const errors: FieldError[] = [];
  if (decision === 'APPROVE_WITH_PUNCHLIST' && items.length === 0) {
    errors.push({ field: 'items', message: 'APPROVE_WITH_PUNCHLIST needs at least one MAJOR or MINOR item' });
  }
  if (decision === 'APPROVE' && items.length > 0)
    errors.push({ field: 'items', message: 'APPROVE carries no items; use APPROVE_WITH_PUNCHLIST' });
  items.forEach((item, index) => {
    if (decision !== 'APPROVE' && !allowedSeverities[decision].includes(item.severity)) {
      errors.push({
        field: `items.${index}.severity`,
        message: `${item.severity} is not allowed with ${decision} (allowed: ${allowedSeverities[decision].join(', ')})`,
        value: item.severity,
      });
    }
  });
  return errors;
}
