import { All, Controller, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '@atp/platform-auth';
import { ProxyService } from './proxy.service';

/** The public API: every /api/v1 path goes to the service that owns it. */
@Controller('api/v1')
// Not checked here yet: every service behind the gateway verifies the bearer token itself (issue 8 adds
// verification at the edge). Declared so the route-access check at start-up lets the gateway boot.
@Public()
export class ProxyController {
  constructor(private readonly proxy: ProxyService) {}

  @All('*path')
  forward(@Req() request: Request, @Res() response: Response): void {
    this.proxy.forward(request, response);
  }
}
