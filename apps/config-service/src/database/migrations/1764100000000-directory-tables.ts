import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Directory of config-service (domain §1.1–1.2, architecture §6 Q1): workspaces (UUID ids, deactivated
 * rather than deleted, so every reference to them is RESTRICT), users (TEXT ids chosen by the
 * application), per-workspace memberships with an RBAC role, and sites with the cluster code that routing
 * resolves in the pinned CLUSTER_MAPPING version.
 */
export class DirectoryTables1764100000000 implements MigrationInterface {
  name = 'DirectoryTables1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await runner.query(`
      CREATE TABLE workspaces (
        id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        code              VARCHAR(80) NOT NULL,
        name              VARCHAR(150) NOT NULL,
        customer_group_id VARCHAR(255) NOT NULL,
        vendor_owner_id   VARCHAR(255) NOT NULL,
        is_active         BOOLEAN NOT NULL DEFAULT true,
        created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT ux_workspaces_code UNIQUE (code)
      )`);
    await runner.query(`CREATE INDEX idx_workspaces_is_active ON workspaces (is_active)`);

    await runner.query(`
      CREATE TABLE users (
        id         TEXT PRIMARY KEY,
        email      VARCHAR(255) NOT NULL,
        username   VARCHAR(150),
        full_name  VARCHAR(200) NOT NULL,
        role       VARCHAR(50),
        status     VARCHAR(20) NOT NULL DEFAULT 'ACTIVE',
        user_type  VARCHAR(20) NOT NULL DEFAULT 'INTERNAL',
        is_active  BOOLEAN NOT NULL DEFAULT true,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT ux_users_email UNIQUE (email),
        CONSTRAINT ux_users_username UNIQUE (username),
        CONSTRAINT ck_users_status CHECK (status IN ('ACTIVE','INACTIVE','SUSPENDED','PENDING')),
        CONSTRAINT ck_users_user_type CHECK (user_type IN ('INTERNAL','CUSTOMER','VENDOR','TOWER_PROVIDER'))
      )`);

    await runner.query(`
      CREATE TABLE workspace_members (
        id           TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id UUID NOT NULL,
        user_id      TEXT NOT NULL,
        role         VARCHAR(30) NOT NULL,
        status       VARCHAR(20) NOT NULL DEFAULT 'ACTIVE',
        is_default   BOOLEAN NOT NULL DEFAULT false,
        created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT fk_workspace_members_workspaces FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE RESTRICT,
        CONSTRAINT fk_workspace_members_users FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT ux_workspace_members_workspace_user_role UNIQUE (workspace_id, user_id, role),
        CONSTRAINT ck_workspace_members_role CHECK (role IN ('WORKSPACE_ADMIN','DOC_CONTROL','QA_ENGINEER','APPROVER','AUDITOR')),
        CONSTRAINT ck_workspace_members_status CHECK (status IN ('ACTIVE','INACTIVE'))
      )`);
    await runner.query(`CREATE INDEX idx_workspace_members_user ON workspace_members (user_id)`);
    await runner.query(
      `CREATE INDEX idx_workspace_members_workspace_role ON workspace_members (workspace_id, role) WHERE status = 'ACTIVE'`,
    );

    await runner.query(`
      CREATE TABLE sites (
        id           TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
        workspace_id UUID NOT NULL,
        site_code    VARCHAR(100) NOT NULL,
        site_name    VARCHAR(200) NOT NULL,
        region       VARCHAR(100),
        city         VARCHAR(100),
        cluster_code VARCHAR(120),
        is_active    BOOLEAN NOT NULL DEFAULT true,
        created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT fk_sites_workspaces FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE RESTRICT,
        CONSTRAINT ux_sites_workspace_site_code UNIQUE (workspace_id, site_code)
      )`);
    await runner.query(`CREATE INDEX idx_sites_workspace_cluster ON sites (workspace_id, cluster_code)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE sites, workspace_members, users, workspaces`);
  }
}
