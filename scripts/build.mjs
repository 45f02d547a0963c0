#!/usr/bin/env node
// `node scripts/build.mjs [app ...]` (or `npx nx run <app>:build`): compiles an app and the libraries it
// uses from TypeScript to CommonJS under dist/<app>/, the same SWC settings as `npm start` and the tests
// (decorator metadata, path aliases rewritten to relative requires). The result runs with production
// dependencies only and NODE_ENV=production: `node dist/<app>/apps/<app>/src/main.js`.
// Every library is compiled (they are small), so an app never misses a transitive import.
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { transformFileSync } from '@swc/core';
import { ROOT } from './lib/paths.mjs';
import { SERVICES } from './lib/services.mjs';
import swc from './swc-options.cjs';

const TEST_FILE = /\.(spec|int-spec)\.ts$/;
const SKIPPED_DIRS = new Set(['test', 'bench', 'test-support', 'node_modules']);

/** The production sources under `dir`: every .ts file but specs, tests, benches and declarations. */
function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return SKIPPED_DIRS.has(name) ? [] : sources(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') && !TEST_FILE.test(name) ? [path] : [];
  });
}

function libraryRoots() {
  const found = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (!statSync(path).isDirectory()) continue;
      if (name === 'src') found.push(path);
      else if (!SKIPPED_DIRS.has(name)) walk(path);
    }
  };
  walk(join(ROOT, 'libs'));
  return found.filter((dir) => !relative(ROOT, dir).startsWith(join('libs', 'testing')));
}

function build(app) {
  const out = join(ROOT, 'dist', app);
  rmSync(out, { recursive: true, force: true });
  const options = { ...swc.swcOptions(), sourceMaps: true, swcrc: false };
  const files = [join(ROOT, 'apps', app, 'src'), ...libraryRoots()].flatMap(sources);
  for (const file of files) {
    const target = join(out, relative(ROOT, file)).replace(/\.ts$/, '.js');
    const { code, map } = transformFileSync(file, { ...options, filename: file, outputPath: target });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
    if (map) writeFileSync(`${target}.map`, map);
  }
  console.log(`[build] ${app}: ${files.length} files → ${relative(ROOT, out)}/apps/${app}/src/main.js`);
}

const known = SERVICES.map((svc) => svc.app);
const wanted = process.argv.slice(2);
const unknown = wanted.filter((app) => !known.includes(app));
if (unknown.length > 0) {
  console.error(`[build] unknown app(s): ${unknown.join(', ')}; known: ${known.join(', ')}`);
  process.exit(2);
}
for (const app of wanted.length > 0 ? wanted : known) build(app);
