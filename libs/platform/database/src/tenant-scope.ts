import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, QueryRunner } from 'typeorm';

/**
 * Row-level security as the tenancy backstop (architecture §7). Repositories still filter by
 * `workspace_id`; RLS makes a query that forgets it return (and write) nothing of another workspace.
 *
 * How it fits together:
 * 1. A migration calls `enableTenantRls(runner, 'my_table')`: RLS enabled and FORCEd (the owner too),
 *    one policy `tenant_isolation` comparing `workspace_id` with the setting `app.workspace_id`.
 * 2. The service's DataSource goes through `installTenantScope(dataSource)` (PlatformModule does it):
 *    every connection taken from the pool gets `app.workspace_id` of the current tenant scope, and
 *    loses it on the next checkout, so nothing leaks from one request to the next.
 * 3. Code runs in a scope: `runInWorkspace(id, work)` (HTTP requests on `/workspaces/:workspaceId`
 *    get it from the platform; a Kafka handler wraps its work with the event's workspace), or
 *    `runAcrossWorkspaces(reason, work)` for the few jobs that must see every tenant (an SLA sweep
 *    over all workspaces, an orphan audit): explicit, named, and logged each time it is entered.
 *    Outside any scope a tenant table shows no rows and accepts no writes.
 *
 * Code that already holds a transaction can also switch it with `setTransactionWorkspace` (for
 * example right after inserting a new workspace).
 */
export type TenantScope = { kind: 'workspace'; workspaceId: string } | { kind: 'all-workspaces'; reason: string };

const scopes = new AsyncLocalStorage<TenantScope>();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who is told when a cross-workspace scope is entered (the runtime points it at the service log). */
let auditCrossWorkspace: (reason: string) => void = (reason) =>
  process.emitWarning(`RLS bypass: ${reason}`, 'TenantScope');

export function onCrossWorkspaceScope(audit: (reason: string) => void): void {
  auditCrossWorkspace = audit;
}

/** Runs `work` with tenant tables scoped to `workspaceId` (every query on every connection it takes). */
export function runInWorkspace<T>(workspaceId: string, work: () => T): T {
  if (!UUID.test(workspaceId)) throw new Error(`runInWorkspace: ${workspaceId} is not a workspace id`);
  return scopes.run({ kind: 'workspace', workspaceId: workspaceId.toLowerCase() }, work);
}

/** Runs `work` seeing every workspace's rows. `reason` names the job; it is logged on every entry. */
export function runAcrossWorkspaces<T>(reason: string, work: () => T): T {
  auditCrossWorkspace(reason);
  return scopes.run({ kind: 'all-workspaces', reason }, work);
}

export function currentTenantScope(): TenantScope | undefined {
  return scopes.getStore();
}

interface ScopedClient {
  query(...args: unknown[]): Promise<unknown>;
  /** The session-level scope this pooled connection was last set to, so an unchanged one costs no round trip. */
  atpTenantKey?: string;
  /** The scope of the current checkout. */
  atpScope?: ScopeSettings;
  atpQueryWrapped?: boolean;
}

interface ScopeSettings {
  key: string;
  workspaceId: string;
  bypass: 'on' | 'off';
}

interface PostgresDriverLike {
  obtainMasterConnection(): Promise<[ScopedClient, (error?: unknown) => void]>;
  atpTenantScopeInstalled?: boolean;
}

/**
 * Makes every connection the DataSource takes carry the current tenant scope (see the file comment), at no
 * round trip of its own: a transaction gets transaction-local settings in the same simple-protocol message as its
 * `START TRANSACTION`; a statement outside a transaction gets session-level ones sent just before it, only when
 * the connection's last scope differs. Settings are rewritten at every checkout: pooled connections never carry
 * one request's workspace into another. Idempotent.
 */
export function installTenantScope(dataSource: DataSource): DataSource {
  const driver = dataSource.driver as unknown as PostgresDriverLike;
  if (driver.atpTenantScopeInstalled) return dataSource;
  const obtain = driver.obtainMasterConnection.bind(driver);
  driver.obtainMasterConnection = async () => {
    const [client, release] = await obtain();
    client.atpScope = settingsOf(currentTenantScope());
    wrapQuery(client);
    return [client, release];
  };
  driver.atpTenantScopeInstalled = true;
  return dataSource;
}

function settingsOf(scope: TenantScope | undefined): ScopeSettings {
  const workspaceId = scope?.kind === 'workspace' ? scope.workspaceId : '';
  const bypass = scope?.kind === 'all-workspaces' ? 'on' : 'off';
  return { key: `${workspaceId}|${bypass}`, workspaceId, bypass };
}

const SESSION_SETTINGS = `SELECT set_config('app.workspace_id', $1, false), set_config('app.rls_bypass', $2, false)`;

function wrapQuery(client: ScopedClient): void {
  if (client.atpQueryWrapped) return;
  const query = client.query.bind(client);
  let inTransaction = false;
  // The scope settings of a START TRANSACTION not sent yet. They travel with the transaction's first statement
  // (whatever its form: text, a query config of a prepared statement, with or without a callback), so that a
  // `SET TRANSACTION ISOLATION LEVEL …` (TypeORM sends it right after the start) still precedes every query.
  let pendingStart: string | null = null;
  client.query = (...args: unknown[]) => {
    const scope = client.atpScope;
    const text = args[0];
    if (pendingStart !== null) {
      const settings = pendingStart;
      pendingStart = null;
      return sendWithStart(query, settings, args, () => (inTransaction = false));
    }
    if (text === 'COMMIT' || text === 'ROLLBACK') {
      inTransaction = false;
      // A rollback also undoes session-level settings made inside the transaction (a BEGIN sent by hand).
      if (text === 'ROLLBACK') client.atpTenantKey = undefined;
      return query(...args);
    }
    // A statement is a text or, for a prepared one, a query config carrying its text.
    const isStatement = typeof text === 'string' || (typeof text === 'object' && text !== null && 'text' in text);
    if (!scope || inTransaction || !isStatement) return query(...args);
    if (text === 'START TRANSACTION' && args[1] === undefined) {
      inTransaction = true;
      // Transaction-local, so a rollback cannot leave the session in a scope it does not know. The values are a
      // validated UUID and on/off; the simple protocol takes both statements in one message.
      pendingStart = `SELECT set_config('app.workspace_id', ${literal(scope.workspaceId)}, true), set_config('app.rls_bypass', ${literal(scope.bypass)}, true)`;
      return Promise.resolve(NOTHING_SENT);
    }
    if (client.atpTenantKey === scope.key) return query(...args);
    client.atpTenantKey = undefined; // unknown until the settings succeed
    const applied = query(SESSION_SETTINGS, [scope.workspaceId, scope.bypass]).then(() => {
      client.atpTenantKey = scope.key;
    });
    const callback = args[args.length - 1];
    if (typeof callback === 'function') {
      applied.then(
        () => query(...args),
        (error: unknown) => (callback as (e: unknown) => void)(error),
      );
      return undefined as unknown as Promise<unknown>;
    }
    return applied.then(() => query(...args));
  };
  client.atpQueryWrapped = true;
}

type Query = (...args: unknown[]) => Promise<unknown>;

/** The first statement of a transaction, sent after the START TRANSACTION and scope settings held back for it. */
function sendWithStart(query: Query, settings: string, args: unknown[], ended: () => void): Promise<unknown> {
  const text = args[0];
  const callback =
    typeof args[args.length - 1] === 'function' ? (args[args.length - 1] as (e: unknown, r?: unknown) => void) : null;
  if (text === 'COMMIT' || text === 'ROLLBACK') {
    ended(); // an empty transaction: nothing was sent, nothing to end
    if (!callback) return Promise.resolve(NOTHING_SENT);
    callback(null, NOTHING_SENT);
    return undefined as unknown as Promise<unknown>;
  }
  if (typeof text === 'string' && /^SET TRANSACTION /i.test(text) && args[1] === undefined) {
    // One message: start, isolation level, then the settings (a query in PostgreSQL's eyes).
    return query(`START TRANSACTION; ${text}; ${settings}`).then((results) =>
      Array.isArray(results) ? results[1] : results,
    );
  }
  const started = query(`START TRANSACTION; ${settings}`);
  if (callback) {
    started.then(
      () => query(...args),
      (error: unknown) => callback(error),
    );
    return undefined as unknown as Promise<unknown>;
  }
  return started.then(() => query(...args));
}

/** What a statement held back (or an empty transaction's end) answers: the shape of a pg result with no rows. */
const NOTHING_SENT = { command: 'START', rowCount: null, rows: [], fields: [] };

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The predicate of the `tenant_isolation` policy (the setting is cast once per statement, so indexes apply). */
function tenantPredicate(columnType: string): string {
  const current = `NULLIF(current_setting('app.workspace_id', true), '')`;
  const sameWorkspace = columnType === 'uuid' ? `workspace_id = ${current}::uuid` : `workspace_id = ${current}`;
  return `(${sameWorkspace} OR current_setting('app.rls_bypass', true) = 'on')`;
}

/**
 * Migration helper: row-level security on a tenant table (one with a `workspace_id` column), FORCEd so
 * the owner role is subject to it too. `down` of the same migration calls `disableTenantRls`.
 */
export async function enableTenantRls(runner: QueryRunner, table: string): Promise<void> {
  const columns = (await runner.query(
    `SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'workspace_id'`,
    [table],
  )) as Array<{ data_type: string }>;
  if (columns.length === 0) throw new Error(`enableTenantRls: ${table} has no workspace_id column`);
  const predicate = tenantPredicate(columns[0].data_type);
  await runner.query(`ALTER TABLE "${table}" ENABLE ROW LEVEL SECURITY`);
  await runner.query(`ALTER TABLE "${table}" FORCE ROW LEVEL SECURITY`);
  await runner.query(`CREATE POLICY tenant_isolation ON "${table}" USING ${predicate} WITH CHECK ${predicate}`);
}

export async function disableTenantRls(runner: QueryRunner, table: string): Promise<void> {
  await runner.query(`DROP POLICY IF EXISTS tenant_isolation ON "${table}"`);
  await runner.query(`ALTER TABLE "${table}" NO FORCE ROW LEVEL SECURITY`);
  await runner.query(`ALTER TABLE "${table}" DISABLE ROW LEVEL SECURITY`);
}
