import { existsSync } from 'node:fs';
import { runStackScript, stateFilePath } from './stack-process';

/**
 * Starts the whole stack once for the run (the spec files share it; each works in its own workspaces).
 * ATP_E2E_REUSE=1 (with ATP_E2E_KEEP=1 on the run before) reuses a stack left running, for quick reruns.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.ATP_E2E_REUSE === '1' && existsSync(stateFilePath())) return;
  await runStackScript('up');
}
