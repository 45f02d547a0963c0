import { EnvValidationError, loadEnv } from './env-schema';
import { serviceEnvSchema } from './common-env';

const valid = {
  SERVICE_NAME: 'config-service',
  PORT: '3001',
  DATABASE_URL: 'postgres://u:p@127.0.0.1:55432/atp_config',
  KAFKA_BROKERS: '127.0.0.1:59092, 127.0.0.1:59094',
};

describe('loadEnv', () => {
  it('parses typed values and fills defaults', () => {
    const env = loadEnv(serviceEnvSchema, valid);
    expect(env.PORT).toBe(3001);
    expect(env.KAFKA_BROKERS).toEqual(['127.0.0.1:59092', '127.0.0.1:59094']);
    expect(env.LOG_LEVEL).toBe('info');
    expect(env.DATABASE_POOL_SIZE).toBe(10);
  });

  it('names every missing or bad variable in one error', () => {
    const attempt = () =>
      loadEnv(serviceEnvSchema, {
        ...valid,
        PORT: '70000',
        DATABASE_URL: 'mysql://x/y',
        SERVICE_NAME: undefined,
        LOG_LEVEL: 'loud',
      });
    expect(attempt).toThrow(EnvValidationError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as EnvValidationError).problems.join('\n');
      expect(problems).toContain('PORT must be between 0 and 65535');
      expect(problems).toContain('DATABASE_URL must use one of the protocols postgres, postgresql');
      expect(problems).toContain('SERVICE_NAME is required');
      expect(problems).toContain('LOG_LEVEL must be one of');
    }
  });

  it('refuses non-integers and empty lists', () => {
    expect(() => loadEnv({ N: { kind: 'int' } }, { N: '1.5' })).toThrow('N must be an integer');
    expect(() => loadEnv({ L: { kind: 'list' } }, { L: ' , ' })).toThrow('L must list at least one');
    expect(() => loadEnv({ B: { kind: 'bool' } }, { B: 'maybe' })).toThrow('B must be true or false');
  });
});
