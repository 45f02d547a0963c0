import type { DataSource } from 'typeorm';
import { createScratchDatabase, type ScratchDatabase } from '@atp/testing';
import { createServiceDataSource } from '../src/data-source';
import { afterCommit, inTransaction } from '../src/transaction';

describe('afterCommit', () => {
  let scratch: ScratchDatabase;
  let source: DataSource;

  beforeAll(async () => {
    scratch = await createScratchDatabase('db_after_commit');
    source = createServiceDataSource({ url: scratch.url, applicationName: 'after-commit-test' });
    await source.initialize();
    await source.query(`CREATE TABLE marks (id INT PRIMARY KEY)`);
  });

  afterAll(async () => {
    await source?.destroy();
    await scratch?.drop();
  });

  it('runs once the outermost transaction has committed, when another session sees the rows', async () => {
    const seen: number[] = [];
    await inTransaction(source, async (manager) => {
      await manager.query(`INSERT INTO marks VALUES (1)`);
      afterCommit(manager, () => seen.push(1));
      // A nested transaction (a savepoint) releasing is not the commit.
      await manager.transaction(async (inner) => afterCommit(inner, () => seen.push(2)));
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual([1, 2]);
    const [{ n }] = await source.query(`SELECT count(*)::int AS n FROM marks WHERE id = 1`);
    expect(n).toBe(1);
  });

  it('never runs for a transaction that rolled back, and not in the next one on the same connection', async () => {
    const seen: string[] = [];
    await expect(
      inTransaction(source, async (manager) => {
        afterCommit(manager, () => seen.push('rolled back'));
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await inTransaction(source, async (manager) => afterCommit(manager, () => seen.push('committed')));
    expect(seen).toEqual(['committed']);
  });

  it('runs at once outside a transaction', () => {
    const seen: string[] = [];
    afterCommit(source.manager, () => seen.push('now'));
    expect(seen).toEqual(['now']);
  });
});
