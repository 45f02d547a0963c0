import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { WorkspaceView } from '../workspaces.service';

/** A workspace as the API shows it; `implements` keeps this schema in step with the service's view. */
@ApiSchema({ name: 'Workspace' })
export class WorkspaceViewSchema implements WorkspaceView {
  @ApiProperty({ format: 'uuid' }) workspaceId!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty() isActive!: boolean;
  @ApiProperty() customerGroupId!: string;
  @ApiProperty() vendorOwnerId!: string;
}
