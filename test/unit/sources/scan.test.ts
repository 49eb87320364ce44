import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManifestScanner, listManifestFiles, scanManifestDir } from '../../../control-plane/sources/index.js';

describe('scanning a manifest directory', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'meshlet-scan-'));
    const write = async (rel: string, text = 'kind: x\n'): Promise<void> => {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), text);
    };
    await write('b.yaml');
    await write('a.yml');
    await write('z/deep/c.json');
    await write('a/x.yaml');
    await write('README.md');
    await write('.hidden.yaml');
    await write('notes.txt');
    // A ConfigMap mount: the files are links into `..data`, which must not be read a second time.
    await write('..2024_05_01/cm.yaml');
    await symlink('..2024_05_01', path.join(dir, '..data'));
    await symlink('..data/cm.yaml', path.join(dir, 'cm.yaml'));
    await symlink('missing.yaml', path.join(dir, 'dangling.yaml'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('finds .yaml/.yml/.json files recursively, sorted, skipping dot-names and dangling links', async () => {
    assert.deepEqual(await listManifestFiles(dir), ['a.yml', 'a/x.yaml', 'b.yaml', 'cm.yaml', 'z/deep/c.json']);
  });

  it('reads them with the directory in each path', async () => {
    const files = await scanManifestDir(dir);
    assert.deepEqual(
      files.map((f) => [path.relative(dir, f.path), f.text]),
      [
        ['a.yml', 'kind: x\n'],
        ['a/x.yaml', 'kind: x\n'],
        ['b.yaml', 'kind: x\n'],
        ['cm.yaml', 'kind: x\n'],
        [path.join('z', 'deep', 'c.json'), 'kind: x\n'],
      ],
    );
  });

  it('a missing directory is a clear INVALID_FLAG error', async () => {
    await assert.rejects(scanManifestDir(path.join(dir, 'nope')), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'MESHLET_ERR_INVALID_FLAG');
      assert.match(err.message, /cannot read the manifest directory .*nope/);
      return true;
    });
  });
});

describe('ManifestScanner (incremental scans)', () => {
  it('reads only new files and files whose fingerprint changed, even with the same size', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'meshlet-scanner-'));
    try {
      await mkdir(path.join(dir, 'sub'));
      await writeFile(path.join(dir, 'a.yaml'), 'kind: a\n');
      await writeFile(path.join(dir, 'sub/b.yaml'), 'kind: b\n');
      const reads: string[] = [];
      const scanner = new ManifestScanner(dir, {
        read: (p) => {
          reads.push(path.relative(dir, p));
          return readFile(p, 'utf8');
        },
      });
      const first = await scanner.scan();
      assert.deepEqual([first.read, reads.sort(), first.dirs], [2, ['a.yaml', path.join('sub', 'b.yaml')], ['', 'sub']]);
      assert.deepEqual(first.files, await scanManifestDir(dir), 'the same files as a complete scan');

      reads.length = 0;
      const second = await scanner.scan();
      assert.deepEqual([second.read, reads], [0, []]);
      assert.equal(second.files[0], first.files[0], 'an unchanged file is the previous object');
      assert.equal(second.files[1], first.files[1]);

      // Same size, new content and a new mtime: read again.
      const b = path.join(dir, 'sub/b.yaml');
      await writeFile(b, 'kind: c\n');
      await utimes(b, new Date(), new Date(Date.now() + 5000));
      await writeFile(path.join(dir, 'sub/c.yaml'), 'kind: d\n');
      const third = await scanner.scan();
      assert.deepEqual([third.read, reads.sort()], [2, [path.join('sub', 'b.yaml'), path.join('sub', 'c.yaml')]]);
      assert.equal(third.files[0], first.files[0]);
      assert.deepEqual(third.files.map((f) => f.text), ['kind: a\n', 'kind: c\n', 'kind: d\n']);

      reads.length = 0;
      await rm(path.join(dir, 'a.yaml'));
      const fourth = await scanner.scan();
      assert.deepEqual([fourth.read, fourth.files.map((f) => path.relative(dir, f.path))], [0, [path.join('sub', 'b.yaml'), path.join('sub', 'c.yaml')]]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
