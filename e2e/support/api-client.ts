import { randomUUID } from 'node:crypto';
import { assertAnswerKeepsContract } from '@atp/testing';

/** One HTTP answer of the gateway, body parsed when it is JSON (problem+json included). */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  contentType: string;
  /** Parsed JSON, or the text when the answer is not JSON. */
  body: T;
  text: string;
}

/** How a request names its caller (architecture §7); one implementation per identity mechanism. */
export interface Identity {
  headersFor(userId: string): Promise<Record<string, string>>;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  headers?: Record<string, string>;
  /** Sent on creating and deciding POSTs; a fresh key per call unless given (null: none). */
  idempotencyKey?: string | null;
}

export interface FilePart {
  field: string;
  fileName: string;
  content: Buffer | string;
  contentType?: string;
}

/**
 * The suite's only way into the platform: HTTP through the gateway, `/api/v1` paths, the caller named
 * by its identity. Nothing here knows a service's port.
 */
export class Api {
  constructor(
    readonly baseUrl: string,
    private readonly identity: Identity,
  ) {}

  /** Requests made as `userId`; `null` sends no identity at all. */
  as(userId: string | null): Caller {
    return new Caller(this, userId);
  }

  /** A request exactly as given: full path (query included), headers and body; no identity is added. */
  async raw(
    method: string,
    pathAndQuery: string,
    headers: Record<string, string>,
    body?: RequestInit['body'],
  ): Promise<ApiResponse> {
    const url = new URL(pathAndQuery, this.baseUrl);
    return checked(method, url, await parse(await fetch(url, { method, headers, body })));
  }

  async send(
    userId: string | null,
    method: string,
    path: string,
    body: RequestInit['body'],
    options: RequestOptions & { json?: boolean } = {},
  ): Promise<ApiResponse> {
    const url = new URL(`/api/v1${path}`, this.baseUrl);
    for (const [key, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { ...(userId === null ? {} : await this.identity.headersFor(userId)) };
    if (options.json) headers['content-type'] = 'application/json';
    if (method === 'POST' && options.idempotencyKey !== null)
      headers['idempotency-key'] = options.idempotencyKey ?? randomUUID();
    Object.assign(headers, options.headers);
    return checked(method, url, await parse(await fetch(url, { method, headers, body })));
  }
}

export class Caller {
  constructor(
    private readonly api: Api,
    readonly userId: string | null,
  ) {}

  get(path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    return this.api.send(this.userId, 'GET', path, undefined, options);
  }

  post(path: string, body: unknown = {}, options: RequestOptions = {}): Promise<ApiResponse> {
    return this.api.send(this.userId, 'POST', path, JSON.stringify(body), { ...options, json: true });
  }

  put(path: string, body: unknown, options: RequestOptions = {}): Promise<ApiResponse> {
    return this.api.send(this.userId, 'PUT', path, JSON.stringify(body), { ...options, json: true });
  }

  patch(path: string, body: unknown, options: RequestOptions = {}): Promise<ApiResponse> {
    return this.api.send(this.userId, 'PATCH', path, JSON.stringify(body), { ...options, json: true });
  }

  delete(path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    return this.api.send(this.userId, 'DELETE', path, undefined, options);
  }

  /** A multipart POST: text fields plus file parts. */
  upload(
    path: string,
    fields: Record<string, string>,
    files: FilePart[],
    options: RequestOptions = {},
  ): Promise<ApiResponse> {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    for (const file of files) {
      const bytes = typeof file.content === 'string' ? Buffer.from(file.content) : file.content;
      form.append(
        file.field,
        new Blob([bytes], { type: file.contentType ?? 'application/octet-stream' }),
        file.fileName,
      );
    }
    return this.api.send(this.userId, 'POST', path, form, options);
  }
}

/** Every answer the suite receives is checked against docs/openapi.json (a JSON 2xx must match its schema). */
function checked(method: string, url: URL, answer: ApiResponse): ApiResponse {
  assertAnswerKeepsContract(method, url.pathname, answer.status, answer.contentType, answer.body);
  return answer;
}

async function parse(response: Response): Promise<ApiResponse> {
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  let body: unknown = text;
  if (/json/.test(contentType) && text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text; // left as text: a test asserting on JSON fails with the text shown
    }
  }
  return { status: response.status, headers: response.headers, contentType, body, text };
}

/** Fails with the whole answer when the status is not the expected one (the message shows the problem). */
export function expectStatus<T = any>(response: ApiResponse<T>, status: number, what = ''): ApiResponse<T> {
  if (response.status !== status) {
    throw new Error(
      `${what ? `${what}: ` : ''}expected HTTP ${status}, got ${response.status} ${response.contentType}\n${response.text.slice(0, 2000)}`,
    );
  }
  return response;
}
