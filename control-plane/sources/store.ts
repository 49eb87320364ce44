// The manifest store: the last good version of every object, whatever happens to the files.
//  - A file that is not valid YAML (or cannot be read) keeps every object it held last time.
//  - An invalid object keeps its previous good version; the other objects of its file update normally.
//  - An object no longer in any file is removed.
//  - One identity (kind + namespace + name) in two places is a CONFLICT: the first, in file order, wins.
// Files whose text did not change are not parsed again, and re-read objects equal to the stored ones keep their
// identity, so that downstream memoisation (keyed by object) keeps working.
// A scan that only rewrites files, in a directory without errors, where every rewritten file still defines the
// same identities in the same order and stays valid, is merged incrementally: only the rewritten files are
// parsed and visited, and only the maps of the kinds they changed are copied. Anything else (files added or
// removed, errors before or after, identities moved) takes the complete merge. Both give the same state.
import type { Logger } from '../../common/log.js';
import { ErrorCode } from '../../common/errors.js';
import type { ConfigError, KubeObject, ObjectOrigin } from '../model/types.js';
import { deepEqual } from './equal.js';
import { configError } from './errors.js';
import { loadManifestText, placeOf, type FileEntry, type LoadedFile } from './load.js';
import type { ScannedFile } from './scan.js';
import {
  EMPTY_STATE,
  nextState,
  objectKey,
  objectSetOf,
  type ObjectSet,
  type StoreState,
  type StoreUpdate,
} from './state.js';

type SetField = keyof ObjectSet;
const FIELD_OF: Readonly<Record<KubeObject['kind'], SetField>> = {
  Service: 'services',
  EndpointSlice: 'endpointSlices',
  Endpoints: 'endpoints',
  Pod: 'pods',
  Ingress: 'ingresses',
  ServiceExport: 'serviceExports',
  IngressClass: 'ingressClasses',
  Secret: 'secrets',
  Gateway: 'gateways',
  HTTPRoute: 'httpRoutes',
};
const FIELDS = Object.values(FIELD_OF);

/** Whether two maps with the same entries iterate in the same order. */
function sameOrder(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): boolean {
  const bKeys = b.keys();
  for (const k of a.keys()) if (bKeys.next().value !== k) return false;
  return true;
}

/** Who holds an identity in the scan being merged. */
interface Claim {
  readonly object: KubeObject | undefined;
  readonly file: string;
  readonly origin: ObjectOrigin;
}

function describeOrigin(c: Claim): string {
  const item = c.origin.item === undefined ? '' : `, item ${c.origin.item}`;
  return `${c.file} (document ${c.origin.document + 1}${item})`;
}

/** One scan being merged into the next set of objects. */
class Merge {
  readonly claims = new Map<string, Claim>();
  readonly byFile = new Map<string, string[]>();
  readonly byPlace = new Map<string, string>();
  readonly errors: ConfigError[] = [];

  /** Records `claim` for `key` unless another place holds it already (a CONFLICT, reported at `line`). */
  claim(key: string, place: string, claim: Claim, line?: number): void {
    const first = this.claims.get(key);
    if (first !== undefined) {
      const message = `${key} is already defined in ${describeOrigin(first)}; the first definition is used`;
      this.errors.push(configError(claim.file, key, 'metadata.name', message, ErrorCode.CONFLICT, line));
      return;
    }
    this.claims.set(key, claim);
    const keys = this.byFile.get(claim.file);
    if (keys === undefined) this.byFile.set(claim.file, [key]);
    else keys.push(key);
    this.byPlace.set(place, key);
  }
}

export class ManifestStore {
  #state: StoreState = EMPTY_STATE;
  /** The last good object of every identity key. */
  #objects = new Map<string, KubeObject>();
  /** Identity keys each file contributed, for files that become unreadable. */
  #byFile = new Map<string, readonly string[]>();
  /** Identity key last read at each place, for invalid objects whose name cannot be read any more. */
  #byPlace = new Map<string, string>();
  #cache = new Map<string, { readonly text: string; readonly loaded: LoadedFile }>();
  /** File paths of the last scan, in order. */
  #order: readonly string[] = [];
  /**
   * Kinds whose map in the state does not iterate in the order a complete merge would build it (a map kept
   * because its entries were equal, after files were reordered): the incremental merge never copies those.
   */
  #outOfOrder = new Set<SetField>();
  readonly #logger: Logger | undefined;
  readonly #parse: typeof loadManifestText;

  /** `options.load` replaces loadManifestText (a hook for tests). */
  constructor(logger?: Logger, options: { readonly load?: typeof loadManifestText } = {}) {
    this.#logger = logger;
    this.#parse = options.load ?? loadManifestText;
  }

  get state(): StoreState {
    return this.#state;
  }

  /** Applies a complete scan of the directory (files in order); returns the new state and what changed. */
  apply(files: readonly ScannedFile[]): StoreUpdate {
    const update = this.#applyIncrementally(files) ?? this.#applyAll(files);
    this.#order = files.map((f) => f.path);
    return update;
  }

  /** The incremental merge, or undefined when the scan needs the complete one (see the top of this file). */
  #applyIncrementally(files: readonly ScannedFile[]): StoreUpdate | undefined {
    if (this.#state.errors.length > 0 || files.length !== this.#order.length) return undefined;
    const rewritten: { readonly path: string; readonly before: LoadedFile; readonly after: LoadedFile }[] = [];
    for (let i = 0; i < files.length; i++) {
      const file = files[i] as ScannedFile;
      if (file.path !== this.#order[i] || file.text === undefined) return undefined;
      const cached = this.#cache.get(file.path);
      if (cached === undefined) return undefined;
      if (cached.text === file.text) continue;
      const after = this.#load(file);
      rewritten.push({ path: file.path, before: cached.loaded, after });
      const keys = this.#byFile.get(file.path) ?? [];
      if (after.syntaxErrors.length > 0 || after.entries.length !== keys.length) return undefined;
      for (let j = 0; j < keys.length; j++) {
        const entry = after.entries[j] as FileEntry;
        if (entry.object === undefined || entry.errors.length > 0 || entry.key !== keys[j]) return undefined;
      }
    }
    // Every rewritten file holds the same identities as before, valid: each object replaces its previous version.
    const replaced = new Map<SetField, [key: string, object: KubeObject][]>();
    for (const { after } of rewritten) {
      for (const entry of after.entries) {
        const previous = this.#objects.get(entry.key as string);
        const object = entry.object as KubeObject;
        if (previous === object || (previous !== undefined && deepEqual(previous, object))) continue;
        const field = FIELD_OF[object.kind];
        if (this.#outOfOrder.has(field)) return undefined;
        const list = replaced.get(field);
        if (list === undefined) replaced.set(field, [[entry.key as string, object]]);
        else list.push([entry.key as string, object]);
      }
    }
    for (const { path, before, after } of rewritten) {
      for (const entry of before.entries) this.#byPlace.delete(entry.place);
      for (const entry of after.entries) this.#byPlace.set(entry.place, entry.key as string);
      this.#byFile.set(path, after.entries.map((e) => e.key as string));
    }
    for (const pairs of replaced.values()) for (const [key, o] of pairs) this.#objects.set(key, o);
    const prev = this.#state;
    const set: Record<SetField, ReadonlyMap<string, KubeObject>> = { ...prev };
    for (const [field, pairs] of replaced) {
      const map = new Map(prev[field] as ReadonlyMap<string, KubeObject>);
      for (const [, o] of pairs) map.set(objectKey(o), o);
      set[field] = map;
    }
    const update = nextState(prev, set as unknown as ObjectSet, prev.errors);
    this.#state = update.state;
    return update;
  }

  #applyAll(files: readonly ScannedFile[]): StoreUpdate {
    const merge = new Merge();
    for (const file of files) {
      const loaded = this.#load(file);
      if (loaded.syntaxErrors.length > 0) {
        merge.errors.push(...loaded.syntaxErrors);
        for (const key of this.#byFile.get(file.path) ?? []) {
          const object = this.#objects.get(key);
          if (object !== undefined) merge.claim(key, placeOf(object.meta.origin), { object, file: file.path, origin: object.meta.origin });
        }
        continue;
      }
      for (const entry of loaded.entries) this.#mergeEntry(file.path, entry, merge);
    }
    const objects = new Map<string, KubeObject>();
    for (const [key, c] of merge.claims) if (c.object !== undefined) objects.set(key, c.object);
    this.#objects = objects;
    this.#byFile = merge.byFile;
    this.#byPlace = merge.byPlace;
    const present = new Set(files.map((f) => f.path));
    for (const path of this.#cache.keys()) if (!present.has(path)) this.#cache.delete(path);
    const set = objectSetOf(objects.values());
    const update = nextState(this.#state, set, merge.errors);
    for (const field of FIELDS) {
      const kept = update.state[field];
      if (kept === set[field] || sameOrder(kept, set[field])) this.#outOfOrder.delete(field);
      else this.#outOfOrder.add(field);
    }
    this.#state = update.state;
    return update;
  }

  #mergeEntry(file: string, entry: FileEntry, merge: Merge): void {
    if (entry.errors.length > 0) merge.errors.push(...entry.errors);
    if (entry.key === undefined) {
      // The object cannot say who it is; keep whatever was read from this very place before.
      const key = this.#byPlace.get(entry.place);
      const object = key === undefined ? undefined : this.#objects.get(key);
      if (key !== undefined && object !== undefined) merge.claim(key, entry.place, { object, file, origin: entry.origin });
      return;
    }
    const previous = this.#objects.get(entry.key);
    let object = entry.object ?? previous; // invalid: the last good version, if any
    if (entry.object !== undefined && previous !== undefined && previous !== entry.object && deepEqual(previous, entry.object)) {
      object = previous;
    }
    merge.claim(entry.key, entry.place, { object, file, origin: entry.origin }, entry.line);
  }

  #load(file: ScannedFile): LoadedFile {
    if (file.text === undefined) {
      const message = `cannot read the file: ${file.error ?? 'unknown error'}`;
      return { syntaxErrors: [configError(file.path, '', '', message, ErrorCode.INVALID_YAML)], entries: [] };
    }
    const cached = this.#cache.get(file.path);
    if (cached !== undefined && cached.text === file.text) return cached.loaded;
    const loaded = this.#parse(file.path, file.text, this.#logger);
    this.#cache.set(file.path, { text: file.text, loaded });
    return loaded;
  }
}
