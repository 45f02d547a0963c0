import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Punchlist tables (domain §1.3 tables 14–15, §4.6; architecture §6 Q3/Q12) and the replicas they lean on.
 * Deviations from the source schema, and why:
 * - `workflow_facts` is this service's replica of the workflow (from `atp.workflow.events.v1`): punchlists
 *   reference it with a real foreign key instead of the cross-database `workflow_instances`;
 * - one punchlist per stage (`ux_punchlists_stage`): a redelivered or replayed decision, even with a new
 *   event id, can never open a second one;
 * - items carry `severity`, a number per punchlist, assignee team and target date (legacy extras kept);
 * - evidence is versioned per item (`punchlist_evidence`), the item points at its current version through a
 *   composite key, so it can only point at its own evidence; a RECTIFIED, QA_VERIFIED or CLOSED item
 *   without evidence is refused by the database;
 * - `punchlist_item_history` is the append-only audit of every move (actor, time, comment).
 */
export class PunchlistTables1764300000000 implements MigrationInterface {
  name = 'PunchlistTables1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE member_replica (
        membership_id  TEXT PRIMARY KEY,
        workspace_id   UUID NOT NULL,
        user_id        TEXT NOT NULL,
        role           VARCHAR(40) NOT NULL,
        is_active      BOOLEAN NOT NULL,
        -- aggregateVersion of the last applied event: an older event (replay, reordering) never wins.
        source_version BIGINT NOT NULL,
        updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE INDEX idx_member_replica_user ON member_replica (workspace_id, user_id) WHERE is_active`,
    );

    await runner.query(`
      CREATE TABLE workflow_facts (
        workflow_instance_id TEXT PRIMARY KEY,
        workspace_id         UUID NOT NULL,
        submission_id        TEXT NOT NULL,
        attempt_number       INT,
        site_id              TEXT,
        site_code            VARCHAR(100),
        vendor_id            TEXT,
        vendor_code          VARCHAR(120),
        scope_code           VARCHAR(50),
        atp_category         VARCHAR(20),
        started_at           TIMESTAMPTZ,
        updated_at           TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX idx_workflow_facts_site ON workflow_facts (workspace_id, site_code)`);
    await runner.query(`CREATE INDEX idx_workflow_facts_vendor ON workflow_facts (workspace_id, vendor_code)`);
    await runner.query(`CREATE INDEX idx_workflow_facts_submission ON workflow_facts (workspace_id, submission_id)`);

    await runner.query(`
      CREATE TABLE punchlists (
        id                   TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id         UUID NOT NULL,
        workflow_instance_id TEXT NOT NULL
          CONSTRAINT fk_punchlists_workflow_facts REFERENCES workflow_facts (workflow_instance_id) ON DELETE RESTRICT,
        workflow_stage_id    TEXT NOT NULL,
        submission_id        TEXT NOT NULL,
        origin               VARCHAR(30) NOT NULL
          CONSTRAINT ck_punchlists_origin CHECK (origin IN ('APPROVED_WITH_PUNCHLIST','REJECTED')),
        status               VARCHAR(20) NOT NULL DEFAULT 'OPEN'
          CONSTRAINT ck_punchlists_status CHECK (status IN ('OPEN','CLEARED')),
        issued_by            TEXT NOT NULL,
        issued_at            TIMESTAMPTZ NOT NULL,
        cleared_by           TEXT,
        cleared_at           TIMESTAMPTZ,
        notes                TEXT,
        source_event_id      UUID NOT NULL,
        last_progress_at     TIMESTAMPTZ NOT NULL,
        reminded_at          TIMESTAMPTZ,
        stalled_at           TIMESTAMPTZ,
        created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT ux_punchlists_stage UNIQUE (workflow_stage_id),
        CONSTRAINT ck_punchlists_cleared CHECK ((status = 'CLEARED') = (cleared_at IS NOT NULL AND cleared_by IS NOT NULL)),
        CONSTRAINT ck_punchlists_stall_only_open CHECK (status = 'OPEN' OR stalled_at IS NULL)
      )`);
    await runner.query(`CREATE INDEX idx_punchlists_workflow ON punchlists (workspace_id, workflow_instance_id)`);
    await runner.query(`CREATE INDEX idx_punchlists_submission ON punchlists (workspace_id, submission_id)`);
    await runner.query(`CREATE INDEX idx_punchlists_list ON punchlists (workspace_id, issued_at DESC, id DESC)`);
    // The stall sweeper: OPEN punchlists by how long they have been idle.
    await runner.query(`CREATE INDEX idx_punchlists_idle ON punchlists (last_progress_at) WHERE status = 'OPEN'`);

    await runner.query(`
      CREATE TABLE punchlist_items (
        id                TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id      UUID NOT NULL,
        punchlist_id      TEXT NOT NULL
          CONSTRAINT fk_punchlist_items_punchlists REFERENCES punchlists (id) ON DELETE CASCADE,
        item_number       INT NOT NULL CHECK (item_number > 0),
        item_code         VARCHAR(50) NOT NULL,
        description       TEXT NOT NULL CHECK (btrim(description) <> ''),
        severity          VARCHAR(10) NOT NULL
          CONSTRAINT ck_punchlist_items_severity CHECK (severity IN ('CRITICAL','MAJOR','MINOR')),
        status            VARCHAR(20) NOT NULL DEFAULT 'OPEN'
          CONSTRAINT ck_punchlist_items_status CHECK (status IN ('OPEN','RECTIFIED','QA_VERIFIED','CLOSED','REJECTED')),
        assigned_team     VARCHAR(100),
        target_date       DATE,
        identified_by     TEXT NOT NULL,
        evidence_doc_id   TEXT,
        closed_by         TEXT,
        closed_at         TIMESTAMPTZ,
        last_action_at    TIMESTAMPTZ NOT NULL,
        created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT ux_punchlist_items_number UNIQUE (punchlist_id, item_number),
        CONSTRAINT ck_punchlist_items_evidence_required CHECK (status NOT IN ('RECTIFIED','QA_VERIFIED','CLOSED') OR evidence_doc_id IS NOT NULL),
        CONSTRAINT ck_punchlist_items_closed CHECK ((status = 'CLOSED') = (closed_at IS NOT NULL AND closed_by IS NOT NULL))
      )`);
    await runner.query(`CREATE INDEX idx_punchlist_items_punchlist ON punchlist_items (punchlist_id, item_number)`);
    await runner.query(`
      CREATE INDEX idx_punchlist_items_team_open ON punchlist_items (workspace_id, assigned_team, target_date, id)
      WHERE status <> 'CLOSED'`);

    await runner.query(`
      CREATE TABLE punchlist_evidence (
        id                TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id      UUID NOT NULL,
        punchlist_item_id TEXT NOT NULL
          CONSTRAINT fk_punchlist_evidence_punchlist_items REFERENCES punchlist_items (id) ON DELETE CASCADE,
        version           INT NOT NULL CHECK (version > 0),
        blob_key          TEXT NOT NULL,
        file_name         VARCHAR(255) NOT NULL,
        content_type      VARCHAR(100) NOT NULL,
        size_bytes        BIGINT NOT NULL CHECK (size_bytes > 0),
        sha256            CHAR(64) NOT NULL,
        uploaded_by       TEXT NOT NULL,
        uploaded_at       TIMESTAMPTZ NOT NULL,
        comment           TEXT,
        CONSTRAINT ux_punchlist_evidence_version UNIQUE (punchlist_item_id, version),
        CONSTRAINT ux_punchlist_evidence_item_id UNIQUE (punchlist_item_id, id)
      )`);
    // The item's current evidence must be one of its own versions.
    await runner.query(`
      ALTER TABLE punchlist_items ADD CONSTRAINT fk_punchlist_items_punchlist_evidence
        FOREIGN KEY (id, evidence_doc_id) REFERENCES punchlist_evidence (punchlist_item_id, id) ON DELETE RESTRICT`);

    await runner.query(`
      CREATE TABLE punchlist_item_history (
        id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        workspace_id      UUID NOT NULL,
        punchlist_id      TEXT NOT NULL
          CONSTRAINT fk_punchlist_item_history_punchlists REFERENCES punchlists (id) ON DELETE RESTRICT,
        punchlist_item_id TEXT NOT NULL
          CONSTRAINT fk_punchlist_item_history_punchlist_items REFERENCES punchlist_items (id) ON DELETE RESTRICT,
        action            VARCHAR(20) NOT NULL
          CONSTRAINT ck_punchlist_item_history_action CHECK (action IN ('CREATED','RECTIFIED','QA_VERIFIED','CLOSED','REJECTED')),
        from_status       VARCHAR(20),
        to_status         VARCHAR(20) NOT NULL,
        actor_user_id     TEXT NOT NULL,
        action_at         TIMESTAMPTZ NOT NULL,
        comment           TEXT,
        evidence_id       TEXT
          CONSTRAINT fk_punchlist_item_history_punchlist_evidence REFERENCES punchlist_evidence (id) ON DELETE RESTRICT
      )`);
    await runner.query(
      `CREATE INDEX idx_punchlist_item_history_item ON punchlist_item_history (punchlist_item_id, id)`,
    );
    // Append-only for everyone, owner included (grants take UPDATE/DELETE from the runtime role too).
    await runner.query(`
      CREATE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'P0001';
      END $$`);
    await runner.query(`
      CREATE TRIGGER trg_punchlist_item_history_append_only BEFORE UPDATE OR DELETE ON punchlist_item_history
      FOR EACH ROW EXECUTE FUNCTION refuse_history_change()`);
    await runner.query(`
      CREATE TRIGGER trg_punchlist_item_history_no_truncate BEFORE TRUNCATE ON punchlist_item_history
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE punchlist_item_history`);
    await runner.query(`DROP FUNCTION refuse_history_change()`);
    await runner.query(`ALTER TABLE punchlist_items DROP CONSTRAINT fk_punchlist_items_punchlist_evidence`);
    await runner.query(`DROP TABLE punchlist_evidence`);
    await runner.query(`DROP TABLE punchlist_items`);
    await runner.query(`DROP TABLE punchlists`);
    await runner.query(`DROP TABLE workflow_facts`);
    await runner.query(`DROP TABLE member_replica`);
  }
}
