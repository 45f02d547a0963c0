// `npm run demo [category] [siteCode]` (after `npm start`): one whole ATP journey through the gateway,
// printed step by step: who acted, the submission's status after the step, and the events the step put
// on Kafka. A document controller creates a submission, uploads its document and submits it; QA approves;
// the first approver approves with a punch item, the others approve; the vendor rectifies the item with
// evidence, QA verifies it, the issuer closes it, and the submission is COMPLETED. Tokens come from the
// development issuer, like `npm run token`. Each run uses a site with no submission of that category yet
// (a new demo site when the one asked for has one), so it can be run again and again.
import path from 'node:path';
import type { AtpCategory } from '@atp/approval-routing';
import { uniqueSuffix, waitFor } from '@atp/testing';
import { Api, expectStatus } from '../e2e/support/api-client';
import { DevIssuerIdentity, stackEnvOf } from '../e2e/support/dev-identity';
import { USERS } from '../e2e/support/demo-data';
import { EventLog, type EventMatch } from '../e2e/support/event-log';
import { pdfOf, Submissions, type SubmissionView } from '../e2e/support/submission-steps';
import { decide, expectedChain, inboxEntry } from '../e2e/support/workflow-steps';
import { activeVersions, itemsOf, type Site, type Workspace } from '../e2e/support/workspace';

const root = path.resolve(__dirname, '..');
const local = process.env.ATP_LOCAL_DIR ?? path.join(root, '.local');
const portBase = Number(process.env.ATP_PORT_BASE ?? 3000);

async function seededWorkspace(api: Api): Promise<Workspace> {
  const mine = itemsOf<{ workspaceId: string; code: string }>(
    expectStatus(await api.as(USERS.admin).get('/workspaces'), 200, 'my workspaces').body,
  );
  const seeded = mine.find((w) => w.code === 'XLSMART-AVIAT') ?? mine[0];
  if (!seeded) throw new Error('u-admin is a member of no workspace: did `npm start` seed the demo workspace?');
  const siteList = itemsOf<Site>(
    expectStatus(
      await api.as(USERS.admin).get(`/workspaces/${seeded.workspaceId}/sites`, { query: { limit: 200 } }),
      200,
    ).body,
  );
  return {
    id: seeded.workspaceId,
    code: seeded.code,
    sites: new Map(siteList.map((s) => [s.siteCode, s])),
    active: await activeVersions(api, seeded.workspaceId),
  };
}

/**
 * A DRAFT submission of `category` at `siteCode`; when that site has one already (an earlier demo), at
 * a new site of the same cluster, added by the admin (submission-service learns it from Kafka: retried).
 */
async function createSubmission(api: Api, workspace: Workspace, category: AtpCategory, siteCode: string) {
  const first = await api
    .as(USERS.docControl)
    .post(`/workspaces/${workspace.id}/submissions`, submissionBody(category, siteCode));
  if (first.status === 201) return { submission: first.body as SubmissionView, siteCode };
  if (first.body?.code !== 'SUBMISSION_EXISTS') expectStatus(first, 201, 'create submission');
  const base = workspace.sites.get(siteCode);
  if (!base) throw new Error(`no site ${siteCode} in ${workspace.code}`);
  const demoSite = `DEMO-${uniqueSuffix()}`.toUpperCase().slice(0, 30);
  expectStatus(
    await api.as(USERS.admin).put(`/workspaces/${workspace.id}/sites`, {
      siteCode: demoSite,
      siteName: `Demo site ${demoSite}`,
      region: base.region,
      city: 'Jakarta',
      clusterCode: base.clusterCode,
      isActive: true,
    }),
    200,
    'add a demo site',
  );
  console.log(
    `(${siteCode} has a ${category} submission already: this run uses the new site ${demoSite} of cluster ${base.clusterCode})\n`,
  );
  const submission = await waitFor(
    async () => {
      const answer = await api
        .as(USERS.docControl)
        .post(`/workspaces/${workspace.id}/submissions`, submissionBody(category, demoSite));
      if (answer.status === 422) return undefined; // the site has not reached submission-service's replica yet
      return expectStatus(answer, 201, 'create submission').body as SubmissionView;
    },
    { timeoutMs: 30_000, intervalMs: 200, what: `submission-service to know site ${demoSite}` },
  );
  return { submission, siteCode: demoSite };
}

function submissionBody(category: AtpCategory, siteCode: string) {
  const scopeCode = {
    RAN_MW: 'MW_NEW',
    PLN_UPGRADE: 'PLN_UPGRADE',
    DISMANTLE_DROP: 'DISMANTLE',
    DISMANTLE_KEEP: 'DISMANTLE',
    SOFTWARE_LICENSE: 'SW_LICENSE',
  }[category];
  return { siteCode, scopeCode, atpCategory: category, title: `demo ${category} at ${siteCode}` };
}

async function main(): Promise<void> {
  const category = (process.argv[2] ?? 'RAN_MW') as AtpCategory;
  const requestedSite = process.argv[3] ?? 'JKT-0001';
  const api = new Api(`http://127.0.0.1:${portBase}`, new DevIssuerIdentity(local));
  const brokers = (process.env.KAFKA_BROKERS ?? stackEnvOf(local).KAFKA_BROKERS).split(',');
  const workspace = await seededWorkspace(api);
  const submissions = new Submissions(api, workspace);
  const events = await EventLog.start(brokers);
  try {
    let mark = events.mark();
    const { submission, siteCode } = await createSubmission(api, workspace, category, requestedSite);
    const id = submission.id;
    const chain = await expectedChain(api, workspace, category, siteCode);
    console.log(`workspace ${workspace.code} (${workspace.id}), ${category} at ${siteCode}, submission ${id}`);
    console.log(
      `approval chain (dry run): ${chain.map((s) => `${s.stageNumber}. ${s.roleCode} → ${s.approverUserId}`).join('   ')}\n`,
    );

    /** Waits for the step's events and the submission status it leads to, then prints the line. */
    const step = async (who: string, what: string, until: EventMatch | EventMatch[], status: string) => {
      for (const match of [until].flat()) await events.waitFor(match, what, { from: mark });
      const view = await submissions.waitForStatus(id, status);
      const emitted = events.since(mark).map((e) => e.eventType);
      console.log(
        `${who.padEnd(20)} ${what.padEnd(40)} → ${view.status.padEnd(24)} events: ${emitted.join(', ') || '—'}`,
      );
      mark = events.mark();
    };
    const of =
      (type: string, match: EventMatch = () => true): EventMatch =>
      (e) =>
        e.eventType === type && match(e);

    await step(
      USERS.docControl,
      'create submission',
      of('submission.created', (e) => e.aggregateId === id),
      'DRAFT',
    );
    await submissions.upload(id, 'demo-v1');
    await step(
      USERS.docControl,
      'upload document (multipart)',
      of('submission.document-uploaded', (e) => e.aggregateId === id),
      'DRAFT',
    );
    await submissions.submit(id);
    await step(
      USERS.docControl,
      'submit',
      of('submission.submitted', (e) => e.aggregateId === id),
      'SUBMITTED',
    );
    await submissions.qaReview(id, 'APPROVE', 'documents complete');
    const started = await events.waitFor(
      of('workflow.started', (e) => e.payload.submissionId === id),
      'workflow.started',
      { from: mark },
    );
    const workflowId = started.aggregateId;
    await step(
      USERS.qa,
      'QA approve → workflow starts',
      of('workflow.stage.activated', (e) => e.aggregateId === workflowId),
      'IN_REVIEW',
    );

    const issuer = chain[0].approverUserId;
    for (const stage of chain) {
      const entry = await inboxEntry(api, workspace.id, stage.approverUserId, workflowId, stage.stageNumber);
      const first = stage === chain[0];
      const body = first
        ? {
            decision: 'APPROVE_WITH_PUNCHLIST',
            comment: 'approved; label the feeder cables',
            items: [{ description: 'label the feeder cables', severity: 'MINOR' }],
          }
        : { decision: 'APPROVE', comment: 'looks good' };
      expectStatus(
        await decide(api, workspace.id, stage.approverUserId, workflowId, entry.stageId, body),
        200,
        `decision of stage ${stage.stageNumber}`,
      );
      const last = stage === chain[chain.length - 1];
      const next = last
        ? of('workflow.completed', (e) => e.aggregateId === workflowId)
        : of(
            'workflow.stage.activated',
            (e) => e.aggregateId === workflowId && e.payload.stageNumber === stage.stageNumber + 1,
          );
      // punchlist-service opens the punchlist from the decision's event, next to the next stage opening.
      const also = first ? [of('punchlist.created', (e) => e.payload.submissionId === id)] : [];
      await step(
        stage.approverUserId,
        `${body.decision} stage ${stage.stageNumber} ${stage.roleCode}`,
        [next, ...also],
        last ? 'APPROVED_WITH_PUNCHLIST' : 'IN_REVIEW',
      );
    }

    const punchlist = itemsOf<{ id: string }>(
      expectStatus(
        await api.as(USERS.docControl).get(`/workspaces/${workspace.id}/punchlists`, { query: { submissionId: id } }),
        200,
      ).body,
    )[0];
    if (!punchlist) throw new Error(`no punchlist for submission ${id}`);
    const base = `/workspaces/${workspace.id}/punchlists/${punchlist.id}`;
    const item = (expectStatus(await api.as(USERS.docControl).get(base), 200).body.items as Array<{ id: string }>)[0];
    const moved = (status: string): EventMatch =>
      of('punchlist.item.status-changed', (e) => e.aggregateId === punchlist.id && e.payload.toStatus === status);
    expectStatus(
      await api
        .as(USERS.docControl)
        .upload(`${base}/items/${item.id}/rectify`, { comment: 'labels fixed, photo attached' }, [
          { field: 'file', fileName: 'labels.pdf', content: pdfOf('demo-evidence'), contentType: 'application/pdf' },
        ]),
      200,
      'rectify',
    );
    await step(USERS.docControl, 'rectify punch item (evidence)', moved('RECTIFIED'), 'APPROVED_WITH_PUNCHLIST');
    expectStatus(await api.as(USERS.qa).post(`${base}/items/${item.id}/verify`, { comment: 'checked' }), 200, 'verify');
    await step(USERS.qa, 'QA verify punch item', moved('QA_VERIFIED'), 'APPROVED_WITH_PUNCHLIST');
    expectStatus(await api.as(issuer).post(`${base}/items/${item.id}/close`, { comment: 'accepted' }), 200, 'close');
    await step(
      issuer,
      'issuer closes punch item',
      of('submission.status-changed', (e) => e.aggregateId === id && e.payload.toStatus === 'COMPLETED'),
      'COMPLETED',
    );

    console.log(`\nsubmission: GET /api/v1/workspaces/${workspace.id}/submissions/${id}`);
    console.log(`workflow:   GET /api/v1/workspaces/${workspace.id}/workflows/${workflowId}`);
    console.log(`punchlist:  GET /api/v1${base}`);
  } finally {
    await events.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[demo] ${(error as Error).message}`);
    process.exit(1);
  },
);
