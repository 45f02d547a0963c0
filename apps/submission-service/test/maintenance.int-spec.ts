import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { BLOB_STORE, type BlobStore, newBlobKey } from '@atp/platform-blob-store';
import { inTransaction, runInWorkspace } from '@atp/platform-database';
import { DocumentService } from '../src/documents/document.service';
import { SubmissionRepository } from '../src/submissions/submission.repository';
import { UploadSweeper } from '../src/sweeper/upload-sweeper.service';
import { SubmissionHarness, type TestWorkspace } from './support/submission-harness';

jest.setTimeout(120_000);

const HOUR = 3_600_000;

describe('submission-service: abandoned-upload sweeper and the list query (real PostgreSQL and Kafka)', () => {
  const harness = new SubmissionHarness();
  let ws: TestWorkspace;
  let base: string;

  beforeAll(async () => {
    await harness.start();
    ws = await harness.workspace([
      ['u-doc', 'DOC_CONTROL'],
      ['u-auditor', 'AUDITOR'],
    ]);
    base = `/api/v1/workspaces/${ws.workspaceId}`;
  });

  afterAll(() => harness.stop());

  describe('the sweeper', () => {
    async function blobWithIntent(ageMs: number): Promise<string> {
      const store = harness.app.get<BlobStore>(BLOB_STORE);
      const key = newBlobKey(`submissions/${ws.workspaceId}`);
      await harness.query(
        `INSERT INTO blob_upload_intents (blob_key, workspace_id, started_at) VALUES ($1, $2, now() - make_interval(secs => $3 / 1000.0))`,
        [key, ws.workspaceId, ageMs],
      );
      await store.put(Readable.from([Buffer.from('%PDF-1.7 written by a process that died before its commit')]), {
        key,
      });
      return key;
    }

    it('deletes blobs whose upload never committed once the grace period is over, and fails jobs that stopped beating', async () => {
      const store = harness.app.get<BlobStore>(BLOB_STORE);
      const abandoned = await blobWithIntent(2 * HOUR);
      const inFlight = await blobWithIntent(60_000);
      const [{ id: staleJob }] = await harness.query(
        `INSERT INTO bulk_jobs (workspace_id, kind, status, total, report, created_by, updated_at)
         VALUES ($1, 'BULK_REGISTRATION', 'RUNNING', 3, '{"status":"RUNNING","rows":[]}', 'u-doc', now() - interval '2 hours') RETURNING id`,
        [ws.workspaceId],
      );
      const [{ id: liveJob }] = await harness.query(
        `INSERT INTO bulk_jobs (workspace_id, kind, status, total, report, created_by) VALUES ($1, 'BULK_REGISTRATION', 'RUNNING', 3, '{}', 'u-doc') RETURNING id`,
        [ws.workspaceId],
      );

      const result = await harness.app.get(UploadSweeper).sweepOnce(HOUR);

      expect(result.abandonedBlobs).toBeGreaterThanOrEqual(1);
      expect(await store.exists(abandoned)).toBe(false);
      expect(await store.exists(inFlight)).toBe(true);
      const intents = await harness.query(`SELECT blob_key FROM blob_upload_intents WHERE blob_key = ANY($1)`, [
        [abandoned, inFlight],
      ]);
      expect(intents).toEqual([{ blob_key: inFlight }]);
      expect(result.staleJobs).toContain(staleJob);
      expect(result.staleJobs).not.toContain(liveJob);
      const job = await harness
        .http()
        .get(`${base}/jobs/${staleJob}`)
        .set(await harness.auth('u-auditor'));
      expect(job.body).toMatchObject({
        status: 'FAILED',
        error: expect.stringMatching(/interrupted/),
        report: { status: 'PARTIAL' },
      });

      // Other test files count every intent of the shared database: leave none behind.
      await store.delete(inFlight);
      await harness.query(`DELETE FROM blob_upload_intents WHERE blob_key = $1`, [inFlight]);
    });

    it('refuses to commit a document whose upload the sweeper took meanwhile (409 UPLOAD_EXPIRED, no row, no count)', async () => {
      const own = await harness.workspace([['u-doc', 'DOC_CONTROL']]); // the list tests count the shared one's submissions
      const created = await harness
        .http()
        .post(`/api/v1/workspaces/${own.workspaceId}/submissions`)
        .set(await harness.auth('u-doc'))
        .send({ siteCode: own.siteCode, scopeCode: 'PLN_UPGRADE', atpCategory: 'DISMANTLE_KEEP' })
        .expect(201);
      const documents = harness.app.get(DocumentService);
      const swept = newBlobKey(`submissions/${own.workspaceId}`); // no intent: swept while the bytes streamed in
      const stored = {
        blobKey: swept,
        fileName: 'slow.pdf',
        contentType: 'application/pdf',
        sizeBytes: 10,
        sha256: 'a'.repeat(64),
        documentType: 'ATP_DOCUMENT',
        notes: null,
        sourceBatchId: null,
      };
      // As the upload's request would: in its workspace's tenant scope (row-level security).
      const commit = runInWorkspace(own.workspaceId, () =>
        inTransaction(harness.dataSource, async (manager) => {
          const submission = await harness.app
            .get(SubmissionRepository)
            .lock(manager, own.workspaceId, created.body.id);
          return documents.addDocument(manager, submission, 'u-doc', stored);
        }),
      );
      await expect(commit).rejects.toMatchObject({ status: 409, code: 'UPLOAD_EXPIRED' });
      const [row] = await harness.query(
        `SELECT document_count AS "documentCount", (SELECT count(*)::int FROM atp_submission_documents WHERE submission_id = $1) AS rows
         FROM atp_submissions WHERE id = $1`,
        [created.body.id],
      );
      expect(row).toEqual({ documentCount: 0, rows: 0 });
    });
  });

  describe('GET /submissions', () => {
    const created: Array<{ id: string; scopeCode: string; vendorCode: string; atpCategory: string }> = [];

    beforeAll(async () => {
      for (const [scopeCode, vendorCode, atpCategory] of [
        ['MW_NEW', 'AVIAT', 'RAN_MW'],
        ['MW_NEW', 'ZTE', 'SOFTWARE_LICENSE'],
        ['PLN_UPGRADE', 'ZTE', 'PLN_UPGRADE'],
      ]) {
        const response = await harness
          .http()
          .post(`${base}/submissions`)
          .set(await harness.auth('u-doc'))
          .send({ siteCode: ws.siteCode, scopeCode, vendorCode, atpCategory });
        expect(response.status).toBe(201);
        created.push({ id: response.body.id, scopeCode, vendorCode, atpCategory });
      }
    });

    async function list(query: Record<string, string | number>) {
      return harness
        .http()
        .get(`${base}/submissions`)
        .query(query)
        .set(await harness.auth('u-auditor'));
    }

    it('pages newest first with a cursor, without gaps or repeats', async () => {
      const first = await list({ limit: 2 });
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await list({ limit: 2, cursor: first.body.nextCursor });
      expect(second.body.items).toHaveLength(1);
      expect(second.body.nextCursor).toBeNull();
      const ids = [...first.body.items, ...second.body.items].map((item: { id: string }) => item.id);
      expect(ids).toEqual(created.map((c) => c.id).reverse());
    });

    it.each<[Record<string, string>, number[]]>([
      [{ scopeCode: 'PLN_UPGRADE' }, [2]],
      [{ vendorCode: 'ZTE' }, [1, 2]],
      [{ atpCategory: 'RAN_MW' }, [0]],
      [{ status: 'DRAFT', siteCode: '' }, [0, 1, 2]],
      [{ status: 'SUBMITTED' }, []],
      [{ region: 'JABODETABEK' }, [0, 1, 2]],
      [{ region: 'NOWHERE' }, []],
      [{ submittedFrom: '2000-01-01T00:00:00Z' }, []],
    ])('filters by %j', async (query, expected) => {
      const filters = Object.fromEntries(
        Object.entries(query).map(([k, v]) => [k, k === 'siteCode' ? ws.siteCode : v]),
      );
      const response = await list(filters);
      expect(response.status).toBe(200);
      expect(response.body.items.map((item: { id: string }) => item.id).sort()).toEqual(
        expected.map((i) => created[i].id).sort(),
      );
    });

    it('refuses a bad filter, limit or cursor with 400, and a non-member with 404', async () => {
      expect((await list({ status: 'NOPE' })).status).toBe(400);
      expect((await list({ limit: 0 })).status).toBe(400);
      expect((await list({ cursor: 'not-a-cursor' })).status).toBe(400);
      const stranger = await harness
        .http()
        .get(`${base}/submissions`)
        .set(await harness.auth(`u-${randomUUID()}`));
      expect(stranger.status).toBe(404);
    });
  });
});
