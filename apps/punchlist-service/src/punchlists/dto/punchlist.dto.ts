import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PUNCH_ITEM_STATUSES, PUNCH_SEVERITIES, PUNCHLIST_STATUSES, type PunchSeverity } from '@atp/contracts';
import { PageQueryDto } from '@atp/platform-http';

export class NewItemDto {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  itemCode?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  description!: string;

  @IsIn(PUNCH_SEVERITIES)
  severity!: PunchSeverity;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  assignedTeam?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  @MaxLength(10)
  targetDate?: string;
}

export class AddItemsDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => NewItemDto)
  items!: NewItemDto[];
}

/** Assignment of an item: which team fixes it, by when. `null` clears a value. */
export class AssignItemDto {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  assignedTeam?: string | null;

  @IsOptional()
  @IsISO8601({ strict: true })
  @MaxLength(10)
  targetDate?: string | null;
}

export class MoveCommentDto {
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  comment?: string;
}

export class RejectDto {
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  comment!: string;
}

export class ListPunchlistsQuery extends PageQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  workflowInstanceId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  submissionId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  siteCode?: string;

  @IsOptional()
  @IsString()
  @MaxLength(120)
  vendorCode?: string;

  @IsOptional()
  @IsIn(PUNCHLIST_STATUSES)
  status?: (typeof PUNCHLIST_STATUSES)[number];

  @IsOptional()
  @IsIn(['true', 'false'])
  stalled?: 'true' | 'false';
}

export class TeamItemsQuery extends PageQueryDto {
  @IsOptional()
  @IsIn(PUNCH_ITEM_STATUSES)
  status?: (typeof PUNCH_ITEM_STATUSES)[number];
}
