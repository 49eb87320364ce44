// One file's text → its entries: each object decoded (or its errors), with errors already carrying file, object,
// field and line. The result holds no YAML tree, so the store can cache it per file cheaply.
import type { Logger } from '../../common/log.js';
import { ErrorCode } from '../../common/errors.js';
import type { ConfigError, KubeObject, ObjectOrigin } from '../model/types.js';
import { decodeObject, formatPath, identityKey, type Issue, type ObjectIdentity } from './decode/index.js';
import { configError } from './errors.js';
import { parseManifestText, type RawObject } from './parse.js';

export interface FileEntry {
  readonly origin: ObjectOrigin;
  /** `file#document#item`: where the entry was read. */
  readonly place: string;
  /** Identity key (`Kind namespace/name`), known whenever kind and name could be read, even if invalid. */
  readonly key?: string;
  /** undefined when the object is invalid. */
  readonly object?: KubeObject;
  /** The object's errors; a valid object may have some too (a bad annotation: only that setting is ignored). */
  readonly errors: readonly ConfigError[];
  /** Line of metadata.name (or of the object), for errors the store finds (conflicts). */
  readonly line?: number;
}

export interface LoadedFile {
  /** Non-empty when the file is not valid YAML: then it has no entries and keeps its previous objects. */
  readonly syntaxErrors: readonly ConfigError[];
  readonly entries: readonly FileEntry[];
}

export function loadManifestText(file: string, text: string, logger?: Logger): LoadedFile {
  const parsed = parseManifestText(file, text);
  if (parsed.syntaxErrors.length > 0) {
    return {
      syntaxErrors: parsed.syntaxErrors.map((e) => configError(file, '', '', e.message, ErrorCode.INVALID_YAML, e.line)),
      entries: [],
    };
  }
  const entries: FileEntry[] = [];
  for (const raw of parsed.objects) {
    const outcome = decodeObject(raw.value, raw.origin);
    if (outcome.status === 'ignored') {
      const { apiVersion, kind } = outcome;
      logger?.debug({ file, document: raw.origin.document, apiVersion, kind }, 'ignoring a kind meshlet does not read');
      continue;
    }
    const line = parsed.lineOf(raw.origin.document, [...raw.prefix, 'metadata', 'name']);
    const at = { origin: raw.origin, place: placeOf(raw.origin), ...(line !== undefined && { line }) };
    const toErrors = (object: string, issues: readonly Issue[]): ConfigError[] =>
      issues.map((issue) => {
        const fieldLine = parsed.lineOf(raw.origin.document, [...raw.prefix, ...issue.path]);
        // A document that is not a mapping at all is a YAML-level problem, not a schema one.
        const code = issue.path.length === 0 ? ErrorCode.INVALID_YAML : ErrorCode.INVALID_OBJECT;
        const message = issue.path.length === 0 ? `${documentName(raw)} ${issue.message}` : issue.message;
        return configError(file, object, formatPath(issue.path), message, code, fieldLine);
      });
    if (outcome.status === 'ok') {
      // A valid object may still carry errors of optional settings (annotations): reported, and the object used.
      const key = identityKey(identityOf(outcome.object));
      entries.push({ ...at, key, object: outcome.object, errors: toErrors(key, outcome.issues) });
      continue;
    }
    const object = outcome.identity ? identityKey(outcome.identity) : '';
    entries.push({ ...at, ...(outcome.identity && { key: object }), errors: toErrors(object, outcome.issues) });
  }
  return { syntaxErrors: [], entries };
}

export function identityOf(object: KubeObject): ObjectIdentity {
  return { kind: object.kind, namespace: object.meta.namespace, name: object.meta.name };
}

/** `file#document#item`, the place an object was read from. */
export function placeOf(origin: ObjectOrigin): string {
  return `${origin.file}#${origin.document}#${origin.item ?? ''}`;
}

function documentName(raw: RawObject): string {
  const doc = `document ${raw.origin.document + 1}`;
  return raw.origin.item === undefined ? doc : `${doc}, item ${raw.origin.item}`;
}
