import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import {
  activeTraceCarrier,
  inConsumerSpan,
  startPublishSpan,
  endPublishSpans,
  traceCarrierOf,
} from './message-tracing';
import { tracingSettings } from './start-tracing';

describe('tracing settings', () => {
  it('are off unless TRACING_ENABLED=true, and OTEL_SDK_DISABLED=true wins', () => {
    expect(tracingSettings('gateway', {}).enabled).toBe(false);
    expect(tracingSettings('gateway', { TRACING_ENABLED: 'false' }).enabled).toBe(false);
    expect(tracingSettings('gateway', { TRACING_ENABLED: 'true' })).toEqual({ enabled: true, serviceName: 'gateway' });
    expect(tracingSettings('gateway', { TRACING_ENABLED: 'true', OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false);
    expect(tracingSettings('gateway', { TRACING_ENABLED: 'true', OTEL_SERVICE_NAME: 'edge' }).serviceName).toBe('edge');
  });
});

describe('without an SDK (tracing off)', () => {
  it('stores no trace context and starts no publish span', () => {
    expect(activeTraceCarrier()).toBeNull();
    expect(startPublishSpan(null, { topic: 't', eventId: 'e', eventType: 'x' })).toBeNull();
  });
});

describe('trace context through the outbox and Kafka headers', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

  beforeAll(() => provider.register());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('links writer → publish span → consumer span in one trace, tracestate included', async () => {
    const tracer = trace.getTracer('spec');
    const request = tracer.startSpan('POST /decisions', { kind: SpanKind.SERVER });
    const stored = context.with(trace.setSpan(context.active(), request), () => activeTraceCarrier());
    request.end();
    expect(stored?.traceparent).toMatch(
      new RegExp(`^00-${request.spanContext().traceId}-${request.spanContext().spanId}-01$`),
    );

    const withState = { ...stored!, tracestate: 'vendor=abc' };
    const published = startPublishSpan(withState, {
      topic: 'atp.workflow.events.v1',
      eventId: 'e-1',
      eventType: 'workflow.stage.approved',
    });
    endPublishSpans([published?.span]);
    expect(published?.headers.tracestate).toBe('vendor=abc');

    // Kafka header names arrive as sent; compare them case-insensitively anyway.
    const headers = {
      'event-id': 'e-1',
      TraceParent: published!.headers.traceparent,
      tracestate: published!.headers.tracestate,
    };
    expect(traceCarrierOf(headers)).toEqual(published!.headers);
    let carriedInHandler: ReturnType<typeof activeTraceCarrier> = null;
    await inConsumerSpan(
      headers,
      {
        topic: 'atp.workflow.events.v1',
        eventId: 'e-1',
        eventType: 'workflow.stage.approved',
        consumer: 'c',
        partition: 0,
        offset: '7',
      },
      async () => {
        carriedInHandler = activeTraceCarrier();
      },
    );

    const spans = exporter.getFinishedSpans();
    const [server, producer, consumer] = [
      'POST /decisions',
      'send atp.workflow.events.v1',
      'process atp.workflow.events.v1',
    ].map((name) => spans.find((s) => s.name === name)!);
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([request.spanContext().traceId]));
    expect(producer.kind).toBe(SpanKind.PRODUCER);
    expect(producer.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(consumer.kind).toBe(SpanKind.CONSUMER);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(consumer.attributes).toMatchObject({
      'messaging.consumer.group.name': 'c',
      'messaging.kafka.offset': 7,
      'messaging.message.id': 'e-1',
    });
    // An event the handler writes carries the consumer span as its parent.
    expect((carriedInHandler as unknown as { traceparent: string }).traceparent).toContain(
      consumer.spanContext().spanId,
    );
  });

  it('starts a new trace for a message without trace headers, and marks a failed handler', async () => {
    exporter.reset();
    const failure = inConsumerSpan(
      {},
      { topic: 't', eventId: 'e-2', eventType: 'x', consumer: 'c', partition: 1, offset: '1' },
      async () => {
        throw new Error('boom');
      },
    );
    await expect(failure).rejects.toThrow('boom');
    const [span] = exporter.getFinishedSpans();
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.status).toMatchObject({ code: 2, message: 'boom' });
  });
});
