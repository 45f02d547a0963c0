/**
 * pgbench with the SQL of one stage decision (issue 11 item 4), in the shape issue 14 item 1 asks of
 * workflow-service: after BEGIN, one load statement (claims the idempotency key, locks the instance,
 * returns its stages), one apply statement (stage update, audit row, instance progress, the outbox
 * event with its aggregate version), the stored answer, COMMIT. Tables are workflow-service's columns
 * that these statements touch; the outbox is the real one (messaging migrations, notification trigger),
 * disarmed as it is while the relay is busy. The ratio decisions/s ÷ this tps says how close the
 * service comes to what PostgreSQL can do with the same statements.
 */
import { openProbeDatabase } from '../../../libs/platform/messaging/test/fixtures/probe-service';
import { pgbenchScript } from './pgbench';

const INSTANCES = 20000;
const ENVELOPE = JSON.stringify({
  eventType: 'workflow.stage-approved',
  schemaVersion: 1,
  workspaceId: '00000000-0000-4000-8000-000000000000',
  aggregateType: 'workflow',
  correlationId: 'bench',
  causationId: null,
  actorId: 'u-approver',
  payload: {
    stageId: 'x'.repeat(36),
    stageNumber: 1,
    stageCode: 'RAN_QA',
    approverRole: 'RAN_QA_ENGINEER',
    decidedBy: 'u-approver',
    comment: 'bench',
    decidedAt: '2026-01-01T00:00:00.000Z',
  },
}).replace(/'/g, "''");

const SETUP_TEMPLATE = `
CREATE TABLE idempotency_keys (scope TEXT NOT NULL, key BIGINT NOT NULL, request_hash TEXT NOT NULL, response_status INT, response_body JSONB,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (scope, key));
CREATE TABLE workflow_instances (id BIGINT PRIMARY KEY, workspace_id UUID NOT NULL, status TEXT NOT NULL, current_stage_number INT,
  version INT NOT NULL DEFAULT 1, updated_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE workflow_stages (id BIGSERIAL PRIMARY KEY, workflow_instance_id BIGINT NOT NULL REFERENCES workflow_instances (id), stage_number INT NOT NULL,
  status TEXT NOT NULL, approver_user_id TEXT, decision TEXT, decided_by TEXT, decided_at TIMESTAMPTZ, updated_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE INDEX ON workflow_stages (workflow_instance_id);
CREATE TABLE workflow_actions (id BIGSERIAL PRIMARY KEY, workflow_instance_id BIGINT NOT NULL REFERENCES workflow_instances (id), action_type TEXT NOT NULL,
  actor_user_id TEXT NOT NULL, payload JSONB NOT NULL, action_at TIMESTAMPTZ NOT NULL DEFAULT now());
INSERT INTO workflow_instances (id, workspace_id, status, current_stage_number)
  SELECT g, '00000000-0000-4000-8000-000000000000', 'IN_PROGRESS', 1 FROM generate_series(1, ${INSTANCES}) g;
INSERT INTO workflow_stages (workflow_instance_id, stage_number, status, approver_user_id)
  SELECT g, n, CASE WHEN n = 1 THEN 'PENDING' ELSE 'WAITING' END, 'u-approver' FROM generate_series(1, ${INSTANCES}) g, generate_series(1, 3) n;
UPDATE outbox_relay_wake SET armed = ${'${ARMED}'};
ANALYZE;
`;

const SCRIPT = `
\\set inst random(1, ${INSTANCES})
\\set key random(1, 2000000000)
BEGIN;
WITH claim AS (INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ('bench', :key, 'h') ON CONFLICT DO NOTHING RETURNING key)
SELECT i.id, i.status, s.id AS stage_id, s.status AS stage_status, s.approver_user_id, (SELECT count(*) FROM claim) AS claimed
  FROM workflow_instances i JOIN workflow_stages s ON s.workflow_instance_id = i.id WHERE i.id = :inst FOR UPDATE OF i;
WITH stage AS (UPDATE workflow_stages SET status = 'APPROVED', decision = 'APPROVE', decided_by = 'u-approver', decided_at = now(), updated_at = now()
                WHERE workflow_instance_id = :inst AND stage_number = 1 RETURNING id),
     action AS (INSERT INTO workflow_actions (workflow_instance_id, action_type, actor_user_id, payload)
                VALUES (:inst, 'APPROVE', 'u-approver', '{"oldStatus":"PENDING","newStatus":"APPROVED","authority":"ASSIGNED"}') RETURNING id),
     progress AS (UPDATE workflow_instances SET current_stage_number = 2, version = version + 1, updated_at = now() WHERE id = :inst RETURNING id),
     next AS (INSERT INTO outbox_aggregate_versions (aggregate_type, aggregate_id, version) VALUES ('workflow', :inst::text, 1)
              ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE SET version = outbox_aggregate_versions.version + 1 RETURNING version)
INSERT INTO outbox (event_id, topic, partition_key, event_type, aggregate_type, aggregate_id, aggregate_version, envelope)
SELECT gen_random_uuid(), 'workflow.events', :inst::text, 'workflow.stage-approved', 'workflow', :inst::text, next.version,
       '${ENVELOPE}'::jsonb FROM next, stage, action, progress;
UPDATE idempotency_keys SET response_status = 200, response_body = '{"workflowStatus":"IN_PROGRESS","currentStageNumber":2}' WHERE scope = 'bench' AND key = :key;
COMMIT;
`;

/** `notify`: the outbox trigger notifies on every commit (the relay's `notify` mode), else it is silent. */
export interface DecisionSqlOptions {
  durable: boolean;
  clients?: number;
  seconds?: number;
  rate?: number;
  notify?: boolean;
  onOutput?: (output: string) => void;
}

export function pgbenchDecision(options: DecisionSqlOptions): Promise<number> {
  return pgbenchScript({
    ...options,
    prefix: 'bench_decision_sql',
    setup: SETUP_TEMPLATE.replace('${ARMED}', String(options.notify ?? false)),
    script: SCRIPT,
    prepare: async (url) => (await openProbeDatabase(url, 'producer')).destroy(),
  });
}

export interface NotifyLockFigures {
  notify: boolean;
  databases: number;
  tps: number;
  latencyAverageMs: number;
}

/**
 * What NOTIFY's cluster-wide commit lock costs: `databases` service databases on the cluster, each with
 * 4 clients committing decisions at `ratePerDatabase`/s, once with the trigger notifying on every commit
 * and once silent (the adaptive relay under load). Latency is pgbench's average per transaction.
 */
export async function notifyLockCost(options: {
  durable: boolean;
  notify: boolean;
  databases?: number;
  ratePerDatabase?: number;
  seconds?: number;
}): Promise<NotifyLockFigures> {
  const databases = options.databases ?? 5;
  const latencies: number[] = [];
  const tps = await Promise.all(
    Array.from({ length: databases }, () =>
      pgbenchDecision({
        durable: options.durable,
        notify: options.notify,
        clients: 4,
        seconds: options.seconds ?? 10,
        rate: options.ratePerDatabase ?? 100,
        onOutput: (output) => latencies.push(Number(/latency average = ([\d.]+) ms/.exec(output)?.[1])),
      }),
    ),
  );
  return {
    notify: options.notify,
    databases,
    tps: tps.reduce((a, b) => a + b, 0),
    latencyAverageMs: latencies.reduce((a, b) => a + b, 0) / latencies.length,
  };
}
