import { kafkaSecurity, type KafkaSecuritySettings } from './kafka-security';

const off: KafkaSecuritySettings = {
  KAFKA_SASL_MECHANISM: 'none',
  KAFKA_SASL_USERNAME: '',
  KAFKA_SASL_PASSWORD: '',
  KAFKA_TLS: false,
  KAFKA_TLS_CA_FILE: '',
};

describe('kafkaSecurity', () => {
  it('adds nothing when TLS and SASL are off (the local stack)', () => {
    expect(kafkaSecurity(off)).toEqual({});
  });

  it('trusts the given CA file and authenticates with SCRAM-SHA-512', () => {
    const security = kafkaSecurity(
      {
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'atp-workflow-service',
        KAFKA_SASL_PASSWORD: 's3cret',
        KAFKA_TLS: true,
        KAFKA_TLS_CA_FILE: '/etc/kafka-ca/ca.crt',
      },
      (path) => `PEM of ${path}`,
    );
    expect(security).toEqual({
      ssl: { ca: ['PEM of /etc/kafka-ca/ca.crt'] },
      sasl: { mechanism: 'scram-sha-512', username: 'atp-workflow-service', password: 's3cret' },
    });
  });

  it('uses the system CAs when TLS has no CA file', () => {
    expect(kafkaSecurity({ ...off, KAFKA_TLS: true })).toEqual({ ssl: true });
  });

  it('refuses SCRAM without credentials', () => {
    const withoutPassword = { ...off, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u' };
    expect(() => kafkaSecurity(withoutPassword)).toThrow('KAFKA_SASL_PASSWORD');
  });
});
