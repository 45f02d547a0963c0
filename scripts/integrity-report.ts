// `npm run integrity:report [-- --run] [--user u-auditor]`: one report of the orphan audits of every service
// (architecture §5.5) for every workspace the user may see, through the gateway. `--run` asks each service to
// audit now; without it the last audit (the schedule runs every INTEGRITY_AUDIT_INTERVAL_MS) is read back.
// The token comes from the development issuer (`npm run token`), so this works while `npm start` runs.
import { execFileSync } from 'node:child_process';
import { IntegrityServices } from '@atp/contracts';

interface CheckResult {
  checkId: string;
  severity: string;
  domainCheck: number | null;
  count: number;
  sampleIds: string[];
}
interface AuditRun {
  auditId: string;
  checkedAt: string;
  totalOrphans: number;
  healthStatus: string;
  checks: CheckResult[];
}

const args = process.argv.slice(2);
const run = args.includes('--run');
const user = args.includes('--user') ? args[args.indexOf('--user') + 1] : 'u-auditor';
const base = `http://127.0.0.1:${process.env.ATP_PORT_BASE ?? '3000'}/api/v1`;
const token = execFileSync(process.execPath, ['scripts/token.mjs', user], { encoding: 'utf8' })
  .trim()
  .split('\n')
  .pop() as string;
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

async function call(method: string, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, { method, headers, body: method === 'POST' ? '{}' : undefined });
  return { status: response.status, body: await response.json().catch(() => null) };
}

async function main(): Promise<number> {
  const workspaces = await call('GET', '/workspaces');
  if (workspaces.status !== 200)
    throw new Error(`GET /workspaces answered ${workspaces.status}: ${JSON.stringify(workspaces.body)}`);
  let total = 0;
  let unanswered = 0;
  for (const ws of workspaces.body.items as Array<{ workspaceId: string; code: string; role: string }>) {
    console.log(`\n${ws.code} (${ws.workspaceId}), as ${user} (${ws.role})`);
    for (const service of Object.values(IntegrityServices)) {
      const path = `/workspaces/${ws.workspaceId}/integrity/${service}/audits${run ? '' : '/latest'}`;
      const answer = await call(run ? 'POST' : 'GET', path);
      if (answer.status >= 300) {
        unanswered += 1;
        console.log(
          `  ${service.padEnd(11)} ${answer.status} ${answer.body?.code ?? ''} ${answer.body?.detail ?? answer.body?.title ?? ''}`,
        );
        continue;
      }
      const audit = answer.body as AuditRun;
      total += audit.totalOrphans;
      console.log(
        `  ${service.padEnd(11)} ${audit.healthStatus}: ${audit.totalOrphans} orphan(s), audit ${audit.auditId} at ${audit.checkedAt}`,
      );
      for (const check of audit.checks.filter((c) => c.count > 0)) {
        const domain = check.domainCheck ? ` (domain §7.1 #${check.domainCheck})` : '';
        console.log(
          `    ${check.severity.padEnd(8)} ${check.checkId}${domain}: ${check.count}, e.g. ${check.sampleIds.slice(0, 3).join(', ')}`,
        );
      }
    }
  }
  console.log(
    `\n${total === 0 ? 'HEALTHY' : 'DATA INTEGRITY ISSUES DETECTED'}: ${total} orphan(s) in all${unanswered ? `; ${unanswered} answer(s) missing` : ''}`,
  );
  return total === 0 && unanswered === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[integrity:report] ${(error as Error).message}`);
    process.exit(2);
  },
);
