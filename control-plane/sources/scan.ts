// Reading a manifest directory: every .yaml / .yml / .json file below it, recursively, in sorted path order
// (plain code-unit order of the path relative to the directory, so the order is the same on every machine).
// Names starting with '.' are skipped: editors' swap files, and the `..data` / `..2024_...` directories through
// which a mounted ConfigMap exposes each file a second time. Symlinks to files are followed (that is how a
// ConfigMap mount presents its files); symlinks to directories are not, so a link cycle cannot trap the scan.
// ManifestScanner is the incremental form the watcher uses: a file whose fingerprint (size, mtime, ctime, inode)
// is the one of the previous scan is not read again; its previous ScannedFile (the same object) is returned.
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, MeshletError } from '../../common/errors.js';

const EXTENSIONS = ['.yaml', '.yml', '.json'];
/** Files read at once: enough to overlap I/O, few enough to stay clear of EMFILE with 10,000 files. */
const READ_CONCURRENCY = 32;

export interface ScannedFile {
  /** The directory joined with the relative path, as errors show it. */
  readonly path: string;
  /** undefined when the file could not be read (then `error` says why). */
  readonly text?: string;
  readonly error?: string;
}

function isManifestName(name: string): boolean {
  return !name.startsWith('.') && EXTENSIONS.includes(path.extname(name).toLowerCase());
}

/** Relative paths (with '/') of the manifest files under `dir`, sorted. Throws when `dir` cannot be read. */
export async function listManifestFiles(dir: string): Promise<string[]> {
  return (await listManifestTree(dir)).files;
}

export interface ManifestTree {
  /** Relative paths (with '/') of the manifest files, sorted. */
  readonly files: string[];
  /** Relative paths of the directories walked ('' for `dir` itself), dot-directories excluded. */
  readonly dirs: string[];
}

/** The manifest files under `dir` and the directories holding them. Throws when `dir` cannot be read. */
export async function listManifestTree(dir: string): Promise<ManifestTree> {
  try {
    await readdir(dir);
  } catch (err) {
    const message = `cannot read the manifest directory ${dir}: ${(err as Error).message}`;
    throw new MeshletError(ErrorCode.INVALID_FLAG, message, { cause: err });
  }
  const out: string[] = [];
  const dirs: string[] = [];
  await walk(dir, '', out, dirs);
  return { files: out.sort(), dirs };
}

async function walk(dir: string, rel: string, out: string[], dirs: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(path.join(dir, rel), { withFileTypes: true });
  } catch {
    return; // removed while scanning: the next scan will see the final state
  }
  dirs.push(rel);
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) await walk(dir, child, out, dirs);
    else if (isManifestName(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && (await isFile(path.join(dir, child)))))) {
      out.push(child);
    }
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false; // a dangling link
  }
}

/** Reads every manifest file of `dir`. Files deleted between listing and reading are left out. */
export async function scanManifestDir(dir: string): Promise<ScannedFile[]> {
  const rels = await listManifestFiles(dir);
  return inOrder(rels, (rel) => readOne(path.join(dir, rel), readUtf8));
}

/** `fn` of every element, READ_CONCURRENCY at a time; results in order, undefined ones left out. */
async function inOrder<T, R>(items: readonly T[], fn: (item: T) => Promise<R | undefined>): Promise<R[]> {
  const results = new Array<R | undefined>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, items.length) }, worker));
  return results.filter((r): r is R => r !== undefined);
}

const readUtf8 = (p: string): Promise<string> => readFile(p, 'utf8');

async function readOne(p: string, read: (p: string) => Promise<string>): Promise<ScannedFile | undefined> {
  try {
    return { path: p, text: await read(p) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { path: p, error: (err as Error).message };
  }
}

export interface ScannerOptions {
  /** Reads one file (default: fs.readFile as UTF-8); a hook for tests. */
  readonly read?: (path: string) => Promise<string>;
}

export interface IncrementalScan {
  /** Every manifest file, in order, as scanManifestDir returns them; unchanged ones are the previous objects. */
  readonly files: ScannedFile[];
  /** The directories walked, relative to the scanned directory ('' for itself). */
  readonly dirs: string[];
  /** How many files were read (new or changed fingerprint, or unreadable last time). */
  readonly read: number;
}

/**
 * Scans one directory again and again, reading only the files whose fingerprint changed since the last scan. The
 * fingerprint is taken before reading, so a file changed while being read is read again at the next scan.
 */
export class ManifestScanner {
  readonly #dir: string;
  readonly #read: (path: string) => Promise<string>;
  #known = new Map<string, { readonly fingerprint: string; readonly file: ScannedFile }>();

  constructor(dir: string, options: ScannerOptions = {}) {
    this.#dir = dir;
    this.#read = options.read ?? readUtf8;
  }

  async scan(): Promise<IncrementalScan> {
    const tree = await listManifestTree(this.#dir);
    const known = new Map<string, { readonly fingerprint: string; readonly file: ScannedFile }>();
    let read = 0;
    const files = await inOrder(tree.files, async (rel) => {
      const p = path.join(this.#dir, rel);
      let fingerprint: string;
      try {
        const s = await stat(p);
        fingerprint = `${s.size}\t${s.mtimeMs}\t${s.ctimeMs}\t${s.ino}`;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        read++;
        return { path: p, error: (err as Error).message };
      }
      const before = this.#known.get(p);
      if (before !== undefined && before.fingerprint === fingerprint) {
        known.set(p, before);
        return before.file;
      }
      read++;
      const file = await readOne(p, this.#read);
      if (file?.text !== undefined) known.set(p, { fingerprint, file });
      return file;
    });
    this.#known = known;
    return { files, dirs: tree.dirs, read };
  }
}
