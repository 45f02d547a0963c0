import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { AdminActionsService } from './admin-actions.service';

@Module({ controllers: [AdminController], providers: [AdminActionsService] })
export class AdminModule {}
