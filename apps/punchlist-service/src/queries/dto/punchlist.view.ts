import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { PUNCH_ITEM_STATUSES } from '@atp/contracts';
import { ReferenceRejectionSchema } from '@atp/platform-messaging';
import type { PunchlistQueries, PunchlistSummary } from '../punchlist-queries.service';

// Punchlists as PunchlistQueries answers them: the summary `implements` its interface; the rows of one
// punchlist are selected by column, their schemas are what the SQL aliases promise (checked end to end).
const text = { type: String, nullable: true } as const;
const time = { type: String, format: 'date-time' } as const;
const nullableTime = { ...time, nullable: true } as const;
const date = { type: String, format: 'date', nullable: true } as const;
const SEVERITIES = ['CRITICAL', 'MAJOR', 'MINOR'];

@ApiSchema({ name: 'PunchlistSummary' })
export class PunchlistSummarySchema implements PunchlistSummary {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['OPEN', 'CLEARED'] }) status!: string;
  @ApiProperty({ enum: ['APPROVED_WITH_PUNCHLIST', 'REJECTED'] }) origin!: string;
  @ApiProperty() workflowInstanceId!: string;
  @ApiProperty() workflowStageId!: string;
  @ApiProperty() submissionId!: string;
  @ApiProperty(text) siteCode!: string | null;
  @ApiProperty(text) vendorCode!: string | null;
  @ApiProperty() issuedBy!: string;
  @ApiProperty(time) issuedAt!: string;
  @ApiProperty(text) clearedBy!: string | null;
  @ApiProperty(nullableTime) clearedAt!: string | null;
  @ApiProperty({ description: 'no progress for longer than the stall threshold' }) stalled!: boolean;
  @ApiProperty(time) lastProgressAt!: string;
  @ApiProperty({ type: 'integer' }) itemCount!: number;
  @ApiProperty({ type: 'integer', description: 'items not CLOSED' }) openItemCount!: number;
  @ApiProperty({ description: 'a reference it holds was refused by its owner (see integrityFlag)' }) flagged!: boolean;
}

type Detail = Awaited<ReturnType<PunchlistQueries['one']>>;
type DetailItem = Detail['items'][number];
type Evidence = DetailItem['evidence'][number];
type HistoryEntry = DetailItem['history'][number];

@ApiSchema({ name: 'PunchEvidence' })
export class EvidenceSchema implements Pick<Evidence, 'id' | 'uploadedAt' | 'current' | 'contentUrl'> {
  @ApiProperty() id!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty() fileName!: string;
  @ApiProperty() contentType!: string;
  @ApiProperty({ type: 'integer' }) sizeBytes!: number;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) sha256!: string;
  @ApiProperty() uploadedBy!: string;
  @ApiProperty(nullableTime) uploadedAt!: string | null;
  @ApiProperty(text) comment!: string | null;
  @ApiProperty({ description: 'the item’s current evidence' }) current!: boolean;
  @ApiProperty({ description: 'where the bytes are (GET)' }) contentUrl!: string;
}

@ApiSchema({ name: 'PunchItemHistoryEntry' })
export class HistoryEntrySchema implements Pick<HistoryEntry, 'at'> {
  @ApiProperty({ enum: ['CREATED', 'RECTIFIED', 'QA_VERIFIED', 'CLOSED', 'REJECTED'] }) action!: string;
  @ApiProperty({ enum: PUNCH_ITEM_STATUSES, nullable: true }) fromStatus!: string | null;
  @ApiProperty({ enum: PUNCH_ITEM_STATUSES }) toStatus!: string;
  @ApiProperty() actorId!: string;
  @ApiProperty(nullableTime) at!: string | null;
  @ApiProperty(text) comment!: string | null;
  @ApiProperty(text) evidenceId!: string | null;
}

@ApiSchema({ name: 'PunchItem' })
export class PunchItemSchema implements Pick<DetailItem, 'id' | 'closedAt' | 'lastActionAt' | 'evidence' | 'history'> {
  @ApiProperty() id!: string;
  @ApiProperty({ type: 'integer' }) itemNumber!: number;
  @ApiProperty() itemCode!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: SEVERITIES }) severity!: string;
  @ApiProperty({ enum: PUNCH_ITEM_STATUSES }) status!: string;
  @ApiProperty(text) assignedTeam!: string | null;
  @ApiProperty(date) targetDate!: string | null;
  @ApiProperty() identifiedBy!: string;
  @ApiProperty(text) currentEvidenceId!: string | null;
  @ApiProperty(text) closedBy!: string | null;
  @ApiProperty(nullableTime) closedAt!: string | null;
  @ApiProperty(nullableTime) lastActionAt!: string | null;
  @ApiProperty({ type: () => EvidenceSchema, isArray: true }) evidence!: EvidenceSchema[];
  @ApiProperty({ type: () => HistoryEntrySchema, isArray: true }) history!: HistoryEntrySchema[];
}

/** One punchlist with its items, their evidence and history. */
@ApiSchema({ name: 'Punchlist' })
export class PunchlistDetailSchema
  extends PunchlistSummarySchema
  implements Pick<Detail, 'notes' | 'items' | 'integrityFlag' | 'flaggedAt' | 'referenceRejections'>
{
  @ApiProperty(text) notes!: string | null;
  @ApiProperty({ ...text, description: 'why the punchlist needs review (a refused reference)' })
  integrityFlag!: string | null;
  @ApiProperty(nullableTime) flaggedAt!: string | null;
  @ApiProperty({ type: () => ReferenceRejectionSchema, isArray: true })
  referenceRejections!: ReferenceRejectionSchema[];
  @ApiProperty({ type: () => PunchItemSchema, isArray: true }) items!: PunchItemSchema[];
}

/** An item not yet CLOSED assigned to a team. */
@ApiSchema({ name: 'TeamOpenItem' })
export class TeamOpenItemSchema {
  @ApiProperty() id!: string;
  @ApiProperty() punchlistId!: string;
  @ApiProperty() workflowInstanceId!: string;
  @ApiProperty() submissionId!: string;
  @ApiProperty(text) siteCode!: string | null;
  @ApiProperty(text) vendorCode!: string | null;
  @ApiProperty({ type: 'integer' }) itemNumber!: number;
  @ApiProperty() itemCode!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: SEVERITIES }) severity!: string;
  @ApiProperty({ enum: PUNCH_ITEM_STATUSES }) status!: string;
  @ApiProperty() assignedTeam!: string;
  @ApiProperty(date) targetDate!: string | null;
}
