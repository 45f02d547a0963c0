// `npm ci` on a fresh clone, before anything imports pg, kafkajs or nx. Node built-ins only.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.mjs';
import { runInherit } from './proc.mjs';

export async function ensureDependencies() {
  // .package-lock.json is written last by npm: its absence means no or an interrupted install.
  if (existsSync(join(ROOT, 'node_modules', '.package-lock.json'))) return false;
  console.log('[deps] node_modules missing: running npm ci');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const code = await runInherit(npm, ['ci', '--no-audit', '--no-fund'], { cwd: ROOT });
  if (code !== 0) throw new Error(`npm ci failed (exit ${code})`);
  return true;
}
