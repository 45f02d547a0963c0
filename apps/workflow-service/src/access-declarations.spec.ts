import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  accessMatrixSection,
  describeRouteAccess,
  findAccessMatrixSection,
  listModuleRouteAccess,
} from '@atp/platform-auth';
import { repoRoot, STATIC_SERVICE_ENV } from '@atp/testing';
import { AppModule } from './app.module';
import { loadAppEnv } from './config/env';

/** Who may call each route of workflow-service, read from the module metadata (nothing is started). */
describe('workflow-service access declarations', () => {
  const routes = listModuleRouteAccess(AppModule.forRoot(loadAppEnv(STATIC_SERVICE_ENV)));

  it('declare a policy on every route', () => {
    expect(routes.filter((route) => !route.policy).map((route) => `${route.method} ${route.path}`)).toEqual([]);
  });

  // A diff in this snapshot changes who can reach an endpoint: review it as a permission change
  // (update it with `-u` only when that change is meant).
  it('match the reviewed snapshot', () => {
    expect(describeRouteAccess(routes).join('\n')).toMatchSnapshot();
  });

  it('match docs/access-matrix.md (regenerate it with npm run access-matrix)', () => {
    const document = readFileSync(path.join(repoRoot, 'docs', 'access-matrix.md'), 'utf8');
    expect(findAccessMatrixSection(document, 'workflow-service')).toBe(accessMatrixSection('workflow-service', routes));
  });
});
