import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { MembershipPayloadV1, SitePayloadV1, UserPayloadV1 } from '@atp/contracts';
import { ValidationReportSchema } from '../../import/dto/validation-report.view';
import type { SitesService } from '../sites.service';
import type { WorkspacesService } from '../workspaces.service';

// The directory's records as the API shows them; each class `implements` the type the service returns.
const text = { type: String, nullable: true } as const;
const WORKSPACE_ROLES = ['WORKSPACE_ADMIN', 'DOC_CONTROL', 'QA_ENGINEER', 'APPROVER', 'AUDITOR'] as const;

@ApiSchema({ name: 'User' })
export class UserViewSchema implements UserPayloadV1 {
  @ApiProperty() userId!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty() fullName!: string;
  @ApiProperty({ enum: ['INTERNAL', 'CUSTOMER', 'VENDOR', 'TOWER_PROVIDER'] }) userType!: UserPayloadV1['userType'];
  @ApiProperty({ enum: ['ACTIVE', 'INACTIVE', 'SUSPENDED', 'PENDING'] }) status!: UserPayloadV1['status'];
}

@ApiSchema({ name: 'Membership' })
export class MembershipViewSchema implements MembershipPayloadV1 {
  @ApiProperty() membershipId!: string;
  @ApiProperty({ format: 'uuid' }) workspaceId!: string;
  @ApiProperty() userId!: string;
  @ApiProperty({ enum: WORKSPACE_ROLES }) role!: MembershipPayloadV1['role'];
  @ApiProperty({ enum: ['ACTIVE', 'INACTIVE'] }) status!: MembershipPayloadV1['status'];
}

@ApiSchema({ name: 'Site' })
export class SiteViewSchema implements SitePayloadV1 {
  @ApiProperty() siteId!: string;
  @ApiProperty({ format: 'uuid' }) workspaceId!: string;
  @ApiProperty() siteCode!: string;
  @ApiProperty() siteName!: string;
  @ApiProperty(text) region!: string | null;
  @ApiProperty(text) city!: string | null;
  @ApiProperty(text) clusterCode!: string | null;
  @ApiProperty() isActive!: boolean;
}

/** `PUT …/sites`: whether anything was written, and the site as stored (null when unchanged). */
@ApiSchema({ name: 'SiteUpsertResult' })
export class SiteUpsertSchema {
  @ApiProperty({ description: 'false: the site already had these values' }) changed!: boolean;
  @ApiProperty({ type: () => SiteViewSchema, nullable: true }) site!: SiteViewSchema | null;
}

type SiteImport = Awaited<ReturnType<SitesService['bulkImport']>>;

/** A site list import: the report and how many sites were written. */
@ApiSchema({ name: 'SiteImportResult' })
export class SiteImportSchema implements SiteImport {
  @ApiProperty({ type: () => ValidationReportSchema }) report!: ValidationReportSchema;
  @ApiProperty({ type: 'integer' }) written!: number;
}

type MyWorkspace = Awaited<ReturnType<WorkspacesService['listForMember']>>[number];

/** One of the caller's workspaces and the caller's role there. */
@ApiSchema({ name: 'MyWorkspace' })
export class MyWorkspaceSchema implements MyWorkspace {
  @ApiProperty({ format: 'uuid' }) workspaceId!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: WORKSPACE_ROLES, description: 'the highest of the caller’s roles' }) role!: string;
  @ApiProperty({ enum: WORKSPACE_ROLES, isArray: true, description: 'every role the caller holds' }) roles!: string[];
}

/** `GET /workspaces`: the caller's workspaces (all of them, no cursor). */
@ApiSchema({ name: 'MyWorkspaceList' })
export class MyWorkspaceListSchema {
  @ApiProperty({ type: () => MyWorkspaceSchema, isArray: true }) items!: MyWorkspaceSchema[];
}
