/**
 * Privileges beyond plain DML for the service role: the item history is append-only for the
 * application (architecture §7); the migration's trigger refuses changes for every other role.
 */
export function extraGrants(appRole: string): string[] {
  return [`REVOKE UPDATE, DELETE, TRUNCATE ON punchlist_item_history FROM ${appRole}`];
}
