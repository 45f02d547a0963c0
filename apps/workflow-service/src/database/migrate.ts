import { runServiceMigrations } from '@atp/platform-database';
import { extraGrants } from './grants';
import { migrations } from './migrations';

/** `nx run workflow-service:migrate`: applies pending migrations as the owner, then grants the service role. */
void runServiceMigrations({ name: 'workflow-service', migrations, extraGrants });
