import { DomainError } from '@atp/platform-http';
import { assertActivatable, assertTransition, canTransition, CONFIG_STATUSES } from './config-version-lifecycle';

describe('config version lifecycle', () => {
  it('allows exactly DRAFT→ACTIVE, ACTIVE→SUPERSEDED and ACTIVE→ARCHIVED', () => {
    const allowed = CONFIG_STATUSES.flatMap((from) =>
      CONFIG_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`),
    );
    expect(allowed.sort()).toEqual(['ACTIVE->ARCHIVED', 'ACTIVE->SUPERSEDED', 'DRAFT->ACTIVE']);
  });

  it('refuses an illegal transition with a 409', () => {
    expect(() => assertTransition('v1', 'SUPERSEDED', 'ACTIVE')).toThrow(DomainError);
    try {
      assertTransition('v1', 'ARCHIVED', 'ACTIVE');
    } catch (error) {
      expect((error as DomainError).status).toBe(409);
    }
  });

  it('activates only VALID or WARNINGS', () => {
    expect(() => assertActivatable('v', 'VALID')).not.toThrow();
    expect(() => assertActivatable('v', 'WARNINGS')).not.toThrow();
    expect(() => assertActivatable('v', 'INVALID')).toThrow(DomainError);
    expect(() => assertActivatable('v', 'PENDING')).toThrow(DomainError);
  });
});
