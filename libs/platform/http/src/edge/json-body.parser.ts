import type { IncomingMessage, ServerResponse } from 'node:http';
import { json } from 'body-parser';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../problem-details';
import { bodyRefusal } from './body-errors';
import { DEFAULT_JSON_BODY_LIMIT_BYTES, MAX_JSON_DEPTH } from './body-limit';
import { jsonNestsDeeperThan } from './json-depth';
import type { RouteBodyLimit } from './route-body-limits';

/**
 * A `\u0000` escape that really is one (an odd run of backslashes before `u0000`): PostgreSQL text
 * cannot hold NUL, so such a string would fail its query with a 500 (found by the OpenAPI property test).
 */
const ESCAPED_NUL = /(?<!\\)(?:\\\\)*\\u0000/i;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;
const MULTIPART_TYPE = /^multipart\/form-data$/i;

export interface JsonBodyOptions {
  defaultLimitBytes?: number;
  routes?: RouteBodyLimit[];
  maxDepth?: number;
}

/** Reads one request's body: calls back with the parsed JSON, undefined (no body, multipart) or the refusal. */
export type BodyReader = (request: IncomingMessage, done: (error: unknown, body?: unknown) => void) => void;

type NodeParser = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;

function mediaTypeOf(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? '').split(';')[0].trim();
}

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The 415 of a request whose body is neither JSON nor multipart (null for any other), its body drained first so the
 * refusal can be read on a kept-alive connection.
 */
export function mediaTypeRefusal(request: IncomingMessage): DomainError | null {
  if (!hasBody(request)) return null;
  const mediaType = mediaTypeOf(request);
  if (JSON_TYPE.test(mediaType) || MULTIPART_TYPE.test(mediaType)) return null;
  const named = mediaType ? `"${mediaType.slice(0, 100)}"` : 'none';
  request.resume();
  return new DomainError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type ${named} is not accepted; send application/json`);
}

/**
 * The one body parser of a service: JSON up to the route's declared limit (1 MB by default), nested at
 * most `maxDepth` deep, in UTF-8; multipart is left unread for the route's streaming intake (the request
 * stream is the upload); any other media type is refused with 415. Every refusal is a DomainError with a
 * stable code, so the problem filter answers problem+json instead of the 500 a raw http-error used to become.
 */
export function jsonBodyParser(options: JsonBodyOptions = {}): BodyReader {
  const defaultLimit = options.defaultLimitBytes ?? DEFAULT_JSON_BODY_LIMIT_BYTES;
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const parsers = new Map<number, NodeParser>();
  const parserFor = (limit: number): NodeParser => {
    let parser = parsers.get(limit);
    if (!parser) {
      parser = json({
        limit,
        strict: true,
        type: () => true,
        verify: (_request, _response, buffer) => {
          if (jsonNestsDeeperThan(buffer, maxDepth)) {
            throw Object.assign(new Error(`The JSON body nests deeper than ${maxDepth} levels`), {
              status: 400,
              type: 'entity.too.deep',
            });
          }
          if (ESCAPED_NUL.test(buffer.toString('latin1'))) {
            throw Object.assign(new Error('The JSON body contains a NUL character (\\u0000)'), {
              status: 400,
              type: 'entity.invalid.character',
            });
          }
        },
      }) as NodeParser;
      parsers.set(limit, parser);
    }
    return parser;
  };

  return (request, done) => {
    if (!hasBody(request)) return done(null, undefined);
    const mediaType = mediaTypeOf(request);
    if (MULTIPART_TYPE.test(mediaType)) return done(null, undefined);
    const refusal = mediaTypeRefusal(request);
    if (refusal) return done(refusal);
    const path = (request.url ?? '').split('?')[0];
    const route = options.routes?.find((candidate) => candidate.matches(request.method ?? '', path));
    // body-parser reads the Node request itself (it never touches the response).
    parserFor(route?.limitBytes ?? defaultLimit)(request, undefined as never, (error?: unknown) => {
      if (error === undefined) return done(null, (request as IncomingMessage & { body?: unknown }).body);
      done(bodyRefusal(error) ?? error);
    });
  };
}

/**
 * Makes `read` Fastify's only body parser (every media type goes to it, Fastify's own JSON and text parsers are
 * removed). A media type that is neither JSON nor multipart is refused before Fastify looks at the body: with the
 * same 415 whatever Fastify thinks of the header (it refuses a malformed one with a 415 of its own words), and
 * without the `Connection: close` Fastify adds to a parser's refusal. Fastify parses bodies of POST, PUT, PATCH,
 * DELETE and OPTIONS only; a GET or HEAD that carries a body is read by the same parser before validation, as every
 * request was before routing under Express.
 */
export function installBodyParser(fastify: FastifyInstance, read: BodyReader): void {
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    const refusal = mediaTypeRefusal(request.raw);
    if (refusal) done(refusal);
    else done(null, payload);
  });
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (request: FastifyRequest, _payload, done) =>
    read(request.raw, (error, body) => (error ? done(error as Error, undefined) : done(null, body))),
  );
  fastify.addHook('preValidation', (request, _reply, done) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return done();
    read(request.raw, (error, body) => {
      if (error) return done(error as Error);
      if (body !== undefined) request.body = body;
      done();
    });
  });
}
