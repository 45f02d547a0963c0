import { isCalendarDate, isEffectiveOn } from './effective-dates';

describe('isCalendarDate (#2c, #18)', () => {
  it('accepts real days, leap days included', () => {
    expect(['2026-01-31', '2024-02-29', '2026-12-31', '2000-02-29'].every(isCalendarDate)).toBe(true);
  });

  it('refuses days Date.parse rolls over, impossible months and other shapes', () => {
    for (const value of [
      '2026-02-30',
      '2026-02-29',
      '1900-02-29',
      '2026-04-31',
      '2025-13-45',
      '2026-00-10',
      '2026-1-1',
      '0999-01-01',
      '46037',
    ]) {
      expect([value, isCalendarDate(value)]).toEqual([value, false]);
    }
  });
});

describe('isEffectiveOn', () => {
  it('is half-open', () => {
    expect(isEffectiveOn('2026-03-01', '2026-03-01', '2026-03-02')).toBe(true);
    expect(isEffectiveOn('2026-03-02', '2026-03-01', '2026-03-02')).toBe(false);
  });
});
