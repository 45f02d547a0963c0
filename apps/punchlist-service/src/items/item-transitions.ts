import { ConflictError, DomainError } from '@atp/platform-http';
import type { PunchItemStatusV1 } from '@atp/contracts';

/**
 * The punch item lifecycle (domain §4.6, architecture §6 Q3) as a table: a move not listed here is a
 * 409 naming the item's current status. `by` is who may make the move: a role of the workspace, or the
 * approver who issued the punchlist (domain §8: the PIC accepts their own items).
 */
export type ItemStatus = PunchItemStatusV1;
export type ItemAction = 'RECTIFY' | 'VERIFY' | 'CLOSE' | 'REJECT';
export type MoveAuthority = 'DOC_CONTROL' | 'QA_ENGINEER' | 'ISSUER';

export interface ItemTransition {
  action: ItemAction;
  from: ItemStatus;
  to: ItemStatus;
  by: MoveAuthority;
}

export const itemTransitions: readonly ItemTransition[] = [
  { action: 'RECTIFY', from: 'OPEN', to: 'RECTIFIED', by: 'DOC_CONTROL' },
  { action: 'RECTIFY', from: 'REJECTED', to: 'RECTIFIED', by: 'DOC_CONTROL' },
  { action: 'VERIFY', from: 'RECTIFIED', to: 'QA_VERIFIED', by: 'QA_ENGINEER' },
  { action: 'REJECT', from: 'RECTIFIED', to: 'REJECTED', by: 'QA_ENGINEER' },
  { action: 'CLOSE', from: 'QA_VERIFIED', to: 'CLOSED', by: 'ISSUER' },
  { action: 'REJECT', from: 'QA_VERIFIED', to: 'REJECTED', by: 'ISSUER' },
];

export interface Mover {
  workspaceRoles: readonly string[];
  isIssuer: boolean;
}

export function transitionFor(action: ItemAction, from: ItemStatus): ItemTransition | undefined {
  return itemTransitions.find((t) => t.action === action && t.from === from);
}

export function mayMove(transition: ItemTransition, mover: Mover): boolean {
  return transition.by === 'ISSUER' ? mover.isIssuer : mover.workspaceRoles.includes(transition.by);
}

/** The move `action` makes from `from`, or the refusal: 409 for an illegal move, 403 for the wrong mover. */
export function decideMove(action: ItemAction, from: ItemStatus, mover: Mover): ItemTransition {
  const transition = transitionFor(action, from);
  if (!transition) {
    const allowed = itemTransitions.filter((t) => t.action === action).map((t) => t.from);
    throw new ConflictError(
      'ILLEGAL_ITEM_TRANSITION',
      `The item is ${from}: ${action.toLowerCase()} needs it ${allowed.join(' or ')}`,
      {
        currentStatus: from,
        action,
      },
    );
  }
  if (!mayMove(transition, mover)) {
    if (transition.by === 'ISSUER') {
      throw new DomainError(
        403,
        'NOT_ISSUER',
        `Only the approver who issued this punchlist may ${action.toLowerCase()} a ${from} item`,
      );
    }
    throw new DomainError(403, 'ROLE_REQUIRED', `This move needs the workspace role ${transition.by}`, {
      requiredRoles: [transition.by],
    });
  }
  return transition;
}

export function isTerminal(status: ItemStatus): boolean {
  return !itemTransitions.some((t) => t.from === status);
}
