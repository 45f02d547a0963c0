import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';

/**
 * One SQL statement assembled from parts owned by different modules (an idempotency claim, the domain's writes,
 * the outbox rows), so a transaction pays one round trip per statement rather than one per part. Each part is a
 * named CTE; parameters are numbered as they are added. Data-modifying CTEs run to completion whether or not the
 * final SELECT reads them; when one part depends on another it says so in its SQL (a subquery on the other's name).
 */
export class StatementBuilder {
  private readonly values: unknown[] = [];
  private readonly parts: string[] = [];
  private readonly names = new Set<string>();

  /** `$n` standing for `value`, with an optional cast such as `::text[]`. */
  param(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }

  /** Adds the CTE `name AS (sql)`; names are unique within a statement. */
  with(name: string, sql: string): this {
    if (this.names.has(name)) throw new Error(`StatementBuilder: a part is already named ${name}`);
    this.names.add(name);
    this.parts.push(`${name} AS (${sql})`);
    return this;
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  text(final: string): string {
    return this.parts.length > 0 ? `WITH ${this.parts.join(',\n')}\n${final}` : final;
  }

  /** Runs `WITH <parts> <final>` (final is a SELECT) and returns its rows, as a prepared statement when asked. */
  async run<T>(manager: EntityManager, final: string, options: { prepared?: boolean } = {}): Promise<T[]> {
    const text = this.text(final);
    return options.prepared
      ? runPrepared<T>(manager, text, this.values)
      : ((await manager.query(text, this.values)) as T[]);
  }
}

interface PgClientLike {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

interface ConnectableRunner {
  connect(): Promise<PgClientLike>;
  release(): Promise<void>;
}

/**
 * Runs a hot-path statement as a named prepared statement: PostgreSQL parses it once per connection instead of on
 * every call, and plans it once its generic plan is as good as a custom one (measured on this machine, parsing and
 * planning the submission statements cost more than executing them). The name is the text's hash, so one name never
 * stands for two texts: give it only texts built from a fixed set of shapes. In a transaction it runs on the
 * manager's connection; outside one it borrows a pooled connection for the statement, as `manager.query` would
 * (the tenant scope applies either way). Behind PgBouncer this needs `max_prepared_statements` (1.21+).
 */
export async function runPrepared<T>(manager: EntityManager, text: string, values: unknown[]): Promise<T[]> {
  const statement = { name: preparedName(text), text, values };
  const transactional = manager.queryRunner as unknown as ConnectableRunner | undefined;
  const runner = transactional ?? (manager.connection.createQueryRunner() as unknown as ConnectableRunner);
  try {
    return (await (await runner.connect()).query(statement)).rows as T[];
  } finally {
    if (!transactional) await runner.release();
  }
}

/** Hashed once per text: the hot path's texts are a handful of shapes (a decision's, a start's), hashed per call. */
const preparedNames = new Map<string, string>();
const PREPARED_NAMES_KEPT = 500;

function preparedName(text: string): string {
  let name = preparedNames.get(text);
  if (name === undefined) {
    name = `atp_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (preparedNames.size >= PREPARED_NAMES_KEPT) preparedNames.clear();
    preparedNames.set(text, name);
  }
  return name;
}
