import { IdempotencyStore } from '@atp/platform-http';
import { Module } from '@nestjs/common';
import { ImportContextLoader } from '../import/import-context.loader';
import { ConfigExportService } from './config-export.service';
import { ConfigImportService } from './config-import.service';
import { ConfigVersionEvents } from './config-version-events';
import { ConfigVersionsController } from './config-versions.controller';
import { ConfigVersionsRepository } from './config-versions.repository';
import { ConfigVersionsService } from './config-versions.service';
import { DraftEditService } from './draft-edit.service';
import { MasterRowsRepository } from './master-rows.repository';
import { SnapshotReader } from './snapshot.reader';

@Module({
  controllers: [ConfigVersionsController],
  providers: [
    IdempotencyStore,
    ConfigVersionsRepository,
    MasterRowsRepository,
    SnapshotReader,
    ConfigVersionEvents,
    ConfigVersionsService,
    ConfigImportService,
    DraftEditService,
    ConfigExportService,
    ImportContextLoader,
  ],
  exports: [ConfigVersionsService, ConfigImportService, ConfigVersionsRepository, SnapshotReader],
})
export class ConfigVersionsModule {}
