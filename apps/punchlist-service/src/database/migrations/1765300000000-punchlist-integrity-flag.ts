import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@atp/platform-database';
import { ReferenceRejections1764000000020 } from '@atp/platform-messaging';

/**
 * Compensation of refused references about punchlists (architecture §5.3, `punchlist.flagInvalidReference`): the flag
 * on the punchlist (why, and since when; shown by the API) and the shared `reference_rejections` record of every
 * rejection with what the compensation did, under row-level security like every tenant table.
 */
export class PunchlistIntegrityFlag1765300000000 implements MigrationInterface {
  name = 'PunchlistIntegrityFlag1765300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE punchlists ADD COLUMN integrity_flag TEXT, ADD COLUMN flagged_at TIMESTAMPTZ`);
    await runner.query(`ALTER TABLE punchlists ADD CONSTRAINT ck_punchlists_flagged
      CHECK ((integrity_flag IS NULL) = (flagged_at IS NULL))`);
    await new ReferenceRejections1764000000020().up(runner);
    await enableTenantRls(runner, 'reference_rejections');
  }

  async down(runner: QueryRunner): Promise<void> {
    await disableTenantRls(runner, 'reference_rejections');
    await new ReferenceRejections1764000000020().down(runner);
    await runner.query(
      `ALTER TABLE punchlists DROP CONSTRAINT ck_punchlists_flagged, DROP COLUMN flagged_at, DROP COLUMN integrity_flag`,
    );
  }
}
