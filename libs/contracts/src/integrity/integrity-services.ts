/** The services that hold or own rows (the gateway owns no domain table). Also the `{service}` path segment. */
export const IntegrityServices = {
  config: 'config',
  workflow: 'workflow',
  submission: 'submission',
  punchlist: 'punchlist',
} as const;

export type IntegrityService = (typeof IntegrityServices)[keyof typeof IntegrityServices];
