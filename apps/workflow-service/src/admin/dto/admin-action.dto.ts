import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** Hold, resume and cancel: the reason is mandatory and lands in the audit trail and the event. */
export class AdminReasonDto {
  @IsString()
  @Matches(/\S/, { message: 'reason must not be blank' })
  @MaxLength(2000)
  reason!: string;
}

export class ReassignStageDto extends AdminReasonDto {
  @Matches(/^[A-Za-z0-9._:@|-]{1,100}$/)
  toUserId!: string;

  /** Audit label only: a delegation and a reassignment have the same effect (the stage's approver changes). */
  @IsOptional()
  @IsIn(['REASSIGN', 'DELEGATE'])
  mode?: 'REASSIGN' | 'DELEGATE';
}
