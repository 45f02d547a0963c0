import type { OpenAPIObject } from '@nestjs/swagger';
import { undocumentedSuccessResponses } from './response-coverage';

const documentWith = (responses: Record<string, unknown>): OpenAPIObject =>
  ({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths: { '/x': { get: { responses } } } }) as never;
const json = (schema: unknown) => ({ description: 'd', content: { 'application/json': { schema } } });

describe('undocumentedSuccessResponses', () => {
  it('accepts a JSON schema, a declared binary download and a bodiless 204', () => {
    expect(undocumentedSuccessResponses(documentWith({ 200: json({ type: 'object' }) }))).toEqual([]);
    const download = { description: 'd', content: { 'text/csv': { schema: { type: 'string', format: 'binary' } } } };
    expect(undocumentedSuccessResponses(documentWith({ 200: download }))).toEqual([]);
    expect(undocumentedSuccessResponses(documentWith({ 204: { description: 'gone' } }))).toEqual([]);
  });

  it('names each 2xx without a schema, a non-binary non-JSON body, a 204 with a body and no 2xx at all', () => {
    expect(undocumentedSuccessResponses(documentWith({ 201: { description: 'created' } }))).toEqual([
      'GET /x 201: no content',
    ]);
    expect(
      undocumentedSuccessResponses(documentWith({ 200: { description: 'd', content: { 'application/json': {} } } })),
    ).toEqual(['GET /x 200 application/json: no schema']);
    expect(
      undocumentedSuccessResponses(
        documentWith({ 200: { description: 'd', content: { 'text/plain': { schema: { type: 'string' } } } } }),
      ),
    ).toEqual(['GET /x 200 text/plain: neither JSON nor binary']);
    expect(undocumentedSuccessResponses(documentWith({ 204: json({ type: 'object' }) }))).toEqual([
      'GET /x 204: a 204 has no body',
    ]);
    expect(undocumentedSuccessResponses(documentWith({ 400: json({}) }))).toEqual([
      'GET /x 2xx: no success response declared',
    ]);
  });
});
