import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Compensation record of a claimant service (architecture §5.3): every `reference.rejected` an owner published about
 * one of this service's aggregates, with what the compensation did. The primary key (the rejection's event id) makes
 * a redelivery change nothing; the rows are the audit of the compensation and what the API shows next to the
 * aggregate. Listed explicitly by the services that claim references (workflow, submission, punchlist).
 */
export class ReferenceRejections1764000000020 implements MigrationInterface {
  name = 'ReferenceRejections1764000000020';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE reference_rejections (
        rejection_event_id UUID PRIMARY KEY,
        workspace_id       UUID NOT NULL,
        aggregate_type     VARCHAR(30) NOT NULL,
        aggregate_id       TEXT NOT NULL,
        owner_service      VARCHAR(60) NOT NULL,
        field              VARCHAR(200) NOT NULL,
        entity             VARCHAR(60) NOT NULL,
        referenced_id      TEXT NOT NULL,
        reason_code        VARCHAR(30) NOT NULL,
        claim_event_id     UUID NOT NULL,
        claim_event_type   VARCHAR(100) NOT NULL,
        outcome            VARCHAR(30) NOT NULL,
        received_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT ck_reference_rejections_reason CHECK (reason_code IN ('UNKNOWN','OTHER_WORKSPACE','INACTIVE','MISMATCH')),
        CONSTRAINT ck_reference_rejections_outcome CHECK (outcome IN ('COMPENSATED','ALREADY_SAFE','CLOSED','UNKNOWN_AGGREGATE'))
      )`);
    await runner.query(
      `CREATE INDEX idx_reference_rejections_aggregate ON reference_rejections (workspace_id, aggregate_id, received_at)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE reference_rejections`);
  }
}
