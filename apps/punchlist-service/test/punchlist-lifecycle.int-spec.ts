import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import request from 'supertest';
import { uniqueSuffix, waitFor } from '@atp/testing';
import { EVIDENCE_LIMIT_BYTES, PDF, PNG, PunchlistHarness } from './support/punchlist-harness';

jest.setTimeout(180_000);

const harness = new PunchlistHarness();
const ws = randomUUID();
const s = uniqueSuffix();
const docControl = `doc-${s}`;
const qa = `qa-${s}`;
const issuer = `approver-${s}`;
const otherApprover = `approver2-${s}`;
const auditor = `auditor-${s}`;
const outsider = `outsider-${s}`;
const base = `/api/v1/workspaces/${ws}/punchlists`;

let seq = 0;
function newWorkflow(siteCode = `SITE-${s}`, vendorCode: string | null = 'AVIAT') {
  seq += 1;
  return { workflowInstanceId: `wf-${s}-${seq}`, submissionId: `sub-${s}-${seq}`, siteCode, vendorCode };
}

async function post(path: string, userId: string, body: Record<string, unknown> = {}, idempotencyKey?: string) {
  const call = request(harness.http())
    .post(`${base}${path}`)
    .set(await harness.auth(userId));
  if (idempotencyKey) call.set('Idempotency-Key', idempotencyKey);
  return call.send(body);
}

async function get(path: string, userId: string) {
  return request(harness.http())
    .get(`${base}${path}`)
    .set(await harness.auth(userId));
}

async function rectify(
  punchlistId: string,
  itemId: string,
  userId = docControl,
  file: Buffer = PNG,
  name = 'photo.png',
  comment = 'fixed',
) {
  return request(harness.http())
    .post(`${base}/${punchlistId}/items/${itemId}/rectify`)
    .set(await harness.auth(userId))
    .field('comment', comment)
    .attach('file', file, name);
}

async function itemsOf(
  punchlistId: string,
): Promise<
  Array<{ id: string; itemNumber: number; status: string; evidence: Array<{ version: number; current: boolean }> }>
> {
  const response = await get(`/${punchlistId}`, auditor);
  expect(response.status).toBe(200);
  return response.body.items;
}

/** A workflow with one APPROVE_WITH_PUNCHLIST stage of two items, its punchlist created by the consumer. */
async function openPunchlist(facts = newWorkflow(), stageId = `stg-${s}-${++seq}`) {
  await harness.workflowStarted(ws, facts);
  await harness.approvedWithPunchlist(ws, { ...facts, stageId, decidedBy: issuer }, [
    { itemCode: 'LBL-1', description: 'Cable tray label missing', severity: 'MINOR' },
    { itemCode: null, description: 'Grounding photo unreadable', severity: 'MAJOR' },
  ]);
  const punchlist = await harness.punchlistOfStage(stageId);
  const items = await itemsOf(punchlist.id);
  return { facts, stageId, punchlistId: punchlist.id, items };
}

async function walkToClosed(punchlistId: string, itemId: string) {
  expect((await rectify(punchlistId, itemId)).status).toBe(200);
  expect((await post(`/${punchlistId}/items/${itemId}/verify`, qa, { comment: 'evidence ok' })).status).toBe(200);
  return post(`/${punchlistId}/items/${itemId}/close`, issuer, {});
}

beforeAll(async () => {
  await harness.start();
  await harness.addMembers(ws, [
    [docControl, 'DOC_CONTROL'],
    [qa, 'QA_ENGINEER'],
    [issuer, 'APPROVER'],
    [otherApprover, 'APPROVER'],
    [auditor, 'AUDITOR'],
  ]);
});

afterAll(async () => {
  await harness.stop();
});

describe('punchlists from decisions', () => {
  it('opens one punchlist per stage with numbered items, and publishes punchlist.created', async () => {
    const { facts, stageId, punchlistId, items } = await openPunchlist();
    const response = await get(`/${punchlistId}`, auditor);
    expect(response.body).toMatchObject({
      id: punchlistId,
      status: 'OPEN',
      origin: 'APPROVED_WITH_PUNCHLIST',
      workflowInstanceId: facts.workflowInstanceId,
      workflowStageId: stageId,
      submissionId: facts.submissionId,
      siteCode: facts.siteCode,
      vendorCode: 'AVIAT',
      issuedBy: issuer,
      stalled: false,
    });
    expect(items.map((i) => [i.itemNumber, i.status])).toEqual([
      [1, 'OPEN'],
      [2, 'OPEN'],
    ]);
    expect(response.body.items[1]).toMatchObject({
      itemCode: 'PL-02',
      severity: 'MAJOR',
      evidence: [],
      history: [expect.objectContaining({ action: 'CREATED', toStatus: 'OPEN' })],
    });
    const [created] = await harness.outbox(punchlistId);
    expect(created).toMatchObject({
      eventType: 'punchlist.created',
      payload: {
        punchlistId,
        workflowInstanceId: facts.workflowInstanceId,
        workflowStageId: stageId,
        submissionId: facts.submissionId,
        issuedBy: issuer,
        items: [
          {
            itemId: items[0].id,
            itemNumber: 1,
            itemCode: 'LBL-1',
            description: 'Cable tray label missing',
            severity: 'MINOR',
          },
          {
            itemId: items[1].id,
            itemNumber: 2,
            itemCode: 'PL-02',
            description: 'Grounding photo unreadable',
            severity: 'MAJOR',
          },
        ],
      },
    });
  });

  it('creates nothing more for a redelivered or replayed decision, even under a new event id', async () => {
    const facts = newWorkflow();
    const stageId = `stg-dup-${s}`;
    await harness.workflowStarted(ws, facts);
    const items = [{ itemCode: null, description: 'Door seal worn', severity: 'MINOR' as const }];
    const first = await harness.approvedWithPunchlist(ws, { ...facts, stageId, decidedBy: issuer }, items);
    await harness.punchlistOfStage(stageId);
    await harness.approvedWithPunchlist(ws, { ...facts, stageId, decidedBy: issuer }, items, first.eventId);
    const replay = await harness.approvedWithPunchlist(ws, { ...facts, stageId, decidedBy: issuer }, items);
    await harness.consumed(replay.eventId);
    const rows = await harness.query(`SELECT id FROM punchlists WHERE workflow_stage_id = $1`, [stageId]);
    expect(rows).toHaveLength(1);
    expect((await harness.outbox(rows[0].id)).filter((e) => e.eventType === 'punchlist.created')).toHaveLength(1);
  });

  it('opens a blocking punchlist from a rejection with CRITICAL findings, and none from a plain rejection', async () => {
    const facts = newWorkflow();
    await harness.workflowStarted(ws, facts);
    await harness.rejected(ws, { ...facts, stageId: `stg-rej-${s}`, decidedBy: issuer }, [
      { itemCode: null, description: 'No grounding', severity: 'CRITICAL' },
    ]);
    const punchlist = await harness.punchlistOfStage(`stg-rej-${s}`);
    const body = (await get(`/${punchlist.id}`, auditor)).body;
    expect(body).toMatchObject({ origin: 'REJECTED', items: [{ severity: 'CRITICAL', status: 'OPEN' }] });
    const plain = await harness.rejected(ws, { ...facts, stageId: `stg-rej2-${s}`, decidedBy: issuer }, []);
    await harness.consumed(plain.eventId);
    expect(
      await harness.query(`SELECT 1 FROM punchlists WHERE workflow_stage_id = $1`, [`stg-rej2-${s}`]),
    ).toHaveLength(0);
  });

  it('dead-letters a decision whose items break the severity rule, and creates nothing', async () => {
    const facts = newWorkflow();
    const bad = await harness.approvedWithPunchlist(ws, { ...facts, stageId: `stg-bad-${s}`, decidedBy: issuer }, [
      { itemCode: null, description: 'x', severity: 'CRITICAL' },
    ]);
    const marker = await harness.workflowStarted(ws, facts); // same key: read after the bad one
    await harness.consumed(marker.eventId);
    expect(await harness.query(`SELECT 1 FROM punchlists WHERE workflow_stage_id = $1`, [`stg-bad-${s}`])).toHaveLength(
      0,
    );
    expect(await harness.query(`SELECT 1 FROM inbox WHERE event_id = $1`, [bad.eventId])).toHaveLength(0);
  });

  it('lets only the issuer add items while the punchlist is open, with severities that fit it', async () => {
    const { punchlistId } = await openPunchlist();
    const added = await post(
      `/${punchlistId}/items`,
      issuer,
      {
        items: [{ description: 'Rust on bracket', severity: 'MINOR', assignedTeam: 'civil', targetDate: '2026-02-01' }],
      },
      `add-${s}`,
    );
    expect(added.status).toBe(201);
    expect(added.body.items).toEqual([expect.objectContaining({ itemNumber: 3, itemCode: 'PL-03', status: 'OPEN' })]);
    const replay = await post(
      `/${punchlistId}/items`,
      issuer,
      {
        items: [{ description: 'Rust on bracket', severity: 'MINOR', assignedTeam: 'civil', targetDate: '2026-02-01' }],
      },
      `add-${s}`,
    );
    expect(replay.body).toEqual(added.body);
    expect(
      (await post(`/${punchlistId}/items`, otherApprover, { items: [{ description: 'x', severity: 'MINOR' }] })).body
        .code,
    ).toBe('NOT_ISSUER');
    expect((await post(`/${punchlistId}/items`, qa, { items: [{ description: 'x', severity: 'MINOR' }] })).status).toBe(
      403,
    );
    const critical = await post(`/${punchlistId}/items`, issuer, {
      items: [{ description: 'x', severity: 'CRITICAL' }],
    });
    expect(critical.status).toBe(422);
    expect(critical.body.errors).toEqual([expect.objectContaining({ field: 'items.0.severity' })]);
    expect(
      (await post(`/${punchlistId}/items`, issuer, { items: [{ description: 'x', severity: 'MINOR', unknown: 1 }] }))
        .status,
    ).toBe(400);
    expect(await itemsOf(punchlistId)).toHaveLength(3);
  });
});

describe('the item lifecycle', () => {
  it('goes OPEN → RECTIFIED → REJECTED → RECTIFIED → QA_VERIFIED → CLOSED, audited and published at every move', async () => {
    const { punchlistId, items } = await openPunchlist();
    const itemId = items[0].id;
    const rectified = await rectify(punchlistId, itemId, docControl, PNG, 'label.png', 'label fixed');
    expect(rectified.status).toBe(200);
    expect(rectified.body.item).toMatchObject({
      status: 'RECTIFIED',
      previousStatus: 'OPEN',
      evidence: { version: 1, contentType: 'image/png', sizeBytes: PNG.length },
    });
    expect(
      (await post(`/${punchlistId}/items/${itemId}/reject`, qa, { comment: 'photo blurred' })).body.item.status,
    ).toBe('REJECTED');
    expect(
      (await rectify(punchlistId, itemId, docControl, PDF, 'report.pdf', 'new report')).body.item.evidence,
    ).toMatchObject({ version: 2, contentType: 'application/pdf' });
    expect((await post(`/${punchlistId}/items/${itemId}/verify`, qa, { comment: 'ok' })).body.item.status).toBe(
      'QA_VERIFIED',
    );
    const closed = await post(`/${punchlistId}/items/${itemId}/close`, issuer, { comment: 'accepted' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ punchlistStatus: 'OPEN', item: { status: 'CLOSED' } });

    const item = (await get(`/${punchlistId}`, auditor)).body.items[0];
    expect(item.history.map((h: { action: string; actorId: string }) => [h.action, h.actorId])).toEqual([
      ['CREATED', issuer],
      ['RECTIFIED', docControl],
      ['REJECTED', qa],
      ['RECTIFIED', docControl],
      ['QA_VERIFIED', qa],
      ['CLOSED', issuer],
    ]);
    expect(item.history[2]).toMatchObject({ fromStatus: 'RECTIFIED', toStatus: 'REJECTED', comment: 'photo blurred' });
    expect(item.evidence.map((e: { version: number; current: boolean }) => [e.version, e.current])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(item).toMatchObject({ closedBy: issuer, status: 'CLOSED' });

    const moves = (await harness.outbox(punchlistId)).filter((e) => e.eventType === 'punchlist.item.status-changed');
    expect(moves.map((e) => [e.payload.fromStatus, e.payload.toStatus, e.payload.actorId])).toEqual([
      ['OPEN', 'RECTIFIED', docControl],
      ['RECTIFIED', 'REJECTED', qa],
      ['REJECTED', 'RECTIFIED', docControl],
      ['RECTIFIED', 'QA_VERIFIED', qa],
      ['QA_VERIFIED', 'CLOSED', issuer],
    ]);
    expect(moves[1].payload.comment).toBe('photo blurred');
  });

  it('refuses every illegal move with a 409 naming the current status, and changes nothing', async () => {
    const { punchlistId, items } = await openPunchlist();
    const itemId = items[0].id;
    const refusals: Array<[string, string, string, string]> = [
      ['verify', qa, 'OPEN', 'VERIFY'],
      ['close', issuer, 'OPEN', 'CLOSE'],
      ['reject', qa, 'OPEN', 'REJECT'],
    ];
    for (const [move, user, current] of refusals) {
      const response = await post(`/${punchlistId}/items/${itemId}/${move}`, user, { comment: 'x' });
      expect([move, response.status, response.body.code, response.body.currentStatus]).toEqual([
        move,
        409,
        'ILLEGAL_ITEM_TRANSITION',
        current,
      ]);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    await rectify(punchlistId, itemId);
    expect((await rectify(punchlistId, itemId)).body).toMatchObject({ status: 409, currentStatus: 'RECTIFIED' });
    expect((await post(`/${punchlistId}/items/${itemId}/close`, issuer)).body).toMatchObject({
      status: 409,
      currentStatus: 'RECTIFIED',
    });
    await post(`/${punchlistId}/items/${itemId}/verify`, qa);
    expect((await post(`/${punchlistId}/items/${itemId}/verify`, qa)).body).toMatchObject({
      status: 409,
      currentStatus: 'QA_VERIFIED',
    });
    expect((await rectify(punchlistId, itemId)).body).toMatchObject({ status: 409, currentStatus: 'QA_VERIFIED' });
    await post(`/${punchlistId}/items/${itemId}/close`, issuer);
    for (const move of ['verify', 'close', 'reject']) {
      const user = move === 'verify' ? qa : issuer;
      expect((await post(`/${punchlistId}/items/${itemId}/${move}`, user, { comment: 'x' })).body).toMatchObject({
        status: 409,
        currentStatus: 'CLOSED',
      });
    }
    expect((await rectify(punchlistId, itemId)).body).toMatchObject({ status: 409, currentStatus: 'CLOSED' });
    const item = (await itemsOf(punchlistId))[0];
    expect(item).toMatchObject({ status: 'CLOSED' });
    expect(item.evidence).toHaveLength(1);
  });

  it('lets only the issuer close; a QA_ENGINEER cannot close, a DOC_CONTROL cannot verify', async () => {
    const { punchlistId, items } = await openPunchlist();
    const itemId = items[0].id;
    await rectify(punchlistId, itemId);
    const docVerifies = await post(`/${punchlistId}/items/${itemId}/verify`, docControl);
    expect([docVerifies.status, docVerifies.body.code]).toEqual([403, 'ROLE_REQUIRED']);
    expect((await rectify(punchlistId, items[1].id, qa)).status).toBe(403);
    await post(`/${punchlistId}/items/${itemId}/verify`, qa);
    const qaCloses = await post(`/${punchlistId}/items/${itemId}/close`, qa);
    expect([qaCloses.status, qaCloses.body.code]).toEqual([403, 'ROLE_REQUIRED']);
    const otherCloses = await post(`/${punchlistId}/items/${itemId}/close`, otherApprover);
    expect([otherCloses.status, otherCloses.body.code]).toEqual([403, 'NOT_ISSUER']);
    const qaRejectsVerified = await post(`/${punchlistId}/items/${itemId}/reject`, qa, { comment: 'no' });
    expect([qaRejectsVerified.status, qaRejectsVerified.body.code]).toEqual([403, 'NOT_ISSUER']);
    expect((await itemsOf(punchlistId))[0].status).toBe('QA_VERIFIED');
    expect((await post(`/${punchlistId}/items/${itemId}/close`, issuer)).body.item.status).toBe('CLOSED');
  });

  it('needs evidence to close: the database refuses a CLOSED (or RECTIFIED) item without it', async () => {
    const { punchlistId, items } = await openPunchlist();
    for (const status of ['RECTIFIED', 'QA_VERIFIED']) {
      await expect(
        harness.query(`UPDATE punchlist_items SET status = $2 WHERE id = $1`, [items[0].id, status]),
      ).rejects.toMatchObject({
        driverError: expect.objectContaining({ constraint: 'ck_punchlist_items_evidence_required' }),
      });
    }
    await expect(
      harness.query(`UPDATE punchlist_items SET status = 'CLOSED', closed_by = 'x', closed_at = now() WHERE id = $1`, [
        items[0].id,
      ]),
    ).rejects.toMatchObject({
      driverError: expect.objectContaining({ constraint: 'ck_punchlist_items_evidence_required' }),
    });
    // Through the API the same item cannot get there either: closing an OPEN item is an illegal move.
    expect((await post(`/${punchlistId}/items/${items[0].id}/close`, issuer)).body).toMatchObject({
      status: 409,
      currentStatus: 'OPEN',
    });
    expect((await itemsOf(punchlistId))[0].status).toBe('OPEN');
  });

  it('keeps the audit trail append-only', async () => {
    const { items } = await openPunchlist();
    await expect(
      harness.query(`UPDATE punchlist_item_history SET comment = 'x' WHERE punchlist_item_id = $1`, [items[0].id]),
    ).rejects.toThrow(/permission denied|append-only/);
    await expect(
      harness.query(`DELETE FROM punchlist_item_history WHERE punchlist_item_id = $1`, [items[0].id]),
    ).rejects.toThrow(/permission denied|append-only/);
  });

  it('replays a move answered under the same Idempotency-Key, and refuses the key for another body', async () => {
    const { punchlistId, items } = await openPunchlist();
    await rectify(punchlistId, items[0].id);
    const first = await post(`/${punchlistId}/items/${items[0].id}/verify`, qa, { comment: 'ok' }, `verify-${s}`);
    const again = await post(`/${punchlistId}/items/${items[0].id}/verify`, qa, { comment: 'ok' }, `verify-${s}`);
    expect([again.status, again.body]).toEqual([200, first.body]);
    expect(
      (await post(`/${punchlistId}/items/${items[0].id}/verify`, qa, { comment: 'other' }, `verify-${s}`)).status,
    ).toBe(422);
    const moves = (await harness.outbox(punchlistId)).filter((e) => e.payload.toStatus === 'QA_VERIFIED');
    expect(moves).toHaveLength(1);
  });
});

describe('evidence uploads', () => {
  const blobCount = () =>
    readdirSync(harness.evidenceDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;

  it('refuses what a client gets wrong with 4xx problem+json, storing nothing and leaving the item OPEN', async () => {
    const { punchlistId, items } = await openPunchlist();
    const itemId = items[0].id;
    const before = blobCount();
    const text = await rectify(punchlistId, itemId, docControl, Buffer.from('just some text'), 'photo.png');
    expect([text.status, text.body.code]).toEqual([415, 'UNSUPPORTED_FILE_TYPE']);
    const big = await rectify(
      punchlistId,
      itemId,
      docControl,
      Buffer.concat([PNG, Buffer.alloc(EVIDENCE_LIMIT_BYTES)]),
      'big.png',
    );
    expect([big.status, big.body.code]).toEqual([413, 'FILE_TOO_LARGE']);
    const noFile = await request(harness.http())
      .post(`${base}/${punchlistId}/items/${itemId}/rectify`)
      .set(await harness.auth(docControl))
      .field('comment', 'x');
    expect([noFile.status, noFile.body.errors?.[0]?.field]).toEqual([400, 'file']);
    const json = await post(`/${punchlistId}/items/${itemId}/rectify`, docControl, { comment: 'x' });
    expect(json.status).toBe(415);
    const wrongField = await request(harness.http())
      .post(`${base}/${punchlistId}/items/${itemId}/rectify`)
      .set(await harness.auth(docControl))
      .attach('document', PNG, 'a.png');
    expect(wrongField.status).toBe(400);
    expect(blobCount()).toBe(before);
    expect((await itemsOf(punchlistId))[0]).toMatchObject({ status: 'OPEN', evidence: [] });
  });

  it('streams the evidence back with the type judged from its content', async () => {
    const { punchlistId, items } = await openPunchlist();
    const uploaded = await rectify(punchlistId, items[0].id, docControl, PDF, 'named-like-a.png');
    expect(uploaded.body.item.evidence.contentType).toBe('application/pdf');
    const evidence = (await itemsOf(punchlistId))[0].evidence[0] as unknown as { contentUrl: string; sha256: string };
    const download = await request(harness.http())
      .get(evidence.contentUrl)
      .set(await harness.auth(auditor))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(Buffer.compare(download.body as Buffer, PDF)).toBe(0);
    expect(
      (
        await request(harness.http())
          .get(evidence.contentUrl)
          .set(await harness.auth(outsider))
      ).status,
    ).toBe(404);
  });
});

describe('clearing', () => {
  it('clears a punchlist when its last item closes; punchlist.cleared counts the open punchlists of the workflow', async () => {
    const facts = newWorkflow();
    const first = await openPunchlist(facts, `stg-c1-${s}`);
    await harness.approvedWithPunchlist(ws, { ...facts, stageId: `stg-c2-${s}`, stageNumber: 2, decidedBy: issuer }, [
      { itemCode: null, description: 'Torque marks missing', severity: 'MINOR' },
    ]);
    const second = await harness.punchlistOfStage(`stg-c2-${s}`);

    expect((await walkToClosed(first.punchlistId, first.items[0].id)).body.punchlistStatus).toBe('OPEN');
    const last = await walkToClosed(first.punchlistId, first.items[1].id);
    expect(last.body.punchlistStatus).toBe('CLEARED');
    const cleared = (await harness.outbox(first.punchlistId)).filter((e) => e.eventType === 'punchlist.cleared');
    expect(cleared).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({
          punchlistId: first.punchlistId,
          workflowInstanceId: facts.workflowInstanceId,
          workflowStageId: `stg-c1-${s}`,
          submissionId: facts.submissionId,
          clearedBy: issuer,
          openPunchlistsOfWorkflow: 1,
        }),
      }),
    ]);

    const [secondItem] = await itemsOf(second.id);
    await walkToClosed(second.id, secondItem.id);
    const clearedLast = (await harness.outbox(second.id)).find((e) => e.eventType === 'punchlist.cleared');
    expect(clearedLast?.payload.openPunchlistsOfWorkflow).toBe(0);
    const list = await get(`?workflowInstanceId=${facts.workflowInstanceId}`, auditor);
    expect(list.body.items.map((p: { status: string }) => p.status)).toEqual(['CLEARED', 'CLEARED']);
    expect(
      (await post(`/${first.punchlistId}/items`, issuer, { items: [{ description: 'late', severity: 'MINOR' }] })).body,
    ).toMatchObject({ status: 409, currentStatus: 'CLEARED' });
  });

  it('moves the items of one punchlist at the same time: each item once, and exactly one clearing by the last close', async () => {
    const facts = newWorkflow();
    const stageId = `stg-cc-${s}`;
    await harness.workflowStarted(ws, facts);
    await harness.approvedWithPunchlist(
      ws,
      { ...facts, stageId, decidedBy: issuer },
      Array.from({ length: 5 }, (_, n) => ({
        itemCode: null,
        description: `concurrent ${n + 1}`,
        severity: 'MINOR' as const,
      })),
    );
    const { id: punchlistId } = await harness.punchlistOfStage(stageId);
    const items = await itemsOf(punchlistId);
    const statuses = (responses: Array<{ status: number }>) => responses.map((r) => r.status);

    expect(statuses(await Promise.all(items.map((item) => rectify(punchlistId, item.id))))).toEqual(
      items.map(() => 200),
    );
    // Two verifies of one item at once: one moves it, the other finds it QA_VERIFIED.
    const twice = await Promise.all(
      [items[0], ...items].map((item) => post(`/${punchlistId}/items/${item.id}/verify`, qa, { comment: 'ok' })),
    );
    expect(statuses(twice).sort()).toEqual([...items.map(() => 200), 409]);
    const closes = await Promise.all(items.map((item) => post(`/${punchlistId}/items/${item.id}/close`, issuer, {})));
    expect(statuses(closes)).toEqual(items.map(() => 200));
    expect(closes.filter((r) => r.body.punchlistStatus === 'CLEARED')).toHaveLength(1);
    expect((await harness.outbox(punchlistId)).filter((e) => e.eventType === 'punchlist.cleared')).toHaveLength(1);
    expect((await itemsOf(punchlistId)).map((item) => item.status)).toEqual(items.map(() => 'CLOSED'));
  });
});

describe('stalled work', () => {
  it('reminds after 30 idle days and flags STALLED after 60; progress resets the clock', async () => {
    const isolated = randomUUID();
    await harness.addMembers(isolated, [
      [issuer, 'APPROVER'],
      [docControl, 'DOC_CONTROL'],
    ]);
    const facts = newWorkflow();
    await harness.workflowStarted(isolated, facts);
    await harness.approvedWithPunchlist(isolated, { ...facts, stageId: `stg-idle-${s}`, decidedBy: issuer }, [
      { itemCode: null, description: 'x', severity: 'MINOR' },
    ]);
    const punchlist = await harness.punchlistOfStage(`stg-idle-${s}`);
    const start = harness.clock.now();
    try {
      expect(await harness.sweeper.sweepOnce({ workspaceId: isolated })).toEqual({ reminded: [], stalled: [] });
      harness.clock.advanceDays(30);
      expect(await harness.sweeper.sweepOnce({ workspaceId: isolated })).toEqual({
        reminded: [punchlist.id],
        stalled: [],
      });
      expect(await harness.sweeper.sweepOnce({ workspaceId: isolated })).toEqual({ reminded: [], stalled: [] });
      harness.clock.advanceDays(30);
      expect(await harness.sweeper.sweepOnce({ workspaceId: isolated })).toEqual({
        reminded: [],
        stalled: [punchlist.id],
      });
      const stalled = await request(harness.http())
        .get(`/api/v1/workspaces/${isolated}/punchlists?stalled=true`)
        .set(await harness.auth(issuer));
      expect(stalled.body.items.map((p: { id: string; stalled: boolean }) => [p.id, p.stalled])).toEqual([
        [punchlist.id, true],
      ]);
      const events = (await harness.outbox(punchlist.id)).filter((e) => e.eventType !== 'punchlist.created');
      expect(events.map((e) => [e.eventType, e.payload.idleDays])).toEqual([
        ['punchlist.reminder', 30],
        ['punchlist.stalled', 60],
      ]);

      const [item] = (
        await request(harness.http())
          .get(`/api/v1/workspaces/${isolated}/punchlists/${punchlist.id}`)
          .set(await harness.auth(issuer))
      ).body.items;
      const moved = await request(harness.http())
        .post(`/api/v1/workspaces/${isolated}/punchlists/${punchlist.id}/items/${item.id}/rectify`)
        .set(await harness.auth(docControl))
        .attach('file', PNG, 'p.png');
      expect(moved.status).toBe(200);
      const after = (
        await request(harness.http())
          .get(`/api/v1/workspaces/${isolated}/punchlists/${punchlist.id}`)
          .set(await harness.auth(issuer))
      ).body;
      expect(after.stalled).toBe(false);
      harness.clock.advanceDays(29);
      expect(await harness.sweeper.sweepOnce({ workspaceId: isolated })).toEqual({ reminded: [], stalled: [] });
    } finally {
      harness.clock.set(start);
    }
  });
});

describe('queries and access', () => {
  it("filters by submission, site, vendor and status, pages with nextCursor, and lists a team's open items", async () => {
    const site = `FLT-${s}`;
    const a = await openPunchlist(newWorkflow(site, 'HUAWEI'));
    const b = await openPunchlist(newWorkflow(site, 'ZTE'));
    const bySite = await get(`?siteCode=${site}`, auditor);
    expect(bySite.body.items.map((p: { id: string }) => p.id).sort()).toEqual([a.punchlistId, b.punchlistId].sort());
    expect(
      (await get(`?siteCode=${site}&vendorCode=ZTE`, auditor)).body.items.map((p: { id: string }) => p.id),
    ).toEqual([b.punchlistId]);
    expect((await get(`?submissionId=${a.facts.submissionId}`, auditor)).body.items).toHaveLength(1);
    expect((await get(`?siteCode=${site}&status=CLEARED`, auditor)).body.items).toEqual([]);

    const page1 = await get(`?siteCode=${site}&limit=1`, auditor);
    expect(page1.body.items).toHaveLength(1);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await get(`?siteCode=${site}&limit=1&cursor=${page1.body.nextCursor}`, auditor);
    expect(page2.body).toMatchObject({ items: [expect.anything()], nextCursor: null });
    expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id);
    expect((await get(`?cursor=garbage`, auditor)).status).toBe(400);
    expect((await get(`?site_code=${site}`, auditor)).status).toBe(400);

    const team = `team-${s}`;
    const assign = await request(harness.http())
      .patch(`${base}/${a.punchlistId}/items/${a.items[1].id}`)
      .set(await harness.auth(docControl))
      .send({ assignedTeam: team, targetDate: '2026-03-01' });
    expect(assign.body).toMatchObject({ assignedTeam: team, targetDate: '2026-03-01' });
    await request(harness.http())
      .patch(`${base}/${b.punchlistId}/items/${b.items[0].id}`)
      .set(await harness.auth(issuer))
      .send({ assignedTeam: team });
    expect(
      (
        await request(harness.http())
          .patch(`${base}/${b.punchlistId}/items/${b.items[0].id}`)
          .set(await harness.auth(otherApprover))
          .send({ assignedTeam: 'x' })
      ).status,
    ).toBe(403);
    const teamItems = await get(`/open-items?team=${team}`, auditor);
    expect(teamItems.body.items.map((i: { id: string; targetDate: string | null }) => [i.id, i.targetDate])).toEqual([
      [a.items[1].id, '2026-03-01'],
      [b.items[0].id, null],
    ]);
    const teamPage = await get(`/open-items?team=${team}&limit=1`, auditor);
    const teamNext = await get(`/open-items?team=${team}&limit=1&cursor=${teamPage.body.nextCursor}`, auditor);
    expect(teamNext.body.items.map((i: { id: string }) => i.id)).toEqual([b.items[0].id]);
    expect((await get(`/open-items`, auditor)).status).toBe(400);
  });

  it('answers 401 without a token, 404 to a non-member or a foreign id, 403 to a member without the role', async () => {
    const { punchlistId, items } = await openPunchlist();
    expect((await request(harness.http()).get(base)).status).toBe(401);
    expect((await request(harness.http()).get(base).set('X-User-Id', auditor)).status).toBe(401);
    expect((await get('', outsider)).status).toBe(404);
    expect(
      (
        await request(harness.http())
          .get(`/api/v1/workspaces/${randomUUID()}/punchlists/${punchlistId}`)
          .set(await harness.auth(auditor))
      ).status,
    ).toBe(404);
    expect((await get(`/${randomUUID()}`, auditor)).status).toBe(404);
    expect((await post(`/${punchlistId}/items/${items[0].id}/verify`, auditor)).status).toBe(403);
    await waitFor(async () => (await get(`/${punchlistId}`, auditor)).status === 200);
  });
});
