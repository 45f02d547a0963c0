import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  demoApprovalMatrix,
  demoClusterMapping,
  demoScopeConfig,
  demoUserId,
  type AtpCategory,
} from '@atp/approval-routing';
import { uniqueSuffix, bearer } from '@atp/testing';
import { WorkflowHarness } from './support/workflow-harness';

jest.setTimeout(240_000);

/**
 * The approver inbox through HTTP, in a workspace of its own so the approver's PENDING stages are
 * exactly the ones started here: SLA states with the injected clock, filters, and keyset pagination.
 */
const harness = new WorkflowHarness();
const workspaceId = randomUUID();
const suffix = uniqueSuffix();
const cluster = 'JKT-01';
const submitter = `doc-control-${suffix}`;
const pinned = {
  approvalMatrix: `cv-matrix-${suffix}`,
  clusterMapping: `cv-cluster-${suffix}`,
  scopeConfig: `cv-scope-${suffix}`,
};
const roh = demoUserId('ROH', cluster, 'primary');
const HOUR = 3_600_000;
const t0 = new Date(Date.UTC(2031, 4, 5, 6, 0, 0));

interface InboxItem {
  stageId: string;
  atpCategory: string;
  roleCode: string;
  slaDueAt: string;
  sla: { state: string; hoursRemaining: number };
}

async function start(category: AtpCategory): Promise<string> {
  const payload = {
    submissionId: `sub-${uniqueSuffix()}`,
    attemptNumber: 1,
    workspaceId,
    siteId: `site-${suffix}`,
    siteCode: 'JKT-0001',
    clusterCode: cluster,
    regionCode: 'JABO',
    scopeCode: 'DEMO',
    vendorCode: null,
    atpCategory: category,
    submittedBy: submitter,
    qaApprovedBy: 'qa-1',
    pinnedConfigVersions: pinned,
  };
  await harness.qaApproved(payload);
  const instance = await harness.workflowOf(payload.submissionId);
  const [first] = await harness.stages(instance.id);
  return first.id;
}

async function inbox(query: string, userId = roh): Promise<request.Response> {
  return request(harness.app.getHttpServer())
    .get(`/api/v1/workspaces/${workspaceId}/inbox?${query}`)
    .set(bearer(userId));
}

/** Follows nextCursor to the end; fails on a page that is not 200. */
async function allPages(query: string): Promise<{ items: InboxItem[]; pages: number }> {
  const items: InboxItem[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const response = await inbox(`${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(response.status).toBe(200);
    items.push(...(response.body.items as InboxItem[]));
    cursor = response.body.nextCursor;
    pages += 1;
    expect(pages).toBeLessThan(50);
  } while (cursor);
  return { items, pages };
}

const ids = (items: InboxItem[]) => items.map((i) => i.stageId);
let early: string[] = [];
let late: string[] = [];

beforeAll(async () => {
  await harness.start();
  for (const userId of [
    roh,
    demoUserId('ROH', cluster, 'backup'),
    demoUserId('RTH', cluster, 'primary'),
    demoUserId('FOP_RTS', cluster, 'primary'),
    submitter,
  ]) {
    await harness.addMember(workspaceId, userId);
  }
  await harness.waitForMembers(workspaceId, 5);
  await harness.publishSnapshot(demoApprovalMatrix({ workspaceId, configVersionId: pinned.approvalMatrix }));
  await harness.publishSnapshot(demoClusterMapping({ workspaceId, configVersionId: pinned.clusterMapping }));
  await harness.publishSnapshot(demoScopeConfig({ workspaceId, configVersionId: pinned.scopeConfig }));

  // Four PLN_UPGRADE stages (ROH, 48 h) due at t0+48h, three DISMANTLE_KEEP stages (ROH, 48 h) due at t0+58h,
  // and one RAN_MW stage for another approver that must never show up.
  harness.clock.set(t0);
  for (let i = 0; i < 4; i += 1) early.push(await start('PLN_UPGRADE'));
  harness.clock.set(new Date(t0.getTime() + 10 * HOUR));
  for (let i = 0; i < 3; i += 1) late.push(await start('DISMANTLE_KEEP'));
  await start('RAN_MW');
  early = early.sort();
  late = late.sort();
});

afterAll(async () => {
  harness.clock.set(new Date());
  await harness.stop();
});

describe('approver inbox', () => {
  it('pages through more than one page in (due, id) order with no duplicates and no gaps', async () => {
    harness.clock.set(new Date(t0.getTime() + 30 * HOUR));
    const { items, pages } = await allPages('limit=3');
    expect(pages).toBe(3);
    expect(ids(items)).toEqual([...early, ...late]);
    expect(new Set(ids(items)).size).toBe(7);
    expect(items.every((i) => i.roleCode === 'ROH')).toBe(true);
    expect(items.map((i) => i.sla.state)).toEqual(Array(7).fill('ON_TRACK'));
    expect(items[0].sla.hoursRemaining).toBe(18);

    const twos = await allPages('limit=2&slaState=ON_TRACK');
    expect(twos.pages).toBe(4);
    expect(ids(twos.items)).toEqual([...early, ...late]);
  });

  it('AT_RISK under 6 h left, OVERDUE past due, by the injected clock, and filters by SLA state', async () => {
    harness.clock.set(new Date(t0.getTime() + 43 * HOUR)); // early: 5 h left, late: 15 h left
    let all = (await allPages('limit=50')).items;
    expect(all.filter((i) => i.sla.state === 'AT_RISK').map((i) => i.stageId)).toEqual(early);
    expect(all.filter((i) => i.sla.state === 'ON_TRACK').map((i) => i.stageId)).toEqual(late);
    expect(ids((await allPages('slaState=AT_RISK&limit=3')).items)).toEqual(early);

    harness.clock.set(new Date(t0.getTime() + 53 * HOUR)); // early: 5 h overdue, late: 5 h left
    all = (await allPages('limit=50')).items;
    expect(all.map((i) => i.sla.state)).toEqual([...Array(4).fill('OVERDUE'), ...Array(3).fill('AT_RISK')]);
    expect(all[0].sla.hoursRemaining).toBe(0);
    const overdue = await allPages('slaState=OVERDUE&limit=3');
    expect(overdue.pages).toBe(2);
    expect(ids(overdue.items)).toEqual(early);
    expect(overdue.items.every((i) => i.sla.state === 'OVERDUE')).toBe(true);
    expect(ids((await allPages('slaState=AT_RISK&limit=2')).items)).toEqual(late);
    expect((await allPages('slaState=ON_TRACK')).items).toEqual([]);
  });

  it('filters by category and role, combines filters, and refuses a forged cursor', async () => {
    harness.clock.set(new Date(t0.getTime() + 53 * HOUR));
    const keep = await allPages('atpCategory=DISMANTLE_KEEP&limit=2');
    expect(ids(keep.items)).toEqual(late);
    expect(keep.items.every((i) => i.atpCategory === 'DISMANTLE_KEEP')).toBe(true);
    expect(ids((await allPages('atpCategory=PLN_UPGRADE&slaState=OVERDUE&limit=2')).items)).toEqual(early);
    expect((await allPages('atpCategory=DISMANTLE_KEEP&slaState=OVERDUE')).items).toEqual([]);
    expect(ids((await allPages('roleCode=ROH&limit=4')).items)).toEqual([...early, ...late]);
    expect((await allPages('roleCode=RTH')).items).toEqual([]);

    const forged = await inbox('cursor=bm90LWEtY3Vyc29y');
    expect(forged.status).toBe(400);
    expect(forged.body.errors[0].field).toBe('cursor');
    expect((await inbox('slaState=LATE')).status).toBe(400);
    expect((await inbox('', `stranger-${suffix}`)).status).toBe(404);
  });

  it('a held workflow leaves the inbox and comes back after resume', async () => {
    harness.clock.set(new Date(t0.getTime() + 53 * HOUR));
    const admin = `admin-${suffix}`;
    await harness.addMember(workspaceId, admin, 'WORKSPACE_ADMIN');
    await harness.waitForMembers(workspaceId, 6);
    const [row] = await harness.query(`SELECT workflow_instance_id AS id FROM workflow_stages WHERE id = $1`, [
      late[0],
    ]);
    const call = (action: string) =>
      request(harness.app.getHttpServer())
        .post(`/api/v1/workspaces/${workspaceId}/workflows/${row.id}/${action}`)
        .set(bearer(admin))
        .send({ reason: action });
    expect((await call('hold')).status).toBe(200);
    expect(ids((await allPages('limit=3')).items)).toEqual([...early, ...late.slice(1)]);
    harness.clock.set(new Date(t0.getTime() + 55 * HOUR));
    expect((await call('resume')).status).toBe(200);
    const back = (await allPages('atpCategory=DISMANTLE_KEEP')).items.find((i) => i.stageId === late[0]);
    // Held 2 h: due t0+58h becomes t0+60h, 5 h from t0+55h → still AT_RISK, but two hours later than without the hold.
    expect(back?.slaDueAt).toBe(new Date(t0.getTime() + 60 * HOUR).toISOString());
    expect(back?.sla).toEqual({ state: 'AT_RISK', hoursRemaining: 5 });
  });
});
