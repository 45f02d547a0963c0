import type { OpenAPIObject } from '@nestjs/swagger';
import { isBinarySchema } from './response-schema';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/**
 * Every 2xx answer of `document` that promises no schema: `METHOD path status: why`. A 204 has no
 * body; a download declares its binary content; every other 2xx needs a schema for each media type.
 */
export function undocumentedSuccessResponses(document: OpenAPIObject): string[] {
  const gaps: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const successes = Object.entries(operation.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
      const where = (status: string) => `${method.toUpperCase()} ${path} ${status}`;
      if (successes.length === 0) gaps.push(`${where('2xx')}: no success response declared`);
      for (const [status, response] of successes) {
        if (!response) continue;
        const content = 'content' in response ? response.content : undefined;
        if (status === '204') {
          if (content && Object.keys(content).length > 0) gaps.push(`${where(status)}: a 204 has no body`);
          continue;
        }
        const media = Object.entries(content ?? {});
        if (media.length === 0) gaps.push(`${where(status)}: no content`);
        for (const [type, { schema }] of media) {
          if (!schema) gaps.push(`${where(status)} ${type}: no schema`);
          else if (!/json/.test(type) && !isBinarySchema(schema))
            gaps.push(`${where(status)} ${type}: neither JSON nor binary`);
        }
      }
    }
  }
  return gaps;
}
