import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '@atp/platform-http';

export class WorkflowListQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  submissionId?: string;
}
