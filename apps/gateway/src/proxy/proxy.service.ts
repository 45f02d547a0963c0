import { Inject, Injectable } from '@nestjs/common';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Request, Response } from 'express';
import { CORRELATION_HEADER, DomainError, PROBLEM_CONTENT_TYPE, problemType } from '@atp/platform-http';
import { SERVICE_ENV } from '@atp/platform-runtime';
import type { AppEnv } from '../config/env';
import { upstreamFor, type UpstreamService } from './service-routes';

/** Connection-level headers that describe one hop and must not be forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

function forwardable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));
}

/**
 * Forwards a public request to the service that owns it, streaming both bodies (uploads are never
 * buffered here). The service does every check of its own data; the gateway adds the correlation
 * id and the forwarding headers. Authentication and rate limits join here when their issue comes.
 */
@Injectable()
export class ProxyService {
  private readonly bases: Record<UpstreamService, URL>;

  constructor(@Inject(SERVICE_ENV) private readonly env: AppEnv) {
    this.bases = {
      config: new URL(env.CONFIG_SERVICE_URL),
      workflow: new URL(env.WORKFLOW_SERVICE_URL),
      submission: new URL(env.SUBMISSION_SERVICE_URL),
      punchlist: new URL(env.PUNCHLIST_SERVICE_URL),
    };
  }

  forward(request: Request, response: Response): void {
    const service = upstreamFor(request.originalUrl);
    if (service === null) throw new DomainError(404, 'NOT_FOUND', `No service serves ${request.method} ${request.path}`);
    const target = new URL(request.originalUrl, this.bases[service]);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const upstream = send(target, {
      method: request.method,
      headers: {
        ...forwardable(request.headers),
        [CORRELATION_HEADER]: (request as Request & { id?: string }).id,
        'x-forwarded-for': request.ip,
        'x-forwarded-proto': request.protocol,
      },
      timeout: this.env.UPSTREAM_TIMEOUT_MS,
    });
    upstream.on('response', (answer) => {
      response.status(answer.statusCode ?? 502);
      for (const [name, value] of Object.entries(forwardable(answer.headers))) {
        if (value !== undefined) response.setHeader(name, value);
      }
      answer.pipe(response);
    });
    upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('upstream timed out'), { code: 'ETIMEDOUT' })));
    upstream.on('error', (error: NodeJS.ErrnoException) => this.fail(response, service, error));
    request.pipe(upstream);
  }

  /** The service could not be reached or broke off: 502/504 problem+json, unless the answer already started. */
  private fail(response: Response, service: UpstreamService, error: NodeJS.ErrnoException): void {
    if (response.headersSent) {
      response.destroy(error);
      return;
    }
    const status = error.code === 'ETIMEDOUT' ? 504 : 502;
    const code = status === 504 ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE';
    response
      .status(status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify({ type: problemType(code), title: status === 504 ? 'Gateway Timeout' : 'Bad Gateway', status, code, service, detail: `${service}-service did not answer: ${error.message}` }));
  }
}
