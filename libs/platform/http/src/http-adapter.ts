import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problemAnswerFor, sendProblem } from './problem-details.filter';
import { assignCorrelationId } from './request-context';

/** Longer than any request target Node accepts (16 KB of headers): a long id is the route's to refuse, not a 404. */
const MAX_PARAM_LENGTH = 16 * 1024;

/**
 * What Node answers to a request it cannot parse when nobody listens for `clientError` (Fastify does, with a JSON
 * body of its own): a bare 400 (431 for oversized headers, 408 for a request that timed out), then the socket closes.
 */
function answerLikeNode(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy(error);
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`);
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
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    clientErrorHandler: answerLikeNode,
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      assignCorrelationId(request.raw, reply.raw);
      sendProblem(reply, problemAnswerFor(error, request.url));
    },
  });
}
