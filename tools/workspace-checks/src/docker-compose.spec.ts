import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * No Docker engine runs where the suite runs, so docker-compose.yml is kept honest by reading it:
 * valid YAML, the same services, ports, databases and variable names as the Docker-less stack
 * (scripts/lib/services.mjs), and apps that wait for the schema and the topics.
 */
const repoRoot = path.resolve(__dirname, '../../..');

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: unknown;
}

const compose = parse(readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

// The same table as scripts/lib/services.mjs (an ES module jest cannot load): compared below.
const services = [
  { key: 'config', app: 'config-service', port: 3001 },
  { key: 'workflow', app: 'workflow-service', port: 3002 },
  { key: 'submission', app: 'submission-service', port: 3003 },
  { key: 'punchlist', app: 'punchlist-service', port: 3004 },
  { key: 'gateway', app: 'gateway', port: 3000 },
];

describe('docker-compose.yml', () => {
  it('lists the same services and ports as the local stack scripts', () => {
    const scriptTable = readFileSync(path.join(repoRoot, 'scripts/lib/services.mjs'), 'utf8');
    // The scripts place the five ports at ATP_PORT_BASE + offset, with 3000 as the default base.
    expect(scriptTable).toContain(`process.env.ATP_PORT_BASE || '3000'`);
    for (const { key, app, port } of services) {
      const offset = port - 3000;
      expect(scriptTable).toContain(`{ key: '${key}', app: '${app}', port: PORT_BASE${offset ? ` + ${offset}` : ''} }`);
    }
    expect(Object.keys(compose.services).sort()).toEqual(
      ['create-topics', 'issuer', 'kafka', 'migrate', 'postgres', ...services.map((s) => s.app)].sort(),
    );
  });

  it.each(services)('runs $app with its own database, the brokers and a readiness check', ({ key, app, port }) => {
    const service = compose.services[app];
    const env = service.environment ?? {};
    expect(env.SERVICE_NAME).toBe(app);
    expect(Number(env.PORT)).toBe(port);
    expect(env.DATABASE_URL).toBe(`postgres://atp_${key}_app:atp_${key}_app@postgres:5432/atp_${key}`);
    expect(env.DATABASE_MIGRATION_URL).toBe(`postgres://atp_${key}:atp_${key}@postgres:5432/atp_${key}`);
    expect(env.KAFKA_BROKERS).toBe('kafka:9092');
    expect(service.ports).toEqual([`127.0.0.1:${port}:${port}`]);
    expect(service.healthcheck).toBeDefined();
    if (app !== 'gateway') {
      expect(service.depends_on).toMatchObject({
        migrate: { condition: 'service_completed_successfully' },
        'create-topics': { condition: 'service_completed_successfully' },
      });
    }
  });

  it('runs the development token issuer and points every app at its keys (the apps refuse to start without)', () => {
    const issuer = compose.services.issuer;
    expect(issuer.command).toEqual(['node', 'scripts/dev-issuer.mjs']);
    expect(issuer.environment?.NODE_ENV).toBe('development');
    expect(issuer.ports).toEqual(['127.0.0.1:3009:3009']);
    for (const { app } of services) {
      const env = compose.services[app].environment ?? {};
      expect({ app, iss: env.AUTH_ISSUER, jwks: env.AUTH_JWKS_URL, aud: env.AUTH_AUDIENCE }).toEqual({
        app,
        iss: 'http://127.0.0.1:3009',
        jwks: 'http://issuer:3009/.well-known/jwks.json',
        aud: 'atp-api',
      });
      if (app !== 'gateway')
        expect(compose.services[app].depends_on).toMatchObject({ issuer: { condition: 'service_healthy' } });
    }
  });

  it('runs Kafka as one KRaft node without automatic topic creation, and creates topics explicitly', () => {
    const kafka = compose.services.kafka.environment ?? {};
    expect(compose.services.kafka.image).toMatch(/^apache\/kafka:4\./);
    expect(kafka.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(String(kafka.KAFKA_AUTO_CREATE_TOPICS_ENABLE)).toBe('false');
    expect(compose.services['create-topics'].command).toContain('scripts/create-topics.ts');
  });

  it('keeps PostgreSQL durable (no synchronous_commit=off outside the local dev stack)', () => {
    expect(JSON.stringify(compose.services.postgres)).not.toContain('synchronous_commit');
  });
});
