import { DEFAULT_PARTITIONS } from '@atp/contracts';
import { kafkaUserName } from './kafka';
import { labelsOf, PART_OF, type AppSpec, type ConsumerSpec } from './platform';

type Manifest = Record<string, unknown>;

/**
 * Longer than a consumer's shutdown: the batch in hand finishes (a message retries at most 5 times with
 * backoff up to 5 s), the relay's batch is marked, then the DataSource closes. preStop waits first so the
 * endpoints controller stops sending requests before the process stops accepting them.
 */
export const TERMINATION_GRACE_SECONDS = 60;
const PRE_STOP_SECONDS = 5;
export const KAFKA_CA_DIR = '/etc/kafka-ca';
const MIB = 1024 * 1024;

/** Variables only one app reads, beyond the shared atp-env ConfigMap. */
const APP_ENV: Record<string, Record<string, string>> = {
  gateway: {
    CONFIG_SERVICE_URL: 'http://config-service',
    WORKFLOW_SERVICE_URL: 'http://workflow-service',
    SUBMISSION_SERVICE_URL: 'http://submission-service',
    PUNCHLIST_SERVICE_URL: 'http://punchlist-service',
    UPSTREAM_TIMEOUT_MS: '30000',
  },
  'workflow-service': { SLA_SWEEP_INTERVAL_MS: '60000' },
  'submission-service': {
    ...blobStoreEnv('atp-submission-documents'),
    BULK_MAX_ZIP_BYTES: String(500 * MIB),
    BULK_MAX_ZIP_ENTRIES: '2000',
    BULK_MAX_INFLATED_BYTES: String(2048 * MIB),
    BULK_MAX_MANIFEST_BYTES: String(10 * MIB),
    UPLOAD_SWEEP_INTERVAL_MS: '600000',
    UPLOAD_ABANDONED_AFTER_MS: '3600000',
  },
  'punchlist-service': blobStoreEnv('atp-punchlist-evidence'),
};

/**
 * Documents and evidence go to S3 on a cluster (the local backend would lose them with the pod). The overlays
 * name the real bucket and region; S3_ENDPOINT stays empty for AWS and names the endpoint of a compatible store.
 */
function blobStoreEnv(bucket: string): Record<string, string> {
  return {
    BLOB_STORE: 's3',
    S3_ENDPOINT: '',
    S3_REGION: 'eu-west-1',
    S3_BUCKET: bucket,
    S3_FORCE_PATH_STYLE: 'false',
    UPLOAD_MAX_FILE_BYTES: String(50 * MIB),
  };
}

/**
 * Static keys from the atp-blob-store Secret when the platform team provides one; optional, because with IRSA
 * or a pod identity the SDK's default chain finds the credentials and the variables stay unset.
 */
const blobStoreSecretEnv = (app: string) =>
  APP_ENV[app]?.BLOB_STORE === 's3'
    ? ['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'].map((name) => ({
        name,
        valueFrom: { secretKeyRef: { name: 'atp-blob-store', key: name, optional: true } },
      }))
    : [];

export const componentOf = (app: string) => (app === 'gateway' ? 'gateway' : 'service');
const selectorOf = (app: string) => ({ 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': PART_OF });

/** The env file of the app's ConfigMap (configMapGenerator in k8s/base/kustomization.yaml). */
export function appEnvFile(spec: AppSpec): string {
  const values: Record<string, string> = {
    APP: spec.app,
    SERVICE_NAME: spec.app,
    PORT: String(spec.port),
    KAFKA_SASL_USERNAME: kafkaUserName(spec.app),
    ...APP_ENV[spec.app],
  };
  return Object.entries(values)
    .map(([name, value]) => `${name}=${value}\n`)
    .join('');
}

const podSecurityContext = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
};

const containerSecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  privileged: false,
  capabilities: { drop: ['ALL'] },
};

const secretEnv = (name: string, secret: string, key: string) => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key } },
});

/**
 * DATABASE_URL through the PgBouncer pooler, as the runtime role whose password is in pg-<key>-runtime
 * (basic-auth Secret the platform team provides; CloudNativePG sets the role's password from it).
 * Kubernetes expands $(VAR) from the variables above it; passwords must be URL-safe (hex).
 */
function databaseEnv(spec: AppSpec) {
  return [
    secretEnv('PG_RUNTIME_USER', `pg-${spec.key}-runtime`, 'username'),
    secretEnv('PG_RUNTIME_PASSWORD', `pg-${spec.key}-runtime`, 'password'),
    {
      name: 'DATABASE_URL',
      value: `postgres://$(PG_RUNTIME_USER):$(PG_RUNTIME_PASSWORD)@pg-${spec.key}-pooler:5432/atp_${spec.key}`,
    },
  ];
}

const envFrom = (spec: AppSpec) => [
  { configMapRef: { name: 'atp-env' } },
  { configMapRef: { name: `${spec.app}-env` } },
];

const volumes = [
  { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
  { name: 'kafka-ca', secret: { secretName: 'atp-kafka-cluster-ca-cert', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
];
const volumeMounts = [
  { name: 'tmp', mountPath: '/tmp' },
  { name: 'kafka-ca', mountPath: KAFKA_CA_DIR, readOnly: true },
];

const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
  httpGet: { path, port: 'http' },
  periodSeconds,
  timeoutSeconds: 3,
  failureThreshold,
});

export function deployment(spec: AppSpec): Manifest {
  const labels = labelsOf(spec.app, componentOf(spec.app));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: spec.app, labels },
    // No `replicas`: the HPA or KEDA owns the scale; a fixed count would reset it on every apply.
    spec: {
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorOf(spec.app) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: 'atp-app',
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
          securityContext: podSecurityContext,
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selectorOf(spec.app) },
            },
          ],
          containers: [
            {
              name: 'app',
              image: 'atp-platform',
              ports: [{ name: 'http', containerPort: spec.port, protocol: 'TCP' }],
              envFrom: envFrom(spec),
              env: [
                ...databaseEnv(spec),
                secretEnv('KAFKA_SASL_PASSWORD', kafkaUserName(spec.app), 'password'),
                ...blobStoreSecretEnv(spec.app),
              ],
              startupProbe: probe('/health/live', 2, 60),
              livenessProbe: probe('/health/live', 10, 3),
              readinessProbe: probe('/health/ready', 5, 3),
              lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SECONDS } } },
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
              securityContext: containerSecurityContext,
              volumeMounts,
            },
          ],
          volumes,
        },
      },
    },
  };
}

/** Migrations as the owner role (CloudNativePG's generated pg-<key>-app Secret), straight to the primary. */
export function migrationJob(spec: AppSpec): Manifest {
  const labels = labelsOf(spec.app, 'migration');
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `${spec.app}-migrate`, labels },
    spec: {
      backoffLimit: 6,
      activeDeadlineSeconds: 900,
      // The finished Job goes away, so the next `kubectl apply` of a new image creates it again.
      ttlSecondsAfterFinished: 600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'OnFailure',
          serviceAccountName: 'atp-app',
          automountServiceAccountToken: false,
          securityContext: podSecurityContext,
          containers: [
            {
              name: 'migrate',
              image: 'atp-platform',
              command: ['node', '-r', './scripts/register.cjs', `apps/${spec.app}/src/database/migrate.ts`],
              env: [
                { name: 'SERVICE_NAME', value: spec.app },
                secretEnv('DATABASE_MIGRATION_URL', `pg-${spec.key}-app`, 'uri'),
                ...databaseEnv(spec),
              ],
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
              securityContext: containerSecurityContext,
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  };
}

export function service(spec: AppSpec): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: spec.app, labels: labelsOf(spec.app, componentOf(spec.app)) },
    spec: {
      type: 'ClusterIP',
      selector: selectorOf(spec.app),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

export function podDisruptionBudget(spec: AppSpec): Manifest {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: spec.app, labels: labelsOf(spec.app, componentOf(spec.app)) },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorOf(spec.app) } },
  };
}

export function serviceMonitor(spec: AppSpec): Manifest {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: spec.app, labels: labelsOf(spec.app, componentOf(spec.app)) },
    spec: {
      selector: { matchLabels: selectorOf(spec.app) },
      endpoints: [{ port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }],
    },
  };
}

export const MIN_REPLICAS = 2;
/** As many consumers as partitions: KEDA's Kafka scaler would stop there anyway. */
export const MAX_REPLICAS = DEFAULT_PARTITIONS;
const CPU_TARGET = 70;
const scaleDown = { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] };

/** CPU autoscaling for apps without consumers. */
export function horizontalPodAutoscaler(spec: AppSpec): Manifest {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: spec.app, labels: labelsOf(spec.app, componentOf(spec.app)) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: spec.app },
      minReplicas: MIN_REPLICAS,
      maxReplicas: MAX_REPLICAS,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: CPU_TARGET } },
        },
      ],
      behavior: { scaleDown },
    },
  };
}

/** Lag per partition above which KEDA adds a replica (a replica applies a few hundred events a second). */
export const LAG_THRESHOLD = '100';

/**
 * KEDA for apps with consumers: one Kafka trigger per consumer group (its lag) plus CPU, since the same pods
 * serve HTTP. KEDA owns the app's HorizontalPodAutoscaler (keda-hpa-<app>): such an app has no HPA of its own.
 * Replicas stop at the partition count: more consumers than partitions would sit idle.
 */
export function scaledObject(spec: AppSpec, consumers: ConsumerSpec[]): Manifest {
  const kafkaTriggers = consumers.flatMap((consumer) =>
    consumer.topics.map((topic) => ({
      type: 'kafka',
      name: `${consumer.consumerName}.${topic}`.replace(/[^a-z0-9-]/g, '-'),
      authenticationRef: { name: 'atp-keda-kafka' },
      metadata: {
        bootstrapServersFromEnv: 'KAFKA_BROKERS',
        consumerGroup: consumer.consumerName,
        topic,
        lagThreshold: LAG_THRESHOLD,
        offsetResetPolicy: consumer.fromBeginning ? 'earliest' : 'latest',
        sasl: 'scram_sha512',
        tls: 'enable',
      },
    })),
  );
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: spec.app, labels: labelsOf(spec.app, componentOf(spec.app)) },
    spec: {
      scaleTargetRef: { name: spec.app },
      minReplicaCount: MIN_REPLICAS,
      maxReplicaCount: MAX_REPLICAS,
      pollingInterval: 15,
      advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown } } },
      triggers: [...kafkaTriggers, { type: 'cpu', metricType: 'Utilization', metadata: { value: String(CPU_TARGET) } }],
    },
  };
}
