import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { CompensationOutcome, ReferenceRejectionView } from './reference-rejections';

/** A refused reference as the API shows it next to its aggregate; `implements` keeps it in step with the log. */
@ApiSchema({ name: 'ReferenceRejection' })
export class ReferenceRejectionSchema implements ReferenceRejectionView {
  @ApiProperty({ example: 'siteId' }) field!: string;
  @ApiProperty({ example: 'site' }) entity!: string;
  @ApiProperty() referencedId!: string;
  @ApiProperty({ example: 'UNKNOWN' }) reasonCode!: string;
  @ApiProperty({ example: 'config-service' }) ownerService!: string;
  @ApiProperty() claimEventType!: string;
  @ApiProperty({ enum: ['COMPENSATED', 'ALREADY_SAFE', 'CLOSED', 'UNKNOWN_AGGREGATE'] }) outcome!: CompensationOutcome;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
}
