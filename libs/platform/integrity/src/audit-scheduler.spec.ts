import { nextAuditDelay } from './audit-scheduler';

describe('nextAuditDelay', () => {
  it('leaves room for two runs in the interval, so an orphan written at any moment is logged within it', () => {
    expect(nextAuditDelay(2000, 0)).toBe(2000);
    expect(nextAuditDelay(2000, 600)).toBe(800);
    // A run longer than half the interval: the next one starts at once.
    expect(nextAuditDelay(2000, 1200)).toBe(0);
  });
});
