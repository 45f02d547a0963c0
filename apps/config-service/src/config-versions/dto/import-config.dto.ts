import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { SOURCE_TYPES, type SourceType } from '@atp/approval-routing';
import { PageQueryDto } from '@atp/platform-http';

/** Text fields of the multipart import request (the file travels in the `file` part). */
export class ImportConfigDto {
  @IsIn(SOURCE_TYPES)
  sourceType!: SourceType;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string;
}

export class ListConfigVersionsQuery extends PageQueryDto {
  @IsOptional()
  @IsIn(SOURCE_TYPES)
  sourceType?: SourceType;
}
