import { createServer } from 'node:http';
import request from 'supertest';
import { nulCharacterMiddleware } from './nul-characters';

const server = createServer((req, res) => nulCharacterMiddleware(req, res, () => res.end('next')));

describe('nulCharacterMiddleware', () => {
  it('passes ordinary paths and query strings on', async () => {
    const answer = await request(server).get('/api/v1/workspaces/abc/config-versions/x%20y?limit=5').expect(200);
    expect(answer.text).toBe('next');
  });

  it('answers a NUL in the path or the query with a 400 problem', async () => {
    for (const url of ['/api/v1/workspaces/a/config-versions/%00x', '/api/v1/inbox?cursor=a%00b']) {
      const answer = await request(server).get(url).expect(400);
      expect(answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(JSON.parse(answer.text)).toMatchObject({
        status: 400,
        code: 'INVALID_CHARACTER',
        instance: url.split('?')[0],
      });
    }
  });
});
