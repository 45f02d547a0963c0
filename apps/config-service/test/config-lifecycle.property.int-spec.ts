import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import type { Client } from 'pg';
import { runInWorkspace } from '@atp/platform-database';
import { DomainError } from '@atp/platform-http';
import { uniqueSuffix } from '@atp/testing';
import { ConfigImportService } from '../src/config-versions/config-import.service';
import { ConfigVersionsService } from '../src/config-versions/config-versions.service';
import { DraftEditService } from '../src/config-versions/draft-edit.service';
import type { PatchPolicyStageDto } from '../src/config-versions/dto/patch-policy-stage.dto';
import { UsersService } from '../src/directory/users.service';
import { WorkspacesService } from '../src/directory/workspaces.service';
import { approvalMatrixRows, csv, scopeConfigFile, sql, startApp } from './support';

/**
 * Property test of the config lifecycle (domain §2.1, issue 3 acceptance): any sequence of import / edit /
 * activate / archive / rollback / delete over two source types of one workspace, driven through the same
 * service methods the HTTP controllers call, against the real database. A small model predicts every outcome
 * (refusals included); after every step the database is checked against the model and against the invariants:
 *   I1  at most one ACTIVE per (workspace, source_type), read with SQL;
 *   I2  a version that left DRAFT keeps byte-identical master rows (and version columns other than the
 *       demotion stamps) from the step it left DRAFT onwards;
 *   chain  version_number = max+1 at creation (the only gaps are deleted DRAFTs), previous_version_id = the
 *       ACTIVE at import, superseded_by_id set exactly on SUPERSEDED versions and pointing to the next
 *       activation, rolled_back_from_id on rollbacks only; activations form one linear history.
 */

type SourceType = 'SCOPE_CONFIG' | 'APPROVAL_MATRIX';
type Status = 'DRAFT' | 'ACTIVE' | 'SUPERSEDED' | 'ARCHIVED';
const SOURCE_TYPES: SourceType[] = ['SCOPE_CONFIG', 'APPROVAL_MATRIX'];

type Op =
  | { kind: 'import'; st: SourceType; variant: 'valid' | 'warnings' | 'invalid' | 'duplicate'; pick: number }
  | { kind: 'edit'; pick: number; eligible: boolean; sla: number }
  | { kind: 'activate' | 'archive' | 'rollback' | 'delete'; pick: number; eligible: boolean };

interface ModelVersion {
  id: string;
  st: SourceType;
  versionNumber: number;
  status: Status | 'DELETED';
  previousVersionId: string | null;
  supersededById: string | null;
  isRollback: boolean;
  rolledBackFromId: string | null;
  /** Imported file bytes (null for rollback clones, which are excluded from duplicate detection). */
  file: Buffer | null;
  stageId: string | null;
}

interface Model {
  workspaceId: string;
  versions: ModelVersion[];
  /** Hash of each version's frozen content, taken at the step it left DRAFT. */
  frozen: Map<string, string>;
}

/** What the model says an operation must do: succeed, or be refused with this status and code. */
type Expected = { ok: true } | { ok: false; status: number; code: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('import' as const),
      st: fc.constantFrom(...SOURCE_TYPES),
      variant: fc.constantFrom(
        'valid' as const,
        'valid' as const,
        'warnings' as const,
        'invalid' as const,
        'duplicate' as const,
      ),
      pick: fc.nat(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      pick: fc.nat(),
      eligible: fc.boolean(),
      sla: fc.integer({ min: 1, max: 500 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('activate' as const), pick: fc.nat(), eligible: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('archive' as const), pick: fc.nat(), eligible: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('rollback' as const), pick: fc.nat(), eligible: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat(), eligible: fc.boolean() }) },
);

const everyOutcome: Op[] = [
  { kind: 'edit', pick: 0, eligible: true, sla: 12 }, // the matrix DRAFT: edited
  { kind: 'activate', pick: 0, eligible: true }, // the matrix goes ACTIVE
  { kind: 'edit', pick: 0, eligible: false, sla: 13 }, // ACTIVE now: refused
  { kind: 'import', st: 'SCOPE_CONFIG', variant: 'valid', pick: 0 },
  { kind: 'delete', pick: 0, eligible: true }, // that DRAFT: deleted
  { kind: 'delete', pick: 0, eligible: false }, // scope v1 is ACTIVE: refused
  { kind: 'import', st: 'SCOPE_CONFIG', variant: 'warnings', pick: 0 },
  { kind: 'activate', pick: 0, eligible: true }, // scope v1 SUPERSEDED
  { kind: 'activate', pick: 0, eligible: false }, // scope v1 again: refused
  { kind: 'rollback', pick: 0, eligible: true }, // clone of scope v1 ACTIVE
  { kind: 'rollback', pick: 1, eligible: false }, // the ACTIVE matrix: refused
  { kind: 'archive', pick: 0, eligible: true },
  { kind: 'archive', pick: 2, eligible: false }, // the deleted DRAFT: 404
  { kind: 'import', st: 'SCOPE_CONFIG', variant: 'invalid', pick: 0 },
];

describe('config-service: lifecycle property (any sequence keeps I1, I2 and a linear chain)', () => {
  let app: INestApplication;
  let db: Client;
  let importer: ConfigImportService;
  let lifecycle: ConfigVersionsService;
  let drafts: DraftEditService;
  let workspaces: WorkspacesService;
  const actor = `u-prop-${uniqueSuffix()}`;

  beforeAll(async () => {
    app = await startApp();
    db = await sql();
    importer = app.get(ConfigImportService);
    lifecycle = app.get(ConfigVersionsService);
    drafts = app.get(DraftEditService);
    workspaces = app.get(WorkspacesService);
    await app.get(UsersService).create({ id: actor, email: `${actor}@example.test`, fullName: 'Property admin' }, null);
  }, 30000);

  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  function fileFor(st: SourceType, variant: 'valid' | 'warnings' | 'invalid'): Buffer {
    const salt = uniqueSuffix();
    if (st === 'SCOPE_CONFIG') {
      if (variant === 'invalid')
        return csv({
          scopes: [{ scope_code: 'SCOPE_0', scope_name: salt, scope_group: 'GARDENING' }],
          vendors: [{ vendor_code: 'ZTE', vendor_name: 'ZTE', vendor_type: 'OEM' }],
        });
      if (variant === 'warnings') {
        // A column outside the layout is ignored with a warning.
        return csv({
          scopes: [0, 1].map((i) => ({
            scope_code: `SCOPE_${i}`,
            scope_name: `Scope ${i} ${salt}`,
            scope_group: 'RAN',
            colour: 'red',
          })),
          vendors: [{ vendor_code: 'ZTE', vendor_name: 'ZTE', vendor_type: 'OEM' }],
        });
      }
      return scopeConfigFile(2, salt);
    }
    const matrix = approvalMatrixRows(2, 2, salt);
    if (variant === 'invalid') matrix.stages[0].role_code = 'NO_SUCH_ROLE';
    if (variant === 'warnings') {
      // A legacy role spelling is stored canonically and reported as a warning.
      matrix.roles = matrix.roles.map((r) => (r.role_code === 'HEAD_NOC' ? { ...r, role_code: 'NOC_HEAD' } : r));
    }
    return csv(matrix);
  }

  const live = (model: Model) => model.versions.filter((v) => v.status !== 'DELETED');
  const activeOf = (model: Model, st: SourceType) =>
    model.versions.find((v) => v.st === st && v.status === 'ACTIVE') ?? null;
  const nextNumber = (model: Model, st: SourceType) =>
    Math.max(
      0,
      ...live(model)
        .filter((v) => v.st === st)
        .map((v) => v.versionNumber),
    ) + 1;
  const pickFrom = <T>(list: T[], pick: number): T | null => (list.length === 0 ? null : list[pick % list.length]);
  /**
   * The version an operation targets: with `eligible`, one the model expects the operation to accept (when there is
   * one), otherwise any version ever created, deleted ones included — so both outcomes are exercised often.
   */
  const choose = (
    op: { pick: number; eligible: boolean },
    among: ModelVersion[],
    accepts: (v: ModelVersion) => boolean,
  ) => pickFrom(op.eligible && among.some(accepts) ? among.filter(accepts) : among, op.pick);
  const refused = (status: number, code: string): Expected => ({ ok: false, status, code });

  async function outcome(
    work: () => Promise<unknown>,
  ): Promise<{ ok: true; value: unknown } | { ok: false; status: number; code: string; message: string }> {
    try {
      return { ok: true, value: await work() };
    } catch (error) {
      if (error instanceof DomainError)
        return { ok: false, status: error.status, code: error.code, message: error.message };
      throw error; // anything but a domain refusal (a trigger, a constraint, a bug) fails the property
    }
  }

  /** How often each operation succeeded or was refused over all runs, so the test can show it exercised both. */
  const tally = new Map<string, number>();

  function expectOutcome(op: Op, expected: Expected, actual: Awaited<ReturnType<typeof outcome>>): void {
    const key = `${op.kind}:${actual.ok ? 'ok' : 'refused'}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
    const got = actual.ok ? 'ok' : `${actual.status} ${actual.code} (${actual.message})`;
    const want = expected.ok ? 'ok' : `${expected.status} ${expected.code}`;
    if (
      expected.ok !== actual.ok ||
      (!expected.ok && !actual.ok && (expected.status !== actual.status || expected.code !== actual.code))
    ) {
      throw new Error(`${JSON.stringify(op)}: expected ${want}, got ${got}`);
    }
  }

  /** Runs one operation through the services, checking the outcome the model predicts and updating the model. */
  async function step(model: Model, op: Op): Promise<void> {
    const ws = model.workspaceId;
    switch (op.kind) {
      case 'import': {
        let buffer: Buffer;
        let expected: Expected;
        let stale: ModelVersion | null = null;
        if (op.variant === 'duplicate') {
          const earlier = pickFrom(
            model.versions.filter((v) => v.st === op.st && v.file),
            op.pick,
          );
          if (!earlier?.file) return;
          buffer = earlier.file;
          // Duplicates are detected among stored, imported (not rolled back) versions; a deleted DRAFT's file may come
          // again. A DRAFT of the file imported against another ACTIVE version than today's is stale: it is replaced
          // (issue 16 #7).
          const stored = live(model).find((v) => v.st === op.st && v.file?.equals(buffer));
          stale =
            stored?.status === 'DRAFT' && stored.previousVersionId !== (activeOf(model, op.st)?.id ?? null)
              ? stored
              : null;
          const needsScopes = op.st === 'APPROVAL_MATRIX' && !activeOf(model, 'SCOPE_CONFIG');
          expected =
            stored && !stale
              ? refused(409, 'DUPLICATE_FILE')
              : needsScopes
                ? refused(422, 'IMPORT_INVALID')
                : { ok: true };
        } else {
          buffer = fileFor(op.st, op.variant);
          const needsScopes = op.st === 'APPROVAL_MATRIX' && !activeOf(model, 'SCOPE_CONFIG');
          expected = op.variant === 'invalid' || needsScopes ? refused(422, 'IMPORT_INVALID') : { ok: true };
        }
        const result = await outcome(() =>
          importer.import(ws, op.st, { fileName: `${op.st}.csv`, buffer }, actor, null),
        );
        expectOutcome(op, expected, result);
        if (!result.ok) return;
        const { version, report } = result.value as Awaited<ReturnType<ConfigImportService['import']>>;
        if (op.variant === 'warnings' && report.status !== 'WARNINGS')
          throw new Error(`expected a WARNINGS report, got ${report.status}`);
        if (stale) stale.status = 'DELETED';
        const stage =
          op.st === 'APPROVAL_MATRIX'
            ? ((
                await db.query(
                  `SELECT id FROM approval_policy_stages WHERE config_version_id = $1 ORDER BY id LIMIT 1`,
                  [version.id],
                )
              ).rows[0]?.id as string)
            : null;
        model.versions.push({
          id: version.id,
          st: op.st,
          versionNumber: nextNumber(model, op.st),
          status: 'DRAFT',
          previousVersionId: activeOf(model, op.st)?.id ?? null,
          supersededById: null,
          isRollback: false,
          rolledBackFromId: null,
          file: buffer,
          stageId: stage,
        });
        return;
      }
      case 'edit': {
        const target = choose(
          op,
          model.versions.filter((v) => v.stageId),
          (v) => v.status === 'DRAFT',
        );
        if (!target?.stageId) return;
        // An edited draft is validated again against today's ACTIVE SCOPE_CONFIG: with none ACTIVE its scopes no
        // longer resolve and the edit is refused. Another ACTIVE one resolves them (every scope file of this test
        // has the same scope and vendor codes), so a newer SCOPE_CONFIG alone does not make the edit invalid.
        const staleScopes = activeOf(model, 'SCOPE_CONFIG') === null;
        const expected: Expected =
          target.status === 'DELETED'
            ? refused(404, 'NOT_FOUND')
            : target.status !== 'DRAFT'
              ? refused(409, 'VERSION_IMMUTABLE')
              : staleScopes
                ? refused(422, 'DRAFT_EDIT_INVALID')
                : { ok: true };
        const patch: PatchPolicyStageDto = { slaHours: op.sla };
        expectOutcome(
          op,
          expected,
          await outcome(() => drafts.patchPolicyStage(ws, target.id, target.stageId as string, patch, actor)),
        );
        return;
      }
      case 'activate': {
        const target = choose(
          op,
          model.versions,
          (v) => v.status === 'DRAFT' && [null, v.previousVersionId].includes(activeOf(model, v.st)?.id ?? null),
        );
        if (!target) return;
        const current = activeOf(model, target.st);
        const expected: Expected =
          target.status === 'DELETED'
            ? refused(404, 'NOT_FOUND')
            : target.status !== 'DRAFT'
              ? refused(409, 'ILLEGAL_TRANSITION')
              : current && current.id !== target.previousVersionId
                ? refused(409, 'DRAFT_STALE')
                : { ok: true };
        const result = await outcome(() => lifecycle.activate(ws, target.id, actor));
        expectOutcome(op, expected, result);
        if (result.ok) promote(model, target);
        return;
      }
      case 'archive': {
        const target = choose(op, model.versions, (v) => v.status === 'ACTIVE');
        if (!target) return;
        const expected: Expected =
          target.status === 'DELETED'
            ? refused(404, 'NOT_FOUND')
            : target.status === 'ACTIVE'
              ? { ok: true }
              : refused(409, 'ILLEGAL_TRANSITION');
        const result = await outcome(() => lifecycle.archive(ws, target.id, actor));
        expectOutcome(op, expected, result);
        if (result.ok) target.status = 'ARCHIVED';
        return;
      }
      case 'rollback': {
        const target = choose(op, model.versions, (v) => v.status === 'SUPERSEDED' || v.status === 'ARCHIVED');
        if (!target) return;
        const expected: Expected =
          target.status === 'DELETED'
            ? refused(404, 'NOT_FOUND')
            : target.status === 'SUPERSEDED' || target.status === 'ARCHIVED'
              ? { ok: true }
              : refused(409, 'ROLLBACK_TARGET_INVALID');
        const result = await outcome(() => lifecycle.rollback(ws, target.id, actor));
        expectOutcome(op, expected, result);
        if (!result.ok) return;
        const clone: ModelVersion = {
          id: (result.value as { id: string }).id,
          st: target.st,
          versionNumber: nextNumber(model, target.st),
          status: 'DRAFT',
          previousVersionId: activeOf(model, target.st)?.id ?? null,
          supersededById: null,
          isRollback: true,
          rolledBackFromId: target.id,
          file: null,
          stageId: null,
        };
        model.versions.push(clone);
        promote(model, clone);
        return;
      }
      case 'delete': {
        const target = choose(op, model.versions, (v) => v.status === 'DRAFT');
        if (!target) return;
        const expected: Expected =
          target.status === 'DELETED'
            ? refused(404, 'NOT_FOUND')
            : target.status === 'DRAFT'
              ? { ok: true }
              : refused(409, 'VERSION_NOT_DELETABLE');
        const result = await outcome(() => lifecycle.delete(ws, target.id, actor));
        expectOutcome(op, expected, result);
        if (result.ok) target.status = 'DELETED';
        return;
      }
    }
  }

  function promote(model: Model, version: ModelVersion): void {
    const current = activeOf(model, version.st);
    if (current) {
      current.status = 'SUPERSEDED';
      current.supersededById = version.id;
    }
    version.status = 'ACTIVE';
  }

  /** md5 over every master row of a version and its config_versions row minus the columns a demotion stamps. */
  async function frozenHash(versionId: string): Promise<string> {
    const tables = [
      'atp_scope_master',
      'vendor_master',
      'approval_role_master',
      'approval_policy_master',
      'approval_policy_stages',
      'cluster_master',
      'cluster_approver_master',
    ];
    const union = tables
      .map((t) => `SELECT '${t}:' || to_jsonb(x)::text AS r FROM ${t} x WHERE config_version_id = $1`)
      .join(' UNION ALL ');
    const { rows } = await db.query(
      `SELECT md5(coalesce((SELECT string_agg(r, E'\\n' ORDER BY r) FROM (${union}) rows), '') || E'\\n' ||
         (SELECT (to_jsonb(v) - ARRAY['status','superseded_by_id','archived_at','expire_date','updated_at'])::text FROM config_versions v WHERE id = $1)) AS h,
         (SELECT count(*)::int FROM (${union}) rows) AS n`,
      [versionId],
    );
    if (rows[0].n === 0) throw new Error(`version ${versionId} has no master rows`);
    return rows[0].h as string;
  }

  async function checkInvariants(model: Model, after: string): Promise<void> {
    const fail: (message: string) => never = (message) => {
      throw new Error(`after ${after}: ${message}`);
    };
    // I1, straight from SQL.
    const doubles = await db.query(
      `SELECT source_type, count(*)::int AS n FROM config_versions WHERE workspace_id = $1 AND status = 'ACTIVE' GROUP BY source_type HAVING count(*) > 1`,
      [model.workspaceId],
    );
    if (doubles.rows.length > 0) fail(`two ACTIVE versions: ${JSON.stringify(doubles.rows)}`);

    const { rows } = await db.query(
      `SELECT id, source_type AS st, version_number AS n, status, previous_version_id AS prev, superseded_by_id AS sup, is_rollback AS rb,
         rolled_back_from_id AS rbf, activated_at AS act, archived_at AS arc
       FROM config_versions WHERE workspace_id = $1 ORDER BY source_type, version_number`,
      [model.workspaceId],
    );
    type Row = {
      id: string;
      st: SourceType;
      n: number;
      status: Status;
      prev: string | null;
      sup: string | null;
      rb: boolean;
      rbf: string | null;
      act: Date | null;
      arc: Date | null;
    };
    const byId = new Map<string, Row>((rows as Row[]).map((r) => [r.id, r]));

    // The database holds exactly the model's surviving versions, with the model's numbers, statuses and links.
    const expected = live(model);
    if (byId.size !== expected.length) fail(`expected ${expected.length} versions, found ${byId.size}`);
    for (const v of expected) {
      const r = byId.get(v.id);
      if (!r) return fail(`version ${v.id} is missing`);
      const actual = { st: r.st, n: r.n, status: r.status, prev: r.prev, sup: r.sup, rb: r.rb, rbf: r.rbf };
      const want = {
        st: v.st,
        n: v.versionNumber,
        status: v.status,
        prev: v.previousVersionId,
        sup: v.supersededById,
        rb: v.isRollback,
        rbf: v.rolledBackFromId,
      };
      if (JSON.stringify(actual) !== JSON.stringify(want))
        fail(`version ${v.id}: expected ${JSON.stringify(want)}, found ${JSON.stringify(actual)}`);
    }

    for (const st of SOURCE_TYPES) {
      const chain = (rows as Row[]).filter((r) => r.st === st);
      // Strictly increasing numbers; a gap only where the model deleted a DRAFT.
      const deleted = new Set(
        model.versions.filter((v) => v.st === st && v.status === 'DELETED').map((v) => v.versionNumber),
      );
      for (let i = 0; i < chain.length; i++) {
        const previousNumber = i === 0 ? 0 : chain[i - 1].n;
        if (chain[i].n <= previousNumber) fail(`${st} numbers not strictly increasing at ${chain[i].n}`);
        for (let gap = previousNumber + 1; gap < chain[i].n; gap++)
          if (!deleted.has(gap)) fail(`${st} has a gap at ${gap} that no deleted DRAFT explains`);
      }
      for (const r of chain) {
        if ((r.status === 'SUPERSEDED') !== (r.sup !== null))
          fail(`${r.id} is ${r.status} with superseded_by_id ${r.sup}`);
        if (r.rb !== (r.rbf !== null)) fail(`${r.id} is_rollback ${r.rb} with rolled_back_from_id ${r.rbf}`);
        for (const [column, link, later] of [
          ['previous_version_id', r.prev, false],
          ['superseded_by_id', r.sup, true],
          ['rolled_back_from_id', r.rbf, false],
        ] as const) {
          if (!link) continue;
          const other = byId.get(link);
          if (!other || other.st !== st) return fail(`${r.id}.${column} points outside (${st}) of this workspace`);
          if (later ? other.n <= r.n : other.n >= r.n)
            fail(`${r.id}.${column} points ${later ? 'backwards' : 'forwards'}`);
          if (other.status === 'DRAFT') fail(`${r.id}.${column} points at a DRAFT`);
        }
      }
      for (const r of chain) {
        if (r.sup && byId.get(r.sup)?.prev !== r.id)
          fail(`${r.id} was superseded by ${r.sup}, whose previous_version_id is ${byId.get(r.sup)?.prev}`);
      }
      const successors = chain.filter((r) => r.sup).map((r) => r.sup);
      if (new Set(successors).size !== successors.length) fail(`${st}: one activation superseded two versions`);
      // One linear history: in activation order, each version was superseded by the next one or archived before it.
      const activatedAt = (r: Row): number => r.act?.getTime() ?? fail(`${r.id} left DRAFT without activated_at`);
      const activated = chain.filter((r) => r.status !== 'DRAFT').sort((a, b) => activatedAt(a) - activatedAt(b));
      for (let i = 0; i < activated.length; i++) {
        const [a, b] = [activated[i], activated[i + 1]];
        if (!b) {
          if (a.status === 'SUPERSEDED') fail(`${a.id} is the last activation but SUPERSEDED`);
          continue;
        }
        if (a.status === 'ACTIVE') fail(`${a.id} is ACTIVE but ${b.id} was activated later`);
        if (a.status === 'SUPERSEDED' && a.sup !== b.id)
          fail(`${a.id} superseded by ${a.sup}, but the next activation is ${b.id}`);
        if (a.status === 'ARCHIVED' && (a.arc?.getTime() ?? Infinity) > activatedAt(b))
          fail(`${a.id} archived after ${b.id} was activated`);
      }
    }

    // I2: hashed when a version leaves DRAFT, compared on every later step.
    for (const v of expected) {
      if (v.status === 'DRAFT') continue;
      const hash = await frozenHash(v.id);
      const first = model.frozen.get(v.id);
      if (first === undefined) model.frozen.set(v.id, hash);
      else if (first !== hash) fail(`version ${v.id} (${v.status}) changed after it left DRAFT`);
    }
  }

  it('holds for 25 random sequences of up to 16 operations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(opArb, { minLength: 6, maxLength: 14, size: 'max' }),
        async (startWithScopes, generated) => {
          const ws = await workspaces.create(
            {
              code: `PROP-${uniqueSuffix().toUpperCase()}`,
              name: 'Property run',
              customerGroupId: 'cg',
              vendorOwnerId: 'vo',
            },
            actor,
          );
          const model: Model = { workspaceId: ws.workspaceId, versions: [], frozen: new Map() };
          // Half the runs start from an ACTIVE SCOPE_CONFIG and an APPROVAL_MATRIX DRAFT (matrix imports resolve the
          // scope codes, and edits need a matrix); the other half start empty.
          const prefix: Op[] = startWithScopes
            ? [
                { kind: 'import', st: 'SCOPE_CONFIG', variant: 'valid', pick: 0 },
                { kind: 'activate', pick: 0, eligible: true },
                { kind: 'import', st: 'APPROVAL_MATRIX', variant: 'valid', pick: 0 },
              ]
            : [];
          const ops = [...prefix, ...generated];
          // The services are called as a request on /workspaces/:workspaceId would call them: in its tenant scope.
          await runInWorkspace(ws.workspaceId, async () => {
            for (const [index, op] of ops.entries()) {
              await step(model, op);
              await checkInvariants(model, `step ${index + 1} ${JSON.stringify(op)}`);
            }
          });
        },
      ),
      // One hand-written run on top of the 25 random ones, so every operation is seen both succeeding and refused.
      { numRuns: 25, endOnFailure: false, examples: [[true, everyOutcome]] },
    );
    process.stdout.write(`lifecycle property outcomes: ${JSON.stringify(Object.fromEntries([...tally].sort()))}\n`);
    for (const kind of ['import', 'edit', 'activate', 'archive', 'rollback', 'delete']) {
      expect(tally.get(`${kind}:ok`) ?? 0).toBeGreaterThan(0);
      expect(tally.get(`${kind}:refused`) ?? 0).toBeGreaterThan(0);
    }
  }, 120000);
});
