import { attemptStatus, isNewer, outcomeOf } from './projection-rules';

describe('projection rules', () => {
  it.each([
    ['RUNNING', 0, 'IN_REVIEW'],
    ['RUNNING', 2, 'IN_REVIEW'],
    ['COMPLETED', 0, 'COMPLETED'],
    ['COMPLETED', 1, 'APPROVED_WITH_PUNCHLIST'],
    ['REJECTED', 0, 'REJECTED'],
    ['REJECTED', 3, 'REJECTED'],
  ] as const)('%s with %d open punchlist stages → %s', (outcome, open, status) => {
    expect(attemptStatus(outcome, open)).toBe(status);
  });

  it('reads the outcome back from the attempt', () => {
    expect(outcomeOf('REJECTED', false)).toBe('REJECTED');
    expect(outcomeOf('APPROVED_WITH_PUNCHLIST', true)).toBe('COMPLETED');
    expect(outcomeOf('IN_REVIEW', false)).toBe('RUNNING');
  });

  it('applies only newer workflow events', () => {
    expect(isNewer(3, 4)).toBe(true);
    expect(isNewer(4, 4)).toBe(false);
    expect(isNewer(5, 4)).toBe(false);
  });
});
