import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { PinsReassertService } from './pins-reassert.service';

type Reasserted = Awaited<ReturnType<PinsReassertService['reassert']>>;

/** How many running workflows had their config pins published again. */
@ApiSchema({ name: 'PinsReasserted' })
export class PinsReassertedSchema implements Reasserted {
  @ApiProperty({ format: 'uuid' }) workspaceId!: string;
  @ApiProperty({ type: 'integer' }) asserted!: number;
}
