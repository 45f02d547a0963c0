import type { NextFunction, Request, Response } from 'express';
import { nulCharacterMiddleware } from './nul-characters';

function run(url: string): { next: boolean; status?: number; body?: string } {
  const result: { next: boolean; status?: number; body?: string } = { next: false };
  const response = {
    status(code: number) {
      result.status = code;
      return this;
    },
    type() {
      return this;
    },
    send(body: string) {
      result.body = body;
      return this;
    },
  } as unknown as Response;
  nulCharacterMiddleware(
    { originalUrl: url, path: url.split('?')[0] } as Request,
    response,
    (() => (result.next = true)) as NextFunction,
  );
  return result;
}

describe('nulCharacterMiddleware', () => {
  it('passes ordinary paths and query strings on', () => {
    expect(run('/api/v1/workspaces/abc/config-versions/x%20y?limit=5')).toEqual({ next: true });
  });

  it('answers a NUL in the path or the query with a 400 problem', () => {
    for (const url of ['/api/v1/workspaces/a/config-versions/%00x', '/api/v1/inbox?cursor=a%00b']) {
      const result = run(url);
      expect(result).toMatchObject({ next: false, status: 400 });
      expect(JSON.parse(result.body ?? '{}')).toMatchObject({ status: 400, code: 'INVALID_CHARACTER' });
    }
  });
});
