import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Runtime workflow tables (domain §1.3 tables 9–11 and 16, statuses of architecture §6 Q3).
 * Deviations from the source schema, and why:
 * - timestamps are timestamptz (the service compares SLA due times across zones);
 * - `submission_id` + `attempt_number` on the instance, unique: a redelivered `submission.qa-approved`
 *   (even republished with a new event id) can never start a second workflow for one attempt;
 * - stages default to WAITING: only the stage number being decided is PENDING (domain §4.2 [R]);
 * - stages carry `workspace_id`, `role_code`, `stage_name`, `sla_hours` and `backup_user_id` frozen from the
 *   routing result, so queries and escalation never read configuration again;
 * - `workflow_stage_actions` → stages is RESTRICT, not the source's CASCADE: the audit trail must outlive
 *   any attempt to delete what it audits (ADR principle "audit references RESTRICT"). As a consequence an
 *   instance with decisions cannot be deleted either (its stage cascade is blocked), which is intended.
 */
export class WorkflowTables1764200000000 implements MigrationInterface {
  name = 'WorkflowTables1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE workflow_instances (
        id                   TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id         UUID NOT NULL,
        submission_id        TEXT NOT NULL,
        attempt_number       INT NOT NULL CHECK (attempt_number > 0),
        config_version_id    TEXT NOT NULL,
        approval_policy_id   TEXT NOT NULL,
        site_id              VARCHAR(100) NOT NULL,
        vendor_id            TEXT,
        scope_id             TEXT NOT NULL,
        atp_category         VARCHAR(20) NOT NULL
          CONSTRAINT ck_workflow_instances_atp_category CHECK (atp_category IN ('RAN_MW','PLN_UPGRADE','DISMANTLE_DROP','DISMANTLE_KEEP','SOFTWARE_LICENSE')),
        status               VARCHAR(30) NOT NULL DEFAULT 'IN_PROGRESS'
          CONSTRAINT ck_workflow_instances_status CHECK (status IN ('IN_PROGRESS','ON_HOLD','COMPLETED','REJECTED','CANCELLED')),
        current_stage_number INT,
        total_stages         INT NOT NULL CHECK (total_stages > 0),
        submitted_by         TEXT NOT NULL,
        hold_reason          TEXT,
        started_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
        completed_at         TIMESTAMPTZ,
        created_by           TEXT,
        routing_snapshot     JSONB NOT NULL,
        created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT ux_workflow_instances_submission_attempt UNIQUE (submission_id, attempt_number),
        CONSTRAINT ck_workflow_instances_completed_at CHECK ((status IN ('COMPLETED','REJECTED','CANCELLED')) = (completed_at IS NOT NULL))
      )`);
    await runner.query(
      `CREATE INDEX idx_workflow_instances_status ON workflow_instances (workspace_id, status, started_at)`,
    );
    await runner.query(
      `CREATE INDEX idx_workflow_instances_submission ON workflow_instances (workspace_id, submission_id)`,
    );

    await runner.query(`
      CREATE TABLE workflow_stages (
        id                   TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id         UUID NOT NULL,
        workflow_instance_id TEXT NOT NULL
          CONSTRAINT fk_workflow_stages_workflow_instances REFERENCES workflow_instances (id) ON DELETE CASCADE,
        config_version_id    TEXT NOT NULL,
        stage_number         INT NOT NULL CHECK (stage_number > 0),
        stage_name           VARCHAR(100) NOT NULL,
        approval_role_id     TEXT NOT NULL,
        role_code            VARCHAR(50) NOT NULL,
        is_parallel          BOOLEAN NOT NULL DEFAULT false,
        parallel_group       VARCHAR(10),
        approver_user_id     TEXT,
        backup_user_id       TEXT,
        status               VARCHAR(30) NOT NULL DEFAULT 'WAITING'
          CONSTRAINT ck_workflow_stages_status CHECK (status IN ('WAITING','PENDING','APPROVED','REJECTED','SKIPPED','CANCELLED')),
        decided_by           TEXT,
        decided_at           TIMESTAMPTZ,
        decision             VARCHAR(30)
          CONSTRAINT ck_workflow_stages_decision CHECK (decision IN ('APPROVE','APPROVE_WITH_PUNCHLIST','REJECT')),
        decision_comments    TEXT,
        sla_hours            INT NOT NULL CHECK (sla_hours > 0),
        activated_at         TIMESTAMPTZ,
        sla_due_at           TIMESTAMPTZ,
        sla_breached_at      TIMESTAMPTZ,
        escalated_at         TIMESTAMPTZ,
        policy_stage_id      TEXT,
        created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT ux_workflow_stages_instance_number_role_group
          UNIQUE NULLS NOT DISTINCT (workflow_instance_id, stage_number, approval_role_id, parallel_group),
        CONSTRAINT ck_workflow_stages_pending_has_due CHECK (status <> 'PENDING' OR sla_due_at IS NOT NULL),
        CONSTRAINT ck_workflow_stages_decided CHECK ((status IN ('APPROVED','REJECTED')) = (decided_at IS NOT NULL AND decided_by IS NOT NULL AND decision IS NOT NULL))
      )`);
    // The approver inbox: "my PENDING stages, soonest due first"; id breaks ties for keyset pagination.
    await runner.query(`
      CREATE INDEX idx_workflow_stages_pending_by_user ON workflow_stages (approver_user_id, sla_due_at, id)
      WHERE status = 'PENDING'`);
    // The SLA sweeper: PENDING stages not yet flagged, by due time.
    await runner.query(`
      CREATE INDEX idx_workflow_stages_overdue ON workflow_stages (sla_due_at)
      WHERE status = 'PENDING' AND sla_breached_at IS NULL`);
    await runner.query(
      `CREATE INDEX idx_workflow_stages_breached ON workflow_stages (workspace_id, sla_breached_at) WHERE sla_breached_at IS NOT NULL`,
    );

    await runner.query(`
      CREATE TABLE approver_overrides (
        id                TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id      UUID NOT NULL,
        override_type     VARCHAR(20) NOT NULL
          CONSTRAINT ck_approver_overrides_type CHECK (override_type IN ('STAGE','SUBMISSION','CLUSTER','REGION')),
        workflow_stage_id TEXT
          CONSTRAINT fk_approver_overrides_workflow_stages REFERENCES workflow_stages (id) ON DELETE CASCADE,
        submission_id     TEXT,
        cluster_code      VARCHAR(120),
        region            VARCHAR(100),
        approval_role_id  TEXT NOT NULL,
        role_code         VARCHAR(50) NOT NULL,
        from_user_id      TEXT NOT NULL,
        to_user_id        TEXT NOT NULL,
        override_reason   TEXT NOT NULL CHECK (btrim(override_reason) <> ''),
        requestor_user_id TEXT NOT NULL,
        approval_status   VARCHAR(20) NOT NULL DEFAULT 'PENDING'
          CONSTRAINT ck_approver_overrides_approval_status CHECK (approval_status IN ('PENDING','APPROVED','REJECTED','EXPIRED')),
        approved_by       TEXT,
        approved_at       TIMESTAMPTZ,
        is_active         BOOLEAN NOT NULL DEFAULT true,
        effective_date    DATE NOT NULL DEFAULT CURRENT_DATE,
        expiry_date       DATE,
        notes             TEXT,
        created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT ck_approver_overrides_target CHECK (
          (override_type = 'STAGE' AND workflow_stage_id IS NOT NULL) OR
          (override_type = 'SUBMISSION' AND submission_id IS NOT NULL) OR
          (override_type = 'CLUSTER' AND cluster_code IS NOT NULL) OR
          (override_type = 'REGION' AND region IS NOT NULL)),
        CONSTRAINT ck_approver_overrides_users_differ CHECK (from_user_id <> to_user_id),
        CONSTRAINT ck_approver_overrides_dates CHECK (expiry_date IS NULL OR expiry_date > effective_date),
        CONSTRAINT ck_approver_overrides_approved CHECK ((approval_status = 'APPROVED') <= (approved_by IS NOT NULL AND approved_at IS NOT NULL))
      )`);
    await runner.query(`
      CREATE INDEX idx_approver_overrides_approved ON approver_overrides (workspace_id, role_code, from_user_id)
      WHERE approval_status = 'APPROVED' AND is_active`);

    await runner.query(`
      CREATE TABLE workflow_stage_actions (
        id                   TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        -- Commit-independent total order of the trail: several actions share one transaction timestamp.
        seq                  BIGINT GENERATED ALWAYS AS IDENTITY,
        workspace_id         UUID NOT NULL,
        workflow_instance_id TEXT NOT NULL
          CONSTRAINT fk_workflow_stage_actions_workflow_instances REFERENCES workflow_instances (id) ON DELETE RESTRICT,
        workflow_stage_id    TEXT NOT NULL
          CONSTRAINT fk_workflow_stage_actions_workflow_stages REFERENCES workflow_stages (id) ON DELETE RESTRICT,
        action_type          VARCHAR(30) NOT NULL
          CONSTRAINT ck_workflow_stage_actions_type CHECK (action_type IN (
            'CREATED','ACTIVATED','UNASSIGNED','APPROVE','APPROVE_WITH_PUNCHLIST','REJECT','CANCELLED',
            'SLA_BREACHED','ESCALATED','REASSIGNED','HELD','RESUMED')),
        actor_user_id        TEXT,
        action_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
        payload              JSONB NOT NULL DEFAULT '{}'::jsonb,
        notes                TEXT
      )`);
    await runner.query(
      `CREATE INDEX idx_workflow_stage_actions_instance ON workflow_stage_actions (workflow_instance_id, seq)`,
    );
    await runner.query(`CREATE INDEX idx_workflow_stage_actions_stage ON workflow_stage_actions (workflow_stage_id)`);
    // Append-only for everyone, owner included: the grants also take UPDATE/DELETE away from the
    // runtime role, this trigger covers the roles grants cannot (architecture §7).
    await runner.query(`
      CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'P0001';
      END $$`);
    await runner.query(`
      CREATE TRIGGER trg_workflow_stage_actions_append_only BEFORE UPDATE OR DELETE ON workflow_stage_actions
      FOR EACH ROW EXECUTE FUNCTION refuse_audit_change()`);
    await runner.query(`
      CREATE TRIGGER trg_workflow_stage_actions_no_truncate BEFORE TRUNCATE ON workflow_stage_actions
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change()`);

    await runner.query(`
      CREATE TABLE workflow_start_refusals (
        id             TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id   UUID NOT NULL,
        submission_id  TEXT NOT NULL,
        attempt_number INT NOT NULL CHECK (attempt_number > 0),
        reason         VARCHAR(40) NOT NULL
          CONSTRAINT ck_workflow_start_refusals_reason CHECK (reason IN ('CONFIG_SNAPSHOT_MISSING','CONFIG_SNAPSHOT_MISMATCH','NO_POLICY','UNKNOWN_CATEGORY','WORKSPACE_INACTIVE')),
        detail         TEXT NOT NULL,
        event_id       UUID NOT NULL,
        refused_at     TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE INDEX idx_workflow_start_refusals_submission ON workflow_start_refusals (workspace_id, submission_id, attempt_number)`,
    );

    // Decision replays (architecture §8): the first answer is stored with the decision, same transaction.
    await runner.query(`
      CREATE TABLE idempotency_keys (
        workspace_id        UUID NOT NULL,
        idempotency_key     VARCHAR(200) NOT NULL,
        request_fingerprint TEXT NOT NULL,
        response_status     INT,
        response_body       JSONB,
        created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, idempotency_key)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE idempotency_keys`);
    await runner.query(`DROP TABLE workflow_start_refusals`);
    await runner.query(`DROP TABLE workflow_stage_actions`);
    await runner.query(`DROP FUNCTION refuse_audit_change()`);
    await runner.query(`DROP TABLE approver_overrides`);
    await runner.query(`DROP TABLE workflow_stages`);
    await runner.query(`DROP TABLE workflow_instances`);
  }
}
