import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Versioned approval configuration (domain §1.3, §2; architecture §2, §6). Foreign keys follow the ADR:
 * frozen and master references RESTRICT, parts of a parent CASCADE, optional references SET NULL, named
 * `fk_<table>_<target>[_<column>]`. Immutability of a version that left DRAFT (I2) and undeletability of
 * ACTIVE versions (I3) are enforced here by triggers, so no code path can bypass them.
 */
export class ConfigTables1764100000001 implements MigrationInterface {
  name = 'ConfigTables1764100000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE config_versions (
        id                  TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id        UUID NOT NULL,
        source_file_name    VARCHAR(255) NOT NULL,
        source_type         VARCHAR(50) NOT NULL,
        source_checksum     VARCHAR(64),
        version_number      INT NOT NULL,
        status              VARCHAR(20) NOT NULL DEFAULT 'DRAFT',
        row_count           INT,
        validation_status   VARCHAR(20) DEFAULT 'PENDING',
        validation_errors   TEXT,
        validation_warnings TEXT,
        imported_by         TEXT NOT NULL,
        imported_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
        activated_at        TIMESTAMPTZ,
        archived_at         TIMESTAMPTZ,
        effective_date      DATE DEFAULT CURRENT_DATE,
        expire_date         DATE,
        previous_version_id TEXT,
        superseded_by_id    TEXT,
        rolled_back_from_id TEXT,
        notes               TEXT,
        is_rollback         BOOLEAN NOT NULL DEFAULT false,
        created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT fk_config_versions_workspaces FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE RESTRICT,
        CONSTRAINT fk_config_versions_users FOREIGN KEY (imported_by) REFERENCES users (id) ON DELETE RESTRICT,
        CONSTRAINT fk_config_versions_config_versions_previous FOREIGN KEY (previous_version_id) REFERENCES config_versions (id) ON DELETE RESTRICT,
        CONSTRAINT fk_config_versions_config_versions_superseded_by FOREIGN KEY (superseded_by_id) REFERENCES config_versions (id) ON DELETE RESTRICT,
        CONSTRAINT fk_config_versions_config_versions_rolled_back_from FOREIGN KEY (rolled_back_from_id) REFERENCES config_versions (id) ON DELETE RESTRICT,
        CONSTRAINT ux_config_versions_workspace_source_version UNIQUE (workspace_id, source_type, version_number),
        CONSTRAINT ck_config_versions_source_type CHECK (source_type IN ('APPROVAL_MATRIX','CLUSTER_MAPPING','SCOPE_CONFIG')),
        CONSTRAINT ck_config_versions_status CHECK (status IN ('DRAFT','ACTIVE','ARCHIVED','SUPERSEDED')),
        CONSTRAINT ck_config_versions_validation_status CHECK (validation_status IN ('PENDING','VALID','INVALID','WARNINGS')),
        CONSTRAINT ck_config_versions_version_number CHECK (version_number > 0),
        CONSTRAINT ck_config_versions_superseded_has_successor CHECK (status <> 'SUPERSEDED' OR superseded_by_id IS NOT NULL),
        CONSTRAINT ck_config_versions_active_is_validated CHECK (status <> 'ACTIVE' OR validation_status IN ('VALID','WARNINGS')),
        CONSTRAINT ck_config_versions_rollback_has_origin CHECK (NOT is_rollback OR rolled_back_from_id IS NOT NULL)
      )`);
    await runner.query(
      `CREATE UNIQUE INDEX ux_config_versions_one_active_per_workspace ON config_versions (workspace_id, source_type) WHERE status = 'ACTIVE'`,
    );
    await runner.query(`CREATE INDEX idx_config_versions_workspace_status ON config_versions (workspace_id, status)`);
    await runner.query(
      `CREATE INDEX idx_config_versions_workspace_source_version ON config_versions (workspace_id, source_type, version_number DESC)`,
    );
    await runner.query(
      `CREATE INDEX idx_config_versions_workspace_effective ON config_versions (workspace_id, effective_date DESC)`,
    );
    await runner.query(
      `CREATE INDEX idx_config_versions_checksum ON config_versions (workspace_id, source_type, source_checksum)`,
    );

    await runner.query(`
      CREATE TABLE atp_scope_master (
        id                     TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id           UUID NOT NULL,
        config_version_id      TEXT NOT NULL,
        scope_code             VARCHAR(50) NOT NULL,
        scope_name             VARCHAR(150) NOT NULL,
        scope_group            VARCHAR(50) NOT NULL,
        category_code          VARCHAR(30),
        atp_type               VARCHAR(20) NOT NULL DEFAULT 'BOTH',
        default_template_code  VARCHAR(30),
        requires_cluster       BOOLEAN NOT NULL DEFAULT true,
        default_workflow_stage VARCHAR(50) DEFAULT 'REGISTERED',
        sla_policy_id          TEXT,
        is_active              BOOLEAN NOT NULL DEFAULT true,
        effective_date         DATE DEFAULT CURRENT_DATE,
        expiry_date            DATE,
        description            TEXT,
        created_by             TEXT,
        updated_by             TEXT,
        created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT fk_atp_scope_master_workspaces FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE RESTRICT,
        CONSTRAINT fk_atp_scope_master_config_versions FOREIGN KEY (config_version_id) REFERENCES config_versions (id) ON DELETE RESTRICT,
        CONSTRAINT ux_atp_scope_master_code UNIQUE (workspace_id, scope_code, config_version_id),
        CONSTRAINT ck_atp_scope_master_scope_group CHECK (scope_group IN ('MICROWAVE','RAN','CME','PLN')),
        CONSTRAINT ck_atp_scope_master_category_code CHECK (category_code IN ('UPGRADE','DISMANTLE','NEW','RELOCATION')),
        CONSTRAINT ck_atp_scope_master_atp_type CHECK (atp_type IN ('HARDWARE','SOFTWARE','BOTH')),
        CONSTRAINT ck_atp_scope_master_template CHECK (default_template_code IN ('ATP_HARDWARE','ATP_SOFTWARE','ATP_COMBINED'))
      )`);
    await runner.query(`CREATE INDEX idx_atp_scope_master_version ON atp_scope_master (config_version_id)`);

    await runner.query(`
      CREATE TABLE vendor_master (
        id                TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id      UUID NOT NULL,
        config_version_id TEXT NOT NULL,
        vendor_code       VARCHAR(50) NOT NULL,
        vendor_name       VARCHAR(150) NOT NULL,
        vendor_type       VARCHAR(50) NOT NULL,
        contact_person    VARCHAR(150),
        contact_email     VARCHAR(255),
        contact_phone     VARCHAR(50),
        is_active         BOOLEAN NOT NULL DEFAULT true,
        effective_date    DATE DEFAULT CURRENT_DATE,
        expiry_date       DATE,
        created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT fk_vendor_master_workspaces FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE RESTRICT,
        CONSTRAINT fk_vendor_master_config_versions FOREIGN KEY (config_version_id) REFERENCES config_versions (id) ON DELETE RESTRICT,
        CONSTRAINT ux_vendor_master_code UNIQUE (workspace_id, vendor_code, config_version_id),
        CONSTRAINT ck_vendor_master_vendor_type CHECK (vendor_type IN ('OEM','SUBCONTRACTOR','TOWER_PROVIDER','PLATFORM_OWNER','OTHER'))
      )`);
    await runner.query(`CREATE INDEX idx_vendor_master_version ON vendor_master (config_version_id)`);

    await runner.query(`
      CREATE TABLE approval_role_master (
        id                   TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id         UUID,
        config_version_id    TEXT NOT NULL,
        role_code            VARCHAR(50) NOT NULL,
        role_name            VARCHAR(150) NOT NULL,
        role_description     TEXT,
        hierarchy_order      INT NOT NULL,
        stage_group          VARCHAR(20),
        is_final_approver    BOOLEAN NOT NULL DEFAULT false,
        can_approve_parallel BOOLEAN NOT NULL DEFAULT false,
        is_active            BOOLEAN NOT NULL DEFAULT true,
        effective_date       TIMESTAMPTZ DEFAULT now(),
        expiry_date          TIMESTAMPTZ,
        created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT fk_approval_role_master_workspaces FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE RESTRICT,
        CONSTRAINT fk_approval_role_master_config_versions FOREIGN KEY (config_version_id) REFERENCES config_versions (id) ON DELETE RESTRICT,
        CONSTRAINT ux_approval_role_master_code UNIQUE NULLS NOT DISTINCT (workspace_id, role_code, config_version_id),
        CONSTRAINT ck_approval_role_master_stage_group CHECK (stage_group IN ('REVIEW','SIGN','VALIDATION','FINAL')),
        CONSTRAINT ck_approval_role_master_hierarchy_order CHECK (hierarchy_order > 0)
      )`);
    await runner.query(`CREATE INDEX idx_approval_role_master_version ON approval_role_master (config_version_id)`);

    await runner.query(`
      CREATE TABLE approval_policy_master (
        id                TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id      UUID NOT NULL,
        config_version_id TEXT NOT NULL,
        scope_id          TEXT NOT NULL,
        vendor_id         TEXT,
        atp_category      VARCHAR(20) NOT NULL,
        fallback_priority INT NOT NULL DEFAULT 0,
        parent_policy_id  TEXT,
        policy_version    VARCHAR(20) NOT NULL DEFAULT 'v1.0',
        policy_name       VARCHAR(200),
        description       TEXT,
        is_active         BOOLEAN NOT NULL DEFAULT true,
        effective_date    DATE DEFAULT CURRENT_DATE,
        expiry_date       DATE,
        created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT fk_approval_policy_master_workspaces FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE RESTRICT,
        CONSTRAINT fk_approval_policy_master_config_versions FOREIGN KEY (config_version_id) REFERENCES config_versions (id) ON DELETE RESTRICT,
        CONSTRAINT fk_approval_policy_master_atp_scope_master FOREIGN KEY (scope_id) REFERENCES atp_scope_master (id) ON DELETE RESTRICT,
        CONSTRAINT fk_approval_policy_master_vendor_master FOREIGN KEY (vendor_id) REFERENCES vendor_master (id) ON DELETE RESTRICT,
        CONSTRAINT fk_approval_policy_master_approval_policy_master FOREIGN KEY (parent_policy_id) REFERENCES approval_policy_master (id) ON DELETE SET NULL,
        CONSTRAINT ux_approval_policy_master_key UNIQUE NULLS NOT DISTINCT (workspace_id, config_version_id, scope_id, vendor_id, atp_category),
        CONSTRAINT ck_approval_policy_master_atp_category CHECK (atp_category IN ('RAN_MW','PLN_UPGRADE','DISMANTLE_DROP','DISMANTLE_KEEP','SOFTWARE_LICENSE')),
        CONSTRAINT ck_approval_policy_master_fallback_priority CHECK (fallback_priority >= 0)
      )`);
    await runner.query(
      `CREATE INDEX idx_approval_policy_master_lookup ON approval_policy_master (config_version_id, scope_id, atp_category, fallback_priority)`,
    );
    await runner.query(`CREATE INDEX idx_approval_policy_master_vendor ON approval_policy_master (vendor_id)`);

    await runner.query(`
      CREATE TABLE approval_policy_stages (
        id                     TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id           UUID NOT NULL,
        policy_id              TEXT NOT NULL,
        config_version_id      TEXT NOT NULL,
        stage_number           INT NOT NULL,
        stage_name             VARCHAR(100) NOT NULL,
        stage_group            VARCHAR(20),
        approval_role_id       TEXT NOT NULL,
        is_required            BOOLEAN NOT NULL DEFAULT true,
        is_parallel            BOOLEAN NOT NULL DEFAULT false,
        parallel_group         VARCHAR(10),
        sla_hours              INT NOT NULL DEFAULT 24,
        sla_days               INT DEFAULT 1,
        assignment_mode        VARCHAR(20) NOT NULL DEFAULT 'CLUSTER',
        auto_assign_rule       JSONB,
        notification_on_assign  BOOLEAN NOT NULL DEFAULT true,
        notification_on_approve BOOLEAN NOT NULL DEFAULT true,
        notification_on_reject  BOOLEAN NOT NULL DEFAULT true,
        sequence_order         INT NOT NULL,
        is_active              BOOLEAN NOT NULL DEFAULT true,
        created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT fk_approval_policy_stages_workspaces FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE RESTRICT,
        CONSTRAINT fk_approval_policy_stages_approval_policy_master FOREIGN KEY (policy_id) REFERENCES approval_policy_master (id) ON DELETE CASCADE,
        CONSTRAINT fk_approval_policy_stages_config_versions FOREIGN KEY (config_version_id) REFERENCES config_versions (id) ON DELETE RESTRICT,
        CONSTRAINT fk_approval_policy_stages_approval_role_master FOREIGN KEY (approval_role_id) REFERENCES approval_role_master (id) ON DELETE RESTRICT,
        CONSTRAINT ux_approval_policy_stages_key UNIQUE NULLS NOT DISTINCT (policy_id, stage_number, approval_role_id, parallel_group, config_version_id),
        CONSTRAINT ck_approval_policy_stages_assignment_mode CHECK (assignment_mode IN ('CLUSTER','STATIC_USER','RULE','AUTO')),
        CONSTRAINT ck_approval_policy_stages_stage_group CHECK (stage_group IN ('REVIEW','SIGN','VALIDATION','FINAL')),
        CONSTRAINT ck_approval_policy_stages_sequence_order CHECK (sequence_order > 0),
        CONSTRAINT ck_approval_policy_stages_stage_number CHECK (stage_number > 0),
        CONSTRAINT ck_approval_policy_stages_sla_hours CHECK (sla_hours > 0),
        CONSTRAINT ck_approval_policy_stages_parallel_group CHECK (parallel_group ~ '^[A-Z]$'),
        CONSTRAINT ck_approval_policy_stages_rule_matches_mode CHECK (
          (assignment_mode IN ('STATIC_USER','RULE')) = (auto_assign_rule IS NOT NULL))
      )`);
    await runner.query(
      `CREATE INDEX idx_approval_policy_stages_policy ON approval_policy_stages (policy_id, sequence_order)`,
    );
    await runner.query(`CREATE INDEX idx_approval_policy_stages_version ON approval_policy_stages (config_version_id)`);
    await runner.query(`CREATE INDEX idx_approval_policy_stages_role ON approval_policy_stages (approval_role_id)`);

    await runner.query(`
      CREATE TABLE cluster_master (
        id                TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id      UUID NOT NULL,
        config_version_id TEXT NOT NULL,
        scope_id          TEXT NOT NULL,
        island_code       VARCHAR(10),
        region_code       VARCHAR(10),
        city_code         VARCHAR(10),
        region_name       VARCHAR(100) NOT NULL,
        province_name     VARCHAR(100),
        city_name         VARCHAR(100),
        cluster_code      VARCHAR(120) NOT NULL,
        m_sequence        VARCHAR(10),
        site_count        INT NOT NULL DEFAULT 0,
        source_sheet      VARCHAR(100),
        source_row_number INT,
        is_active         BOOLEAN NOT NULL DEFAULT true,
        created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT fk_cluster_master_workspaces FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE RESTRICT,
        CONSTRAINT fk_cluster_master_config_versions FOREIGN KEY (config_version_id) REFERENCES config_versions (id) ON DELETE RESTRICT,
        CONSTRAINT fk_cluster_master_atp_scope_master FOREIGN KEY (scope_id) REFERENCES atp_scope_master (id) ON DELETE RESTRICT,
        CONSTRAINT ux_cluster_master_code UNIQUE (workspace_id, config_version_id, cluster_code),
        CONSTRAINT ck_cluster_master_m_sequence CHECK (m_sequence ~ '^M([1-9]|10)$'),
        CONSTRAINT ck_cluster_master_site_count CHECK (site_count >= 0)
      )`);
    await runner.query(`CREATE INDEX idx_cluster_master_version_scope ON cluster_master (config_version_id, scope_id)`);

    await runner.query(`
      CREATE TABLE cluster_approver_master (
        id                TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id      UUID NOT NULL,
        cluster_id        TEXT NOT NULL,
        config_version_id TEXT NOT NULL,
        approval_role_id  TEXT NOT NULL,
        primary_user_id   TEXT NOT NULL,
        backup_user_id    TEXT,
        assignment_notes  TEXT,
        source_reference  VARCHAR(100),
        is_active         BOOLEAN NOT NULL DEFAULT true,
        effective_from    DATE DEFAULT CURRENT_DATE,
        effective_to      DATE,
        created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT fk_cluster_approver_master_workspaces FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE RESTRICT,
        CONSTRAINT fk_cluster_approver_master_cluster_master FOREIGN KEY (cluster_id) REFERENCES cluster_master (id) ON DELETE CASCADE,
        CONSTRAINT fk_cluster_approver_master_config_versions FOREIGN KEY (config_version_id) REFERENCES config_versions (id) ON DELETE RESTRICT,
        CONSTRAINT fk_cluster_approver_master_approval_role_master FOREIGN KEY (approval_role_id) REFERENCES approval_role_master (id) ON DELETE RESTRICT,
        CONSTRAINT fk_cluster_approver_master_users_primary FOREIGN KEY (primary_user_id) REFERENCES users (id) ON DELETE RESTRICT,
        CONSTRAINT fk_cluster_approver_master_users_backup FOREIGN KEY (backup_user_id) REFERENCES users (id) ON DELETE SET NULL,
        CONSTRAINT ux_cluster_approver_master_key UNIQUE (workspace_id, cluster_id, approval_role_id, config_version_id),
        CONSTRAINT ck_cluster_approver_master_backup_differs CHECK (backup_user_id IS NULL OR backup_user_id <> primary_user_id),
        CONSTRAINT ck_cluster_approver_master_effective_range CHECK (effective_to IS NULL OR effective_from IS NULL OR effective_to > effective_from)
      )`);
    await runner.query(
      `CREATE INDEX idx_cluster_approver_master_cluster_role ON cluster_approver_master (cluster_id, approval_role_id)`,
    );
    await runner.query(
      `CREATE INDEX idx_cluster_approver_master_version ON cluster_approver_master (config_version_id)`,
    );
    await runner.query(
      `CREATE INDEX idx_cluster_approver_master_primary_user ON cluster_approver_master (primary_user_id)`,
    );

    // Cross-service RESTRICT (architecture §5.4): running workflows pin versions; the count is fed by workflow events.
    await runner.query(`
      CREATE TABLE config_version_pins (
        config_version_id TEXT PRIMARY KEY,
        pinned_count      INT NOT NULL DEFAULT 0,
        updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT fk_config_version_pins_config_versions FOREIGN KEY (config_version_id) REFERENCES config_versions (id) ON DELETE RESTRICT,
        CONSTRAINT ck_config_version_pins_count CHECK (pinned_count >= 0)
      )`);

    await this.createImmutabilityTriggers(runner);
  }

  private async createImmutabilityTriggers(runner: QueryRunner): Promise<void> {
    // I2: master rows belong to their version; once it left DRAFT they can be neither added, changed nor removed.
    await runner.query(`
      CREATE FUNCTION trg_master_rows_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        v_status TEXT;
      BEGIN
        IF TG_OP IN ('UPDATE','DELETE') THEN
          SELECT status INTO v_status FROM config_versions WHERE id = OLD.config_version_id;
          IF v_status IS DISTINCT FROM 'DRAFT' THEN
            RAISE EXCEPTION 'config version % is % and immutable: % on % refused', OLD.config_version_id, v_status, TG_OP, TG_TABLE_NAME
              USING ERRCODE = 'P0001';
          END IF;
        END IF;
        IF TG_OP IN ('INSERT','UPDATE') THEN
          SELECT status INTO v_status FROM config_versions WHERE id = NEW.config_version_id;
          IF v_status IS DISTINCT FROM 'DRAFT' THEN
            RAISE EXCEPTION 'config version % is % and immutable: % on % refused', NEW.config_version_id, v_status, TG_OP, TG_TABLE_NAME
              USING ERRCODE = 'P0001';
          END IF;
          RETURN NEW;
        END IF;
        RETURN OLD;
      END $$`);
    for (const table of [
      'atp_scope_master',
      'vendor_master',
      'approval_role_master',
      'approval_policy_master',
      'approval_policy_stages',
      'cluster_master',
      'cluster_approver_master',
    ]) {
      await runner.query(
        `CREATE TRIGGER trg_${table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION trg_master_rows_frozen()`,
      );
    }

    // The lifecycle table of domain §2.1 as the database enforces it: a DRAFT may change freely and be promoted;
    // an ACTIVE version may only be demoted (SUPERSEDED / ARCHIVED) with its stamp columns; everything else is frozen.
    await runner.query(`
      CREATE FUNCTION trg_config_versions_lifecycle() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        stamp_columns CONSTANT TEXT[] := ARRAY['status','superseded_by_id','archived_at','expire_date','updated_at'];
      BEGIN
        IF OLD.status = 'DRAFT' THEN
          IF NEW.status NOT IN ('DRAFT','ACTIVE') THEN
            RAISE EXCEPTION 'config version %: DRAFT -> % is not an allowed transition', OLD.id, NEW.status USING ERRCODE = 'P0001';
          END IF;
          RETURN NEW;
        END IF;
        IF OLD.status = 'ACTIVE' AND NEW.status IN ('SUPERSEDED','ARCHIVED')
           AND (to_jsonb(NEW) - stamp_columns) = (to_jsonb(OLD) - stamp_columns) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'config version % is % and immutable (attempted status %)', OLD.id, OLD.status, NEW.status USING ERRCODE = 'P0001';
      END $$`);
    await runner.query(
      `CREATE TRIGGER trg_config_versions_lifecycle BEFORE UPDATE ON config_versions FOR EACH ROW EXECUTE FUNCTION trg_config_versions_lifecycle()`,
    );

    // I3: only a DRAFT may be deleted, and never one that a running workflow pins.
    await runner.query(`
      CREATE FUNCTION trg_config_versions_delete_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        v_pins INT;
      BEGIN
        IF OLD.status <> 'DRAFT' THEN
          RAISE EXCEPTION 'config version % is % and cannot be deleted', OLD.id, OLD.status USING ERRCODE = 'P0001';
        END IF;
        SELECT pinned_count INTO v_pins FROM config_version_pins WHERE config_version_id = OLD.id;
        IF coalesce(v_pins, 0) > 0 THEN
          RAISE EXCEPTION 'config version % is pinned by % running workflow(s)', OLD.id, v_pins USING ERRCODE = 'P0001';
        END IF;
        DELETE FROM config_version_pins WHERE config_version_id = OLD.id;
        RETURN OLD;
      END $$`);
    await runner.query(
      `CREATE TRIGGER trg_config_versions_delete_guard BEFORE DELETE ON config_versions FOR EACH ROW EXECUTE FUNCTION trg_config_versions_delete_guard()`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE config_version_pins, cluster_approver_master, cluster_master, approval_policy_stages, approval_policy_master,
      approval_role_master, vendor_master, atp_scope_master, config_versions`);
    await runner.query(
      `DROP FUNCTION trg_master_rows_frozen(), trg_config_versions_lifecycle(), trg_config_versions_delete_guard()`,
    );
  }
}
