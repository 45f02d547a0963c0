import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import type { MessagingLogger } from './logger';
import type { KafkaSecurity } from './kafka-security';

export interface KafkaConnectionOptions {
  brokers: string[];
  clientId: string;
  logger: MessagingLogger;
  /** TLS and SASL (kafkaSecurity of the KAFKA_* variables); none locally. */
  security?: KafkaSecurity;
}

const levelNames: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose own logs go through the service's structured logger. */
export function createKafka(options: KafkaConnectionOptions): Kafka {
  return new Kafka({
    brokers: options.brokers,
    clientId: options.clientId,
    ...options.security,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
    logCreator:
      () =>
      ({ namespace, level, log }) => {
        const { message, ...extra } = log;
        options.logger[levelNames[level] ?? 'info']({ kafkajs: namespace, ...extra }, message);
      },
  });
}

/**
 * Idempotent producer with acks=all: a retried send never duplicates or reorders within a
 * partition. The Java-compatible partitioner keeps key → partition identical to other clients.
 *
 * Its retries are unbounded (with a capped back-off), as idempotence requires: a producer that gave
 * up after N retries and was retried by its caller would start a new sequence and could duplicate.
 * A send therefore waits out a broker outage instead of failing; callers that must stop anyway
 * (shutdown) disconnect the producer.
 */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5000 },
  });
}
