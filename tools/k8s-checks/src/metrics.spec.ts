import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import YAML from 'yaml';
import { MessagingMetrics } from '@atp/platform-messaging';
import { httpExchangeObserver } from '@atp/platform-runtime';
import { IntegrityMetrics } from '@atp/platform-integrity';
import { repoRoot } from './manifests/platform';
import { metricNamesOf } from './promql-names';

/**
 * Every metric the dashboard and the alerts of k8s/ read is one the platform exports: registered by the
 * services' runtime (the same registration code, run here), by an app (read from its sources), or by a
 * named exporter the manifests deploy. A misspelt or renamed metric makes a silent panel and an alert that
 * never fires; this test fails instead.
 */

/** Names as Prometheus stores them: histograms and summaries are several series. */
function seriesNames(registry: Registry): Promise<string[]> {
  return registry.getMetricsAsJSON().then((metrics) =>
    metrics.flatMap(({ name, type }) => {
      if (String(type) === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
      if (String(type) === 'summary') return [name, `${name}_sum`, `${name}_count`];
      return [name];
    }),
  );
}

/** What every service's /metrics has: PlatformModule's registry (default Node metrics, messaging, HTTP, integrity). */
async function runtimeMetrics(): Promise<string[]> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const messaging = new MessagingMetrics(registry);
  messaging.registerOutboxGauges(async () => ({ backlog: 0, oldestAgeSeconds: 0, parked: 0 }));
  httpExchangeObserver(registry, pino({ enabled: false }));
  new IntegrityMetrics(registry);
  return seriesNames(registry);
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

/** Metrics an app registers itself: `atp_…` string literals of its prom-client files (e.g. the SLA sweeper). */
function appMetrics(): string[] {
  const files = walk(path.join(repoRoot, 'apps')).filter((f) => /\/src\/.*\.ts$/.test(f) && !f.endsWith('.spec.ts'));
  return files.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    if (!text.includes("from 'prom-client'")) return [];
    const names = [...text.matchAll(/'(atp_[a-z0-9_]+)'/g)].map((m) => m[1]);
    const histogram = /new Histogram/.test(text);
    return names.flatMap((name) => (histogram ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name]));
  });
}

/** Exported by something the manifests deploy, not by the services. */
const EXPORTERS: Record<string, string> = {
  up: 'Prometheus itself, for every scraped target',
  kafka_consumergroup_lag: 'Strimzi Kafka Exporter (spec.kafkaExporter of kafka.yaml, scraped by its PodMonitor)',
  kafka_topic_partition_current_offset: 'Strimzi Kafka Exporter',
  kafka_topic_partition_oldest_offset: 'Strimzi Kafka Exporter',
};

/**
 * Panels and alerts for metrics the platform does not export yet. Remove a name from here in the change
 * that exports it (the last test fails until then, so this list cannot go stale).
 */
const EXPECTED_FROM_LATER_WORK: Record<string, string> = {};

const base = path.join(repoRoot, 'k8s/base');
type Rule = { alert: string; expr: string; annotations: { runbook_url: string } };
const ruleFile = YAML.parse(readFileSync(path.join(base, 'monitoring/prometheusrule.yaml'), 'utf8'));
const rules = (ruleFile as { spec: { groups: { rules: Rule[] }[] } }).spec.groups.flatMap((g) => g.rules);
type Panel = { title: string; targets?: { expr: string }[] };
const dashboard = JSON.parse(readFileSync(path.join(base, 'monitoring/atp-dashboard.json'), 'utf8'));
const panels = (dashboard as { panels: Panel[] }).panels;

const used = [
  ...rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })),
  ...panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr }))),
];

describe('metrics of the dashboard and the alerts', () => {
  let exported: Set<string>;

  beforeAll(async () => {
    exported = new Set([...(await runtimeMetrics()), ...appMetrics()]);
  });

  it('finds the metric names of a PromQL expression', () => {
    const latency = 'sum by (service, le) (rate(atp_http_request_duration_seconds_bucket{status=~"5.."}[5m])) > 1';
    expect(metricNamesOf(latency)).toEqual(['atp_http_request_duration_seconds_bucket']);
    expect(metricNamesOf('a_total / on (job) group_left b_total and up == 0').sort()).toEqual([
      'a_total',
      'b_total',
      'up',
    ]);
  });

  it('reads something: the alerts and panels use the core signals', () => {
    const all = new Set(used.flatMap((u) => metricNamesOf(u.expr)));
    const core = [
      'atp_http_requests_total',
      'atp_outbox_backlog',
      'atp_outbox_oldest_unpublished_age_seconds',
      'kafka_consumergroup_lag',
    ];
    for (const name of core) {
      expect(all).toContain(name);
    }
  });

  it('uses only exported metrics, exporter metrics and the listed metrics of later work', () => {
    const unknown = used.flatMap(({ where, expr }) =>
      metricNamesOf(expr)
        .filter((n) => !exported.has(n) && !EXPORTERS[n] && !EXPECTED_FROM_LATER_WORK[n])
        .map((n) => `${where}: ${n}`),
    );
    expect(unknown).toEqual([]);
  });

  it('fails on a misspelt metric', () => {
    const misspelt = metricNamesOf('rate(atp_http_request_total[5m])');
    expect(misspelt.filter((n) => !exported.has(n))).toEqual(['atp_http_request_total']);
  });

  it('deploys the exporter the Kafka metrics come from', () => {
    const kafkaYaml = readFileSync(path.join(base, 'kafka/kafka.yaml'), 'utf8');
    const documents = YAML.parseAllDocuments(kafkaYaml).map((d) => d.toJSON());
    expect(documents.find((d) => d.kind === 'Kafka').spec.kafkaExporter).toBeDefined();
    const podMonitor = readFileSync(path.join(base, 'kafka/kafka-exporter-podmonitor.yaml'), 'utf8');
    expect(podMonitor).toContain('atp-kafka-kafka-exporter');
  });

  it('gives every alert a runbook section in docs/operations.md', () => {
    const operations = readFileSync(path.join(repoRoot, 'docs/operations.md'), 'utf8');
    for (const rule of rules) {
      const anchor = `docs/operations.md#${rule.alert.toLowerCase()}`;
      expect([rule.alert, rule.annotations.runbook_url]).toEqual([rule.alert, anchor]);
      expect([rule.alert, operations.includes(`\n### ${rule.alert}\n`)]).toEqual([rule.alert, true]);
    }
  });

  it('keeps the list of later metrics honest: none of them is exported yet', () => {
    expect(Object.keys(EXPECTED_FROM_LATER_WORK).filter((n) => exported.has(n))).toEqual([]);
  });
});
