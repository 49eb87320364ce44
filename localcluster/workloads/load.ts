// Manifest files → the workloads to run (Deployments, Pods) and every other object, kept as parsed so that the
// cluster can hand Services and the rest to the control plane. Every problem is reported with file, object and
// field path (`app.yaml: Deployment default/web: spec.replicas: must be an integer 0-100, got -1`).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Field, formatPath } from '../../control-plane/sources/decode/field.js';
import { parseManifestText } from '../../control-plane/sources/parse.js';
import { decodeDeployment, decodePodObject } from './decode.js';
import type { Deployment, PodSpec } from './types.js';

export interface Workloads {
  readonly deployments: readonly Deployment[];
  readonly pods: readonly PodSpec[];
  /** Every object that is neither a Deployment nor a Pod (Services, ...), for the control plane. */
  readonly others: readonly unknown[];
  readonly errors: readonly string[];
}

const MANIFEST = /\.(ya?ml|json)$/;

/** The manifest files of `target`: the file itself, or the .yaml/.yml/.json files directly in the folder, sorted. */
export function manifestFiles(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target).filter((f) => MANIFEST.test(f)).sort().map((f) => path.join(target, f));
}

export function loadWorkloads(target: string): Workloads {
  const parts = manifestFiles(target).map((file) => decodeWorkloadText(path.basename(file), readFileSync(file, 'utf8')));
  return {
    deployments: parts.flatMap((p) => p.deployments),
    pods: parts.flatMap((p) => p.pods),
    others: parts.flatMap((p) => p.others),
    errors: [...parts.flatMap((p) => p.errors), ...duplicates(parts.flatMap((p) => [...p.deployments, ...p.pods]))],
  };
}

/** One file's text → its workloads and other objects; `file` names it in errors. */
export function decodeWorkloadText(file: string, text: string): Workloads {
  const parsed = parseManifestText(file, text);
  const errors = parsed.syntaxErrors.map((e) => `${file}: ${e.message}`);
  const deployments: Deployment[] = [];
  const pods: PodSpec[] = [];
  const others: unknown[] = [];
  for (const raw of parsed.objects) {
    const root = Field.root(raw.value);
    const kind = root.at('kind').str();
    const apiVersion = root.at('apiVersion').str();
    let label: string;
    if (kind === 'Deployment' && apiVersion === 'apps/v1') {
      const d = decodeDeployment(root, raw.origin);
      label = `Deployment ${d.namespace}/${d.name}`;
      if (root.issues.length === 0) deployments.push(d);
    } else if (kind === 'Pod' && apiVersion === 'v1') {
      const p = decodePodObject(root, raw.origin);
      label = `Pod ${p.namespace}/${p.name}`;
      if (root.issues.length === 0) pods.push(p);
    } else {
      others.push(raw.value);
      continue;
    }
    for (const issue of root.issues) errors.push(`${file}: ${label}: ${formatPath(issue.path) || '(object)'}: ${issue.message}`);
  }
  return { deployments, pods, others, errors };
}

function duplicates(objects: ReadonlyArray<Deployment | PodSpec>): string[] {
  const seen = new Set<string>();
  const errors: string[] = [];
  for (const o of objects) {
    const key = `${o.kind} ${o.namespace}/${o.name}`;
    if (seen.has(key)) errors.push(`${key} is defined twice`);
    seen.add(key);
  }
  return errors;
}
