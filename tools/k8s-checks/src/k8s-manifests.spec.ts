import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TERMINATION_GRACE_SECONDS } from './manifests/apps';
import { APPS, discoverConsumers, repoRoot } from './manifests/platform';
import { idOf, kustomizeVersion, OVERLAYS, render, renderOverlay, type K8sObject } from './render';
import { SchemaValidator } from './schema-validator';

/**
 * No cluster runs here, so k8s/ is proven the way an API server would judge it: every overlay renders
 * with Kustomize and every object validates against the strict schemas of Kubernetes 1.36 and of the
 * operators' CRDs (vendored: ../schemas/SOURCES.md).
 */
const validator = new SchemaValidator();
const rendered = new Map(OVERLAYS.map((overlay) => [overlay, renderOverlay(overlay)]));

type Container = {
  name: string;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  startupProbe?: { httpGet?: { path: string } };
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
};
type PodSpec = {
  containers: Container[];
  securityContext?: Record<string, unknown>;
  terminationGracePeriodSeconds?: number;
  volumes?: { secret?: { secretName: string }; configMap?: { name: string } }[];
};
const podSpecOf = (o: K8sObject) => (o.spec as { template: { spec: PodSpec } }).template.spec;
const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const unknownField = (at: string, field: string) => `${at}: must NOT have additional properties "${field}"`;

/** Secrets no overlay renders: the operators write them, or the platform team provides them (README). */
const secretsFromOperators = (objects: K8sObject[]) =>
  new Set([
    'atp-kafka-cluster-ca-cert', // Strimzi: the cluster CA
    ...ofKind(objects, 'KafkaUser').map((u) => u.metadata.name), // Strimzi: each user's SCRAM password
    ...APPS.map((a) => `pg-${a.key}-app`), // CloudNativePG: the owner role of initdb
  ]);
const secretsFromPlatformTeam = new Set([
  ...APPS.map((a) => `pg-${a.key}-runtime`),
  'atp-pg-backup-s3',
  'atp-blob-store',
]);

describe('k8s manifests', () => {
  it('render with Kustomize v5 or later (kubectl kustomize)', () => {
    expect(Number(kustomizeVersion().split('.')[0])).toBeGreaterThanOrEqual(5);
  });

  describe.each(OVERLAYS)('overlay %s', (overlay) => {
    const objects = rendered.get(overlay) ?? [];

    it('validates every object against the Kubernetes and CRD schemas', () => {
      expect(objects.length).toBeGreaterThan(50);
      expect(objects.flatMap((o) => validator.problems(o))).toEqual([]);
    });

    it('puts everything in the overlay namespace and leaves no placeholder', () => {
      const namespace = ofKind(objects, 'Namespace')[0]?.metadata.name;
      expect(namespace).toMatch(/^atp/);
      expect(objects.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== namespace).map(idOf)).toEqual([]);
      expect(JSON.stringify(objects)).not.toContain('NAMESPACE');
      const env = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('atp-env-'));
      const brokers = (env?.data as Record<string, string>).KAFKA_BROKERS;
      expect(brokers).toBe(`atp-kafka-kafka-bootstrap.${namespace}.svc:9093`);
    });

    it.each(APPS.map((a) => a.app))('runs %s hardened, probed, sized and with graceful termination', (app) => {
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === app);
      expect(deployment).toBeDefined();
      const pod = podSpecOf(deployment as K8sObject);
      const [container] = pod.containers;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(container.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.livenessProbe?.httpGet?.path).toBe('/health/live');
      expect(container.startupProbe?.httpGet?.path).toBe('/health/live');
      expect(container.readinessProbe?.httpGet?.path).toBe('/health/ready');
      expect(container.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources?.limits?.memory).toEqual(expect.any(String));
      // Consumers finish the batch in hand (5 attempts, backoff up to 5 s each) and the relay its batch.
      expect(pod.terminationGracePeriodSeconds).toBe(TERMINATION_GRACE_SECONDS);
      // The autoscaler owns the scale: a fixed replica count would reset it on every apply.
      expect((deployment?.spec as { replicas?: number }).replicas).toBeUndefined();
      expect(TERMINATION_GRACE_SECONDS).toBeGreaterThan(30);
      for (const kind of ['Service', 'PodDisruptionBudget', 'ServiceMonitor']) {
        expect(objects.filter((o) => o.kind === kind && o.metadata.name === app)).toHaveLength(1);
      }
      const migration = objects.find((o) => o.kind === 'Job' && o.metadata.name === `${app}-migrate`) as K8sObject;
      const migrationEnv = podSpecOf(migration).containers[0].env ?? [];
      const ownerSecret = migrationEnv.find((e) => e.name === 'DATABASE_MIGRATION_URL')?.valueFrom?.secretKeyRef?.name;
      expect(ownerSecret).toMatch(/^pg-\w+-app$/);
    });

    it("scales consumer apps with KEDA on their groups' lag and the others with an HPA, never both", () => {
      const consumers = discoverConsumers();
      for (const { app } of APPS) {
        const groups = consumers.filter((c) => c.app === app).map((c) => c.consumerName);
        const scaled = objects.find((o) => o.kind === 'ScaledObject' && o.metadata.name === app);
        const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === app);
        if (groups.length === 0) {
          expect([app, Boolean(scaled), Boolean(hpa)]).toEqual([app, false, true]);
          continue;
        }
        expect([app, Boolean(hpa)]).toEqual([app, false]);
        type Trigger = { type: string; metadata: { consumerGroup?: string } };
        const triggers = (scaled?.spec as { triggers: Trigger[] }).triggers.filter((t) => t.type === 'kafka');
        expect([...new Set(triggers.map((t) => t.metadata.consumerGroup))].sort()).toEqual(groups.sort());
      }
    });

    it('refers only to ConfigMaps it renders and Secrets the operators or the platform team provide', () => {
      const configMaps = new Set(ofKind(objects, 'ConfigMap').map((c) => c.metadata.name));
      const secrets = new Set([
        ...ofKind(objects, 'Secret').map((s) => s.metadata.name),
        ...secretsFromOperators(objects),
        ...secretsFromPlatformTeam,
      ]);
      const missing: string[] = [];
      for (const workload of [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'Job')]) {
        const pod = podSpecOf(workload);
        for (const container of pod.containers) {
          for (const from of container.envFrom ?? []) {
            const name = from.configMapRef?.name;
            if (name && !configMaps.has(name)) missing.push(`${idOf(workload)} configMap ${name}`);
          }
          for (const { valueFrom } of container.env ?? []) {
            const secret = valueFrom?.secretKeyRef?.name;
            if (secret && !secrets.has(secret)) missing.push(`${idOf(workload)} secret ${secret}`);
          }
        }
        for (const volume of pod.volumes ?? []) {
          const name = volume.secret?.secretName;
          if (name && !secrets.has(name)) missing.push(`${idOf(workload)} secret ${name}`);
        }
      }
      expect(missing).toEqual([]);
    });
  });

  it('differ where the overlays say: dev is small, prod keeps three brokers and three PostgreSQL instances', () => {
    const count = (overlay: string, kind: string, field: (o: K8sObject) => number) =>
      (rendered.get(overlay as 'dev') ?? []).filter((o) => o.kind === kind).map(field);
    const instances = (o: K8sObject) => (o.spec as { instances: number }).instances;
    const replicas = (o: K8sObject) => (o.spec as { replicas: number }).replicas;
    expect(new Set(count('dev', 'Cluster', instances))).toEqual(new Set([1]));
    expect(new Set(count('prod', 'Cluster', instances))).toEqual(new Set([3]));
    expect(count('dev', 'KafkaNodePool', replicas)).toEqual([1]);
    expect(count('prod', 'KafkaNodePool', replicas)).toEqual([3, 3]);
    expect(new Set(count('dev', 'KafkaTopic', replicas))).toEqual(new Set([1]));
    expect(new Set(count('prod', 'KafkaTopic', replicas))).toEqual(new Set([3]));
  });

  describe('a typo fails validation', () => {
    const prod = rendered.get('prod') ?? [];
    const copyOf = (kind: string) => structuredClone(prod.find((o) => o.kind === kind) as K8sObject);

    const spec = (o: K8sObject) => o.spec as object;
    it.each([
      ['Deployment', (o: K8sObject) => Object.assign(spec(o), { replica: 2 }), unknownField('/spec', 'replica')],
      [
        'Deployment',
        (o: K8sObject) => Object.assign(podSpecOf(o).containers[0], { readinesProbe: {} }),
        unknownField('/spec/template/spec/containers/0', 'readinesProbe'),
      ],
      ['KafkaTopic', (o: K8sObject) => Object.assign(spec(o), { partitons: 6 }), unknownField('/spec', 'partitons')],
      ['Cluster', (o: K8sObject) => Object.assign(spec(o), { instances: 'three' }), '/spec/instances: must be integer'],
      [
        'ScaledObject',
        (o: K8sObject) => Object.assign(spec(o), { maxReplicas: 6 }),
        unknownField('/spec', 'maxReplicas'),
      ],
      ['KafkaUser', (o: K8sObject) => Object.assign(o.metadata, { label: {} }), unknownField('/metadata', 'label')],
    ] as const)('in a %s', (kind, mutate, expected) => {
      const object = copyOf(kind);
      expect(validator.problems(object)).toEqual([]);
      mutate(object);
      expect(validator.problems(object).join('\n')).toContain(expected);
    });

    it('in an overlay patch, rendered by kubectl like the real ones', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'atp-k8s-'));
      try {
        cpSync(path.join(repoRoot, 'k8s'), path.join(dir, 'k8s'), { recursive: true });
        const overlay = path.join(dir, 'k8s/overlays/typo');
        mkdirSync(overlay);
        writeFileSync(
          path.join(overlay, 'kustomization.yaml'),
          [
            'resources: [../dev]',
            'patches:',
            '  - target: { kind: Deployment, name: workflow-service }',
            '    patch: |-',
            '      - { op: add, path: /spec/template/spec/terminationGracePeriod, value: 60 }',
            '',
          ].join('\n'),
        );
        const problems = render(overlay).flatMap((o) => validator.problems(o));
        const typo = unknownField('/spec/template/spec', 'terminationGracePeriod');
        expect(problems).toEqual([`Deployment/workflow-service ${typo}`]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
