import { PART_OF, type AppSpec } from './platform';

type Manifest = Record<string, unknown>;

const BARMAN_PLUGIN = 'barman-cloud.cloudnative-pg.io';
const labels = (spec: AppSpec) => ({
  'app.kubernetes.io/part-of': PART_OF,
  'app.kubernetes.io/name': `pg-${spec.key}`,
  'app.kubernetes.io/component': 'database',
});

/**
 * One CloudNativePG cluster per service (one database per service, architecture §2): the owner role
 * atp_<key> owns the database (bootstrap; CloudNativePG writes its credentials to pg-<key>-app), the
 * runtime role atp_<key>_app only logs in (migrations grant it DML). WAL and base backups go to an object
 * store through the Barman Cloud plugin.
 */
export function cluster(spec: AppSpec): Manifest {
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: `pg-${spec.key}`, labels: labels(spec) },
    spec: {
      instances: 3,
      imageName: 'ghcr.io/cloudnative-pg/postgresql:16',
      primaryUpdateStrategy: 'unsupervised',
      storage: { size: '20Gi' },
      walStorage: { size: '10Gi' },
      bootstrap: { initdb: { database: `atp_${spec.key}`, owner: `atp_${spec.key}` } },
      managed: {
        roles: [
          {
            name: `atp_${spec.key}_app`,
            ensure: 'present',
            login: true,
            inherit: true,
            passwordSecret: { name: `pg-${spec.key}-runtime` },
          },
        ],
      },
      postgresql: { parameters: { max_connections: '300', 'pg_stat_statements.max': '10000' } },
      affinity: {
        enablePodAntiAffinity: true,
        topologyKey: 'kubernetes.io/hostname',
        podAntiAffinityType: 'preferred',
      },
      resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '2Gi' } },
      plugins: [
        {
          name: BARMAN_PLUGIN,
          isWALArchiver: true,
          parameters: { barmanObjectName: `pg-${spec.key}-backup` },
        },
      ],
    },
  };
}

/** Where the cluster's WAL and base backups go; the bucket and credentials are the platform team's. */
export function objectStore(spec: AppSpec): Manifest {
  return {
    apiVersion: 'barmancloud.cnpg.io/v1',
    kind: 'ObjectStore',
    metadata: { name: `pg-${spec.key}-backup`, labels: labels(spec) },
    spec: {
      retentionPolicy: '30d',
      configuration: {
        destinationPath: `s3://atp-pg-backups/${spec.key}`,
        s3Credentials: {
          accessKeyId: { name: 'atp-pg-backup-s3', key: 'ACCESS_KEY_ID' },
          secretAccessKey: { name: 'atp-pg-backup-s3', key: 'ACCESS_SECRET_KEY' },
        },
        wal: { compression: 'gzip', maxParallel: 4 },
        data: { compression: 'gzip', jobs: 2 },
      },
    },
  };
}

export function scheduledBackup(spec: AppSpec): Manifest {
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'ScheduledBackup',
    metadata: { name: `pg-${spec.key}-daily`, labels: labels(spec) },
    spec: {
      // Six fields (seconds first): every day at 02:00.
      schedule: '0 0 2 * * *',
      backupOwnerReference: 'self',
      cluster: { name: `pg-${spec.key}` },
      method: 'plugin',
      pluginConfiguration: { name: BARMAN_PLUGIN },
    },
  };
}

/**
 * PgBouncer in session mode: the outbox relay LISTENs for NOTIFY and holds a session advisory lock, which
 * transaction pooling would break. The pooler still caps server connections, absorbs reconnect storms and
 * follows the primary on failover without a DNS change.
 */
export function pooler(spec: AppSpec): Manifest {
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Pooler',
    metadata: { name: `pg-${spec.key}-pooler`, labels: labels(spec) },
    spec: {
      cluster: { name: `pg-${spec.key}` },
      instances: 2,
      type: 'rw',
      pgbouncer: {
        poolMode: 'session',
        parameters: { max_client_conn: '1000', default_pool_size: '120', server_idle_timeout: '600' },
      },
    },
  };
}
