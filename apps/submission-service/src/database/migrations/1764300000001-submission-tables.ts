import type { MigrationInterface, QueryRunner } from 'typeorm';

const SUBMISSION_STATUSES = `'DRAFT','SUBMITTED','REJECTED_PRE_QA','IN_REVIEW','APPROVED_WITH_PUNCHLIST','COMPLETED','REJECTED','INVALID_REFERENCE'`;
const CATEGORIES = `'RAN_MW','PLN_UPGRADE','DISMANTLE_DROP','DISMANTLE_KEEP','SOFTWARE_LICENSE'`;

/**
 * Submissions (domain §1.3 tables 12-13), their attempts (one per submit; each QA-approved attempt gets
 * its own workflow, architecture §3.8), versioned documents, category overrides, the punchlist gate that
 * holds COMPLETED until every punchlist of the workflow is cleared, and pending blob uploads (a crash
 * between storing a file and committing its row leaves an intent the sweeper finishes).
 */
export class SubmissionTables1764300000001 implements MigrationInterface {
  name = 'SubmissionTables1764300000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE atp_submissions (
        id                    TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id          UUID NOT NULL,
        site_id               VARCHAR(100) NOT NULL,
        site_code             VARCHAR(100) NOT NULL,
        scope_id              TEXT NOT NULL,
        scope_code            VARCHAR(50) NOT NULL,
        vendor_id             TEXT,
        vendor_code           VARCHAR(50),
        atp_category          VARCHAR(20) CONSTRAINT ck_atp_submissions_category CHECK (atp_category IN (${CATEGORIES})),
        category_method       VARCHAR(30) CONSTRAINT ck_atp_submissions_category_method
                                CHECK (category_method IN ('EXPLICIT','SUGGESTED','OVERRIDE')),
        title                 VARCHAR(200),
        status                VARCHAR(30) NOT NULL DEFAULT 'DRAFT'
                                CONSTRAINT ck_atp_submissions_status CHECK (status IN (${SUBMISSION_STATUSES})),
        attempt_number        INT NOT NULL DEFAULT 1 CHECK (attempt_number > 0),
        config_version_id     TEXT,
        workflow_instance_id  TEXT,
        current_stage_number  INT,
        primary_document_id   TEXT,
        document_count        INT NOT NULL DEFAULT 0 CHECK (document_count >= 0),
        last_action_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
        submitted_at          TIMESTAMPTZ,
        approved_at           TIMESTAMPTZ,
        completed_at          TIMESTAMPTZ,
        rejected_at           TIMESTAMPTZ,
        created_by            TEXT NOT NULL,
        created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT ux_atp_submissions_unique UNIQUE (workspace_id, site_id, scope_id, atp_category)
      )`);
    await runner.query(
      `CREATE INDEX idx_atp_submissions_list ON atp_submissions (workspace_id, created_at DESC, id DESC)`,
    );
    await runner.query(`CREATE INDEX idx_atp_submissions_status ON atp_submissions (workspace_id, status)`);
    await runner.query(`
      CREATE TABLE atp_submission_documents (
        id                    TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id          UUID NOT NULL,
        submission_id         TEXT NOT NULL REFERENCES atp_submissions (id) ON DELETE CASCADE,
        version               INT NOT NULL CHECK (version > 0),
        document_id           TEXT NOT NULL UNIQUE,
        document_type         VARCHAR(30) NOT NULL CONSTRAINT ck_atp_submission_documents_type CHECK (document_type IN
                                ('ATP_DOCUMENT','ATP_SOFTWARE','ATP_HARDWARE','ATP_COMBINED','ATP_BULK','SITE_PHOTO',
                                 'INSTALLATION_PHOTO','COMPLETION_CERT')),
        file_name             VARCHAR(255) NOT NULL,
        content_type          VARCHAR(150) NOT NULL,
        size_bytes            BIGINT NOT NULL CHECK (size_bytes > 0),
        sha256                CHAR(64) NOT NULL,
        suggested_category    VARCHAR(20),
        suggestion_confidence NUMERIC(4,3),
        suggestion_method     VARCHAR(30),
        uploaded_by           TEXT NOT NULL,
        uploaded_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
        source_batch_id       TEXT,
        notes                 TEXT,
        CONSTRAINT ux_atp_submission_documents_version UNIQUE (submission_id, version)
      )`);
    await runner.query(`
      ALTER TABLE atp_submissions ADD CONSTRAINT fk_atp_submissions_primary_document
        FOREIGN KEY (primary_document_id) REFERENCES atp_submission_documents (id) ON DELETE SET NULL`);
    await runner.query(`
      CREATE TABLE atp_submission_attempts (
        submission_id          TEXT NOT NULL REFERENCES atp_submissions (id) ON DELETE CASCADE,
        attempt_number         INT NOT NULL CHECK (attempt_number > 0),
        workspace_id           UUID NOT NULL,
        status                 VARCHAR(30) NOT NULL
                                 CONSTRAINT ck_atp_submission_attempts_status CHECK (status IN (${SUBMISSION_STATUSES})),
        document_id            TEXT NOT NULL REFERENCES atp_submission_documents (id) ON DELETE RESTRICT,
        atp_category           VARCHAR(20) NOT NULL CHECK (atp_category IN (${CATEGORIES})),
        pinned_approval_matrix TEXT NOT NULL,
        pinned_cluster_mapping TEXT NOT NULL,
        pinned_scope_config    TEXT NOT NULL,
        submitted_by           TEXT NOT NULL,
        submitted_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
        qa_decision            VARCHAR(10) CHECK (qa_decision IN ('APPROVE','REJECT')),
        qa_decided_by          TEXT,
        qa_decided_at          TIMESTAMPTZ,
        qa_comment             TEXT,
        workflow_instance_id   TEXT UNIQUE,
        workflow_version       BIGINT NOT NULL DEFAULT 0,
        current_stage_number   INT,
        current_stage_name     VARCHAR(100),
        workflow_completed     BOOLEAN NOT NULL DEFAULT false,
        start_refusal_reason   VARCHAR(40),
        start_refusal_detail   TEXT,
        approved_at            TIMESTAMPTZ,
        completed_at           TIMESTAMPTZ,
        rejected_at            TIMESTAMPTZ,
        rejection_comment      TEXT,
        updated_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (submission_id, attempt_number)
      )`);
    await runner.query(`
      CREATE TABLE atp_category_overrides (
        id            TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id  UUID NOT NULL,
        submission_id TEXT NOT NULL REFERENCES atp_submissions (id) ON DELETE CASCADE,
        from_category VARCHAR(20),
        to_category   VARCHAR(20) NOT NULL CHECK (to_category IN (${CATEGORIES})),
        reason        TEXT NOT NULL CHECK (length(reason) > 0),
        overridden_by TEXT NOT NULL,
        overridden_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    // Stages decided APPROVE_WITH_PUNCHLIST (workflow topic) and their punchlists (punchlist topic); the two
    // topics are not ordered relative to each other, so either side may create the row.
    await runner.query(`
      CREATE TABLE atp_punchlist_gates (
        workflow_instance_id TEXT NOT NULL,
        workflow_stage_id    TEXT NOT NULL,
        workspace_id         UUID NOT NULL,
        submission_id        TEXT NOT NULL,
        decided_with_punchlist BOOLEAN NOT NULL DEFAULT false,
        punchlist_id         TEXT,
        punchlist_status     VARCHAR(20) CHECK (punchlist_status IN ('OPEN','CLEARED')),
        cleared_at           TIMESTAMPTZ,
        updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (workflow_instance_id, workflow_stage_id)
      )`);
    await runner.query(`
      CREATE TABLE blob_upload_intents (
        blob_key     TEXT PRIMARY KEY,
        workspace_id UUID NOT NULL,
        started_at   TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE bulk_jobs (
        id           TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id UUID NOT NULL,
        kind         VARCHAR(40) NOT NULL,
        status       VARCHAR(20) NOT NULL CHECK (status IN ('RUNNING','SUCCEEDED','FAILED')),
        total        INT NOT NULL DEFAULT 0,
        done         INT NOT NULL DEFAULT 0,
        failed       INT NOT NULL DEFAULT 0,
        report       JSONB NOT NULL DEFAULT '[]'::jsonb,
        created_by   TEXT NOT NULL,
        created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
        finished_at  TIMESTAMPTZ
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE atp_submissions DROP CONSTRAINT fk_atp_submissions_primary_document`);
    for (const table of [
      'bulk_jobs',
      'blob_upload_intents',
      'atp_punchlist_gates',
      'atp_category_overrides',
      'atp_submission_attempts',
      'atp_submission_documents',
      'atp_submissions',
    ]) {
      await runner.query(`DROP TABLE ${table}`);
    }
  }
}
