import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { Public } from '@atp/platform-auth';
import { METRICS_REGISTRY } from './tokens';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';

@Controller('metrics')
@Public() // scraped by Prometheus inside the network; counters only, no tenant data
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get()
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text exposition',
    content: { 'text/plain': { schema: { type: 'string', format: 'binary' } } },
  })
  // The charset Express used to add to every text answer, kept: scrapers saw this exact type.
  @Header('Content-Type', 'text/plain; charset=utf-8; version=0.0.4')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
