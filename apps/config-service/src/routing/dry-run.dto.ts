import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ATP_CATEGORIES, type AtpCategory } from '@atp/approval-routing';
import { IsCalendarDate } from '../common/calendar-date.validator';

export class DryRunDto {
  @IsString() @MaxLength(50) scopeCode!: string;
  @IsOptional() @IsString() @MaxLength(50) vendorCode?: string;
  @IsIn(ATP_CATEGORIES) atpCategory!: AtpCategory;
  @IsOptional() @IsString() @MaxLength(100) siteCode?: string;
  @IsOptional() @IsCalendarDate() asOf?: string;
  /** Who would submit: the start never assigns the submitter, so the dry run can show the same. */
  @IsOptional() @IsString() @MaxLength(100) submittedBy?: string;
}
