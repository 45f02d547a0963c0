import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ASSIGNMENT_MODES, STAGE_GROUPS, type AssignmentMode, type StageGroup } from '@atp/approval-routing';
import { MAX_SLA_HOURS } from '../../import/approval-matrix.validator';
import { MAX_INTEGER } from '../../import/row-reader';

/** Editable fields of a DRAFT policy stage; everything absent stays as it is. */
export class PatchPolicyStageDto {
  @IsOptional() @IsString() @MaxLength(100) stageName?: string;
  @IsOptional() @IsIn(STAGE_GROUPS) stageGroup?: StageGroup;
  @IsOptional() @IsInt() @Min(1) @Max(MAX_SLA_HOURS) slaHours?: number;
  @IsOptional() @IsInt() @Min(1) @Max(MAX_INTEGER) sequenceOrder?: number;
  @IsOptional() @IsBoolean() isRequired?: boolean;
  @IsOptional() @IsBoolean() isParallel?: boolean;
  @IsOptional() @IsString() @Matches(/^[A-Z]$/) parallelGroup?: string;
  @IsOptional() @IsIn(ASSIGNMENT_MODES) assignmentMode?: AssignmentMode;
  @IsOptional() @IsObject() autoAssignRule?: Record<string, unknown>;
  @IsOptional() @IsString() @MaxLength(50) roleCode?: string;
}
