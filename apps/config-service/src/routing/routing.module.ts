import { Module } from '@nestjs/common';
import { ConfigVersionsModule } from '../config-versions/config-versions.module';
import { RoutingController } from './routing.controller';
import { RoutingService } from './routing.service';

@Module({
  imports: [ConfigVersionsModule],
  controllers: [RoutingController],
  providers: [RoutingService],
  exports: [RoutingService],
})
export class RoutingModule {}
