import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createScratchDatabase, type ScratchDatabase } from '@atp/testing';
import { createServiceDataSource } from '../src/data-source';
import { runPrepared } from '../src/statement-builder';
import { inTransaction } from '../src/transaction';
import {
  enableTenantRls,
  installTenantScope,
  onCrossWorkspaceScope,
  runAcrossWorkspaces,
  runInWorkspace,
} from '../src/tenant-scope';

const workspaceA = '11111111-1111-4111-8111-111111111111';
const workspaceB = '22222222-2222-4222-8222-222222222222';

/** Row-level security with the platform's tenant scope, through a non-owner role as the services run. */
describe('tenant row-level security', () => {
  let scratch: ScratchDatabase;
  let owner: DataSource;
  let app: DataSource;
  const role = `rls_app_${randomBytes(4).toString('hex')}`;
  const audited: string[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase('db_rls');
    owner = await createServiceDataSource({ url: scratch.url, applicationName: 'rls-owner' }).initialize();
    await owner.query(`CREATE ROLE ${role} LOGIN PASSWORD '${role}'`);
    await owner.query(`CREATE TABLE notes (id INT PRIMARY KEY, workspace_id UUID NOT NULL, body TEXT NOT NULL)`);
    await owner.query(`CREATE TABLE text_notes (id INT PRIMARY KEY, workspace_id TEXT NOT NULL)`);
    await owner.query(`INSERT INTO notes VALUES (1, $1, 'a1'), (2, $1, 'a2'), (3, $2, 'b1')`, [workspaceA, workspaceB]);
    await owner.query(`INSERT INTO text_notes VALUES (1, $1), (2, $2)`, [workspaceA, workspaceB]);
    const runner = owner.createQueryRunner();
    await enableTenantRls(runner, 'notes');
    await enableTenantRls(runner, 'text_notes');
    await runner.release();
    await owner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON notes, text_notes TO ${role}`);
    const url = new URL(scratch.url);
    url.username = role;
    url.password = role;
    app = installTenantScope(createServiceDataSource({ url: url.toString(), applicationName: 'rls-app', poolSize: 2 }));
    await app.initialize();
    onCrossWorkspaceScope((reason) => audited.push(reason));
  });

  afterAll(async () => {
    await app?.destroy();
    await owner?.destroy();
    await scratch?.drop();
    const admin = new Client({ connectionString: process.env.ATP_PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`).finally(() => admin.end());
  });

  const bodies = async () =>
    ((await app.query(`SELECT body FROM notes ORDER BY id`)) as Array<{ body: string }>).map((r) => r.body);

  it('returns no row of another workspace to a query that forgets its workspace filter', async () => {
    expect(await runInWorkspace(workspaceA, bodies)).toEqual(['a1', 'a2']);
    expect(await runInWorkspace(workspaceB, bodies)).toEqual(['b1']);
    expect(await runInWorkspace(workspaceA, () => app.query(`SELECT id FROM text_notes`))).toEqual([{ id: 1 }]);
    const updated = await runInWorkspace(workspaceA, () =>
      app.query(`UPDATE notes SET body = body || '!' RETURNING id`),
    );
    expect(updated[0].map((r: { id: number }) => r.id).sort()).toEqual([1, 2]);
  });

  it('shows nothing and accepts no write outside any tenant scope', async () => {
    expect(await bodies()).toEqual([]);
    await expect(app.query(`INSERT INTO notes VALUES (9, $1, 'x')`, [workspaceA])).rejects.toThrow(
      /row-level security/,
    );
  });

  it('refuses a write into another workspace, inside a transaction too', async () => {
    await expect(
      runInWorkspace(workspaceA, () =>
        inTransaction(app, (m) => m.query(`INSERT INTO notes VALUES (10, $1, 'x')`, [workspaceB])),
      ),
    ).rejects.toThrow(/row-level security/);
    await runInWorkspace(workspaceA, () =>
      inTransaction(app, (m) => m.query(`INSERT INTO notes VALUES (11, $1, 'a3')`, [workspaceA])),
    );
    expect(await runInWorkspace(workspaceA, bodies)).toEqual(['a1!', 'a2!', 'a3']);
  });

  it('holds the scope settings back for the first statement: an isolation level still works, a prepared one is inside', async () => {
    const seen = await runInWorkspace(workspaceA, () =>
      inTransaction(
        app,
        async (m) => {
          const [level] = (await m.query(`SHOW transaction_isolation`)) as Array<{ transaction_isolation: string }>;
          return {
            level: level.transaction_isolation,
            bodies: (await m.query(`SELECT body FROM notes ORDER BY id`)).length,
          };
        },
        'REPEATABLE READ',
      ),
    );
    expect(seen).toEqual({ level: 'repeatable read', bodies: 3 }); // a1, a2 and the a3 written above
    // A prepared statement (a query config, as runPrepared sends) as the first statement runs in the transaction:
    // its write is rolled back with it.
    await expect(
      runInWorkspace(workspaceA, () =>
        inTransaction(app, async (m) => {
          await runPrepared(m, `INSERT INTO notes VALUES (20, $1, 'rolled back')`, [workspaceA]);
          throw new Error('roll back');
        }),
      ),
    ).rejects.toThrow('roll back');
    expect(await runInWorkspace(workspaceA, () => app.query(`SELECT id FROM notes WHERE id = 20`))).toEqual([]);
  });

  it('scopes a prepared statement outside a transaction, on every pooled connection it lands on', async () => {
    const prepared = (workspaceId?: string) => {
      const read = () =>
        runPrepared<{ body: string }>(app.manager, `SELECT body FROM notes WHERE id < $1 ORDER BY id`, [10]);
      return (workspaceId ? runInWorkspace(workspaceId, read) : read()).then((rows) => rows.map((r) => r.body));
    };
    // Interleaved, so the pool's two connections see each scope after another one (the settings must follow).
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => prepared([workspaceA, workspaceB, undefined][i % 3])),
    );
    for (const [i, seen] of results.entries()) expect(seen).toEqual([['a1!', 'a2!'], ['b1'], []][i % 3]);
  });

  it('never carries one scope into the next checkout of a pooled connection (interleaved scopes)', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 3 === 0 ? bodies() : runInWorkspace(i % 2 ? workspaceA : workspaceB, bodies)).then(
          (seen) => [i, seen] as const,
        ),
      ),
    );
    for (const [i, seen] of results) {
      expect(seen).toEqual(i % 3 === 0 ? [] : i % 2 ? ['a1!', 'a2!', 'a3'] : ['b1']);
    }
  });

  it('sees every workspace only in an explicit, audited cross-workspace scope', async () => {
    expect(await runAcrossWorkspaces('test: count every note', bodies)).toEqual(['a1!', 'a2!', 'b1', 'a3']);
    expect(audited).toEqual(['test: count every note']);
  });
});
