import { IdempotencyStore } from '@atp/platform-http';
import { Module } from '@nestjs/common';
import { DirectoryController } from './directory.controller';
import { DirectoryEvents } from './directory-events';
import { MembershipsService } from './memberships.service';
import { SitesService } from './sites.service';
import { UsersService } from './users.service';
import { WorkspacesService } from './workspaces.service';

@Module({
  controllers: [DirectoryController],
  providers: [IdempotencyStore, DirectoryEvents, WorkspacesService, UsersService, MembershipsService, SitesService],
  exports: [WorkspacesService, UsersService, MembershipsService, SitesService],
})
export class DirectoryModule {}
