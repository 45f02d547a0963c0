import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ATP_CATEGORIES, type AtpCategory } from '@atp/approval-routing';

export class DryRunDto {
  @IsString() @MaxLength(50) scope_code!: string;
  @IsOptional() @IsString() @MaxLength(50) vendor_code?: string;
  @IsIn(ATP_CATEGORIES) atp_category!: AtpCategory;
  @IsOptional() @IsString() @MaxLength(100) site_code?: string;
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/) as_of?: string;
}
