import { IsBoolean, IsIn, IsInt, IsObject, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { ASSIGNMENT_MODES, STAGE_GROUPS, type AssignmentMode, type StageGroup } from '@atp/approval-routing';
import { MAX_SLA_HOURS } from '../../import/approval-matrix.validator';
import { MAX_INTEGER } from '../../import/row-reader';

/**
 * Absent is allowed, null is not: every column here is NOT NULL, and `null` would otherwise skip the
 * validation (as IsOptional does) and fail in the database (found by the OpenAPI property test).
 */
const AbsentOrValid = () => ValidateIf((_dto: object, value: unknown) => value !== undefined);

/** Editable fields of a DRAFT policy stage; everything absent stays as it is. */
export class PatchPolicyStageDto {
  @AbsentOrValid() @IsString() @MaxLength(100) stageName?: string;
  @AbsentOrValid() @IsIn(STAGE_GROUPS) stageGroup?: StageGroup;
  @AbsentOrValid() @IsInt() @Min(1) @Max(MAX_SLA_HOURS) slaHours?: number;
  @AbsentOrValid() @IsInt() @Min(1) @Max(MAX_INTEGER) sequenceOrder?: number;
  @AbsentOrValid() @IsBoolean() isRequired?: boolean;
  @AbsentOrValid() @IsBoolean() isParallel?: boolean;
  @AbsentOrValid() @IsString() @Matches(/^[A-Z]$/) parallelGroup?: string;
  @AbsentOrValid() @IsIn(ASSIGNMENT_MODES) assignmentMode?: AssignmentMode;
  @AbsentOrValid() @IsObject() autoAssignRule?: Record<string, unknown>;
  @AbsentOrValid() @IsString() @MaxLength(50) roleCode?: string;
}
