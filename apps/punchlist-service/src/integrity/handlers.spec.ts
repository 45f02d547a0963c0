import { COMPENSATION_NAMES, HANDLERS_PENDING } from '@atp/contracts';
import { PUNCHLIST_COMPENSATIONS } from './reference-rejected.consumer';

describe('punchlist-service integrity handlers', () => {
  it('applies every punchlist compensation of the registry that is not pending', () => {
    const mine = COMPENSATION_NAMES.filter((n) => n.startsWith('punchlist.') && !HANDLERS_PENDING.has(n)).sort();
    expect([...PUNCHLIST_COMPENSATIONS].sort()).toEqual(mine);
  });
});
