import { SetMetadata } from '@nestjs/common';

/** JSON bodies larger than this are refused with 413 unless the route declares its own limit (contract: 1 MB). */
export const DEFAULT_JSON_BODY_LIMIT_BYTES = 1024 * 1024;

export const JSON_BODY_LIMIT = 'atp:json-body-limit';

/**
 * The largest JSON body a route accepts, sized to its DTO. Declare it on a handler whose largest valid
 * body is over the default (count UTF-8 bytes: a character of a `MaxLength` string may take 4).
 */
export const JsonBodyLimit = (bytes: number) => SetMetadata(JSON_BODY_LIMIT, bytes);

/** JSON nests no deeper than this; a deeper document is refused before it reaches a recursive walker. */
export const MAX_JSON_DEPTH = 32;
