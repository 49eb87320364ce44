// Helpers for source tests: decode YAML text the way the store does, and read fixtures.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadManifestText } from '../../../control-plane/sources/index.js';
import type { ConfigError, KubeObject } from '../../../control-plane/model/types.js';

export const FIXTURES = path.join(import.meta.dirname, '..', '..', 'fixtures');

export function fixtureText(rel: string): string {
  return readFileSync(path.join(FIXTURES, rel), 'utf8');
}

/** Every object and error in `text`, as the store would load it from `file`. */
export function load(text: string, file = 'test.yaml'): { objects: KubeObject[]; errors: ConfigError[] } {
  const loaded = loadManifestText(file, text);
  return {
    objects: loaded.entries.flatMap((e) => e.object ?? []),
    errors: [...loaded.syntaxErrors, ...loaded.entries.flatMap((e) => e.errors)],
  };
}

/** The one object of `text`; throws (with the errors) when it did not decode. */
export function decodeOne<T extends KubeObject = KubeObject>(text: string): T {
  const { objects, errors } = load(text);
  if (errors.length > 0 || objects.length !== 1) {
    throw new Error(`expected one valid object, got ${objects.length} and errors ${JSON.stringify(errors)}`);
  }
  return objects[0] as T;
}

/** `field: message` of every error of `text`, the shortest readable form to compare against a table. */
export function problems(text: string): string[] {
  return load(text).errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message));
}

/** A helper for tables: the decoded object of `kind` named `name` among `objects`. */
export function find<K extends KubeObject['kind']>(objects: KubeObject[], kind: K, name: string): Extract<KubeObject, { kind: K }> {
  const o = objects.find((x) => x.kind === kind && x.meta.name === name);
  if (o === undefined) throw new Error(`no ${kind} ${name}`);
  return o as Extract<KubeObject, { kind: K }>;
}
