import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';

/**
 * A trace context as W3C headers (`traceparent`, and `tracestate` when a vendor set one): what the
 * outbox stores with an event and the relay puts in its Kafka headers.
 */
export type TraceCarrier = Record<string, string>;

const TRACE_HEADERS = ['traceparent', 'tracestate'] as const;
const tracer = () => trace.getTracer('@atp/platform-messaging');

/** Only the trace headers: baggage and other propagator fields do not travel with events. */
function traceHeaders(carrier: Record<string, string>): TraceCarrier | null {
  const picked = Object.fromEntries(TRACE_HEADERS.filter((name) => carrier[name]).map((name) => [name, carrier[name]]));
  return picked.traceparent ? picked : null;
}

/**
 * The active trace context (the request or handler writing an event), or null when nothing is traced
 * (tracing off, or no span active): the outbox then stores NULL and the event travels without headers.
 */
export function activeTraceCarrier(): TraceCarrier | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return traceHeaders(carrier);
}

/** The trace headers among a message's headers (names compared in lower case). */
export function traceCarrierOf(headers: Record<string, string | undefined>): TraceCarrier | null {
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value) lower[name.toLowerCase()] = value;
  return traceHeaders(lower);
}

export interface MessagingSpanAttributes {
  topic: string;
  eventId: string;
  eventType: string;
  partitionKey?: string;
}

function messagingAttributes(
  operation: 'send' | 'process',
  a: MessagingSpanAttributes,
  extra: Attributes = {},
): Attributes {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.type': operation,
    'messaging.destination.name': a.topic,
    'messaging.message.id': a.eventId,
    'atp.event_type': a.eventType,
    ...(a.partitionKey ? { 'messaging.kafka.message.key': a.partitionKey } : {}),
    ...extra,
  };
}

/**
 * A PRODUCER span for one outbox event the relay sends, child of the context stored with the event.
 * `headers` is the span's own context, for the Kafka message; null (and no span) for an event stored
 * without a trace context. The caller ends the span once Kafka has acknowledged (or refused) it.
 */
export function startPublishSpan(
  stored: TraceCarrier | null,
  attributes: MessagingSpanAttributes,
): { span: Span; headers: TraceCarrier } | null {
  if (!stored) return null;
  const parent = propagation.extract(ROOT_CONTEXT, stored);
  const span = tracer().startSpan(
    `send ${attributes.topic}`,
    { kind: SpanKind.PRODUCER, attributes: messagingAttributes('send', attributes) },
    parent,
  );
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(parent, span), carrier);
  return { span, headers: traceHeaders(carrier) ?? stored };
}

/** Ends publish spans, marking them failed when the send failed. */
export function endPublishSpans(spans: Iterable<Span | undefined>, error?: unknown): void {
  for (const span of spans) {
    if (!span) continue;
    if (error !== undefined)
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message ?? String(error) });
    span.end();
  }
}

/**
 * Runs a consumer's handler inside a CONSUMER span continuing the trace of the message's headers (a
 * new trace when it has none), so the handler's queries and the events it writes to the outbox belong
 * to the trace of the decision that caused them. A thrown error marks the span and propagates.
 */
export async function inConsumerSpan<T>(
  headers: Record<string, string | undefined>,
  attributes: MessagingSpanAttributes & { consumer: string; partition: number; offset: string },
  work: () => Promise<T>,
): Promise<T> {
  const carrier = traceCarrierOf(headers);
  const parent = carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
  const extra = {
    'messaging.consumer.group.name': attributes.consumer,
    'messaging.destination.partition.id': String(attributes.partition),
    'messaging.kafka.offset': Number(attributes.offset),
  };
  return tracer().startActiveSpan(
    `process ${attributes.topic}`,
    { kind: SpanKind.CONSUMER, attributes: messagingAttributes('process', attributes, extra) },
    parent,
    async (span) => {
      try {
        return await work();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message ?? String(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
