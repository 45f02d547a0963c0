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

  /** Runs `WITH <parts> <final>` (final is a SELECT) and returns its rows. */
  async run<T>(manager: EntityManager, final: string): Promise<T[]> {
    return (await manager.query(this.text(final), this.values)) as T[];
  }
}
