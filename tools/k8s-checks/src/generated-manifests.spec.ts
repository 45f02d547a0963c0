import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { allTopicSpecs, dlqTopicOf } from '@atp/contracts';
import { generatedFiles } from './manifests/generate';
import { APPS, discoverConsumers, repoRoot } from './manifests/platform';

type Doc = { kind: string; metadata: { name: string }; spec: Record<string, unknown> };
const docsOf = (file: string) =>
  YAML.parseAllDocuments(readFileSync(path.join(repoRoot, file), 'utf8'))
    .map((d) => d.toJSON() as Doc)
    .filter(Boolean);

describe('generated k8s manifests', () => {
  it('match the topic catalog, the consumers and the app table (run `npx nx run k8s-checks:generate` if not)', () => {
    const stale = [...generatedFiles()].filter(([file, content]) => {
      try {
        return readFileSync(path.join(repoRoot, file), 'utf8') !== content;
      } catch {
        return true;
      }
    });
    expect(stale.map(([file]) => file)).toEqual([]);
  });

  it('hold one KafkaTopic per catalog topic and DLQ, with its partitions and settings', () => {
    const topics = docsOf('k8s/base/kafka/topics.yaml').map((d) => d.spec);
    expect(topics.map((t) => t.topicName)).toEqual(allTopicSpecs().map((t) => t.name));
    for (const spec of allTopicSpecs()) {
      const topic = topics.find((t) => t.topicName === spec.name);
      expect(topic).toMatchObject({ partitions: spec.partitions, config: spec.config });
      expect((topic?.config as Record<string, string>)['cleanup.policy'] === 'compact').toBe(spec.compacted);
    }
  });

  it('let each service write only its own topics and the DLQs of what it consumes', () => {
    type Acl = { resource: { type: string; name?: string }; operations: string[] };
    const users = docsOf('k8s/base/kafka/users.yaml');
    const consumers = discoverConsumers();
    for (const { app } of APPS) {
      const acls = (users.find((u) => u.metadata.name === `atp-${app}`)?.spec.authorization as { acls: Acl[] }).acls;
      const topicAcls = (operation: string) =>
        acls
          .filter((a) => a.resource.type === 'topic' && a.operations.includes(operation))
          .map((a) => a.resource.name ?? '');
      const written = topicAcls('Write');
      const consumed = consumers.filter((c) => c.app === app).flatMap((c) => c.topics);
      const segment = app.replace('-service', '');
      for (const topic of written) {
        const owns = topic.startsWith(`atp.${segment}.`) || topic.startsWith('atp.integrity.');
        expect([app, topic, owns || consumed.map(dlqTopicOf).includes(topic)]).toEqual([app, topic, true]);
      }
      const read = topicAcls('Read');
      expect(read.sort()).toEqual([...new Set(consumed)].sort());
      expect(acls.some((a) => a.resource.type === 'topic' && a.resource.name?.includes('*'))).toBe(false);
    }
  });

  it('notice a consumer that subscribes to another topic', () => {
    // Topics come from @atp/contracts (the first test catches a catalog change); ACLs also from the consumers.
    const before = generatedFiles().get('k8s/base/kafka/topics.yaml') ?? '';
    const dir = mkdtempSync(path.join(tmpdir(), 'atp-drift-'));
    try {
      const filter = (src: string) => !src.includes('node_modules');
      cpSync(path.join(repoRoot, 'apps'), path.join(dir, 'apps'), { recursive: true, filter });
      const consumerFile = discoverConsumers()[0].file;
      const file = path.join(dir, consumerFile);
      const resubscribed = readFileSync(file, 'utf8').replace(/topics: \[[^\]]*\]/, 'topics: [Topics.punchlistEvents]');
      writeFileSync(file, resubscribed);
      const users = generatedFiles(dir).get('k8s/base/kafka/users.yaml');
      expect(users).not.toEqual(generatedFiles().get('k8s/base/kafka/users.yaml'));
      expect(generatedFiles(dir).get('k8s/base/kafka/topics.yaml')).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('use the app table of the local stack scripts', () => {
    const scriptTable = readFileSync(path.join(repoRoot, 'scripts/lib/services.mjs'), 'utf8');
    for (const { key, app, port } of APPS) {
      const offset = port === 3000 ? '' : ` + ${port - 3000}`;
      expect(scriptTable).toContain(`{ key: '${key}', app: '${app}', port: PORT_BASE${offset} }`);
    }
  });
});
