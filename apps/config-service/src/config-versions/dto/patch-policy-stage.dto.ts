import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { ASSIGNMENT_MODES, STAGE_GROUPS, type AssignmentMode, type StageGroup } from '@atp/approval-routing';

/** Editable fields of a DRAFT policy stage; everything absent stays as it is. */
export class PatchPolicyStageDto {
  @IsOptional() @IsString() @MaxLength(100) stage_name?: string;
  @IsOptional() @IsIn(STAGE_GROUPS) stage_group?: StageGroup;
  @IsOptional() @IsInt() @Min(1) sla_hours?: number;
  @IsOptional() @IsInt() @Min(1) sequence_order?: number;
  @IsOptional() @IsBoolean() is_required?: boolean;
  @IsOptional() @IsBoolean() is_parallel?: boolean;
  @IsOptional() @IsString() @Matches(/^[A-Z]$/) parallel_group?: string;
  @IsOptional() @IsIn(ASSIGNMENT_MODES) assignment_mode?: AssignmentMode;
  @IsOptional() @IsObject() auto_assign_rule?: Record<string, unknown>;
  @IsOptional() @IsString() @MaxLength(50) role_code?: string;
}
