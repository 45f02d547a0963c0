import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ValidationFailedError } from './problem-details';

/** `?limit=&cursor=` of every keyset-paged list; a list's own filters extend it. Unknown parameters are refused. */
export class PageQueryDto {
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

/** Opaque cursors: base64url JSON of the sort key of the last row returned. */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<T extends Record<string, string | number>>(
  cursor: string | undefined,
  keys: (keyof T)[],
): T | null {
  if (!cursor) return null;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as T;
    if (keys.every((key) => key in value)) return value;
  } catch {
    // fall through to the field error below
  }
  throw new ValidationFailedError([
    { field: 'cursor', message: 'is not a cursor this endpoint issued', value: cursor },
  ]);
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
