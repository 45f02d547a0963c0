import { Inject, Injectable, Logger } from '@nestjs/common';
import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Transform, type TransformCallback } from 'node:stream';
import type { Request, Response } from 'express';
import { TokenVerifier } from '@atp/platform-auth';
import { CORRELATION_HEADER, DomainError, PROBLEM_CONTENT_TYPE, problemType } from '@atp/platform-http';
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

  async forward(request: Request, response: Response): Promise<void> {
    const service = upstreamFor(request.originalUrl);
    if (service === null)
      throw new DomainError(404, 'NOT_FOUND', `No service serves ${request.method} ${request.path}`);
    const limits = limitsOf(routeClassOf(request.originalUrl), this.env);
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > limits.maxBodyBytes) {
      response.setHeader('Connection', 'close');
      throw new PayloadTooLargeError(limits.maxBodyBytes);
    }
    const caller = await this.tokens.verify(request.header('authorization'));
    this.admit(`user:${caller.userId}`, this.env.RATE_LIMIT_PER_USER, 'user');
    const workspaceId = WORKSPACE_OF.exec(request.originalUrl)?.[1];
    if (workspaceId) this.admit(`workspace:${workspaceId}`, this.env.RATE_LIMIT_PER_WORKSPACE, 'workspace');

    const target = new URL(request.originalUrl, this.bases[service]);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const upstream = send(target, {
      method: request.method,
      headers: {
        ...forwardable(request.headers, CLIENT_HEADERS_DROPPED),
        [CORRELATION_HEADER]: (request as Request & { id?: string }).id,
        'x-forwarded-for': request.ip,
        'x-forwarded-proto': request.protocol,
      },
      timeout: this.env.UPSTREAM_TIMEOUT_MS,
    });
    this.superviseExchange(request, response, upstream, service, limits.totalTimeoutMs);
    upstream.on('response', (answer) => {
      response.status(answer.statusCode ?? 502);
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
    request: Request,
    response: Response,
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
  private fail(response: Response, service: UpstreamService, error: NodeJS.ErrnoException): void {
    if (response.headersSent) {
      response.destroy(error);
      return;
    }
    if (error instanceof PayloadTooLargeError) {
      response.setHeader('Connection', 'close');
      this.problem(response, 413, error.code, error.message, error.extensions);
      return;
    }
    const timedOut = error.code === 'ETIMEDOUT';
    const code = timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE';
    this.problem(response, timedOut ? 504 : 502, code, `${service}-service did not answer: ${error.message}`, {
      service,
    });
  }

  private problem(
    response: Response,
    status: number,
    code: string,
    detail: string,
    extensions: Record<string, unknown>,
  ): void {
    const title = status === 504 ? 'Gateway Timeout' : status === 413 ? 'Content Too Large' : 'Bad Gateway';
    response
      .status(status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(
        JSON.stringify({
          type: problemType(code),
          title,
          status,
          code,
          detail,
          instance: response.req.originalUrl,
          ...extensions,
        }),
      );
  }
}
