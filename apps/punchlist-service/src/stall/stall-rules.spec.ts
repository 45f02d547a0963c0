import { DAY_MS, idleDays, stallStep } from './stall-rules';

const t0 = new Date('2026-01-01T00:00:00Z');
const at = (days: number) => new Date(t0.getTime() + days * DAY_MS);
const fresh = { lastProgressAt: t0, remindedAt: null, stalledAt: null };

describe('stall rules', () => {
  it('reminds after N days and stalls after M days, once each', () => {
    expect(stallStep(fresh, at(29.9), 30, 60)).toBeNull();
    expect(stallStep(fresh, at(30), 30, 60)).toBe('REMIND');
    expect(stallStep({ ...fresh, remindedAt: at(30) }, at(45), 30, 60)).toBeNull();
    expect(stallStep({ ...fresh, remindedAt: at(30) }, at(60), 30, 60)).toBe('STALL');
    expect(stallStep({ ...fresh, remindedAt: at(30), stalledAt: at(60) }, at(90), 30, 60)).toBeNull();
  });

  it('stalls at once a punchlist first seen past M days (no reminder after the flag)', () => {
    expect(stallStep(fresh, at(75), 30, 60)).toBe('STALL');
    expect(stallStep({ ...fresh, stalledAt: at(75) }, at(76), 30, 60)).toBeNull();
    expect(idleDays(t0, at(75.5))).toBe(75);
  });
});
