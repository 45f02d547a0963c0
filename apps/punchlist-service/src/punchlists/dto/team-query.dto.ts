import { IsString, MaxLength, MinLength } from 'class-validator';
import { TeamItemsQuery } from './punchlist.dto';

export class OpenItemsQuery extends TeamItemsQuery {
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  team!: string;
}
