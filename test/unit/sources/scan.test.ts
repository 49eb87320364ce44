import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listManifestFiles, scanManifestDir } from '../../../control-plane/sources/index.js';

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
