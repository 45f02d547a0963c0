import { runStackScript } from './stack-process';

export default async function globalTeardown(): Promise<void> {
  // ATP_E2E_KEEP=1 leaves the apps running to look at them (logs under .local/e2e/logs); `down` stops them.
  if (process.env.ATP_E2E_KEEP === '1') return;
  await runStackScript('down');
}
