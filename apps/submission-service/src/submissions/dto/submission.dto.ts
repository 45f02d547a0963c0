import { PageQueryDto } from '@atp/platform-http';
import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { ATP_CATEGORIES } from '@atp/approval-routing';
import { SUBMISSION_STATUSES } from '../submission-status';

const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class CreateSubmissionDto {
  @IsString()
  @Length(1, 100)
  @Matches(CODE)
  siteCode!: string;

  @IsString()
  @Length(1, 50)
  @Matches(CODE)
  scopeCode!: string;

  @IsOptional()
  @IsString()
  @Length(1, 50)
  @Matches(CODE)
  vendorCode?: string;

  /** Canonical codes or the legacy aliases (HARDWARE, SOFTWARE), stored canonical. */
  @IsOptional()
  @IsString()
  @Length(1, 20)
  atpCategory?: string;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  title?: string;
}

export class CategoryOverrideDto {
  @IsString()
  @Length(1, 20)
  atpCategory!: string;

  @IsString()
  @Length(1, 2000)
  reason!: string;
}

export class CategorizeDto {
  @IsString()
  @Length(1, 255)
  fileName!: string;
}

export class QaReviewDto {
  @IsIn(['APPROVE', 'REJECT'])
  decision!: 'APPROVE' | 'REJECT';

  @IsOptional()
  @IsString()
  @MaxLength(4000)
  comment?: string;
}

export class ListSubmissionsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(SUBMISSION_STATUSES)
  status?: string;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  siteCode?: string;

  @IsOptional()
  @IsString()
  @Length(1, 50)
  vendorCode?: string;

  @IsOptional()
  @IsString()
  @Length(1, 50)
  scopeCode?: string;

  @IsOptional()
  @IsIn(ATP_CATEGORIES)
  atpCategory?: string;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  region?: string;

  @IsOptional()
  @IsISO8601()
  submittedFrom?: string;

  @IsOptional()
  @IsISO8601()
  submittedTo?: string;
}
