import { COMPENSATION_NAMES, HANDLERS_PENDING, VALIDATOR_NAMES } from '@atp/contracts';
import { SUBMISSION_COMPENSATIONS } from './reference-rejected.consumer';
import { SUBMISSION_CLAIM_VALIDATORS } from './submission-claims.consumer';

describe('submission-service integrity handlers', () => {
  it('implements every submission validator and compensation of the registry that is not pending', () => {
    const mine = (names: readonly string[]) =>
      names.filter((n) => n.startsWith('submission.') && !HANDLERS_PENDING.has(n as never)).sort();
    expect([...SUBMISSION_CLAIM_VALIDATORS].sort()).toEqual(mine(VALIDATOR_NAMES));
    expect([...SUBMISSION_COMPENSATIONS].sort()).toEqual(mine(COMPENSATION_NAMES));
  });
});
