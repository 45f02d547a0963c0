import { isDatabaseUnavailable, isTransientConflict, pgErrorCode } from './pg-errors';

describe('pg error classification', () => {
  it('treats connection failures as unavailability', () => {
    expect(isDatabaseUnavailable({ code: 'ECONNREFUSED' })).toBe(true);
    expect(isDatabaseUnavailable({ driverError: { code: '57P01' } })).toBe(true);
    expect(isDatabaseUnavailable({ code: '08006' })).toBe(true);
    expect(isDatabaseUnavailable({ code: '23505' })).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
  });

  it('treats serialization failures and deadlocks as transient conflicts', () => {
    expect(isTransientConflict({ code: '40001' })).toBe(true);
    expect(isTransientConflict({ driverError: { code: '40P01' } })).toBe(true);
    expect(isTransientConflict({ code: '23514' })).toBe(false);
    expect(pgErrorCode({ driverError: { code: '23503' } })).toBe('23503');
  });
});
