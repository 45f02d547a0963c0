import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ATP_CATEGORIES, type AtpCategory } from '@atp/approval-routing';

export class DryRunDto {
  @IsString() @MaxLength(50) scopeCode!: string;
  @IsOptional() @IsString() @MaxLength(50) vendorCode?: string;
  @IsIn(ATP_CATEGORIES) atpCategory!: AtpCategory;
  @IsOptional() @IsString() @MaxLength(100) siteCode?: string;
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/) asOf?: string;
}
