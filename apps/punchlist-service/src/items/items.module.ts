import { Module } from '@nestjs/common';
import { PunchlistEditing } from '../punchlists/punchlist-editing.service';
import { ItemLifecycle } from './item-lifecycle.service';
import { ItemsController } from './items.controller';

@Module({ controllers: [ItemsController], providers: [ItemLifecycle, PunchlistEditing], exports: [ItemLifecycle] })
export class ItemsModule {}
