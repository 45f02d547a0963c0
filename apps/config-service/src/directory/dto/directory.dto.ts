import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export const MEMBER_ROLES = ['WORKSPACE_ADMIN', 'DOC_CONTROL', 'QA_ENGINEER', 'APPROVER', 'AUDITOR'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];
export const USER_TYPES = ['INTERNAL', 'CUSTOMER', 'VENDOR', 'TOWER_PROVIDER'] as const;
export const USER_STATUSES = ['ACTIVE', 'INACTIVE', 'SUSPENDED', 'PENDING'] as const;

export class CreateWorkspaceDto {
  @IsString() @Matches(/^[A-Z0-9][A-Z0-9_-]{1,79}$/) code!: string;
  @IsString() @MinLength(1) @MaxLength(150) name!: string;
  @IsString() @MinLength(1) @MaxLength(255) customerGroupId!: string;
  @IsString() @MinLength(1) @MaxLength(255) vendorOwnerId!: string;
}

export class CreateUserDto {
  @IsString() @Matches(/^[A-Za-z0-9._:-]{1,100}$/) id!: string;
  @IsEmail() @MaxLength(255) email!: string;
  @IsString() @MinLength(1) @MaxLength(200) fullName!: string;
  @IsOptional() @IsIn(USER_TYPES) userType?: (typeof USER_TYPES)[number];
}

export class UpdateUserStatusDto {
  @IsIn(USER_STATUSES) status!: (typeof USER_STATUSES)[number];
}

export class AddMemberDto {
  @IsString() @MinLength(1) @MaxLength(100) userId!: string;
  @IsIn(MEMBER_ROLES) role!: MemberRole;
  @IsOptional() @IsBoolean() isDefault?: boolean;
}

export class UpdateMemberDto {
  @IsIn(['ACTIVE', 'INACTIVE']) status!: 'ACTIVE' | 'INACTIVE';
}

export class UpsertSiteDto {
  @IsString() @Matches(/^[A-Za-z0-9._-]{1,100}$/) siteCode!: string;
  @IsString() @MinLength(1) @MaxLength(200) siteName!: string;
  @IsOptional() @IsString() @MaxLength(100) region?: string;
  @IsOptional() @IsString() @MaxLength(100) city?: string;
  @IsOptional() @IsString() @MaxLength(120) clusterCode?: string;
  @IsOptional() @IsBoolean() isActive?: boolean;
}
