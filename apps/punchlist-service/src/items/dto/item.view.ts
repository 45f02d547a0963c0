import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { PUNCH_ITEM_STATUSES, type PunchEvidenceRefV1, type PunchlistItemIssuedV1 } from '@atp/contracts';
import type { MoveResult } from '../item-lifecycle.service';
import type { ItemStatus } from '../item-transitions';
import type { PunchlistEditing } from '../../punchlists/punchlist-editing.service';

// The answers of item moves and edits; each class `implements` the type the service builds.
const text = { type: String, nullable: true } as const;

@ApiSchema({ name: 'EvidenceRef' })
export class EvidenceRefSchema implements PunchEvidenceRefV1 {
  @ApiProperty() evidenceId!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty() fileName!: string;
  @ApiProperty() contentType!: string;
  @ApiProperty({ type: 'integer' }) sizeBytes!: number;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) sha256!: string;
}

type MovedItem = MoveResult['item'];

@ApiSchema({ name: 'MovedItem' })
export class MovedItemSchema implements MovedItem {
  @ApiProperty() id!: string;
  @ApiProperty({ type: 'integer' }) itemNumber!: number;
  @ApiProperty({ enum: PUNCH_ITEM_STATUSES }) status!: ItemStatus;
  @ApiProperty({ enum: PUNCH_ITEM_STATUSES }) previousStatus!: ItemStatus;
  @ApiProperty({ type: () => EvidenceRefSchema, nullable: true, description: 'rectify: the evidence uploaded' })
  evidence!: EvidenceRefSchema | null;
}

/** An item move (rectify, verify, close, reject): the item's new status, and the punchlist's. */
@ApiSchema({ name: 'ItemMoveResult' })
export class MoveResultSchema implements MoveResult {
  @ApiProperty() punchlistId!: string;
  @ApiProperty({ enum: ['OPEN', 'CLEARED'], description: 'CLEARED: that was the last open item' })
  punchlistStatus!: 'OPEN' | 'CLEARED';
  @ApiProperty({ type: () => MovedItemSchema }) item!: MovedItemSchema;
}

type AddedItem = Omit<PunchlistItemIssuedV1, 'itemId'> & { id: string; status: 'OPEN' };

@ApiSchema({ name: 'AddedItem' })
export class AddedItemSchema implements AddedItem {
  @ApiProperty() id!: string;
  @ApiProperty({ type: 'integer' }) itemNumber!: number;
  @ApiProperty() itemCode!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: ['CRITICAL', 'MAJOR', 'MINOR'] }) severity!: PunchlistItemIssuedV1['severity'];
  @ApiProperty({ enum: ['OPEN'] }) status!: 'OPEN';
}

/** Items added to an OPEN punchlist. */
@ApiSchema({ name: 'ItemsAdded' })
export class ItemsAddedSchema {
  @ApiProperty() punchlistId!: string;
  @ApiProperty({ type: () => AddedItemSchema, isArray: true }) items!: AddedItemSchema[];
}

type Assigned = Awaited<ReturnType<PunchlistEditing['assign']>>;

/** An item's team and target date after the edit. */
@ApiSchema({ name: 'ItemAssignment' })
export class AssignedItemSchema implements Assigned {
  @ApiProperty() id!: string;
  @ApiProperty(text) assignedTeam!: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) targetDate!: string | null;
}
