import { readFileSync } from 'node:fs';
import type { KafkaConfig } from 'kafkajs';

export interface KafkaSecuritySettings {
  KAFKA_SASL_MECHANISM: string;
  KAFKA_SASL_USERNAME: string;
  KAFKA_SASL_PASSWORD: string;
  KAFKA_TLS: boolean;
  KAFKA_TLS_CA_FILE: string;
}

export type KafkaSecurity = Pick<KafkaConfig, 'ssl' | 'sasl'>;

/** kafkajs `ssl`/`sasl` options from the KAFKA_* security variables (nothing when both are off). */
export function kafkaSecurity(
  settings: KafkaSecuritySettings,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): KafkaSecurity {
  const security: KafkaSecurity = {};
  if (settings.KAFKA_TLS) {
    security.ssl = settings.KAFKA_TLS_CA_FILE ? { ca: [readFile(settings.KAFKA_TLS_CA_FILE)] } : true;
  }
  if (settings.KAFKA_SASL_MECHANISM === 'scram-sha-512') {
    if (!settings.KAFKA_SASL_USERNAME || !settings.KAFKA_SASL_PASSWORD) {
      throw new Error('KAFKA_SASL_MECHANISM=scram-sha-512 needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
    }
    const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = settings;
    security.sasl = { mechanism: 'scram-sha-512', username, password };
  }
  return security;
}
