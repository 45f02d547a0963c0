import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { CallerId, Idempotency, ValidationFailedError, type IdempotentRequest } from '@atp/platform-http';
import { ImportLimits } from '../import/import-limits';
import { AddMemberDto, CreateUserDto, CreateWorkspaceDto, UpdateMemberDto, UpdateUserStatusDto, UpsertSiteDto } from './dto/directory.dto';
import { MembershipsService } from './memberships.service';
import { SitesService } from './sites.service';
import { UsersService } from './users.service';
import { WorkspacesService } from './workspaces.service';

@Controller('api/v1')
export class DirectoryController {
  constructor(
    private readonly workspaces: WorkspacesService,
    private readonly users: UsersService,
    private readonly memberships: MembershipsService,
    private readonly sites: SitesService,
  ) {}

  @Post('workspaces')
  createWorkspace(@Body() dto: CreateWorkspaceDto, @CallerId() actorId: string, @Idempotency() idempotency: IdempotentRequest | null) {
    return this.workspaces.create(dto, actorId, idempotency);
  }

  @Get('workspaces/:workspaceId')
  getWorkspace(@Param('workspaceId', ParseUUIDPipe) workspaceId: string) {
    return this.workspaces.get(workspaceId);
  }

  /** Blocks new submissions (published as workspace.deactivated); the workspace and its history stay. */
  @Post('workspaces/:workspaceId/deactivate')
  @HttpCode(200)
  deactivate(@Param('workspaceId', ParseUUIDPipe) workspaceId: string, @CallerId() actorId: string, @Idempotency() idempotency: IdempotentRequest | null) {
    return this.workspaces.deactivate(workspaceId, actorId, idempotency);
  }

  @Post('users')
  createUser(@Body() dto: CreateUserDto, @CallerId() actorId: string, @Idempotency() idempotency: IdempotentRequest | null) {
    return this.users.create(dto, actorId, idempotency);
  }

  @Get('users/:userId')
  getUser(@Param('userId') userId: string) {
    return this.users.get(userId);
  }

  @Patch('users/:userId')
  updateUser(@Param('userId') userId: string, @Body() dto: UpdateUserStatusDto, @CallerId() actorId: string) {
    return this.users.updateStatus(userId, dto, actorId);
  }

  @Post('workspaces/:workspaceId/members')
  addMember(
    @Param('workspaceId', ParseUUIDPipe) workspaceId: string,
    @Body() dto: AddMemberDto,
    @CallerId() actorId: string,
    @Idempotency() idempotency: IdempotentRequest | null,
  ) {
    return this.memberships.add(workspaceId, dto, actorId, idempotency);
  }

  @Get('workspaces/:workspaceId/members')
  listMembers(@Param('workspaceId', ParseUUIDPipe) workspaceId: string) {
    return this.memberships.list(workspaceId);
  }

  @Patch('workspaces/:workspaceId/members/:membershipId')
  updateMember(@Param('workspaceId', ParseUUIDPipe) workspaceId: string, @Param('membershipId') membershipId: string, @Body() dto: UpdateMemberDto, @CallerId() actorId: string) {
    return this.memberships.update(workspaceId, membershipId, dto, actorId);
  }

  /** Creates or updates the site with this code (idempotent: an unchanged site is not rewritten). */
  @Put('workspaces/:workspaceId/sites')
  async upsertSite(@Param('workspaceId', ParseUUIDPipe) workspaceId: string, @Body() dto: UpsertSiteDto, @CallerId() actorId: string) {
    const written = await this.sites.upsert(
      workspaceId,
      { siteCode: dto.siteCode, siteName: dto.siteName, region: dto.region ?? null, city: dto.city ?? null, clusterCode: dto.clusterCode?.toUpperCase() ?? null, isActive: dto.isActive ?? true },
      actorId,
    );
    return { changed: written !== null, site: written };
  }

  @Get('workspaces/:workspaceId/sites')
  listSites(@Param('workspaceId', ParseUUIDPipe) workspaceId: string) {
    return this.sites.list(workspaceId);
  }

  @Get('workspaces/:workspaceId/sites/:siteId')
  getSite(@Param('workspaceId', ParseUUIDPipe) workspaceId: string, @Param('siteId') siteId: string) {
    return this.sites.get(workspaceId, siteId);
  }

  /** Multipart `file`: XLSX with a `sites` sheet or CSV; same report style as config imports; INVALID writes nothing. */
  @Post('workspaces/:workspaceId/sites/import')
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: ImportLimits.maxFileBytes, files: 1 } }))
  importSites(
    @Param('workspaceId', ParseUUIDPipe) workspaceId: string,
    @UploadedFile() file: { originalname: string; buffer: Buffer } | undefined,
    @CallerId() actorId: string,
    @Idempotency() idempotency: IdempotentRequest | null,
  ) {
    if (!file) throw new ValidationFailedError([{ field: 'file', message: 'a file part named "file" is required' }]);
    return this.sites.bulkImport(workspaceId, { fileName: file.originalname, buffer: file.buffer }, actorId, idempotency);
  }
}
