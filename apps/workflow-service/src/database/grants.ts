/** Privileges beyond plain DML for the service role (none for this service yet). */
export function extraGrants(_appRole: string): string[] {
  return [];
}
