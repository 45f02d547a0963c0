import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problemAnswerFor, sendProblem } from './problem-details.filter';
import { assignCorrelationId } from './request-context';

const NODE_KEEP_ALIVE_TIMEOUT_MS = 5_000;
const NODE_REQUEST_TIMEOUT_MS = 300_000;

/** Longer than any request target Node accepts (16 KB of headers): a long id is the route's to refuse, not a 404. */
const MAX_PARAM_LENGTH = 16 * 1024;

/** Node's own answers to a request it cannot parse (lib/_http_server.js), by the parser's error code. */
const CLIENT_ERROR_STATUS: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/**
 * What Node does with a request it cannot parse when nobody listens for `clientError` (Fastify does, and answers
 * with a JSON body of its own): a bare 400 (431, 413 or 408 for those errors) unless something was written on the
 * connection already, then the socket is destroyed.
 */
function answerLikeNode(error: Error & { code?: string }, socket: Socket): void {
  if (socket.writable && socket.bytesWritten === 0) {
    const status = CLIENT_ERROR_STATUS[error.code ?? ''] ?? 400;
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`);
  }
  socket.destroy(error);
}

/**
 * The HTTP adapter of every service (Fastify, issue #14: about half the CPU per request of Express here), set to
 * route as Express did: paths match whatever their case and with or without a trailing slash, parameters of any
 * length. A request target Fastify cannot route (a malformed escape in the path) is answered problem+json like
 * every other refusal, and no middleware engine is loaded: the platform's conventions are Fastify hooks.
 */
export function createHttpAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    skipMiddie: true,
    // Node's own server timeouts, which the services ran with under Express (Fastify would keep idle connections
    // 72 s and never time out a request), and requests that arrive while closing are served, not refused with 503.
    keepAliveTimeout: NODE_KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: NODE_REQUEST_TIMEOUT_MS,
    return503OnClosing: false,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    clientErrorHandler: answerLikeNode,
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      assignCorrelationId(request.raw, reply.raw);
      sendProblem(reply, problemAnswerFor(error, request.url));
    },
  });
}
