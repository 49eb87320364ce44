// The watcher: debounced rescans, both with fs.watch and with polling, and a clean close (this file's process
// must exit when the tests end, which it cannot with a leaked watcher or timer).
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { watchManifests, type ManifestWatcher, type StoreUpdate } from '../../../control-plane/sources/index.js';

const svc = (name: string, port = 80): string => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec: {ports: [{port: ${port}}]}\n`;

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

for (const mode of ['auto', 'poll'] as const) {
  describe(`watchManifests (${mode})`, () => {
    const DEBOUNCE = 300;
    let dir = '';
    let watcher: ManifestWatcher | undefined;
    let updates: StoreUpdate[] = [];
    let rescans = 0;
    // The watcher logs one debug line per rescan: counting them shows that changes coalesce.
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write: (chunk: Buffer, _enc, done) => {
          if (chunk.toString().includes('manifest directory rescanned')) rescans++;
          done();
        },
      }),
    );
    const write = (name: string, text: string): Promise<void> => writeFile(path.join(dir, name), text);
    const start = async (): Promise<ManifestWatcher> => {
      watcher = await watchManifests(dir, { debounceMs: DEBOUNCE, pollIntervalMs: 50, mode, logger, onUpdate: (u) => updates.push(u) });
      return watcher;
    };

    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'meshlet-watch-'));
      updates = [];
      rescans = 0;
      await write('a.yaml', svc('a'));
    });
    afterEach(async () => {
      await watcher?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('publishes the initial state, then one rescan and one update for changes made inside one window', async () => {
      const w = await start();
      if (mode === 'poll') assert.equal(w.mode, 'poll');
      assert.equal(updates.length, 1);
      assert.deepEqual([...w.state.services.keys()], ['default/a']);

      // Three writes spread over a third of the window.
      await write('b.yaml', svc('b'));
      await sleep(DEBOUNCE / 10);
      await write('c.yaml', svc('c'));
      await sleep(DEBOUNCE / 10);
      await write('a.yaml', svc('a', 81));
      await until(() => updates.length >= 2, 'the coalesced update');
      await sleep(DEBOUNCE * 3);
      assert.equal(rescans, 1, 'three writes inside one window give one rescan');
      assert.equal(updates.length, 2, 'and one update');
      const state = updates[1]?.state;
      assert.deepEqual([...(state?.services.keys() ?? [])].sort(), ['default/a', 'default/b', 'default/c']);
      assert.equal(state?.services.get('default/a')?.ports[0]?.port, 81);

      await write('c.yaml', svc('c', 90));
      await until(() => updates.length >= 3, 'the later update');
      assert.equal(updates[2]?.state.services.get('default/c')?.ports[0]?.port, 90);
      assert.deepEqual([...(updates[2]?.changed ?? [])], ['services']);
    });

    it('a file turned into invalid YAML is reported while its objects stay', async () => {
      const w = await start();
      const before = w.state.services.get('default/a');
      await write('a.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: a\n');
      await until(() => updates.length >= 2, 'the update with the error');
      assert.equal(w.state.services.get('default/a'), before);
      assert.deepEqual(w.state.errors.map((e) => [path.basename(e.file), e.code]), [['a.yaml', 'MESHLET_ERR_INVALID_YAML']]);
      assert.deepEqual([...(updates[1]?.changed ?? [])], ['errors']);
    });

    it('a rescan that changes nothing publishes nothing', async () => {
      const w = await start();
      await write('a.yaml', svc('a')); // same text: fs events fire, the state does not change
      await sleep(DEBOUNCE * 3);
      const update = await w.rescan();
      assert.equal(update.changed.size, 0);
      assert.equal(updates.length, 1);
    });

    it('sees every atomic rename over a file, in a subdirectory and at the top level, then in-place writes', async () => {
      // Linux, Node 20: a recursive fs.watch reports a file replaced by rename only the first time (nodejs/node#48437).
      await mkdir(path.join(dir, 'sub'));
      await write('sub/f.yaml', svc('f', 1));
      const staging = await mkdtemp(path.join(tmpdir(), 'meshlet-staging-'));
      try {
        const w = await start();
        const portOf = (name: string): number | undefined => w.state.services.get(`default/${name}`)?.ports[0]?.port;
        const replace = async (rel: string, text: string): Promise<void> => {
          const tmp = path.join(staging, 'next.yaml');
          await writeFile(tmp, text);
          await rename(tmp, path.join(dir, rel));
        };
        for (let i = 1; i <= 3; i++) {
          await replace('sub/f.yaml', svc('f', 100 + i));
          await until(() => portOf('f') === 100 + i, `rename ${i} over sub/f.yaml`);
          await replace('a.yaml', svc('a', 200 + i));
          await until(() => portOf('a') === 200 + i, `rename ${i} over a.yaml`);
        }
        await write('sub/f.yaml', svc('f', 300));
        await until(() => portOf('f') === 300, 'the in-place write of sub/f.yaml');
        await write('a.yaml', svc('a', 301));
        await until(() => portOf('a') === 301, 'the in-place write of a.yaml');
        assert.equal(updates.at(-1)?.state.services.get('default/f')?.ports[0]?.port, 300);
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
    });

    it('follows directories created and removed after start', async () => {
      const w = await start();
      await mkdir(path.join(dir, 'new/deeper'), { recursive: true });
      await write('new/deeper/n.yaml', svc('n', 1));
      await until(() => w.state.services.has('default/n'), 'the file in the new directory');
      await write('new/deeper/n.yaml', svc('n', 2));
      await until(() => w.state.services.get('default/n')?.ports[0]?.port === 2, 'its change');
      await rm(path.join(dir, 'new'), { recursive: true });
      await until(() => !w.state.services.has('default/n'), 'the removal of the directory');
      await mkdir(path.join(dir, 'new'));
      await write('new/m.yaml', svc('m'));
      await until(() => w.state.services.has('default/m'), 'the file in the directory made again');
    });

    it('publishes nothing after close', async () => {
      const w = await start();
      await w.close();
      await write('b.yaml', svc('b'));
      await sleep(DEBOUNCE * 3);
      assert.equal(updates.length, 1);
    });
  });
}

describe('watchManifests start-up', () => {
  it('rejects a directory that does not exist', async () => {
    await assert.rejects(
      watchManifests(path.join(tmpdir(), 'meshlet-no-such-dir'), { onUpdate: () => undefined }),
      /cannot read the manifest directory/,
    );
  });
});
