import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { assertAnswerKeepsContract, waitFor, zipOf, type ZipEntrySpec } from '@atp/testing';
import { BULK_WORK_DIR } from '../src/bulk/bulk-intake';
import { SubmissionHarness, type TestWorkspace } from './support/submission-harness';

jest.setTimeout(180_000);

const MIB = 1024 * 1024;
const pdf = (size = 4096): Buffer => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size)]);
/** A PDF header on bytes of 2 bits of entropy each: it deflates about 3:1, like a real scan. */
const compressiblePdf = (size: number): Buffer => {
  const body = randomBytes(size);
  for (let i = 0; i < body.length; i++) body[i] &= 0x03;
  return Buffer.concat([Buffer.from('%PDF-1.7\n'), body]);
};
const csv = (lines: string[][]): Buffer => Buffer.from(lines.map((line) => line.join(',')).join('\r\n'));
const HEADER = ['Site Code', 'Scope Code', 'Vendor Code', 'ATP Category', 'File Name'];

describe('submission-service: bulk registration (real PostgreSQL and Kafka)', () => {
  const harness = new SubmissionHarness({
    maxUploadBytes: 2 * MIB,
    env: {
      BULK_MAX_ZIP_BYTES: String(4 * MIB),
      BULK_MAX_ZIP_ENTRIES: '8',
      BULK_MAX_INFLATED_BYTES: String(6 * MIB),
      BULK_MAX_MANIFEST_BYTES: String(64 * 1024),
    },
  });
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

  async function post(
    manifest: Buffer,
    zip: Buffer,
    options: { manifestName?: string; key?: string; user?: string } = {},
  ) {
    const call = harness
      .http()
      .post(`${base}/submissions/bulk`)
      .set(await harness.auth(options.user ?? 'u-doc'));
    if (options.key) call.set('Idempotency-Key', options.key);
    return call
      .attach('manifest', manifest, { filename: options.manifestName ?? 'manifest.csv', contentType: 'text/csv' })
      .attach('documents', zip, { filename: 'documents.zip', contentType: 'application/zip' });
  }

  async function finished(jobId: string) {
    let body: Record<string, unknown> = {};
    await waitFor(
      async () => {
        const response = await harness
          .http()
          .get(`${base}/jobs/${jobId}`)
          .set(await harness.auth('u-auditor'));
        body = response.body as Record<string, unknown>;
        return response.status === 200 && body.status !== 'RUNNING';
      },
      { what: `job ${jobId} to finish`, timeoutMs: 60_000 },
    );
    // The job's answer is what docs/openapi.json promises (the e2e journeys register no bulk batch).
    assertAnswerKeepsContract('GET', `${base}/jobs/${jobId}`, 200, 'application/json', body);
    return body as {
      status: string;
      total: number;
      done: number;
      failed: number;
      report: {
        status: string;
        rowCount: number;
        rows: Array<Record<string, unknown>>;
        errors: Array<Record<string, unknown>>;
        warnings: unknown[];
      };
    };
  }

  async function state() {
    const [{ submissions }] = await harness.query(
      `SELECT count(*)::int AS submissions FROM atp_submissions WHERE workspace_id = $1`,
      [ws.workspaceId],
    );
    const [{ jobs }] = await harness.query(`SELECT count(*)::int AS jobs FROM bulk_jobs WHERE workspace_id = $1`, [
      ws.workspaceId,
    ]);
    const [{ intents }] = await harness.query(
      `SELECT count(*)::int AS intents FROM blob_upload_intents WHERE workspace_id = $1`,
      [ws.workspaceId],
    );
    const temp = await readdir(BULK_WORK_DIR).catch(() => []);
    return { submissions, jobs, intents, blobs: (await harness.blobFiles()).length, temp: temp.length };
  }

  it('registers the valid rows and reports every refused one by row, column and code', async () => {
    const site = ws.siteCode;
    const manifest = csv([
      HEADER,
      [site, 'MW_NEW', 'AVIAT', 'RAN_MW', 'mw-new.pdf'],
      [site, 'PLN_UPGRADE', 'ZTE', '', 'PLN Upgrade ATP.pdf'], // no category: the document's suggestion is taken
      ['NO-SUCH-SITE', 'MW_NEW', 'AVIAT', 'SOFTWARE_LICENSE', 'mw-new.pdf'],
      [site, 'MW_NEW', 'AVIAT', 'RAN_MW', 'mw-new.pdf'], // the same (site, scope, category) again
      [site, 'MW_NEW', 'AVIAT', 'DISMANTLE_DROP', 'missing.pdf'],
      [site, 'MW_NEW', 'AVIAT', 'DISMANTLE_KEEP', 'notes.pdf'], // text named .pdf
      ['', 'MW_NEW', 'AVIAT', 'SOFTWARE_LICENSE', 'mw-new.pdf'],
    ]);
    const zip = zipOf([
      { name: 'mw-new.pdf', content: pdf(20_000) },
      { name: 'folder/PLN Upgrade ATP.pdf', content: pdf(10_000) },
      { name: 'notes.pdf', content: Buffer.from('just some text, not a PDF') },
    ]);
    const before = await state();
    const response = await post(manifest, zip, { key: 'bulk-1' });
    expect(response.status).toBe(202);
    assertAnswerKeepsContract('POST', `${base}/submissions/bulk`, 202, response.type, response.body);
    const jobId = response.body.jobId as string;
    const job = await finished(jobId);
    expect(job).toMatchObject({ status: 'SUCCEEDED', total: 7, done: 2, failed: 5 });
    expect(job.report.status).toBe('PARTIAL');
    expect(job.report.rows.map((row) => [row.row, row.status])).toEqual([
      [2, 'CREATED'],
      [3, 'CREATED'],
      [4, 'FAILED'],
      [5, 'FAILED'],
      [6, 'FAILED'],
      [7, 'FAILED'],
      [8, 'FAILED'],
    ]);
    expect(job.report.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [4, 'site_code', 'UNKNOWN_REFERENCE'],
      [5, null, 'SUBMISSION_EXISTS'],
      [6, 'file_name', 'FILE_NOT_IN_ZIP'],
      [7, null, 'UNSUPPORTED_FILE_TYPE'],
      [8, 'site_code', 'REQUIRED'],
    ]);
    expect(job.report.errors[0]).toMatchObject({ sheet: 'manifest', severity: 'ERROR' });

    const created = await harness.query(
      `SELECT s.scope_code AS "scopeCode", s.atp_category AS "atpCategory", s.category_method AS "method", d.file_name AS "fileName",
         d.source_batch_id AS "batch", d.sha256
       FROM atp_submissions s JOIN atp_submission_documents d ON d.submission_id = s.id
       WHERE s.workspace_id = $1 ORDER BY s.scope_code`,
      [ws.workspaceId],
    );
    expect(created).toEqual([
      expect.objectContaining({
        scopeCode: 'MW_NEW',
        atpCategory: 'RAN_MW',
        method: 'EXPLICIT',
        fileName: 'mw-new.pdf',
        batch: jobId,
      }),
      expect.objectContaining({
        scopeCode: 'PLN_UPGRADE',
        atpCategory: 'PLN_UPGRADE',
        method: 'SUGGESTED',
        fileName: 'PLN Upgrade ATP.pdf',
        batch: jobId,
      }),
    ]);
    const after = await state();
    // Two blobs for two documents; the refused rows left no blob, no intent; the zip is gone.
    expect(after).toEqual({
      ...before,
      submissions: before.submissions + 2,
      jobs: before.jobs + 1,
      blobs: before.blobs + 2,
    });

    const replay = await post(manifest, zip, { key: 'bulk-1' });
    expect(replay.status).toBe(202);
    expect(replay.body.jobId).toBe(jobId);
    expect(await state()).toEqual(after);
    const reused = await post(manifest, zipOf([{ name: 'mw-new.pdf', content: pdf(10) }]), { key: 'bulk-1' });
    expect(reused.status).toBe(422);
  });

  it('reads an XLSX manifest', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Submissions');
    sheet.addRow(['site', 'scope', 'vendor', 'category', 'document']);
    sheet.addRow([ws.siteCode, 'MW_NEW', 'ZTE', 'SOFTWARE_LICENSE', 'sw-license.pdf']);
    const manifest = Buffer.from(await workbook.xlsx.writeBuffer());
    const response = await post(manifest, zipOf([{ name: 'sw-license.pdf', content: pdf() }]), {
      manifestName: 'manifest.xlsx',
    });
    expect(response.status).toBe(202);
    const job = await finished(response.body.jobId);
    expect(job).toMatchObject({ status: 'SUCCEEDED', total: 1, done: 1, failed: 0, report: { status: 'ALL_CREATED' } });
  });

  it('fails a row whose entry inflates past the size its directory declared (a lying zip), leaving nothing of it', async () => {
    const before = await state();
    const lying: ZipEntrySpec = {
      name: 'lying.pdf',
      content: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(1536 * 1024)]),
      declaredSize: 1000,
    };
    const response = await post(
      csv([HEADER, [ws.siteCode, 'PLN_UPGRADE', 'ZTE', 'DISMANTLE_KEEP', 'lying.pdf']]),
      zipOf([lying]),
    );
    expect(response.status).toBe(202);
    const job = await finished(response.body.jobId);
    expect(job).toMatchObject({ status: 'SUCCEEDED', done: 0, failed: 1, report: { status: 'NONE_CREATED' } });
    expect(job.report.errors[0]).toMatchObject({ code: 'ZIP_ENTRY_DAMAGED' });
    expect(await state()).toEqual({ ...before, jobs: before.jobs + 1 });
  });

  const manifestFor = (fileName: string) =>
    csv([HEADER, [ws?.siteCode ?? '', 'MW_NEW', 'AVIAT', 'DISMANTLE_DROP', fileName]]);
  const bigSheetXlsx = () =>
    zipOf([
      { name: '[Content_Types].xml', content: Buffer.from('<?xml version="1.0"?><Types/>') },
      { name: 'xl/worksheets/sheet1.xml', content: Buffer.alloc(20 * MIB, 0x20) },
    ]);

  type Refusal = [string, () => Buffer, () => Buffer, number, string, string?];
  it.each<Refusal>([
    [
      'a zip bomb (an entry declaring 30 MB, deflated to kilobytes)',
      () => manifestFor('bomb.pdf'),
      () => zipOf([{ name: 'bomb.pdf', content: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(30 * MIB)]) }]),
      413,
      'ZIP_ENTRY_TOO_LARGE',
    ],
    [
      'an entry compressed past 100:1',
      () => manifestFor('ratio.pdf'),
      () =>
        zipOf([{ name: 'ratio.pdf', content: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(1536 * 1024)]) }]),
      413,
      'ZIP_INFLATES_TOO_LARGE',
    ],
    [
      'entries inflating past the total',
      () => manifestFor('a.pdf'),
      () => zipOf(['a', 'b', 'c', 'd'].map((n) => ({ name: `${n}.pdf`, content: compressiblePdf(1900 * 1024) }))),
      413,
      'ZIP_INFLATES_TOO_LARGE',
    ],
    [
      'a declared size of 4 GB',
      () => manifestFor('huge.pdf'),
      () => zipOf([{ name: 'huge.pdf', content: pdf(10), declaredSize: 0xfffffffe }]),
      413,
      'ZIP_ENTRY_TOO_LARGE',
    ],
    [
      'too many entries',
      () => manifestFor('e0.pdf'),
      () => zipOf(Array.from({ length: 9 }, (_, i) => ({ name: `e${i}.pdf`, content: pdf(10) }))),
      413,
      'ZIP_TOO_MANY_ENTRIES',
    ],
    [
      'a zip over its limit',
      () => manifestFor('big.pdf'),
      () => zipOf([{ name: 'big.pdf', content: pdf(5 * MIB), stored: true }]),
      413,
      'FILE_TOO_LARGE',
    ],
    [
      'a ../ name',
      () => manifestFor('evil.pdf'),
      () => zipOf([{ name: '../../evil.pdf', content: pdf() }]),
      422,
      'ZIP_UNSAFE_ENTRY_NAME',
    ],
    [
      'an absolute name',
      () => manifestFor('evil.pdf'),
      () => zipOf([{ name: '/tmp/evil.pdf', content: pdf() }]),
      422,
      'ZIP_UNSAFE_ENTRY_NAME',
    ],
    [
      'a backslash name',
      () => manifestFor('evil.pdf'),
      () => zipOf([{ name: '..\\evil.pdf', content: pdf() }]),
      422,
      'ZIP_UNSAFE_ENTRY_NAME',
    ],
    [
      'a name with a NUL',
      () => manifestFor('evil.pdf'),
      () => zipOf([{ name: 'evil.pdf\u0000.txt', content: pdf() }]),
      422,
      'ZIP_UNSAFE_ENTRY_NAME',
    ],
    [
      'the same entry twice',
      () => manifestFor('a.pdf'),
      () =>
        zipOf([
          { name: 'a.pdf', content: pdf() },
          { name: 'a.pdf', content: pdf() },
        ]),
      422,
      'ZIP_DUPLICATE_ENTRY',
    ],
    ['documents that are not a zip', () => manifestFor('a.pdf'), () => pdf(), 422, 'NOT_A_ZIP'],
    [
      'a manifest over its limit',
      () => Buffer.concat([manifestFor('a.pdf'), Buffer.alloc(70 * 1024, 0x20)]),
      () => zipOf([{ name: 'a.pdf', content: pdf() }]),
      413,
      'FILE_TOO_LARGE',
    ],
    [
      'a zip bomb as the XLSX manifest',
      bigSheetXlsx,
      () => zipOf([{ name: 'a.pdf', content: pdf() }]),
      413,
      'ZIP_INFLATES_TOO_LARGE',
      'manifest.xlsx',
    ],
    [
      'a manifest without the file column',
      () =>
        csv([
          ['site', 'scope'],
          ['S', 'MW_NEW'],
        ]),
      () => zipOf([{ name: 'a.pdf', content: pdf() }]),
      422,
      'MANIFEST_COLUMNS_MISSING',
    ],
    [
      'a manifest without rows',
      () => csv([HEADER]),
      () => zipOf([{ name: 'a.pdf', content: pdf() }]),
      422,
      'MANIFEST_EMPTY',
    ],
    [
      'a manifest of more rows than entries may be',
      () => csv([HEADER, ...Array.from({ length: 9 }, () => [ws.siteCode, 'MW_NEW', '', '', 'a.pdf'])]),
      () => zipOf([{ name: 'a.pdf', content: pdf() }]),
      413,
      'MANIFEST_TOO_MANY_ROWS',
    ],
  ])(
    'refuses %s as a whole: no job, no row, no blob, no temporary file',
    async (...[, manifest, zip, status, code, manifestName]: Refusal) => {
      // (a rest parameter: jest would take a sixth named parameter for the `done` callback)
      const before = await state();
      const response = await post(manifest(), zip(), { manifestName });
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.body.code).toBe(code);
      expect(await state()).toEqual(before);
    },
  );

  it('refuses a form without documents, and callers without the right', async () => {
    const noZip = await harness
      .http()
      .post(`${base}/submissions/bulk`)
      .set(await harness.auth('u-doc'))
      .attach('manifest', manifestFor('a.pdf'), { filename: 'm.csv' });
    expect([noZip.status, noZip.body.code]).toEqual([400, 'FILE_REQUIRED']);
    expect(
      (await post(manifestFor('a.pdf'), zipOf([{ name: 'a.pdf', content: pdf() }]), { user: 'u-auditor' })).status,
    ).toBe(403);
    expect((await harness.http().post(`${base}/submissions/bulk`)).status).toBe(401);
    const other = await harness.workspace([['u-doc', 'DOC_CONTROL']]);
    const [{ id }] = await harness.query(`SELECT id FROM bulk_jobs WHERE workspace_id = $1 LIMIT 1`, [ws.workspaceId]);
    const foreign = await harness
      .http()
      .get(`/api/v1/workspaces/${other.workspaceId}/jobs/${id}`)
      .set(await harness.auth('u-doc'));
    expect(foreign.status).toBe(404);
  });

  it('leaves no job and no temporary file when the client aborts mid-upload', async () => {
    const server = harness.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const before = await state();
    const boundary = 'abort-boundary';
    const auth = await harness.auth('u-doc');
    await new Promise<void>((resolve) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `${base}/submissions/bulk`,
        headers: {
          ...auth,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(3 * MIB),
        },
      });
      req.on('error', () => resolve());
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="manifest"; filename="m.csv"\r\n\r\n`);
      req.write(manifestFor('a.pdf'));
      req.write(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="documents"; filename="d.zip"\r\n\r\n`);
      req.write(randomBytes(512 * 1024));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 300);
    });
    await waitFor(async () => (await state()).temp === before.temp, {
      what: 'the aborted bulk upload to be cleaned up',
    });
    expect(await state()).toEqual(before);
  });
});
