// One manifest file's text → the raw objects in it, with where each came from. Multi-document files and
// `kind: List` (what `kubectl get -o yaml` prints for several objects) are both expanded. YAML syntax errors are
// reported with their line; the caller then treats the whole file as unreadable.
import { LineCounter, isNode, parseAllDocuments, type Document } from 'yaml';
import type { ObjectOrigin } from '../model/types.js';
import type { FieldPath } from './decode/index.js';

export interface RawObject {
  readonly value: unknown;
  readonly origin: ObjectOrigin;
  /** Path of the object inside its YAML document: [] or ['items', i]. */
  readonly prefix: FieldPath;
}

export interface SyntaxError {
  readonly message: string;
  readonly line?: number;
}

export interface ParsedText {
  readonly syntaxErrors: readonly SyntaxError[];
  readonly objects: readonly RawObject[];
  /** 1-based line of the node at `path` in document `document` (or of its nearest existing parent). */
  lineOf(document: number, path: FieldPath): number | undefined;
}

/** Aliases are expanded by toJS; this bounds a "billion laughs" document. */
const MAX_ALIAS_COUNT = 100;

export function parseManifestText(file: string, text: string): ParsedText {
  const lineCounter = new LineCounter();
  // merge: true reads `<<:` merge keys as Kubernetes' YAML library (go-yaml) does.
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, merge: true });
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  const lineOf = (document: number, path: FieldPath): number | undefined => {
    const doc = Array.isArray(docs) ? docs[document] : undefined;
    return doc === undefined ? undefined : nodeLine(doc, path, lineAt);
  };
  if (!Array.isArray(docs)) return { syntaxErrors: [], objects: [], lineOf }; // an empty file
  const syntaxErrors: SyntaxError[] = [];
  const objects: RawObject[] = [];
  docs.forEach((doc, document) => {
    for (const e of doc.errors) {
      const pos = lineCounter.linePos(e.pos[0]);
      syntaxErrors.push({ message: `invalid YAML: ${e.message} (line ${pos.line}, column ${pos.col})`, line: pos.line });
    }
    if (doc.errors.length > 0 || doc.contents === null) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      const line = doc.contents.range ? lineAt(doc.contents.range[0]) : undefined;
      syntaxErrors.push({ message: `invalid YAML: ${(err as Error).message}`, ...(line !== undefined && { line }) });
      return;
    }
    objects.push(...expandList(value, { file, document }));
  });
  return { syntaxErrors, objects, lineOf };
}

/**
 * `kind: List` (and typed lists such as `ServiceList`, as the API returns them) hold their objects in `items`.
 * Items of a typed list may omit kind and apiVersion; they are filled in from the list.
 */
function expandList(value: unknown, origin: ObjectOrigin): RawObject[] {
  if (!isListObject(value)) return [{ value, origin, prefix: [] }];
  const listKind = value['kind'] as string;
  const itemKind = listKind === 'List' ? undefined : listKind.slice(0, -'List'.length);
  return (value['items'] as unknown[]).map((item, i) => {
    let filled = item;
    if (itemKind !== undefined && item !== null && typeof item === 'object' && !Array.isArray(item)) {
      filled = { apiVersion: value['apiVersion'], kind: itemKind, ...item };
    }
    return { value: filled, origin: { ...origin, item: i }, prefix: ['items', i] };
  });
}

function isListObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return typeof record['kind'] === 'string' && record['kind'].endsWith('List') && Array.isArray(record['items']);
}

function nodeLine(doc: Document, path: FieldPath, lineAt: (offset: number) => number): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lineAt(node.range[0]);
  }
  return undefined;
}
