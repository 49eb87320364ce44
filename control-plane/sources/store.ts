// The manifest store: the last good version of every object, whatever happens to the files.
//  - A file that is not valid YAML (or cannot be read) keeps every object it held last time.
//  - An invalid object keeps its previous good version; the other objects of its file update normally.
//  - An object no longer in any file is removed.
//  - One identity (kind + namespace + name) in two places is a CONFLICT: the first, in file order, wins.
// Files whose text did not change are not parsed again, and re-read objects equal to the stored ones keep their
// identity, so that downstream memoisation (keyed by object) keeps working.
import type { Logger } from '../../common/log.js';
import { ErrorCode } from '../../common/errors.js';
import type { ConfigError, KubeObject, ObjectOrigin } from '../model/types.js';
import { deepEqual } from './equal.js';
import { configError } from './errors.js';
import { loadManifestText, placeOf, type FileEntry, type LoadedFile } from './load.js';
import type { ScannedFile } from './scan.js';
import { EMPTY_STATE, nextState, objectSetOf, type StoreState, type StoreUpdate } from './state.js';

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
  readonly #logger: Logger | undefined;

  constructor(logger?: Logger) {
    this.#logger = logger;
  }

  get state(): StoreState {
    return this.#state;
  }

  /** Applies a complete scan of the directory (files in order); returns the new state and what changed. */
  apply(files: readonly ScannedFile[]): StoreUpdate {
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
    const update = nextState(this.#state, objectSetOf(objects.values()), merge.errors);
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
    const loaded = loadManifestText(file.path, file.text, this.#logger);
    this.#cache.set(file.path, { text: file.text, loaded });
    return loaded;
  }
}
