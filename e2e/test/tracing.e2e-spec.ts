import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@atp/testing';
import { expectStatus } from '../support/api-client';
import { EventLog } from '../support/event-log';
import { e2eStack } from '../support/stack';
import { Submissions } from '../support/submission-steps';
import { expectedChain, inboxEntry } from '../support/workflow-steps';
import { provisionWorkspace, type Workspace } from '../support/workspace';

/** One span as the OTLP/HTTP JSON exporter sends it (ids in hex), with the service that sent it. */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

const KIND = { SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type KeyValue = { key: string; value: AnyValue };
const valueOf = (v: AnyValue) => v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue;
const attributesOf = (list: KeyValue[] = []) => Object.fromEntries(list.map(({ key, value }) => [key, valueOf(value)]));

/**
 * A tiny OTLP/HTTP collector: POST /v1/traces with the JSON encoding of ExportTraceServiceRequest, the
 * spans kept in memory. The e2e stack's apps export to `state.otlpPort` (e2e/support/e2e-stack.mjs).
 */
class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly refused: string[] = [];
  private server: Server | null = null;

  async listen(port: number): Promise<void> {
    this.server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        if (
          request.method !== 'POST' ||
          request.url !== '/v1/traces' ||
          !/json/.test(request.headers['content-type'] ?? '')
        ) {
          this.refused.push(`${request.method} ${request.url} ${request.headers['content-type']}`);
          response.writeHead(415).end();
          return;
        }
        this.take(JSON.parse(body));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    expect((this.server.address() as AddressInfo).port).toBe(port);
  }

  async close(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private take(request: {
    resourceSpans?: Array<{ resource?: { attributes?: KeyValue[] }; scopeSpans?: Array<{ spans?: any[] }> }>;
  }): void {
    for (const resourceSpans of request.resourceSpans ?? []) {
      const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
      for (const scope of resourceSpans.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          this.spans.push({
            service,
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            name: span.name,
            kind: span.kind,
            attributes: attributesOf(span.attributes),
          });
        }
      }
    }
  }
}

/**
 * One journey step as one trace across processes: a decision sent through the gateway with a client
 * `traceparent` is continued by the gateway, forwarded to workflow-service, stored with the outbox
 * event, carried in its Kafka headers by the relay, and continued by the consumers of punchlist-service
 * and submission-service, whose own outbox events stay in the same trace.
 */
describe('tracing across HTTP and Kafka', () => {
  const { api, brokers, state } = e2eStack();
  const receiver = new OtlpReceiver();
  let events: EventLog;
  let workspace: Workspace;
  const SITE = 'JKT-0002';

  beforeAll(async () => {
    await receiver.listen(state.otlpPort);
    events = await EventLog.start(brokers);
    workspace = await provisionWorkspace(api, brokers, { codePrefix: 'E2E-TR' });
  });

  afterAll(async () => {
    await events?.stop();
    await receiver.close();
  });

  it('links client, gateway, workflow-service, the Kafka hop and the consumers of a decision in one trace', async () => {
    const chain = await expectedChain(api, workspace, 'RAN_MW', SITE);
    const { workflowId } = await new Submissions(api, workspace).startWorkflow(events, 'RAN_MW', SITE);
    const approver = chain[0].approverUserId;
    const entry = await inboxEntry(api, workspace.id, approver, workflowId, 1);

    // The client's own span: the gateway continues its trace (W3C traceparent, sampled).
    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');
    const mark = events.mark();
    const path = `/workspaces/${workspace.id}/workflows/${workflowId}/stages/${entry.stageId}/decisions`;
    const body = {
      decision: 'APPROVE_WITH_PUNCHLIST',
      comment: 'fix these',
      items: [{ description: 'replace rusty bolts', severity: 'MAJOR' }],
    };
    expectStatus(
      await api.as(approver).post(path, body, { headers: { traceparent: `00-${traceId}-${clientSpanId}-01` } }),
      200,
      'decision',
    );
    const decided = await events.waitFor(
      (e) => e.eventType === 'workflow.stage.approved-with-punchlist' && e.payload.stageId === entry.stageId,
      'the decision',
      { from: mark },
    );
    const created = await events.waitFor(
      (e) => e.eventType === 'punchlist.created' && e.causationId === decided.eventId,
      'the punchlist it opens',
      { from: mark },
    );

    const ofTrace = () => receiver.spans.filter((span) => span.traceId === traceId);
    const find = (service: string, kind: number, match: (span: ReceivedSpan) => boolean = () => true) =>
      ofTrace().find((span) => span.service === service && span.kind === kind && match(span));
    const carries = (eventId: string) => (span: ReceivedSpan) => span.attributes['messaging.message.id'] === eventId;
    // Batches leave every 200 ms, from each process on its own; the consumers' spans end after their commits.
    await waitFor(
      () =>
        find('gateway', KIND.SERVER, (span) => span.parentSpanId === clientSpanId) &&
        find('workflow-service', KIND.SERVER) &&
        find('punchlist-service', KIND.PRODUCER, carries(created.eventId)) &&
        find('submission-service', KIND.CONSUMER, carries(decided.eventId)),
      {
        timeoutMs: 30_000,
        intervalMs: 100,
        what: `the spans of trace ${traceId} (${receiver.spans.length} received; refused: ${receiver.refused})`,
      },
    );

    const spans = ofTrace();
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const parentOf = (span: ReceivedSpan) => byId.get(span.parentSpanId);
    /** The spans from `span` up to the root of what was received, `span` first. */
    const lineage = (span: ReceivedSpan): ReceivedSpan[] => {
      const line = [span];
      for (let up = parentOf(span); up && line.length < 50; up = parentOf(up)) line.push(up);
      return line;
    };
    const render = (line: ReceivedSpan[]) => line.map((s) => `${s.service}:${s.name}`).join(' <- ');

    const gatewayServer = find('gateway', KIND.SERVER, (span) => span.parentSpanId === clientSpanId);
    expect(gatewayServer).toBeDefined();
    const workflowServer = find('workflow-service', KIND.SERVER)!;
    expect(workflowServer).toBeDefined();
    // The service's server span is named by its route pattern (the platform's request hook), never the raw path.
    const decisionRoute = '/api/v1/workspaces/:workspaceId/workflows/:workflowId/stages/:stageId/decisions';
    expect({ name: workflowServer.name, route: workflowServer.attributes['http.route'] }).toEqual({
      name: `POST ${decisionRoute}`,
      route: decisionRoute,
    });
    // workflow-service's request is a child of the gateway's proxied call, within the gateway's request.
    expect(parentOf(workflowServer)).toMatchObject({ service: 'gateway', kind: KIND.CLIENT });
    expect(lineage(workflowServer)).toContain(gatewayServer);

    // The relay's send of the decision event descends from the request that wrote it to the outbox.
    const publish = find('workflow-service', KIND.PRODUCER, carries(decided.eventId))!;
    expect(publish).toMatchObject({ name: 'send atp.workflow.events.v1' });
    expect(lineage(publish)).toContain(workflowServer);

    // Across Kafka: each consumer's span is a child of that send, in another process. A chunk that was
    // rolled back and applied again one message at a time shows as a second span of the same event.
    const consumedIn = (service: string) =>
      ofTrace().filter(
        (span) => span.service === service && span.kind === KIND.CONSUMER && carries(decided.eventId)(span),
      );
    for (const [service, group] of [
      ['punchlist-service', 'punchlist-service.workflow-decisions'],
      ['submission-service', 'submission-service.workflow-projection'],
    ]) {
      const links = consumedIn(service).map((span) => ({
        parent: span.parentSpanId,
        group: span.attributes['messaging.consumer.group.name'],
      }));
      expect(links.length).toBeGreaterThan(0);
      expect(new Set(links.map((link) => JSON.stringify(link)))).toEqual(
        new Set([JSON.stringify({ parent: publish.spanId, group })]),
      );
    }
    // And what a consumer writes stays in the trace: punchlist.created's send descends from its handler.
    const line = lineage(find('punchlist-service', KIND.PRODUCER, carries(created.eventId))!);
    const handler = line.find((span) => span.service === 'punchlist-service' && span.kind === KIND.CONSUMER);
    expect({
      handlerEvent: handler?.attributes['messaging.message.id'],
      reachesClient: line.at(-1)?.parentSpanId === clientSpanId,
      line: render(line),
    }).toEqual({ handlerEvent: decided.eventId, reachesClient: true, line: render(line) });
    // The handler's queries are traced inside it (pg instrumentation).
    const queries = spans.filter((span) => span.kind === KIND.CLIENT && handler && parentOf(span) === handler);
    expect(queries.map((span) => span.service)).toContain('punchlist-service');
  });
});
