import type { EnvSchema } from './env-schema';

/**
 * How a service authenticates to Kafka. Off locally (PLAINTEXT on loopback); on Kubernetes the Strimzi
 * listener requires TLS and SCRAM-SHA-512 with the KafkaUser of the service, whose ACLs allow only its
 * own topics (k8s/base/kafka/users.yaml).
 */
export const kafkaSecurityEnvSchema = {
  KAFKA_SASL_MECHANISM: { kind: 'enum', values: ['none', 'scram-sha-512'], default: 'none' },
  KAFKA_SASL_USERNAME: { kind: 'string', default: '', description: 'the KafkaUser name (with KAFKA_SASL_MECHANISM)' },
  KAFKA_SASL_PASSWORD: {
    kind: 'string',
    default: '',
    description: 'the KafkaUser password (with KAFKA_SASL_MECHANISM)',
  },
  KAFKA_TLS: { kind: 'bool', default: false },
  KAFKA_TLS_CA_FILE: {
    kind: 'string',
    default: '',
    description: 'PEM file of the CA that signed the brokers; empty: system CAs',
  },
} as const satisfies EnvSchema;
