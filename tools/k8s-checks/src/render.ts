import { execFileSync } from 'node:child_process';
import path from 'node:path';
import YAML from 'yaml';
import { repoRoot } from './manifests/platform';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
};

export const OVERLAYS = ['dev', 'prod'] as const;

/** kubectl's built-in Kustomize (v5); the manifests use features older Kustomize versions lack. */
export function kustomizeVersion(): string {
  const out = execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  const version = /Kustomize Version: v(\d+\.\d+\.\d+)/.exec(out)?.[1];
  if (!version) throw new Error(`kubectl reports no Kustomize version:\n${out}`);
  return version;
}

/** `kubectl kustomize <dir>`, split into objects. */
export function render(dir: string): K8sObject[] {
  const absolute = path.isAbsolute(dir) ? dir : path.join(repoRoot, dir);
  const out = execFileSync('kubectl', ['kustomize', absolute], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return YAML.parseAllDocuments(out)
    .map((doc) => doc.toJSON() as K8sObject)
    .filter(Boolean);
}

export const renderOverlay = (overlay: string) => render(`k8s/overlays/${overlay}`);

export const idOf = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
