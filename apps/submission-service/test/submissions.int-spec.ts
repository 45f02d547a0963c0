import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkspaceDeactivatedV1 } from '@atp/contracts';
import { waitFor } from '@atp/testing';
import { SubmissionHarness, type TestWorkspace } from './support/submission-harness';

jest.setTimeout(120_000);

const pdf = (size = 4096): Buffer => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size)]);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('submission-service: submissions, documents and QA (real PostgreSQL and Kafka)', () => {
  const harness = new SubmissionHarness({ maxUploadBytes: 2 * 1024 * 1024 });
  let ws: TestWorkspace;
  let other: TestWorkspace;
  let base: string;

  beforeAll(async () => {
    await harness.start();
    ws = await harness.workspace([
      ['u-doc', 'DOC_CONTROL'],
      ['u-qa', 'QA_ENGINEER'],
      ['u-auditor', 'AUDITOR'],
    ]);
    other = await harness.workspace([['u-doc', 'DOC_CONTROL']]);
    base = `/api/v1/workspaces/${ws.workspaceId}`;
  });

  afterAll(() => harness.stop());

  async function create(body: Record<string, unknown>, user = 'u-doc') {
    return harness
      .http()
      .post(`${base}/submissions`)
      .set(await harness.auth(user))
      .send(body);
  }

  async function upload(submissionId: string, bytes: Buffer, fileName: string, user = 'u-doc') {
    return harness
      .http()
      .post(`${base}/submissions/${submissionId}/documents`)
      .set(await harness.auth(user))
      .attach('file', bytes, { filename: fileName, contentType: 'application/pdf' });
  }

  async function documentCount(submissionId: string): Promise<number> {
    const [{ n }] = await harness.query(
      `SELECT count(*)::int AS n FROM atp_submission_documents WHERE submission_id = $1`,
      [submissionId],
    );
    return n;
  }

  async function intents(): Promise<number> {
    const [{ n }] = await harness.query(`SELECT count(*)::int AS n FROM blob_upload_intents`);
    return n;
  }

  describe('create', () => {
    it('creates a DRAFT submission from replica references and answers 409 with the existing id for a duplicate', async () => {
      const created = await create({
        siteCode: ws.siteCode,
        scopeCode: 'MW_NEW',
        vendorCode: 'aviat',
        atpCategory: 'RAN_MW',
        title: 'MW link',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        status: 'DRAFT',
        siteCode: ws.siteCode,
        scopeCode: 'MW_NEW',
        vendorCode: 'AVIAT',
        atpCategory: 'RAN_MW',
        attemptNumber: 1,
        workflowInstanceId: null,
        documents: [],
        attempts: [],
      });
      const duplicate = await create({ siteCode: ws.siteCode, scopeCode: 'MW_NEW', atpCategory: 'HARDWARE' });
      expect(duplicate.status).toBe(409);
      expect(duplicate.headers['content-type']).toContain('application/problem+json');
      expect(duplicate.body).toMatchObject({ code: 'SUBMISSION_EXISTS', existingSubmissionId: created.body.id });
      const events = await harness.outboxEvents(created.body.id);
      expect(events.map((e) => e.eventType)).toEqual(['submission.created']);
      // The create answers from the INSERT's row: it is the same document a GET answers.
      const read = await harness
        .http()
        .get(`${base}/submissions/${created.body.id}`)
        .set(await harness.auth('u-auditor'))
        .expect(200);
      expect(created.body).toEqual(read.body);
    });

    it.each([
      ['an unknown site', { siteCode: 'NOPE-1', scopeCode: 'MW_NEW' }, 'siteCode'],
      ['an unknown scope', { scopeCode: 'NO_SCOPE' }, 'scopeCode'],
      ['an unknown vendor', { scopeCode: 'PLN_UPGRADE', vendorCode: 'ACME' }, 'vendorCode'],
      ['an unknown category', { scopeCode: 'PLN_UPGRADE', atpCategory: 'NOT_A_CATEGORY' }, 'atpCategory'],
    ])('refuses %s with 422 naming the field, and stores nothing', async (_label, body, field) => {
      const before = await harness.query(`SELECT count(*)::int AS n FROM atp_submissions WHERE workspace_id = $1`, [
        ws.workspaceId,
      ]);
      const response = await create({ siteCode: ws.siteCode, ...body });
      expect(response.status).toBe(422);
      expect(response.body.errors?.[0]?.field ?? response.body.field).toBe(field);
      const after = await harness.query(`SELECT count(*)::int AS n FROM atp_submissions WHERE workspace_id = $1`, [
        ws.workspaceId,
      ]);
      expect(after).toEqual(before);
    });

    it('refuses a site of another workspace as unknown (422), never as a foreign row', async () => {
      const response = await create({ siteCode: other.siteCode, scopeCode: 'PLN_UPGRADE' });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ code: 'UNKNOWN_REFERENCE', field: 'siteCode' });
    });

    it('answers 401 without a token, 404 to a non-member, 403 to a member without DOC_CONTROL, 400 for unknown fields', async () => {
      await harness.http().post(`${base}/submissions`).send({ siteCode: ws.siteCode, scopeCode: 'MW_NEW' }).expect(401);
      expect((await create({ siteCode: ws.siteCode, scopeCode: 'MW_NEW' }, 'u-stranger')).status).toBe(404);
      expect((await create({ siteCode: ws.siteCode, scopeCode: 'MW_NEW' }, 'u-auditor')).status).toBe(403);
      const unknown = await create({ siteCode: ws.siteCode, scope_code: 'MW_NEW' });
      expect(unknown.status).toBe(400);
      // X-User-Id names nobody: the token's subject is the caller.
      const named = await harness
        .http()
        .post(`${base}/submissions`)
        .set(await harness.auth('u-doc'))
        .set('x-user-id', 'u-qa')
        .send({ siteCode: ws.siteCode, scopeCode: 'MW_NEW', atpCategory: 'DISMANTLE_DROP' });
      expect(named.status).toBe(201);
      expect(named.body.createdBy).toBe('u-doc');
    });

    it('replays a create with the same Idempotency-Key and refuses the key with another body', async () => {
      const auth = await harness.auth('u-doc');
      const body = { siteCode: ws.siteCode, scopeCode: 'PLN_UPGRADE', atpCategory: 'DISMANTLE_KEEP' };
      const first = await harness
        .http()
        .post(`${base}/submissions`)
        .set(auth)
        .set('idempotency-key', 'create-1')
        .send(body);
      const replay = await harness
        .http()
        .post(`${base}/submissions`)
        .set(auth)
        .set('idempotency-key', 'create-1')
        .send(body);
      expect(first.status).toBe(201);
      expect(replay.status).toBe(201);
      expect(replay.body.id).toBe(first.body.id);
      const reused = await harness
        .http()
        .post(`${base}/submissions`)
        .set(auth)
        .set('idempotency-key', 'create-1')
        .send({ ...body, atpCategory: 'DISMANTLE_DROP' });
      expect(reused.status).toBe(422);
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });
  });

  describe('documents', () => {
    let submissionId: string;

    beforeAll(async () => {
      const created = await create({ siteCode: ws.siteCode, scopeCode: 'PLN_UPGRADE' });
      submissionId = created.body.id;
    });

    it('streams a PDF in, versions it, suggests the category, and streams the same bytes back with the stored type', async () => {
      const bytes = pdf(300 * 1024);
      const uploaded = await upload(submissionId, bytes, 'ATP_PLN_Upgrade_JKT.pdf');
      expect(uploaded.status).toBe(201);
      expect(uploaded.body).toMatchObject({
        version: 1,
        sha256: sha256(bytes),
        sizeBytes: bytes.length,
        contentType: 'application/pdf',
        suggestedCategory: { category: 'PLN_UPGRADE', confidence: 0.9, method: 'filename_analysis' },
      });
      const submission = await harness
        .http()
        .get(`${base}/submissions/${submissionId}`)
        .set(await harness.auth('u-auditor'))
        .expect(200);
      expect(submission.body).toMatchObject({
        atpCategory: 'PLN_UPGRADE',
        categoryMethod: 'SUGGESTED',
        documentCount: 1,
      });
      const content = await harness
        .http()
        .get(`${base}/submissions/${submissionId}/documents/${uploaded.body.documentId}/content`)
        .set(await harness.auth('u-auditor'))
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(content.status).toBe(200);
      expect(content.headers['content-type']).toBe('application/pdf');
      expect(sha256(content.body as Buffer)).toBe(sha256(bytes));
      const second = await upload(submissionId, pdf(), 'second.pdf');
      expect(second.body.version).toBe(2);
    });

    it.each([
      ['a 0-byte file named .pdf', () => Buffer.alloc(0), 'empty.pdf', 422, 'EMPTY_FILE'],
      ['a file over the limit', () => pdf(2 * 1024 * 1024 + 10), 'big.pdf', 413, 'FILE_TOO_LARGE'],
      [
        'text with a PDF name (wrong magic bytes)',
        () => Buffer.from('this is not a PDF at all'),
        'atp.pdf',
        415,
        'UNSUPPORTED_FILE_TYPE',
      ],
      [
        'a plain zip',
        () => Buffer.from('PK\u0003\u0004\u0014\u0000\u0000\u0000notes.txt'),
        'atp.pdf',
        415,
        'UNSUPPORTED_FILE_TYPE',
      ],
    ])('refuses %s with problem+json and keeps no row and no blob', async (_label, make, fileName, status, code) => {
      const countBefore = await documentCount(submissionId);
      const blobsBefore = await harness.blobFiles();
      const response = await upload(submissionId, make(), fileName);
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body.code).toBe(code);
      expect(await documentCount(submissionId)).toBe(countBefore);
      expect(await harness.blobFiles()).toEqual(blobsBefore);
      expect(await intents()).toBe(0);
    });

    it('replays an upload with the same Idempotency-Key: one row, one blob, the first answer', async () => {
      const bytes = pdf(64 * 1024);
      const send = async () =>
        harness
          .http()
          .post(`${base}/submissions/${submissionId}/documents`)
          .set(await harness.auth('u-doc'))
          .set('idempotency-key', 'upload-1')
          .attach('file', bytes, { filename: 'replayed.pdf', contentType: 'application/pdf' });
      const countBefore = await documentCount(submissionId);
      const blobsBefore = (await harness.blobFiles()).length;
      const first = await send();
      const replay = await send();
      expect(first.status).toBe(201);
      expect(replay.status).toBe(201);
      expect(replay.body).toEqual(first.body);
      expect(await documentCount(submissionId)).toBe(countBefore + 1);
      expect((await harness.blobFiles()).length).toBe(blobsBefore + 1);
      expect(await intents()).toBe(0);
    });

    it('refuses an upload to a submission in review before reading the body, and records no intent', async () => {
      const created = await create({ siteCode: ws.siteCode, scopeCode: 'PLN_UPGRADE', atpCategory: 'DISMANTLE_DROP' });
      await harness.query(`UPDATE atp_submissions SET status = 'IN_REVIEW' WHERE id = $1`, [created.body.id]);
      const response = await upload(created.body.id, pdf(), 'late.pdf');
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({ code: 'SUBMISSION_IN_PROGRESS', currentStatus: 'IN_REVIEW' });
      expect(await intents()).toBe(0);
      expect(await documentCount(created.body.id)).toBe(0);
      const unknown = await upload('00000000-0000-4000-8000-000000000000', pdf(), 'nowhere.pdf');
      expect(unknown.status).toBe(404);
      expect(await intents()).toBe(0);
    });

    it('refuses a body that is not multipart with 415', async () => {
      const response = await harness
        .http()
        .post(`${base}/submissions/${submissionId}/documents`)
        .set(await harness.auth('u-doc'))
        .send({ file: 'x' });
      expect(response.status).toBe(415);
    });

    it('leaves no row, no blob and no temporary file when the client aborts mid-upload', async () => {
      const server = harness.app.getHttpServer();
      if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const countBefore = await documentCount(submissionId);
      const blobsBefore = await harness.blobFiles();
      const boundary = 'abort-boundary';
      const auth = await harness.auth('u-doc');
      await new Promise<void>((resolve) => {
        const req = httpRequest({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `${base}/submissions/${submissionId}/documents`,
          headers: {
            ...auth,
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': String(1024 * 1024),
          },
        });
        req.on('error', () => resolve());
        req.write(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
        );
        req.write(pdf(200 * 1024));
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 300);
      });
      await waitFor(async () => (await intents()) === 0, { what: 'the aborted upload to be cleaned up' });
      expect(await documentCount(submissionId)).toBe(countBefore);
      expect(await harness.blobFiles()).toEqual(blobsBefore);
    });
  });

  describe('categorize, category override, submit and QA', () => {
    it('classifies a file name alone', async () => {
      const auth = await harness.auth('u-auditor');
      const hit = await harness
        .http()
        .post(`${base}/categorize`)
        .set(auth)
        .send({ fileName: 'SW_License_UG.pdf' })
        .expect(200);
      expect(hit.body).toMatchObject({ category: 'SOFTWARE_LICENSE', method: 'filename_analysis' });
      const none = await harness
        .http()
        .post(`${base}/categorize`)
        .set(auth)
        .send({ fileName: 'Transmission.pdf' })
        .expect(200);
      expect(none.body).toMatchObject({ category: null, confidence: 0 });
    });

    it('submit without a category is 422; an override is recorded; submit pins the ACTIVE versions; QA reject needs a comment', async () => {
      const created = await create({ siteCode: ws.siteCode, scopeCode: 'MW_NEW', vendorCode: 'ZTE' });
      const id = created.body.id as string;
      expect((await upload(id, pdf(), 'scan_0001.pdf')).status).toBe(201);
      const auth = await harness.auth('u-doc');
      const refused = await harness.http().post(`${base}/submissions/${id}/submit`).set(auth).send();
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('CATEGORY_REQUIRED');
      const noReason = await harness
        .http()
        .post(`${base}/submissions/${id}/category`)
        .set(auth)
        .send({ atpCategory: 'SOFTWARE_LICENSE' });
      expect(noReason.status).toBe(400);
      await harness
        .http()
        .post(`${base}/submissions/${id}/category`)
        .set(auth)
        .send({ atpCategory: 'SOFTWARE_LICENSE', reason: 'licence upgrade, file badly named' })
        .expect(200);
      const overrides = await harness.query(
        `SELECT to_category, reason, overridden_by FROM atp_category_overrides WHERE submission_id = $1`,
        [id],
      );
      expect(overrides).toEqual([
        { to_category: 'SOFTWARE_LICENSE', reason: 'licence upgrade, file badly named', overridden_by: 'u-doc' },
      ]);

      const submitted = await harness.http().post(`${base}/submissions/${id}/submit`).set(auth).send();
      expect(submitted.status).toBe(200);
      expect(submitted.body).toMatchObject({ status: 'SUBMITTED', attemptNumber: 1 });
      expect(submitted.body.attempts[0].configVersionIds).toEqual(ws.versions);

      const qa = await harness.auth('u-qa');
      await harness
        .http()
        .post(`${base}/submissions/${id}/qa-review`)
        .set(await harness.auth('u-doc'))
        .send({ decision: 'REJECT', comment: 'x' })
        .expect(403);
      const noComment = await harness
        .http()
        .post(`${base}/submissions/${id}/qa-review`)
        .set(qa)
        .send({ decision: 'REJECT' });
      expect(noComment.status).toBe(422);
      const rejected = await harness
        .http()
        .post(`${base}/submissions/${id}/qa-review`)
        .set(qa)
        .send({ decision: 'REJECT', comment: 'cover page unsigned' });
      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({
        status: 'REJECTED_PRE_QA',
        attempts: [{ attemptNumber: 1, status: 'REJECTED_PRE_QA', qaComment: 'cover page unsigned' }],
      });
      const again = await harness
        .http()
        .post(`${base}/submissions/${id}/qa-review`)
        .set(qa)
        .send({ decision: 'APPROVE' });
      expect(again.status).toBe(409);
      const types = (await harness.outboxEvents(id)).map((e) => e.eventType);
      expect(types).toEqual([
        'submission.created',
        'submission.document-uploaded',
        'submission.submitted',
        'submission.status-changed',
        'submission.qa-rejected',
        'submission.status-changed',
      ]);
    });

    it('a deactivated workspace takes no new submission', async () => {
      const gone = await harness.workspace([['u-doc', 'DOC_CONTROL']]);
      await harness.publish(WorkspaceDeactivatedV1, gone.workspaceId, gone.workspaceId, {
        workspaceId: gone.workspaceId,
        code: `WS-${gone.workspaceId.slice(0, 8)}`,
        name: 'Test workspace',
        isActive: false,
      });
      await waitFor(
        async () =>
          (
            await harness.query(`SELECT 1 FROM workspace_replica WHERE workspace_id = $1 AND NOT is_active`, [
              gone.workspaceId,
            ])
          ).length > 0,
      );
      const response = await harness
        .http()
        .post(`/api/v1/workspaces/${gone.workspaceId}/submissions`)
        .set(await harness.auth('u-doc'))
        .send({ siteCode: gone.siteCode, scopeCode: 'MW_NEW' });
      expect(response.status).toBe(422);
      expect(response.body.code).toBe('WORKSPACE_INACTIVE');
    });
  });
});
