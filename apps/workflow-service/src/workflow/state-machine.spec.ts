import {
  assertStageTransition,
  assertWorkflowTransition,
  canTransitionStage,
  canTransitionWorkflow,
  isTerminalWorkflow,
} from './state-machine';
import { firstStageNumber, nextStepAfterApproval, openNext, stagesToCancel } from './progression';

describe('workflow and stage transition tables', () => {
  it('lets only PENDING stages be decided', () => {
    expect(canTransitionStage('PENDING', 'APPROVED')).toBe(true);
    expect(canTransitionStage('PENDING', 'REJECTED')).toBe(true);
    expect(canTransitionStage('WAITING', 'APPROVED')).toBe(false);
    expect(canTransitionStage('APPROVED', 'REJECTED')).toBe(false);
    expect(() => assertStageTransition('CANCELLED', 'PENDING')).toThrow(/cannot go from CANCELLED to PENDING/);
  });

  it('holds and resumes only running workflows and never reopens a finished one', () => {
    expect(canTransitionWorkflow('IN_PROGRESS', 'ON_HOLD')).toBe(true);
    expect(canTransitionWorkflow('ON_HOLD', 'IN_PROGRESS')).toBe(true);
    expect(canTransitionWorkflow('ON_HOLD', 'COMPLETED')).toBe(false);
    expect(() => assertWorkflowTransition('COMPLETED', 'IN_PROGRESS')).toThrow();
    expect(isTerminalWorkflow('REJECTED')).toBe(true);
    expect(isTerminalWorkflow('ON_HOLD')).toBe(false);
  });
});

describe('progression after an approval', () => {
  it('waits while a parallel sibling of the same number is pending', () => {
    expect(
      nextStepAfterApproval([
        { id: 'a', stageNumber: 2, status: 'APPROVED' },
        { id: 'b', stageNumber: 2, status: 'PENDING' },
        { id: 'c', stageNumber: 3, status: 'WAITING' },
      ]),
    ).toEqual({ kind: 'WAIT_FOR_SIBLINGS', stageNumber: 2 });
  });

  it('opens every stage of the next number together', () => {
    expect(
      nextStepAfterApproval([
        { id: 'a', stageNumber: 1, status: 'APPROVED' },
        { id: 'b', stageNumber: 2, status: 'WAITING' },
        { id: 'c', stageNumber: 2, status: 'WAITING' },
        { id: 'd', stageNumber: 3, status: 'WAITING' },
      ]),
    ).toEqual({ kind: 'ACTIVATE', stageNumber: 2, stageIds: ['b', 'c'], skippedStageIds: [] });
  });

  it('completes when nothing is open', () => {
    expect(nextStepAfterApproval([{ id: 'a', stageNumber: 1, status: 'APPROVED' }])).toEqual({
      kind: 'COMPLETE',
      skippedStageIds: [],
    });
  });

  it('cancels only open stages on rejection', () => {
    expect(
      stagesToCancel([
        { id: 'a', stageNumber: 1, status: 'APPROVED' },
        { id: 'b', stageNumber: 2, status: 'REJECTED' },
        { id: 'c', stageNumber: 2, status: 'PENDING' },
        { id: 'd', stageNumber: 3, status: 'WAITING' },
      ]),
    ).toEqual(['c', 'd']);
    expect(firstStageNumber([3, 1, 2])).toBe(1);
    expect(() => firstStageNumber([])).toThrow();
  });
});

describe('non-required stages', () => {
  it('skips non-required stages of the opening number and opens its required ones', () => {
    expect(
      nextStepAfterApproval([
        { id: 'a', stageNumber: 1, status: 'APPROVED' },
        { id: 'b', stageNumber: 2, status: 'WAITING', isRequired: true },
        { id: 'c', stageNumber: 2, status: 'WAITING', isRequired: false },
        { id: 'd', stageNumber: 3, status: 'WAITING', isRequired: false },
      ]),
    ).toEqual({ kind: 'ACTIVATE', stageNumber: 2, stageIds: ['b'], skippedStageIds: ['c'] });
  });

  it('passes over a number holding only non-required stages, and completes when no required stage is left', () => {
    expect(
      openNext([
        { id: 'a', stageNumber: 1, status: 'WAITING', isRequired: false },
        { id: 'b', stageNumber: 2, status: 'WAITING', isRequired: false },
        { id: 'c', stageNumber: 3, status: 'WAITING' },
      ]),
    ).toEqual({ kind: 'ACTIVATE', stageNumber: 3, stageIds: ['c'], skippedStageIds: ['a', 'b'] });
    expect(
      nextStepAfterApproval([
        { id: 'a', stageNumber: 1, status: 'APPROVED' },
        { id: 'b', stageNumber: 2, status: 'WAITING', isRequired: false },
      ]),
    ).toEqual({ kind: 'COMPLETE', skippedStageIds: ['b'] });
  });
});
