// Reading a manifest directory: every .yaml / .yml / .json file below it, recursively, in sorted path order
// (plain code-unit order of the path relative to the directory, so the order is the same on every machine).
// Names starting with '.' are skipped: editors' swap files, and the `..data` / `..2024_...` directories through
// which a mounted ConfigMap exposes each file a second time. Symlinks to files are followed (that is how a
// ConfigMap mount presents its files); symlinks to directories are not, so a link cycle cannot trap the scan.
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
  try {
    await readdir(dir);
  } catch (err) {
    const message = `cannot read the manifest directory ${dir}: ${(err as Error).message}`;
    throw new MeshletError(ErrorCode.INVALID_FLAG, message, { cause: err });
  }
  const out: string[] = [];
  await walk(dir, '', out);
  return out.sort();
}

async function walk(dir: string, rel: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(path.join(dir, rel), { withFileTypes: true });
  } catch {
    return; // removed while scanning: the next scan will see the final state
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) await walk(dir, child, out);
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
  const results: (ScannedFile | undefined)[] = new Array<ScannedFile | undefined>(rels.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < rels.length) {
      const i = next++;
      results[i] = await readOne(path.join(dir, rels[i] as string));
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, rels.length) }, worker));
  return results.filter((f): f is ScannedFile => f !== undefined);
}

async function readOne(p: string): Promise<ScannedFile | undefined> {
  try {
    return { path: p, text: await readFile(p, 'utf8') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { path: p, error: (err as Error).message };
  }
}
