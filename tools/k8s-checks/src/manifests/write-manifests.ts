/**
 * `npx nx run k8s-checks:generate`: writes the generated part of k8s/base. Run it after changing the
 * topic catalog, a consumer or the app table; src/generated-manifests.spec.ts fails until you do.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generatedFiles } from './generate';
import { repoRoot } from './platform';

for (const [file, content] of generatedFiles()) {
  const target = path.join(repoRoot, file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, content);
  console.log(`wrote ${file}`);
}
