import { slaDueAt, slaState } from './sla';

const at = (iso: string) => new Date(iso);

describe('SLA', () => {
  it('is due activation + sla hours in calendar hours', () => {
    expect(slaDueAt(at('2026-03-01T22:00:00Z'), 48).toISOString()).toBe('2026-03-03T22:00:00.000Z');
  });

  it('is ON_TRACK with 6 hours or more left', () => {
    expect(slaState(at('2026-03-02T12:00:00Z'), at('2026-03-02T06:00:00Z'))).toEqual({
      state: 'ON_TRACK',
      hoursRemaining: 6,
    });
  });

  it('is AT_RISK with less than 6 hours left, hours floored', () => {
    expect(slaState(at('2026-03-02T12:00:00Z'), at('2026-03-02T06:00:01Z'))).toEqual({
      state: 'AT_RISK',
      hoursRemaining: 5,
    });
    expect(slaState(at('2026-03-02T12:00:00Z'), at('2026-03-02T12:00:00Z'))).toEqual({
      state: 'AT_RISK',
      hoursRemaining: 0,
    });
  });

  it('is OVERDUE once the due time has passed, never with negative hours', () => {
    expect(slaState(at('2026-03-02T12:00:00Z'), at('2026-03-02T12:00:01Z'))).toEqual({
      state: 'OVERDUE',
      hoursRemaining: 0,
    });
    expect(slaState(at('2026-03-02T12:00:00Z'), at('2026-03-05T00:00:00Z')).hoursRemaining).toBe(0);
  });
});
