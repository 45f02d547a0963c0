import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface TracingSettings {
  enabled: boolean;
  serviceName: string;
}

/**
 * Tracing is off unless TRACING_ENABLED=true, and OTEL_SDK_DISABLED=true turns it off whatever
 * TRACING_ENABLED says (the standard switch wins). OTEL_SERVICE_NAME overrides the app's name.
 */
export function tracingSettings(appName: string, env: NodeJS.ProcessEnv = process.env): TracingSettings {
  const enabled =
    env.TRACING_ENABLED?.trim().toLowerCase() === 'true' && env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true';
  return { enabled, serviceName: env.OTEL_SERVICE_NAME?.trim() || appName };
}

let provider: NodeTracerProvider | null = null;

/**
 * Starts the OpenTelemetry SDK of one app process. It must run before anything loads `http` or
 * `pg` (the instrumentations patch them as they are required): each app's `src/tracing.ts` calls it
 * and is the first import of its `main.ts`.
 *
 * Everything else comes from the standard OTEL_* variables the SDK reads itself: the OTLP/HTTP
 * endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), the sampler
 * (OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG; parent-based always-on by default), the batch
 * processor (OTEL_BSP_*), and extra resource attributes (OTEL_RESOURCE_ATTRIBUTES).
 * Returns false when tracing is off: the OpenTelemetry API then stays a no-op.
 */
export function startTracing(appName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const settings = tracingSettings(appName, env);
  if (!settings.enabled || provider) return settings.enabled;
  if (env.OTEL_LOG_LEVEL)
    diag.setLogger(
      new DiagConsoleLogger(),
      DiagLogLevel[env.OTEL_LOG_LEVEL.toUpperCase() as keyof typeof DiagLogLevel],
    );
  // Required here, not imported: a process with tracing off never loads the SDK.
  const { startSdk } = require('./tracing-sdk') as typeof import('./tracing-sdk');
  provider = startSdk(settings.serviceName);
  // Nest closes the app on these signals and then re-raises them; `once` lets the second one end the
  // process. The flush starts at once and finishes while the app shuts down.
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => void provider?.forceFlush().catch(() => undefined));
  return true;
}

/** Exports what is buffered and stops the SDK (tests; a process that ends on its own). */
export async function stopTracing(): Promise<void> {
  const current = provider;
  provider = null;
  await current?.shutdown();
}
