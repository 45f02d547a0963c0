import type { FieldError } from '@atp/platform-http';
import type { PunchlistOriginV1, PunchSeverity } from '@atp/contracts';

/** Which severities a punchlist of each origin holds (architecture §6 Q12). */
export const severitiesOf: Readonly<Record<PunchlistOriginV1, readonly PunchSeverity[]>> = {
  APPROVED_WITH_PUNCHLIST: ['MAJOR', 'MINOR'],
  REJECTED: ['CRITICAL'],
};

export interface NewPunchItem {
  itemCode: string | null;
  description: string;
  severity: PunchSeverity;
  assignedTeam?: string | null;
  targetDate?: string | null;
}

/** Field errors for items that do not belong on a punchlist of `origin` (empty = all fine). */
export function punchItemErrors(
  origin: PunchlistOriginV1,
  items: readonly NewPunchItem[],
  field = 'items',
): FieldError[] {
  const allowed = severitiesOf[origin];
  const errors: FieldError[] = [];
  if (items.length === 0) errors.push({ field, message: 'at least one item is required' });
  items.forEach((item, index) => {
    if (!allowed.includes(item.severity)) {
      errors.push({
        field: `${field}.${index}.severity`,
        message: `${item.severity} is not allowed on a ${origin} punchlist (allowed: ${allowed.join(', ')})`,
        value: item.severity,
      });
    }
    if (item.description.trim() === '')
      errors.push({ field: `${field}.${index}.description`, message: 'must not be blank' });
  });
  return errors;
}

/** An item without a code of its own is named by its number (`PL-03`), like the legacy numbering. */
export function itemCodeOf(itemCode: string | null | undefined, itemNumber: number): string {
  return itemCode ?? `PL-${String(itemNumber).padStart(2, '0')}`;
}
