import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  request as httpRequest,
  type ClientRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Transform, type TransformCallback } from 'node:stream';
import { TokenVerifier } from '@atp/platform-auth';
import { CORRELATION_HEADER, DomainError, problemAnswerFor, problemFor, sendProblem } from '@atp/platform-http';
import { SERVICE_ENV } from '@atp/platform-runtime';
import type { AppEnv } from '../config/env';
import { RateLimiter } from './rate-limiter';
import { limitsOf, routeClassOf } from './route-classes';
import { upstreamFor, type UpstreamService } from './service-routes';

/** Connection-level headers that describe one hop and must not be forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);
/** Never taken from a client: the caller is the verified token's subject, the services verify it again. */
const CLIENT_HEADERS_DROPPED = new Set(['x-user-id', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host']);

function forwardable(headers: IncomingHttpHeaders, dropped: ReadonlySet<string> = new Set()): IncomingHttpHeaders {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase()) && !dropped.has(name.toLowerCase())),
  );
}

const WORKSPACE_OF = /^\/api\/v1\/workspaces\/([^/?]+)/;

export class PayloadTooLargeError extends DomainError {
  constructor(limitBytes: number) {
    super(413, 'PAYLOAD_TOO_LARGE', `The body is larger than the ${limitBytes} bytes this route accepts`, {
      limitBytes,
    });
  }
}

/** Counts a streamed body and fails it once it passes the route's limit (bodies without Content-Length). */
class BodyLimit extends Transform {
  private seen = 0;

  constructor(private readonly limitBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limitBytes) done(new PayloadTooLargeError(this.limitBytes));
    else done(null, chunk);
  }
}

/**
 * Forwards a public request to the service that owns it, streaming both bodies (uploads are never
 * buffered here). At the edge: the body's size is capped per route class, the bearer token is
 * verified (the service verifies it again and checks what the caller may do), the caller and the
 * workspace are rate limited, and the whole exchange has a time limit; a client that goes away
 * takes the upstream request with it.
 */
@Injectable()
export class ProxyService {
  private readonly logger = new Logger('ProxyService');
  private readonly bases: Record<UpstreamService, URL>;
  private readonly limiter: RateLimiter;

  constructor(
    @Inject(SERVICE_ENV) private readonly env: AppEnv,
    private readonly tokens: TokenVerifier,
  ) {
    this.bases = {
      config: new URL(env.CONFIG_SERVICE_URL),
      workflow: new URL(env.WORKFLOW_SERVICE_URL),
      submission: new URL(env.SUBMISSION_SERVICE_URL),
      punchlist: new URL(env.PUNCHLIST_SERVICE_URL),
    };
    this.limiter = new RateLimiter(env.RATE_LIMIT_WINDOW_MS);
  }

  /** `request` carries the correlation id (`id`) the edge gave it (api-edge.ts). */
  async forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = request.url ?? '/';
    const service = upstreamFor(url);
    if (service === null)
      throw new DomainError(404, 'NOT_FOUND', `No service serves ${request.method} ${url.split('?')[0]}`);
    const limits = limitsOf(routeClassOf(url), this.env);
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > limits.maxBodyBytes) {
      response.setHeader('Connection', 'close');
      throw new PayloadTooLargeError(limits.maxBodyBytes);
    }
    const caller = await this.tokens.verify(request.headers.authorization);
    this.admit(`user:${caller.userId}`, this.env.RATE_LIMIT_PER_USER, 'user');
    const workspaceId = WORKSPACE_OF.exec(url)?.[1];
    if (workspaceId) this.admit(`workspace:${workspaceId}`, this.env.RATE_LIMIT_PER_WORKSPACE, 'workspace');

    const base = this.bases[service];
    const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
    // The request target goes on verbatim: resolved as a URL, `/api/v1/../metrics` would become `/metrics`.
    const upstream = send({
      protocol: base.protocol,
      hostname: base.hostname,
      port: base.port,
      path: url,
      method: request.method,
      headers: {
        ...forwardable(request.headers, CLIENT_HEADERS_DROPPED),
        [CORRELATION_HEADER]: (request as IncomingMessage & { id?: string }).id,
        'x-forwarded-for': request.socket.remoteAddress,
        'x-forwarded-proto': 'encrypted' in request.socket ? 'https' : 'http',
      },
      timeout: this.env.UPSTREAM_TIMEOUT_MS,
    });
    this.superviseExchange(request, response, upstream, service, limits.totalTimeoutMs);
    upstream.on('response', (answer) => {
      response.statusCode = answer.statusCode ?? 502;
      for (const [name, value] of Object.entries(forwardable(answer.headers))) {
        if (value !== undefined) response.setHeader(name, value);
      }
      answer.pipe(response);
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => this.fail(response, service, error));
    if (request.headers['content-length'] !== undefined) {
      request.pipe(upstream);
    } else {
      const limit = new BodyLimit(limits.maxBodyBytes);
      limit.on('error', (error) => upstream.destroy(error));
      request.pipe(limit).pipe(upstream);
    }
  }

  private admit(key: string, limit: number, scope: 'user' | 'workspace'): void {
    const decision = this.limiter.take(key, limit);
    if (decision.allowed) return;
    throw new DomainError(
      429,
      'RATE_LIMITED',
      `Too many requests for this ${scope}; retry in ${decision.retryAfterSeconds} s`,
      {
        scope,
        retryAfterSeconds: decision.retryAfterSeconds,
      },
    );
  }

  /** The total time limit, and a client that leaves: both end the upstream request. */
  private superviseExchange(
    request: IncomingMessage,
    response: ServerResponse,
    upstream: ClientRequest,
    service: UpstreamService,
    totalMs: number,
  ): void {
    const timer = setTimeout(() => {
      upstream.destroy(Object.assign(new Error(`no complete answer within ${totalMs} ms`), { code: 'ETIMEDOUT' }));
    }, totalMs);
    timer.unref();
    upstream.on('timeout', () =>
      upstream.destroy(Object.assign(new Error('upstream went idle'), { code: 'ETIMEDOUT' })),
    );
    response.on('close', () => {
      clearTimeout(timer);
      if (!response.writableFinished) {
        this.logger.warn(`client left before the answer of ${service}-service was complete; request aborted upstream`);
        upstream.destroy();
      }
    });
    request.on('aborted', () => upstream.destroy());
  }

  /**
   * The service could not be reached, broke off or took too long: 502/504 problem+json, unless the answer already
   * started.
   */
  private fail(response: ServerResponse, service: UpstreamService, error: NodeJS.ErrnoException): void {
    if (response.headersSent) {
      response.destroy(error);
      return;
    }
    const instance = response.req.url ?? '';
    if (error instanceof PayloadTooLargeError) {
      response.setHeader('Connection', 'close');
      sendProblem(response, problemAnswerFor(error, instance));
      return;
    }
    const timedOut = error.code === 'ETIMEDOUT';
    const detail = `${service}-service did not answer: ${error.message}`;
    const problem = timedOut
      ? problemFor(504, 'UPSTREAM_TIMEOUT', detail, instance, { service })
      : problemFor(502, 'UPSTREAM_UNAVAILABLE', detail, instance, { service });
    sendProblem(response, { problem });
  }
}
