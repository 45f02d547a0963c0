#!/usr/bin/env node
// Writes the JSON schemas the k8s render-and-validate test (src/k8s-manifests.spec.ts) checks against,
// so the test needs no network and no cluster. Inputs are files from the upstream repositories
// (see ../schemas/SOURCES.md for the exact commits and the command that produced the folder):
//   --kubernetes <swagger.json>   Kubernetes OpenAPI v2 (kubernetes-client/python kubernetes/swagger.json.unprocessed)
//   --crd <file.yaml> ...         CustomResourceDefinitions (Strimzi, CloudNativePG, barman-cloud, KEDA,
//                                 Prometheus operator)
//   --kinds <apiVersion/Kind,...> the Kubernetes kinds the manifests use (only those are vendored)
// Every schema is made strict: an object with declared properties refuses any other property, so a
// misspelt field fails validation (what `kubectl apply --validate=strict` would refuse). Descriptions,
// formats and CEL rules (x-kubernetes-validations) are dropped: they are not checked here.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const OUT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../schemas');

function parseArgs(argv) {
  const args = { crd: [], kinds: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--kubernetes') args.kubernetes = argv[++i];
    else if (flag === '--crd') while (argv[i + 1] && !argv[i + 1].startsWith('--')) args.crd.push(argv[++i]);
    else if (flag === '--kinds') args.kinds = argv[++i].split(',');
    else throw new Error(`unknown argument ${flag}`);
  }
  if (!args.kubernetes || args.kinds.length === 0) throw new Error('--kubernetes and --kinds are required');
  return args;
}

function isJsRegExp(pattern) {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

const DROPPED_KEYS = new Set(['description', 'format', 'example', 'externalDocs']);

/** One node of an OpenAPI schema → JSON schema (draft-07 as ajv reads it), strict about unknown fields. */
function convert(node) {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== 'object') return node;
  if (node['x-kubernetes-int-or-string'] || node.format === 'int-or-string') {
    return { anyOf: [{ type: 'integer' }, { type: 'string' }] };
  }
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED_KEYS.has(key) || key.startsWith('x-')) continue;
    if (key === 'properties' || key === 'definitions' || key === 'patternProperties') {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, convert(child)]));
    } else if (key === 'nullable' || (key === 'pattern' && !isJsRegExp(value))) {
      continue; // nullable is folded into `type` below; Go-only regex syntax such as (?i) cannot be checked here
    } else {
      out[key] = convert(value);
    }
  }
  if (node.nullable && typeof out.type === 'string') out.type = [out.type, 'null'];
  const open = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.properties && out.additionalProperties === undefined && !open) out.additionalProperties = false;
  return out;
}

function refsOf(node, found = new Set()) {
  if (Array.isArray(node)) node.forEach((child) => refsOf(child, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.add(value.replace('#/definitions/', ''));
      else refsOf(value, found);
    }
  }
  return found;
}

/** The definition and every definition it reaches, converted. */
function closure(definitions, root) {
  const picked = {};
  const queue = [root];
  while (queue.length > 0) {
    const name = queue.pop();
    if (picked[name]) continue;
    const definition = definitions[name];
    if (!definition) throw new Error(`definition ${name} missing`);
    picked[name] = convert(definition);
    queue.push(...refsOf(definition));
  }
  return picked;
}

/** Quantities are written as strings or numbers (`cpu: 1`, `memory: 512Mi`). */
function patchKubernetesDefinitions(definitions) {
  const quantity = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
  if (definitions[quantity]) definitions[quantity] = { anyOf: [{ type: 'string' }, { type: 'number' }] };
  return definitions;
}

const fileName = (apiVersion, kind) => path.join(OUT, apiVersion.replace('/', '_'), `${kind}.json`);

function write(apiVersion, kind, schema) {
  const file = fileName(apiVersion, kind);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...schema })}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

function gvkOf(definition) {
  const [gvk] = definition['x-kubernetes-group-version-kind'] ?? [];
  if (!gvk) return null;
  return { apiVersion: gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version, kind: gvk.kind };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  rmSync(OUT, { recursive: true, force: true });
  const swagger = JSON.parse(readFileSync(args.kubernetes, 'utf8'));
  const definitions = patchKubernetesDefinitions(swagger.definitions);
  const wanted = new Set(args.kinds);
  for (const [name, definition] of Object.entries(definitions)) {
    const gvk = gvkOf(definition);
    if (!gvk || !wanted.has(`${gvk.apiVersion}/${gvk.kind}`)) continue;
    wanted.delete(`${gvk.apiVersion}/${gvk.kind}`);
    write(gvk.apiVersion, gvk.kind, { $ref: `#/definitions/${name}`, definitions: closure(definitions, name) });
  }
  if (wanted.size > 0) throw new Error(`kinds not in the Kubernetes schema: ${[...wanted].join(', ')}`);

  // Custom resources get the strict Kubernetes ObjectMeta instead of the CRD's bare `metadata: {type: object}`.
  const objectMeta = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
  const metaDefinitions = closure(definitions, objectMeta);
  for (const file of args.crd) {
    for (const crd of YAML.parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => doc.toJSON())) {
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions.filter((v) => v.served)) {
        const schema = convert(version.schema.openAPIV3Schema);
        schema.properties.metadata = { $ref: `#/definitions/${objectMeta}` };
        write(`${crd.spec.group}/${version.name}`, crd.spec.names.kind, { ...schema, definitions: metaDefinitions });
      }
    }
  }
}

main();
