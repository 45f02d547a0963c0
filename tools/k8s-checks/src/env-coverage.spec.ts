import { readFileSync } from 'node:fs';
import path from 'node:path';
import { migrationEnvSchema, serviceEnvSchema } from '@atp/platform-config';
import { APPS, repoRoot } from './manifests/platform';
import { OVERLAYS, renderOverlay, type K8sObject } from './render';

/**
 * Every variable .env.example names reaches the pods of every overlay (a ConfigMap, a Secret reference or
 * a literal), unless it belongs to the local stack only. A variable someone adds to .env.example without
 * adding it to k8s/ fails here: put it in k8s/base/common/atp.env, an app's env (tools/k8s-checks/src/
 * manifests/apps.ts) or a Secret reference, or add it below with the reason it never runs on Kubernetes.
 */
const LOCAL_ONLY: { pattern: RegExp; why: string }[] = [
  { pattern: /^ATP_/, why: 'the local stack (scripts/stack.mjs): ports, state folder, server binaries' },
  { pattern: /^NX_/, why: 'the build tool' },
  { pattern: /^BLOB_STORE_DIR$/, why: 'the local blob backend; pods keep files in S3 (BLOB_STORE=s3)' },
  {
    pattern: /^AUTH_JWKS_FILE$/,
    why: "the local development issuer writes a JWKS file; clusters read the issuer's AUTH_JWKS_URL",
  },
  {
    pattern: new RegExp(`^(${APPS.map((a) => a.key.toUpperCase()).join('|')})_(TEST_)?(MIGRATION_)?DATABASE_URL$`),
    why: "the local stack's per-service names; a pod gets its own as DATABASE_URL / DATABASE_MIGRATION_URL",
  },
];

function variablesOfEnvExample(): string[] {
  const text = readFileSync(path.join(repoRoot, '.env.example'), 'utf8');
  const names = [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
  return [...new Set(names)];
}

type Container = { env?: { name: string }[]; envFrom?: { configMapRef?: { name: string } }[] };

function variablesOfPods(objects: K8sObject[], kinds = ['Deployment', 'Job']): Set<string> {
  const configMaps = new Map(
    objects.filter((o) => o.kind === 'ConfigMap').map((c) => [c.metadata.name, Object.keys((c.data as object) ?? {})]),
  );
  const names = new Set<string>();
  for (const workload of objects.filter((o) => kinds.includes(o.kind))) {
    const { containers } = (workload.spec as { template: { spec: { containers: Container[] } } }).template.spec;
    for (const container of containers) {
      for (const { name } of container.env ?? []) names.add(name);
      for (const from of container.envFrom ?? []) {
        for (const key of configMaps.get(from.configMapRef?.name ?? '') ?? []) names.add(key);
      }
    }
  }
  return names;
}

describe('.env.example on Kubernetes', () => {
  const variables = variablesOfEnvExample();

  it('is read (the list is not empty)', () => {
    expect(variables).toEqual(expect.arrayContaining(['DATABASE_URL', 'KAFKA_BROKERS', 'NODE_ENV']));
  });

  it.each(OVERLAYS)("reaches the pods of overlay %s, except the local stack's own variables", (overlay) => {
    const inPods = variablesOfPods(renderOverlay(overlay));
    const localOnly = (name: string) => LOCAL_ONLY.some(({ pattern }) => pattern.test(name));
    const missing = variables.filter((name) => !inPods.has(name) && !localOnly(name));
    expect(missing).toEqual([]);
  });

  it.each(OVERLAYS)('sets in overlay %s every variable the runtime of a service reads', (overlay) => {
    const objects = renderOverlay(overlay);
    const inApps = variablesOfPods(objects, ['Deployment']);
    const inJobs = variablesOfPods(objects, ['Job']);
    expect(Object.keys(serviceEnvSchema).filter((name) => !inApps.has(name))).toEqual([]);
    expect(Object.keys(migrationEnvSchema).filter((name) => !inJobs.has(name))).toEqual([]);
  });
});
