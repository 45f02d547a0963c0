import { httpConventions } from '@atp/platform-runtime';
import { describeServiceSmoke, serviceTestEnv } from '@atp/testing';

import { AppModule } from '../src/app.module';
import { loadAppEnv } from '../src/config/env';

const nowhere = 'http://127.0.0.1:9';
const upstreams = {
  CONFIG_SERVICE_URL: nowhere,
  WORKFLOW_SERVICE_URL: nowhere,
  SUBMISSION_SERVICE_URL: nowhere,
  PUNCHLIST_SERVICE_URL: nowhere,
};

describeServiceSmoke(
  'gateway',
  () => AppModule.forRoot(loadAppEnv(serviceTestEnv('gateway', 'gateway', upstreams))),
  httpConventions({ parseJson: false }),
);
