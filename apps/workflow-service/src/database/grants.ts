/**
 * Privileges beyond plain DML for the service role: the decision audit trail is append-only for the
 * application (architecture §7); the trigger of the migration refuses changes for every other role.
 */
export function extraGrants(appRole: string): string[] {
  return [`REVOKE UPDATE, DELETE, TRUNCATE ON workflow_stage_actions FROM ${appRole}`];
}
