import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PUNCH_SEVERITIES, type PunchSeverity } from '@atp/contracts';

export const DECISIONS = ['APPROVE', 'APPROVE_WITH_PUNCHLIST', 'REJECT'] as const;
export type Decision = (typeof DECISIONS)[number];

export class PunchItemDto {
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
}

export class DecisionDto {
  @IsIn(DECISIONS)
  decision!: Decision;

  /** Every decision carries a comment (domain §4.3): a blank one is no comment (#9), as for hold/cancel reasons. */
  @IsString()
  @MinLength(1)
  @Matches(/\S/, { message: 'comment must not be blank' })
  @MaxLength(4000)
  comment!: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => PunchItemDto)
  items?: PunchItemDto[];
}
