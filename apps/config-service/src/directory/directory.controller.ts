import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { Idempotency, PageQueryDto, ValidationFailedError, type IdempotentRequest } from '@atp/platform-http';
import {
  Authenticated,
  Caller,
  CallerId,
  RequireMember,
  RequirePlatformRole,
  RequireWorkspaceRole,
  type AuthenticatedCaller,
} from '@atp/platform-auth';
import { FormFileInterceptor } from '@atp/platform-blob-store';
import { ImportLimits } from '../import/import-limits';
import {
  AddMemberDto,
  CreateUserDto,
  CreateWorkspaceDto,
  UpdateMemberDto,
  UpdateUserStatusDto,
  UpsertSiteDto,
} from './dto/directory.dto';
import { MembershipsService } from './memberships.service';
import { SitesService } from './sites.service';
import { UsersService } from './users.service';
import { WorkspacesService } from './workspaces.service';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { ApiFileUpload, ApiPageResponse, ApiProblems } from '@atp/platform-openapi';
import { WorkspaceViewSchema } from './dto/workspace.view';
import {
  MembershipViewSchema,
  MyWorkspaceListSchema,
  SiteImportSchema,
  SiteUpsertSchema,
  SiteViewSchema,
  UserViewSchema,
} from './dto/directory.view';

@ApiProblems()
@Controller('api/v1')
export class DirectoryController {
  constructor(
    private readonly workspaces: WorkspacesService,
    private readonly users: UsersService,
    private readonly memberships: MembershipsService,
    private readonly sites: SitesService,
  ) {}

  /** The caller becomes the new workspace's first WORKSPACE_ADMIN (so someone can manage it). */
  @Post('workspaces')
  @ApiCreatedResponse({ type: WorkspaceViewSchema })
  @RequirePlatformRole('PLATFORM_ADMIN')
  createWorkspace(
    @Body() dto: CreateWorkspaceDto,
    @CallerId() actorId: string,
    @Idempotency() idempotency: IdempotentRequest | null,
  ) {
    return this.workspaces.create(dto, actorId, idempotency);
  }

  /** The caller's own workspaces (active memberships), so a client finds its workspace by code. */
  @Get('workspaces')
  @ApiOkResponse({ type: MyWorkspaceListSchema })
  @Authenticated()
  async listMyWorkspaces(@CallerId() callerId: string) {
    return { items: await this.workspaces.listForMember(callerId) };
  }

  @Get('workspaces/:workspaceId')
  @ApiOkResponse({ type: WorkspaceViewSchema })
  @RequireMember()
  getWorkspace(@Param('workspaceId', ParseUUIDPipe) workspaceId: string) {
    return this.workspaces.get(workspaceId);
  }

  /** Blocks new submissions (published as workspace.deactivated); the workspace and its history stay. */
  @Post('workspaces/:workspaceId/deactivate')
  @ApiOkResponse({ type: WorkspaceViewSchema })
  @RequireWorkspaceRole('WORKSPACE_ADMIN')
  @HttpCode(200)
  deactivate(
    @Param('workspaceId', ParseUUIDPipe) workspaceId: string,
    @CallerId() actorId: string,
    @Idempotency() idempotency: IdempotentRequest | null,
  ) {
    return this.workspaces.deactivate(workspaceId, actorId, idempotency);
  }

  @Post('users')
  @ApiCreatedResponse({ type: UserViewSchema })
  @RequirePlatformRole('PLATFORM_ADMIN')
  createUser(
    @Body() dto: CreateUserDto,
    @CallerId() actorId: string,
    @Idempotency() idempotency: IdempotentRequest | null,
  ) {
    return this.users.create(dto, actorId, idempotency);
  }

  @Get('users')
  @ApiPageResponse(UserViewSchema)
  @RequirePlatformRole('PLATFORM_ADMIN')
  listUsers(@Query() query: PageQueryDto) {
    return this.users.list({ cursor: query.cursor, limit: query.limit ?? 50 });
  }

  /**
   * A user's record (e-mail included) is visible to the user, to a platform admin and to members of a
   * workspace the user belongs to; anyone else gets 404, as for a user that does not exist.
   */
  @Get('users/:userId')
  @ApiOkResponse({ type: UserViewSchema })
  @Authenticated()
  getUser(@Param('userId') userId: string, @Caller() caller: AuthenticatedCaller) {
    return this.users.getVisibleTo(userId, caller);
  }

  @Patch('users/:userId')
  @ApiOkResponse({ type: UserViewSchema })
  @RequirePlatformRole('PLATFORM_ADMIN')
  updateUser(@Param('userId') userId: string, @Body() dto: UpdateUserStatusDto, @CallerId() actorId: string) {
    return this.users.updateStatus(userId, dto, actorId);
  }

  @Post('workspaces/:workspaceId/members')
  @ApiCreatedResponse({ type: MembershipViewSchema })
  @RequireWorkspaceRole('WORKSPACE_ADMIN')
  addMember(
    @Param('workspaceId', ParseUUIDPipe) workspaceId: string,
    @Body() dto: AddMemberDto,
    @CallerId() actorId: string,
    @Idempotency() idempotency: IdempotentRequest | null,
  ) {
    return this.memberships.add(workspaceId, dto, actorId, idempotency);
  }

  @Get('workspaces/:workspaceId/members')
  @ApiPageResponse(MembershipViewSchema)
  @RequireMember()
  listMembers(@Param('workspaceId', ParseUUIDPipe) workspaceId: string, @Query() query: PageQueryDto) {
    return this.memberships.list(workspaceId, { cursor: query.cursor, limit: query.limit ?? 50 });
  }

  @Patch('workspaces/:workspaceId/members/:membershipId')
  @ApiOkResponse({ type: MembershipViewSchema })
  @RequireWorkspaceRole('WORKSPACE_ADMIN')
  updateMember(
    @Param('workspaceId', ParseUUIDPipe) workspaceId: string,
    @Param('membershipId') membershipId: string,
    @Body() dto: UpdateMemberDto,
    @CallerId() actorId: string,
  ) {
    return this.memberships.update(workspaceId, membershipId, dto, actorId);
  }

  /** Creates or updates the site with this code (idempotent: an unchanged site is not rewritten). */
  @Put('workspaces/:workspaceId/sites')
  @ApiOkResponse({ type: SiteUpsertSchema })
  @RequireWorkspaceRole('WORKSPACE_ADMIN')
  async upsertSite(
    @Param('workspaceId', ParseUUIDPipe) workspaceId: string,
    @Body() dto: UpsertSiteDto,
    @CallerId() actorId: string,
  ) {
    const written = await this.sites.upsert(
      workspaceId,
      {
        siteCode: dto.siteCode,
        siteName: dto.siteName,
        region: dto.region ?? null,
        city: dto.city ?? null,
        clusterCode: dto.clusterCode?.toUpperCase() ?? null,
        isActive: dto.isActive ?? true,
      },
      actorId,
    );
    return { changed: written !== null, site: written };
  }

  @Get('workspaces/:workspaceId/sites')
  @ApiPageResponse(SiteViewSchema)
  @RequireMember()
  listSites(@Param('workspaceId', ParseUUIDPipe) workspaceId: string, @Query() query: PageQueryDto) {
    return this.sites.list(workspaceId, { cursor: query.cursor, limit: query.limit ?? 50 });
  }

  @Get('workspaces/:workspaceId/sites/:siteId')
  @ApiOkResponse({ type: SiteViewSchema })
  @RequireMember()
  getSite(@Param('workspaceId', ParseUUIDPipe) workspaceId: string, @Param('siteId') siteId: string) {
    return this.sites.get(workspaceId, siteId);
  }

  /**
   * Multipart `file`: XLSX with a `sites` sheet or CSV; same report style as config imports; INVALID writes nothing.
   */
  @Post('workspaces/:workspaceId/sites/import')
  @ApiFileUpload('the site list (XLSX or CSV)')
  @ApiCreatedResponse({ type: SiteImportSchema })
  @RequireWorkspaceRole('WORKSPACE_ADMIN')
  @UseInterceptors(FormFileInterceptor('file', ImportLimits.maxFileBytes))
  importSites(
    @Param('workspaceId', ParseUUIDPipe) workspaceId: string,
    @UploadedFile() file: { originalname: string; buffer: Buffer } | undefined,
    @CallerId() actorId: string,
    @Idempotency() idempotency: IdempotentRequest | null,
  ) {
    if (!file) throw new ValidationFailedError([{ field: 'file', message: 'a file part named "file" is required' }]);
    return this.sites.bulkImport(
      workspaceId,
      { fileName: file.originalname, buffer: file.buffer },
      actorId,
      idempotency,
    );
  }
}
