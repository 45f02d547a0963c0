import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { OVERRIDE_TYPES, type OverrideType } from '@atp/approval-routing';

const USER_ID = /^[A-Za-z0-9._:@|-]{1,100}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const OVERRIDE_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'EXPIRED'] as const;

/**
 * An override request (domain §3.3). Exactly the target of `overrideType` is given: STAGE →
 * `workflowStageId`, SUBMISSION → `submissionId`, CLUSTER → `clusterCode`, REGION → `region` (checked
 * by the service, which names the offending fields). The role comes from the stage for STAGE
 * overrides; the other types name it by `roleCode` (and optionally a config-version `approvalRoleId`).
 */
export class CreateOverrideDto {
  @IsIn(OVERRIDE_TYPES)
  overrideType!: OverrideType;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  workflowStageId?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  submissionId?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  clusterCode?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  region?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  roleCode?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  approvalRoleId?: string;

  @Matches(USER_ID)
  fromUserId!: string;

  @Matches(USER_ID)
  toUserId!: string;

  /** Mandatory (domain §3.3). */
  @IsString()
  @Matches(/\S/, { message: 'reason must not be blank' })
  @MaxLength(2000)
  reason!: string;

  /** YYYY-MM-DD; defaults to today. */
  @IsOptional()
  @Matches(ISO_DATE)
  effectiveDate?: string;

  /** YYYY-MM-DD, exclusive; absent = until ended manually. */
  @IsOptional()
  @Matches(ISO_DATE)
  expiryDate?: string;
}

export class DecideOverrideDto {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  comment?: string;
}

export class ListOverridesQueryDto {
  @IsOptional()
  @IsIn(OVERRIDE_TYPES)
  overrideType?: OverrideType;

  @IsOptional()
  @IsIn(OVERRIDE_STATUSES)
  approvalStatus?: (typeof OVERRIDE_STATUSES)[number];

  @IsOptional()
  @IsString()
  @MaxLength(100)
  workflowStageId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  submissionId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(50)
  roleCode?: string;

  @IsOptional()
  @Matches(USER_ID)
  fromUserId?: string;

  @IsOptional()
  @Matches(USER_ID)
  toUserId?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}
