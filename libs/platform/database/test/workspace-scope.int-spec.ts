import { EntitySchema, type DataSource } from 'typeorm';
import { createScratchDatabase, type ScratchDatabase } from '@atp/testing';
import { createServiceDataSource } from '../src/data-source';
import { inTransaction } from '../src/transaction';
import { setTransactionWorkspace, WorkspaceScopedRepository } from '../src/workspace-scope';

interface Note {
  id: number;
  workspaceId: string;
  body: string;
}

const NoteEntity = new EntitySchema<Note>({
  name: 'Note',
  tableName: 'notes',
  columns: {
    id: { type: Number, primary: true },
    workspaceId: { type: 'uuid', name: 'workspace_id' },
    body: { type: String },
  },
});

const workspaceA = '11111111-1111-4111-8111-111111111111';
const workspaceB = '22222222-2222-4222-8222-222222222222';

describe('workspace-scoped data access', () => {
  let scratch: ScratchDatabase;
  let source: DataSource;
  const notes = new WorkspaceScopedRepository<Note>(NoteEntity);

  beforeAll(async () => {
    scratch = await createScratchDatabase('db_scope');
    source = createServiceDataSource({ url: scratch.url, applicationName: 'scope-test', entities: [NoteEntity] });
    await source.initialize();
    await source.query(`CREATE TABLE notes (id INT PRIMARY KEY, workspace_id UUID NOT NULL, body TEXT NOT NULL)`);
    await source.query(`INSERT INTO notes VALUES (1, $1, 'a1'), (2, $1, 'a2'), (3, $2, 'b1')`, [
      workspaceA,
      workspaceB,
    ]);
  });

  afterAll(async () => {
    await source?.destroy();
    await scratch?.drop();
  });

  it('returns only the rows of the given workspace, whatever the filter', async () => {
    const found = await notes.find(source.manager, workspaceA, { order: { id: 'ASC' } });
    expect(found.map((n) => n.body)).toEqual(['a1', 'a2']);
    expect(await notes.findOne(source.manager, workspaceA, { id: 3 })).toBeNull();
    expect(await notes.count(source.manager, workspaceB)).toBe(1);
    const either = await notes.find(source.manager, workspaceB, { where: [{ body: 'a1' }, { body: 'b1' }] });
    expect(either.map((n) => n.body)).toEqual(['b1']);
  });

  it('sets the tenant for row-level security only for the current transaction', async () => {
    const inside = await inTransaction(source, async (manager) => {
      await setTransactionWorkspace(manager, workspaceA);
      const [{ value }] = await manager.query(`SELECT current_setting('app.workspace_id', true) AS value`);
      return value;
    });
    expect(inside).toBe(workspaceA);
    const [{ value: after }] = await source.query(`SELECT current_setting('app.workspace_id', true) AS value`);
    expect(after === null || after === '').toBe(true);
  });

  it('rolls back every write of a failed transaction', async () => {
    await expect(
      inTransaction(source, async (manager) => {
        await manager.query(`INSERT INTO notes VALUES (4, $1, 'lost')`, [workspaceA]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await notes.count(source.manager, workspaceA)).toBe(2);
  });
});
