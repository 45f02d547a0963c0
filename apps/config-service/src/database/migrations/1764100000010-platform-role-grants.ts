import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Platform roles (architecture §7): rights above any one workspace, such as creating workspaces and users
 * (PLATFORM_ADMIN). The identity provider puts them in the token's `roles` claim; locally the development
 * issuer reads them from here (`npm run token`).
 */
export class PlatformRoleGrants1764100000010 implements MigrationInterface {
  name = 'PlatformRoleGrants1764100000010';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE platform_role_grants (
        user_id    TEXT NOT NULL,
        role       VARCHAR(30) NOT NULL,
        granted_by TEXT,
        granted_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT pk_platform_role_grants PRIMARY KEY (user_id, role),
        CONSTRAINT fk_platform_role_grants_users FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT ck_platform_role_grants_role CHECK (role IN ('PLATFORM_ADMIN'))
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE platform_role_grants`);
  }
}
