/** PostgreSQL error codes the platform reacts to (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
export const PgErrorCode = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  notNullViolation: '23502',
  exclusionViolation: '23P01',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  lockNotAvailable: '55P03',
  adminShutdown: '57P01',
  crashShutdown: '57P02',
  cannotConnectNow: '57P03',
  raiseException: 'P0001',
} as const;

function codeOf(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = candidate?.driverError?.code ?? candidate?.code;
  return typeof code === 'string' ? code : undefined;
}

export function pgErrorCode(error: unknown): string | undefined {
  return codeOf(error);
}

/** The database cannot be reached: retrying later is right, giving up on the message is not. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code === undefined) return false;
  return (
    code.startsWith('08') ||
    code === PgErrorCode.adminShutdown ||
    code === PgErrorCode.crashShutdown ||
    code === PgErrorCode.cannotConnectNow ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code)
  );
}

/** Conflicts a second attempt of the same transaction usually resolves. */
export function isTransientConflict(error: unknown): boolean {
  const code = codeOf(error);
  return (
    code === PgErrorCode.serializationFailure ||
    code === PgErrorCode.deadlockDetected ||
    code === PgErrorCode.lockNotAvailable
  );
}
