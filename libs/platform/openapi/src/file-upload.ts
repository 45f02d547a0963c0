import { applyDecorators, type Type } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiExtraModels, getSchemaPath } from '@nestjs/swagger';

/**
 * A multipart/form-data route: a `file` part plus the text fields of `fields` (a validated DTO, the
 * handler's `@Body()`) or the free-form fields named here.
 */
export function ApiFileUpload(
  description: string,
  fields?: Type<unknown> | Record<string, { type: 'string'; description?: string; maxLength?: number }>,
): MethodDecorator {
  const file = {
    type: 'object',
    required: ['file'],
    properties: { file: { type: 'string', format: 'binary', description } },
  };
  const textFields = typeof fields === 'function' ? undefined : fields;
  const schema =
    typeof fields === 'function'
      ? { allOf: [{ $ref: getSchemaPath(fields) }, file] }
      : { ...file, properties: { ...file.properties, ...(textFields ?? {}) } };
  return applyDecorators(
    ...(typeof fields === 'function' ? [ApiExtraModels(fields)] : []),
    ApiConsumes('multipart/form-data'),
    ApiBody({ schema }),
  );
}
