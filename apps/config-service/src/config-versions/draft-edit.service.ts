import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { canonicalRoleCode, type SourceType } from '@atp/approval-routing';
import { inTransaction } from '@atp/platform-database';
import {
  ConflictError,
  DomainError,
  NotFoundError,
  UnknownReferenceError,
  ValidationFailedError,
} from '@atp/platform-http';
import { ImportContextLoader } from '../import/import-context.loader';
import { validateImport } from '../import/import-validator';
import { assertActorExists, lockWorkspace } from '../common/workspace-access';
import { ConfigVersionEvent, ConfigVersionEvents } from './config-version-events';
import { ConfigVersionsRepository } from './config-versions.repository';
import type { PatchPolicyStageDto } from './dto/patch-policy-stage.dto';
import { readVersionSheets } from './version-sheets';

/** Patchable fields and their columns: a static allow-list, so no client key ever reaches the SQL text. */
const PLAIN_COLUMNS = {
  stageName: 'stage_name',
  stageGroup: 'stage_group',
  slaHours: 'sla_hours',
  sequenceOrder: 'sequence_order',
  isRequired: 'is_required',
  isParallel: 'is_parallel',
  parallelGroup: 'parallel_group',
  assignmentMode: 'assignment_mode',
} as const;

/** The edited stage as the API shows it (camelCase, like every other answer). */
const STAGE_VIEW = `id, workspace_id AS "workspaceId", policy_id AS "policyId", config_version_id AS "configVersionId",
  stage_number AS "stageNumber", stage_name AS "stageName", stage_group AS "stageGroup",
  approval_role_id AS "approvalRoleId", is_required AS "isRequired", is_parallel AS "isParallel",
  parallel_group AS "parallelGroup", sla_hours AS "slaHours", assignment_mode AS "assignmentMode",
  auto_assign_rule AS "autoAssignRule", sequence_order AS "sequenceOrder", is_active AS "isActive",
  updated_at AS "updatedAt"`;

/** Edits of DRAFT rows (domain §2.1 I2 [R]); the database trigger refuses the same edit on any other status. */
@Injectable()
export class DraftEditService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: ConfigVersionsRepository,
    private readonly events: ConfigVersionEvents,
    private readonly contextLoader: ImportContextLoader,
  ) {}

  patchPolicyStage(
    workspaceId: string,
    versionId: string,
    stageId: string,
    patch: PatchPolicyStageDto,
    actorId: string,
  ): Promise<Record<string, unknown>> {
    return inTransaction(this.dataSource, async (manager) => {
      await assertActorExists(manager, actorId);
      await lockWorkspace(manager, workspaceId);
      const version = await this.versions.find(manager, workspaceId, versionId, { lock: true });
      if (version.status !== 'DRAFT')
        throw new ConflictError(
          'VERSION_IMMUTABLE',
          `config version ${versionId} is ${version.status}; only DRAFT rows can be edited`,
        );
      const found = (await manager.query(
        `SELECT id, assignment_mode, auto_assign_rule FROM approval_policy_stages WHERE id = $1 AND config_version_id = $2`,
        [stageId, versionId],
      )) as Array<{ assignment_mode: string; auto_assign_rule: unknown }>;
      if (found.length === 0) throw new NotFoundError('policy stage', stageId);
      const sets: string[] = [];
      const values: unknown[] = [];
      for (const [field, column] of Object.entries(PLAIN_COLUMNS) as Array<[keyof typeof PLAIN_COLUMNS, string]>) {
        if (patch[field] !== undefined) {
          values.push(patch[field]);
          sets.push(`${column} = $${values.length}`);
        }
      }
      if (patch.autoAssignRule !== undefined) {
        values.push(JSON.stringify(patch.autoAssignRule));
        sets.push(`auto_assign_rule = $${values.length}::jsonb`);
      }
      const mode = patch.assignmentMode ?? found[0].assignment_mode;
      const rule = patch.autoAssignRule ?? found[0].auto_assign_rule;
      if ((mode === 'STATIC_USER' || mode === 'RULE') !== (rule !== null && rule !== undefined)) {
        // A rule the patch itself sends with a mode that takes none is refused, not silently dropped
        // (it also set the column twice: a 500 the OpenAPI property test found).
        if ((mode === 'CLUSTER' || mode === 'AUTO') && patch.autoAssignRule !== undefined) {
          throw new ValidationFailedError([
            { field: 'autoAssignRule', message: `assignmentMode ${mode} takes no autoAssignRule` },
          ]);
        }
        if (mode === 'CLUSTER' || mode === 'AUTO') sets.push('auto_assign_rule = NULL');
        else
          throw new ValidationFailedError([
            { field: 'autoAssignRule', message: `assignmentMode ${mode} needs autoAssignRule` },
          ]);
      }
      if (patch.roleCode !== undefined) {
        const roleCode = canonicalRoleCode(patch.roleCode);
        const roles = (await manager.query(
          `SELECT id FROM approval_role_master WHERE config_version_id = $1 AND role_code = $2`,
          [versionId, roleCode],
        )) as Array<{ id: string }>;
        if (roles.length === 0)
          throw new UnknownReferenceError('roleCode', patch.roleCode, 'approval role of this version');
        values.push(roles[0].id);
        sets.push(`approval_role_id = $${values.length}`);
      }
      if (sets.length === 0) throw new ValidationFailedError([{ field: '*', message: 'the patch changes nothing' }]);
      values.push(stageId);
      const [updated] = (await manager.query(
        `UPDATE approval_policy_stages SET ${sets.join(', ')}, updated_at = now() WHERE id = $${values.length} RETURNING ${STAGE_VIEW}`,
        values,
      )) as [Array<Record<string, unknown>>];
      await this.revalidate(manager, workspaceId, version.sourceType, versionId);
      await this.events.lifecycle(manager, ConfigVersionEvent.draftEdited, version, actorId);
      return updated[0];
    });
  }

  /**
   * The edited draft must pass the import validator, as a re-import of its export would: an edit that an import
   * would refuse (e.g. `autoAssignRule: {"pool": 5}`) is refused here, rolled back with the transaction, and
   * can never be activated.
   */
  private async revalidate(
    manager: EntityManager,
    workspaceId: string,
    sourceType: SourceType,
    versionId: string,
  ): Promise<void> {
    const sheets = await readVersionSheets(manager, sourceType, versionId);
    const context = await this.contextLoader.load(manager, workspaceId, versionId, randomUUID);
    const { report } = validateImport(sourceType, sheets, context);
    if (report.status === 'INVALID') {
      throw new DomainError(
        422,
        'DRAFT_EDIT_INVALID',
        `The edit would make the draft invalid (${report.errors.length} error(s)); nothing was changed`,
        {
          report,
        },
      );
    }
  }
}
