import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows `limit` requests per window and key, then refuses with the seconds left in the window', () => {
    let now = 0;
    const limiter = new RateLimiter(10_000, () => now);
    expect([1, 2, 3].map(() => limiter.take('user:a', 3).allowed)).toEqual([true, true, true]);
    now = 2_500;
    expect(limiter.take('user:a', 3)).toEqual({ allowed: false, retryAfterSeconds: 8 });
    expect(limiter.take('user:b', 3).allowed).toBe(true);
    now = 10_000;
    expect(limiter.take('user:a', 3).allowed).toBe(true);
  });
});
