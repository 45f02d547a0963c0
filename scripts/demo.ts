// `npm run demo` (after `npm start`): one ATP journey through the gateway, printed step by step: who acted,
// the status after the step, and the events each step put on Kafka. Tokens come from the development
// issuer, like `npm run token`. Until submission-service takes QA decisions over HTTP, QA approval is the
// `submission.qa-approved` event it will publish.
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AtpCategory } from '@atp/approval-routing';
import { Api, expectStatus, type Identity } from '../e2e/support/api-client';
import { USERS } from '../e2e/support/demo-data';
import { EventLog } from '../e2e/support/event-log';
import { QaApprovalPublisher, decide, expectedChain, getWorkflow, inboxEntry, workflowStartedOf } from '../e2e/support/workflow-steps';
import { activeVersions, itemsOf, type Site, type Workspace } from '../e2e/support/workspace';

const root = path.resolve(__dirname, '..');
const local = process.env.ATP_LOCAL_DIR ?? path.join(root, '.local');
const portBase = Number(process.env.ATP_PORT_BASE ?? 3000);

/** Signs like scripts/token.mjs: the development issuer's key, its issuer and audience (issuer.json). */
class DevIssuerIdentity implements Identity {
  private readonly info = JSON.parse(readFileSync(path.join(local, 'issuer', 'issuer.json'), 'utf8')) as { issuer: string; audience: string };
  private readonly jwk = JSON.parse(readFileSync(path.join(local, 'issuer', 'signing-key.jwk.json'), 'utf8')) as { kid: string };
  private readonly key = createPrivateKey({ key: this.jwk as never, format: 'jwk' });

  async headersFor(userId: string): Promise<Record<string, string>> {
    const now = Math.floor(Date.now() / 1000);
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${part({ alg: 'RS256', kid: this.jwk.kid, typ: 'JWT' })}.${part({
      sub: userId, iss: this.info.issuer, aud: this.info.audience, iat: now, exp: now + 600, roles: userId === USERS.platformAdmin ? ['PLATFORM_ADMIN'] : [],
    })}`;
    return { authorization: `Bearer ${input}.${sign('sha256', Buffer.from(input), this.key).toString('base64url')}` };
  }
}

function stackEnv(): Record<string, string> {
  const text = readFileSync(path.join(local, 'stack.env'), 'utf8');
  return Object.fromEntries(text.split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

async function main(): Promise<void> {
  const category = (process.argv[2] ?? 'RAN_MW') as AtpCategory;
  const siteCode = process.argv[3] ?? 'JKT-0001';
  const api = new Api(`http://127.0.0.1:${portBase}`, new DevIssuerIdentity());
  const brokers = (process.env.KAFKA_BROKERS ?? stackEnv().KAFKA_BROKERS).split(',');
  const say = (who: string, what: string, status: string, events: string[]) =>
    console.log(`${who.padEnd(22)} ${what.padEnd(34)} → ${status.padEnd(12)} events: ${events.join(', ') || '—'}`);

  const mine = itemsOf<{ workspaceId: string; code: string }>(expectStatus(await api.as(USERS.admin).get('/workspaces'), 200, 'my workspaces').body);
  const seeded = mine.find((w) => w.code === 'XLSMART-AVIAT') ?? mine[0];
  if (!seeded) throw new Error('u-admin is a member of no workspace: did `npm start` seed the demo workspace?');
  const sites = new Map(itemsOf<Site>(expectStatus(await api.as(USERS.admin).get(`/workspaces/${seeded.workspaceId}/sites?limit=200`), 200).body).map((s) => [s.siteCode, s]));
  const workspace: Workspace = { id: seeded.workspaceId, code: seeded.code, sites, active: await activeVersions(api, seeded.workspaceId) };
  console.log(`workspace ${workspace.code} (${workspace.id}), ${category} at ${siteCode}\n`);

  const events = await EventLog.start(brokers);
  const qa = await QaApprovalPublisher.connect(brokers);
  try {
    const chain = await expectedChain(api, workspace, category, siteCode);
    console.log(`chain (dry run): ${chain.map((s) => `${s.stageNumber}. ${s.roleCode} → ${s.approverUserId}`).join('   ')}\n`);
    let mark = events.mark();
    const approved = await qa.publish(workspace, { category, siteCode });
    const started = await workflowStartedOf(events, approved.submissionId);
    const workflowId = started.aggregateId;
    await inboxEntry(api, workspace.id, chain[0].approverUserId, workflowId, 1);
    say(USERS.qa, 'QA approval (submission.qa-approved)', 'IN_PROGRESS', events.since(mark).map((e) => e.eventType));
    for (const stage of chain) {
      mark = events.mark();
      const entry = await inboxEntry(api, workspace.id, stage.approverUserId, workflowId, stage.stageNumber);
      expectStatus(await decide(api, workspace.id, stage.approverUserId, workflowId, entry.stageId, { decision: 'APPROVE', comment: 'looks good' }), 200, 'decision');
      const last = stage === chain[chain.length - 1];
      await events.waitFor((e) => e.aggregateId === workflowId && e.eventType === (last ? 'workflow.completed' : 'workflow.stage.activated'), 'next step', { from: mark });
      const status = (await getWorkflow(api, workspace.id, workflowId)).status as string;
      say(stage.approverUserId, `APPROVE stage ${stage.stageNumber} ${stage.roleCode}`, status, events.since(mark, (e) => e.aggregateId === workflowId).map((e) => e.eventType));
    }
    console.log(`\nworkflow ${workflowId}: GET /api/v1/workspaces/${workspace.id}/workflows/${workflowId}`);
  } finally {
    await qa.stop();
    await events.stop();
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(`[demo] ${(error as Error).message}`);
  process.exit(1);
});
