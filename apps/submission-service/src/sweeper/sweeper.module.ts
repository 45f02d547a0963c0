import { Module } from '@nestjs/common';
import { BulkModule } from '../bulk/bulk.module';
import { SubmissionsModule } from '../submissions/submissions.module';
import { UploadSweeper } from './upload-sweeper.service';

@Module({ imports: [SubmissionsModule, BulkModule], providers: [UploadSweeper], exports: [UploadSweeper] })
export class SweeperModule {}
