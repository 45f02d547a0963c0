import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class InboxQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(20)
  atpCategory?: string;

  @IsOptional()
  @IsIn(['ON_TRACK', 'AT_RISK', 'OVERDUE'])
  slaState?: 'ON_TRACK' | 'AT_RISK' | 'OVERDUE';

  @IsOptional()
  @IsString()
  @MaxLength(50)
  roleCode?: string;

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
