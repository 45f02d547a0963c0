import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiProduces, ApiResponse, getSchemaPath } from '@nestjs/swagger';

/**
 * A page of a list (contract "Lists"): `{ items: [...], nextCursor: string | null }`, the items
 * documented by `item` (a schema class that `implements` the service's item view).
 */
export function ApiPageResponse(
  item: Type<unknown>,
  description = 'One page; nextCursor is null on the last',
): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(item),
    ApiResponse({
      status: 200,
      description,
      schema: {
        type: 'object',
        required: ['items', 'nextCursor'],
        properties: {
          items: { type: 'array', items: { $ref: getSchemaPath(item) } },
          nextCursor: { type: 'string', nullable: true, description: 'pass as ?cursor= for the next page' },
        },
      },
    }),
  );
}

/** A download: the file's bytes in one of these content types (no JSON body). */
export function ApiBinaryResponse(description: string, ...contentTypes: string[]): MethodDecorator {
  const types = contentTypes.length > 0 ? contentTypes : ['application/octet-stream'];
  return applyDecorators(
    ApiProduces(...types),
    ApiResponse({
      status: 200,
      description,
      content: Object.fromEntries(types.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
    }),
  );
}

/** Media types whose 2xx body is a file, not JSON: a response schema of `{type: string, format: binary}`. */
export const isBinarySchema = (schema: unknown): boolean =>
  typeof schema === 'object' && schema !== null && (schema as { format?: unknown }).format === 'binary';
