import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiSchema,
  getSchemaPath,
} from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '@atp/platform-http';

// The response object type of @nestjs/swagger (not exported by name).
type ResponseObject = Extract<NonNullable<OpenAPIObject['components']>['responses'], object>[string] & {
  description: string;
};

/** One refused field of a 400/422 answer (`errors[]`). */
@ApiSchema({ name: 'FieldError' })
export class FieldErrorSchema {
  @ApiProperty({ example: 'siteCode' }) field!: string;
  @ApiProperty({ example: 'must be shorter than or equal to 100 characters' }) message!: string;
  @ApiPropertyOptional({ description: 'the refused value, when short enough to echo' }) value?: unknown;
  @ApiPropertyOptional({ type: 'integer', description: 'instead of value when the value was too long to echo' })
  valueLength?: number;
}

/** RFC 9457 problem details: the body of every error answer (contract "Errors"). */
@ApiSchema({ name: 'Problem' })
export class ProblemSchema {
  @ApiProperty({ example: 'https://atp.example/problems/validation-failed' }) type!: string;
  @ApiProperty({ example: 'Validation failed' }) title!: string;
  @ApiProperty({ type: 'integer', example: 400 }) status!: number;
  @ApiProperty({ description: 'stable machine-readable code', example: 'VALIDATION_FAILED' }) code!: string;
  @ApiPropertyOptional() detail?: string;
  @ApiPropertyOptional() instance?: string;
  @ApiPropertyOptional({ type: () => FieldErrorSchema, isArray: true }) errors?: FieldErrorSchema[];
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Malformed request or a value the validation refuses',
  401: 'No valid bearer token',
  403: 'The caller lacks a role this route needs',
  404: 'Not found, or a workspace the caller is no member of',
  409: 'Conflicts with the current state (or the same idempotency key is in flight)',
  413: 'The body is larger than the route accepts',
  415: 'A content type the route does not accept',
  422: 'Well-formed but refused by the domain rules',
  429: 'Rate limited (see Retry-After)',
  503: 'Temporarily unavailable (see Retry-After)',
};

/** The statuses every API route can answer with a problem. */
export const COMMON_PROBLEM_STATUSES = [400, 401, 403, 404, 409, 422, 429, 503] as const;
/** What the body parser adds for routes with a request body. */
export const BODY_PROBLEM_STATUSES = [413, 415] as const;

/** The response object of a problem answer, for documents assembled by hand. */
export function problemResponse(status: number): ResponseObject {
  return {
    description: REASONS[status] ?? 'Problem',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemSchema) } } },
  };
}

/**
 * Documents the problem+json answers of a controller (on the class) or of one handler, with the one
 * shared Problem schema. Without arguments: the statuses every route can answer.
 */
export function ApiProblems(...statuses: number[]): ClassDecorator & MethodDecorator {
  const chosen = statuses.length > 0 ? statuses : [...COMMON_PROBLEM_STATUSES];
  return applyDecorators(
    ApiExtraModels(ProblemSchema, FieldErrorSchema),
    ...chosen.map((status) => ApiResponse({ status, ...problemResponse(status) } as Parameters<typeof ApiResponse>[0])),
  );
}
