/**
 * Micro benchmark of resolveRoute over a realistic configuration:
 * 200 policies (40 scopes × 5 categories), 1,000 stages, 500 cluster approver rows.
 * Run: node -r ./scripts/register.cjs libs/domain/approval-routing/bench/resolve-bench.ts
 * Target: p99 ≤ 2 ms in process.
 */
import { performance } from 'node:perf_hooks';
import {
  ATP_CATEGORIES,
  compileRouting,
  demoApprovalMatrix,
  demoClusterMapping,
  demoScopeConfig,
  resolveRoute,
  type ApproverOverride,
  type Directory,
  type RouteRequest,
  type RoutingSnapshots,
} from '../src/index';

const SCOPES = Array.from({ length: 40 }, (_, i) => ({ scopeId: `scope-${i}`, scopeCode: `SCOPE_${i}` }));
const CLUSTERS = Array.from({ length: 63 }, (_, i) => ({
  clusterCode: `CL-${String(i).padStart(3, '0')}`,
  regionCode: `R${i % 7}`,
}));

function buildSnapshots(): RoutingSnapshots {
  const approvalMatrix = demoApprovalMatrix({ scopes: SCOPES, workspaceId: 'ws-bench' });
  // Pad every policy to five stages and spread the assignment modes, so all code paths run.
  const padded = approvalMatrix.policies.flatMap((policy) => {
    const own = approvalMatrix.policyStages.filter((s) => s.policyId === policy.id);
    const extra = Array.from({ length: 5 - own.length }, (_, i) => ({
      ...own[0],
      id: `${policy.id}:extra:${i}`,
      stageNumber: own.length + 1,
      sequenceOrder: i + 1,
      isParallel: true,
      parallelGroup: String.fromCharCode(65 + i),
    }));
    return [...own, ...extra];
  });
  const modes = ['CLUSTER', 'CLUSTER', 'AUTO', 'RULE', 'STATIC_USER'] as const;
  approvalMatrix.policyStages = padded.map((stage, i) => {
    const mode = modes[i % modes.length];
    const autoAssignRule =
      mode === 'RULE'
        ? {
            strategy: i % 2 ? ('LEAST_LOADED' as const) : ('ROUND_ROBIN' as const),
            pool: ['u-1', 'u-2', 'u-3', 'u-4', 'u-5'],
          }
        : mode === 'STATIC_USER'
          ? { userId: 'u-7' }
          : null;
    return { ...stage, assignmentMode: mode, autoAssignRule };
  });
  const clusterMapping = demoClusterMapping({ workspaceId: 'ws-bench', clusters: CLUSTERS, scope: SCOPES[0] });
  const scopeConfig = demoScopeConfig({ workspaceId: 'ws-bench', scopes: SCOPES });
  return { approvalMatrix, clusterMapping, scopeConfig };
}

const directory: Directory = {
  isActiveMember: (userId) => !userId.endsWith('3:primary'), // some primaries inactive → backup path
  openStageCount: (userId) => userId.length % 5,
};

const overrides: ApproverOverride[] = Array.from({ length: 50 }, (_, i) => ({
  id: `o-${i}`,
  overrideType: (['SUBMISSION', 'CLUSTER', 'REGION'] as const)[i % 3],
  roleCode: 'RTH',
  fromUserId: `user:rth:cl-${String(i).padStart(3, '0')}:primary`,
  toUserId: 'u-9',
  submissionId: `sub-${i}`,
  clusterCode: CLUSTERS[i].clusterCode,
  region: `R${i % 7}`,
  effectiveDate: '2026-01-01',
  expiryDate: null,
}));

function request(i: number): RouteRequest {
  return {
    workspaceId: 'ws-bench',
    scopeCode: SCOPES[i % SCOPES.length].scopeCode,
    vendorCode: i % 3 ? 'ZTE' : null,
    atpCategory: ATP_CATEGORIES[i % ATP_CATEGORIES.length],
    asOf: '2026-03-01',
    site: { clusterCode: CLUSTERS[(i * 7) % CLUSTERS.length].clusterCode },
    submissionId: `sub-${i % 100}`,
  };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function measure(label: string, run: (i: number) => unknown, iterations = 20_000): void {
  for (let i = 0; i < 2_000; i++) run(i); // warm-up: JIT and index cache
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    run(i);
    samples[i] = performance.now() - start;
  }
  samples.sort();
  const fmt = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
  console.log(
    `${label.padEnd(34)} p50 ${fmt(percentile(samples, 50))}  p99 ${fmt(percentile(samples, 99))}  max ${fmt(samples[samples.length - 1])}`,
  );
}

const snapshots = buildSnapshots();
console.log(
  `matrix: ${snapshots.approvalMatrix.policies.length} policies, ${snapshots.approvalMatrix.policyStages.length} stages; ` +
    `cluster mapping: ${snapshots.clusterMapping.clusterApprovers.length} approver rows; ${overrides.length} overrides`,
);

const compileStart = performance.now();
const compiled = compileRouting(snapshots);
console.log(`compileRouting (index build)        ${((performance.now() - compileStart) * 1000).toFixed(0)} µs`);

const check = compiled.resolveRoute(request(1), { directory, overrides });
if (!check.ok || check.totalStages !== 5) throw new Error('benchmark configuration does not resolve as expected');

measure('resolveRoute (snapshots, cached)', (i) =>
  resolveRoute({ snapshots, request: request(i), directory, overrides, roundRobinCursor: i }),
);
measure('compileRouting(...).resolveRoute', (i) =>
  compiled.resolveRoute(request(i), { directory, overrides, roundRobinCursor: i }),
);
