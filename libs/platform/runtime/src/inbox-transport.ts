import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { BaseRpcContext, Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import type { Kafka, Producer } from 'kafkajs';
import { lastValueFrom, throwError, type Observable } from 'rxjs';
import type { DataSource, EntityManager } from 'typeorm';
import type { ContractValidator } from '@atp/contracts';
import {
  InboxConsumer,
  type ConsumedEvent,
  type ConsumerStatus,
  type EventHandler,
  type MessagingLogger,
  type MessagingMetrics,
} from '@atp/platform-messaging';

/**
 * One Kafka consumer group of a service: its name (also the group id and the inbox's consumer key),
 * the topics it reads, and whether a new group starts from offset 0 (replicas of compacted topics).
 */
export interface InboxConsumerSpec {
  readonly name: string;
  readonly topics: readonly string[];
  readonly fromBeginning?: boolean;
}

/** What `@EventPattern(eventType, { consumer })` carries as extras. */
export interface InboxPatternExtras {
  consumer: InboxConsumerSpec;
}

/**
 * The `@Ctx()` of an inbox handler: the consumed event and the EntityManager of the inbox
 * transaction. Every write of the handler goes through `manager`, so it commits (or rolls back)
 * together with the inbox row that deduplicates the event.
 */
export class InboxContext extends BaseRpcContext<[ConsumedEvent, EntityManager]> {
  get event(): ConsumedEvent {
    return this.args[0];
  }

  get manager(): EntityManager {
    return this.args[1];
  }
}

/**
 * Hands a handler's error to the inbox consumer unchanged. Nest's default RPC filter would replace it
 * with `{ status: 'error' }`, and the consumer needs the real error to tell a PermanentMessageError
 * (DLQ now) or a deadlock (retry outside the budget) from a bug (bounded retries).
 */
@Catch()
export class RethrowToInbox implements RpcExceptionFilter {
  catch(error: unknown): Observable<never> {
    return throwError(() => error);
  }
}

export interface InboxTransportOptions {
  kafka: Kafka;
  dataSource: DataSource;
  validator: ContractValidator;
  /** The service's shared idempotent producer, for DLQ messages. */
  dlqProducer: Producer;
  logger: MessagingLogger;
  metrics: MessagingMetrics;
}

const START_BACKOFF_MAX_MS = 30_000;

/**
 * A Nest microservice transport (connected with `app.connectMicroservice({ strategy })`) whose handlers
 * are `@EventPattern(eventType, { consumer })` methods of `.consumer.ts` controllers. It adds nothing to
 * the delivery semantics: each consumer spec becomes one platform `InboxConsumer` (kafkajs underneath)
 * with the inbox deduplication, chunked transactions, bounded retries, DLQ and per-partition order of
 * that class; Nest only finds the handlers and calls them with `@Payload()` = the `ConsumedEvent` and
 * `@Ctx()` = an `InboxContext`.
 *
 * Declare several event types of one method as one array (`@EventPattern([A, B], { consumer })`):
 * Nest keeps only the last of several `@EventPattern` decorators on a method.
 *
 * `listen` registers every consumer at once (so readiness reports them as not consuming yet) and starts
 * them in the background, retrying with back-off while Kafka is unreachable: the HTTP side comes up
 * anyway, live but not ready.
 */
export class InboxTransport extends Server implements CustomTransportStrategy {
  override readonly transportId = Symbol('atp-inbox');
  private consumers: InboxConsumer[] = [];
  private starting: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly options: InboxTransportOptions) {
    super();
  }

  listen(callback: (...optionalParams: unknown[]) => void): void {
    try {
      this.consumers = this.buildConsumers();
    } catch (error) {
      callback(error);
      return;
    }
    this.closed = false;
    this.starting = Promise.all(this.consumers.map((consumer) => this.startWithRetry(consumer))).then(() => undefined);
    callback();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.starting;
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }

  /** Where each consumer stands; empty before `listen`. */
  statuses(): ConsumerStatus[] {
    return this.consumers.map((consumer) => consumer.status());
  }

  /** Readiness: throws naming every consumer that is not consuming (not joined, restarting, stopped). */
  checkReady(): void {
    const waiting = this.statuses().filter((status) => !status.ready);
    if (waiting.length === 0) return;
    throw new Error(
      waiting.map((s) => `${s.consumer} ${s.state} since ${s.since}${s.detail ? ` (${s.detail})` : ''}`).join('; '),
    );
  }

  on(): void {
    // The inbox consumers report through logs, metrics and `statuses()`; there are no transport events.
  }

  unwrap<T>(): T {
    return this.consumers as T;
  }

  private async startWithRetry(consumer: InboxConsumer): Promise<void> {
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        await this.options.dlqProducer.connect();
        await consumer.start();
        return;
      } catch (error) {
        const delay = Math.min(START_BACKOFF_MAX_MS, 1000 * attempt);
        this.options.logger.error(
          { err: error, consumer: consumer.name, attempt, retryInMs: delay },
          'consumer failed to start; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** Groups the `@EventPattern` handlers by their consumer spec: one InboxConsumer per spec. */
  private buildConsumers(): InboxConsumer[] {
    const groups = new Map<string, { spec: InboxConsumerSpec; handlers: Record<string, EventHandler> }>();
    for (const [pattern, head] of this.getHandlers()) {
      for (const nestHandler of detachChain(head)) {
        const spec = (nestHandler.extras as Partial<InboxPatternExtras> | undefined)?.consumer;
        if (!nestHandler.isEventHandler || !spec) {
          throw new Error(
            `handler of ${pattern} must be @EventPattern(eventType, { consumer }) with an InboxConsumerSpec`,
          );
        }
        const group = groups.get(spec.name) ?? { spec, handlers: {} };
        if (group.spec !== spec)
          throw new Error(`consumer ${spec.name} is declared by two different specs: share one constant`);
        if (group.handlers[pattern]) throw new Error(`consumer ${spec.name} has two handlers of ${pattern}`);
        group.handlers[pattern] = this.adapt(nestHandler);
        groups.set(spec.name, group);
      }
    }
    return [...groups.values()].map(
      ({ spec, handlers }) =>
        new InboxConsumer({
          consumerName: spec.name,
          topics: [...spec.topics],
          fromBeginning: spec.fromBeginning,
          handlers,
          kafka: this.options.kafka,
          dataSource: this.options.dataSource,
          validator: this.options.validator,
          dlqProducer: this.options.dlqProducer,
          logger: this.options.logger,
          metrics: this.options.metrics,
        }),
    );
  }

  /** The Nest handler (pipes, filters, interceptors applied) as an inbox EventHandler; its errors propagate. */
  private adapt(nestHandler: MessageHandler): EventHandler {
    return async (event, manager) => {
      const result = await nestHandler(event, new InboxContext([event, manager]));
      await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
    };
  }
}

/**
 * Nest chains the handlers of one pattern (`next`) and calls them all from the head; here each belongs
 * to its own consumer, so the chain is taken apart and every handler is called alone.
 */
function detachChain(head: MessageHandler): MessageHandler[] {
  const chain: MessageHandler[] = [];
  for (let handler: MessageHandler | undefined = head; handler; ) {
    const next: MessageHandler | undefined = handler.next as MessageHandler | undefined;
    handler.next = undefined;
    chain.push(handler);
    handler = next;
  }
  return chain;
}
