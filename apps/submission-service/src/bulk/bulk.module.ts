import { Module } from '@nestjs/common';
import { SubmissionsModule } from '../submissions/submissions.module';
import { BulkController } from './bulk.controller';
import { BulkJobRunner } from './bulk-job.runner';
import { BulkJobsRepository } from './bulk-jobs.repository';
import { BulkRegistrationService } from './bulk-registration.service';

@Module({
  imports: [SubmissionsModule],
  controllers: [BulkController],
  providers: [BulkJobsRepository, BulkJobRunner, BulkRegistrationService],
  exports: [BulkJobsRepository, BulkJobRunner],
})
export class BulkModule {}
