import { COMPENSATION_NAMES, HANDLERS_PENDING, VALIDATOR_NAMES } from '@atp/contracts';
import { PUNCHLIST_CLAIM_VALIDATORS } from './punchlist-claims.consumer';
import { WORKFLOW_COMPENSATIONS } from './reference-rejected.consumer';

describe('workflow-service integrity handlers', () => {
  it('implements every workflow validator and compensation of the registry that is not pending', () => {
    const mine = (names: readonly string[]) =>
      names.filter((n) => n.startsWith('workflow.') && !HANDLERS_PENDING.has(n as never)).sort();
    expect([...PUNCHLIST_CLAIM_VALIDATORS].sort()).toEqual(mine(VALIDATOR_NAMES));
    expect([...WORKFLOW_COMPENSATIONS].sort()).toEqual(mine(COMPENSATION_NAMES));
  });
});
