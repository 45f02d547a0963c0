import { configureHttp } from '@atp/platform-runtime';
import { describeServiceSmoke, serviceTestEnv } from '@atp/testing';
import { AppModule } from '../src/app.module';
import { loadAppEnv } from '../src/config/env';

// The smoke checks call no authenticated route: any issuer settings do.
const auth = { AUTH_ISSUER: 'https://issuer.invalid', AUTH_JWKS_FILE: '/nonexistent/jwks.json' };

describeServiceSmoke('punchlist-service', () => AppModule.forRoot(loadAppEnv(serviceTestEnv('punchlist', 'punchlist-service', auth))), configureHttp);
