import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json } from 'body-parser';
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

function mediaTypeOf(request: Request): string {
  return (request.headers['content-type'] ?? '').split(';')[0].trim();
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The one body parser of a service: JSON up to the route's declared limit (1 MB by default), nested at
 * most `maxDepth` deep, in UTF-8; multipart goes on to the route's file interceptor; any other media
 * type is refused with 415. Every refusal is a DomainError with a stable code, so the problem filter
 * answers problem+json instead of the 500 a raw http-error used to become.
 */
export function jsonBodyParser(options: JsonBodyOptions = {}): RequestHandler {
  const defaultLimit = options.defaultLimitBytes ?? DEFAULT_JSON_BODY_LIMIT_BYTES;
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const parsers = new Map<number, RequestHandler>();
  const parserFor = (limit: number): RequestHandler => {
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
      });
      parsers.set(limit, parser);
    }
    return parser;
  };

  return (request: Request, response: Response, next: NextFunction) => {
    if (!hasBody(request)) return next();
    const mediaType = mediaTypeOf(request);
    if (MULTIPART_TYPE.test(mediaType)) return next();
    if (!JSON_TYPE.test(mediaType)) {
      const named = mediaType ? `"${mediaType.slice(0, 100)}"` : 'none';
      // Drain the body first so the refusal can be read on a kept-alive connection.
      request.resume();
      return next(
        new DomainError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type ${named} is not accepted; send application/json`),
      );
    }
    const route = options.routes?.find((candidate) => candidate.matches(request.method, request.path));
    parserFor(route?.limitBytes ?? defaultLimit)(request, response, (error?: unknown) => {
      if (error === undefined) return next();
      next(bodyRefusal(error) ?? error);
    });
  };
}
