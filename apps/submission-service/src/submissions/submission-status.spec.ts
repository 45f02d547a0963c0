import {
  assertEditable,
  canTransition,
  SUBMISSION_STATUSES,
  TRANSITIONS,
  type SubmissionStatus,
} from './submission-status';

describe('submission transitions', () => {
  it.each<[SubmissionStatus, SubmissionStatus, boolean]>([
    ['DRAFT', 'SUBMITTED', true],
    ['DRAFT', 'IN_REVIEW', false],
    ['SUBMITTED', 'IN_REVIEW', true],
    ['SUBMITTED', 'REJECTED_PRE_QA', true],
    ['IN_REVIEW', 'COMPLETED', true],
    ['IN_REVIEW', 'APPROVED_WITH_PUNCHLIST', true],
    ['APPROVED_WITH_PUNCHLIST', 'COMPLETED', true],
    ['COMPLETED', 'SUBMITTED', false],
    ['REJECTED', 'SUBMITTED', true],
    ['REJECTED_PRE_QA', 'SUBMITTED', true],
    ['REJECTED_PRE_QA', 'IN_REVIEW', false],
  ])('%s → %s: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it('names every status in the table, and COMPLETED is final', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...SUBMISSION_STATUSES].sort());
    expect(TRANSITIONS.COMPLETED).toEqual([]);
  });

  it('refuses edits of COMPLETED and in-flight submissions with the current status', () => {
    expect(() => assertEditable('COMPLETED', 'new document')).toThrow(
      expect.objectContaining({ code: 'SUBMISSION_COMPLETED', status: 409 }),
    );
    expect(() => assertEditable('IN_REVIEW', 'new document')).toThrow(
      expect.objectContaining({ code: 'SUBMISSION_IN_PROGRESS' }),
    );
    expect(() => assertEditable('REJECTED', 'new document')).not.toThrow();
  });
});
