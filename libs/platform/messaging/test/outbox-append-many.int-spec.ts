import type { DataSource } from 'typeorm';
import { createScratchDatabase, type ScratchDatabase } from '@atp/testing';
import { StatementBuilder } from '@atp/platform-database';
import { InvalidEventError, OutboxWriter, OUTBOX_ROWS } from '../src/outbox/outbox-writer';
import { openProbeDatabase, probeDefinition, probeValidator, type ProbePayload } from './fixtures/probe-service';

/** `appendMany` writes a transaction's events in one statement with the versions `append` would have given them. */
const topic = 'test.append-many';
const definition = probeDefinition(topic);
const writer = new OutboxWriter(probeValidator(topic));
let scratch: ScratchDatabase;
let db: DataSource;

const draft = (orderId: string, seq: number) => ({
  definition,
  workspaceId: null,
  aggregateId: orderId,
  payload: { orderId, seq, note: '' } as ProbePayload,
  correlationId: 'c',
});
const rows = async () =>
  (await db.query(
    `SELECT aggregate_id AS id, aggregate_version::int AS version, (envelope->>'aggregateVersion')::int AS "inEnvelope",
     (envelope->'payload'->>'seq')::int AS seq FROM outbox o ORDER BY o.id`,
  )) as Array<{ id: string; version: number; inEnvelope: number; seq: number }>;

beforeAll(async () => {
  scratch = await createScratchDatabase('msg_append_many');
  db = await openProbeDatabase(scratch.url, 'producer');
});

afterAll(async () => {
  await db?.destroy();
  await scratch?.drop();
});

it('numbers each aggregate on from its last version, in the drafts order, and inserts them in that order', async () => {
  await db.transaction((m) => writer.append(m, draft('a', 0)));
  const envelopes = await db.transaction((m) =>
    writer.appendMany(m, [draft('a', 1), draft('b', 2), draft('a', 3), draft('b', 4), draft('c', 5)]),
  );
  expect(envelopes.map((e) => [e.aggregateId, e.aggregateVersion])).toEqual([
    ['a', 2],
    ['b', 1],
    ['a', 3],
    ['b', 2],
    ['c', 1],
  ]);
  await db.transaction((m) => writer.append(m, draft('a', 6)));
  expect(await rows()).toEqual([
    { id: 'a', version: 1, inEnvelope: 1, seq: 0 },
    { id: 'a', version: 2, inEnvelope: 2, seq: 1 },
    { id: 'b', version: 1, inEnvelope: 1, seq: 2 },
    { id: 'a', version: 3, inEnvelope: 3, seq: 3 },
    { id: 'b', version: 2, inEnvelope: 2, seq: 4 },
    { id: 'c', version: 1, inEnvelope: 1, seq: 5 },
    { id: 'a', version: 4, inEnvelope: 4, seq: 6 },
  ]);
});

it("joins the caller's own statement, which commits or rolls back with it", async () => {
  const before = (await rows()).length;
  const statement = new StatementBuilder();
  writer.appendManyTo(statement, [draft('d', 7), draft('d', 8)]);
  const returned = await db.transaction((m) =>
    statement.run<{ n: number }>(m, `SELECT count(*)::int AS n FROM ${OUTBOX_ROWS}`),
  );
  expect(returned).toEqual([{ n: 2 }]);
  const failing = new StatementBuilder();
  writer.appendManyTo(failing, [draft('e', 9)]);
  await expect(
    db.transaction(async (m) => {
      await failing.run(m, 'SELECT 1');
      throw new Error('the work failed');
    }),
  ).rejects.toThrow('the work failed');
  expect((await rows()).length).toBe(before + 2);
});

it('refuses an event that breaks its contract, and works only in a transaction', async () => {
  await expect(
    db.transaction((m) =>
      writer.appendMany(m, [draft('f', 1), { ...draft('f', 2), payload: { orderId: '' } as ProbePayload }]),
    ),
  ).rejects.toThrow(InvalidEventError);
  await expect(writer.appendMany(db.manager, [draft('f', 1)])).rejects.toThrow(/open transaction/);
});
