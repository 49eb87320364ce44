// The store keeps the last good version of every object, whatever happens to the files.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManifestStore, loadManifestText, type ScannedFile, type StoreState } from '../../../control-plane/sources/index.js';
import type { Service } from '../../../control-plane/model/types.js';

const svc = (name: string, port: number | string = 80, ns = 'default'): string =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  ports:\n  - port: ${port}\n`;
const pod = (name: string, ip: string): string =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nstatus: {podIP: ${ip}}\n`;
const files = (map: Record<string, string>): ScannedFile[] => Object.entries(map).map(([path, text]) => ({ path, text }));
const portOf = (state: StoreState, key: string): number | undefined => state.services.get(key)?.ports[0]?.port;
const summary = (state: StoreState): string[] => state.errors.map((e) => `${e.file} | ${e.object} | ${e.field} | ${e.code}`);

describe('ManifestStore', () => {
  it('loads every file; an identical rescan returns the same state and reports no change', () => {
    const store = new ManifestStore();
    const first = store.apply(files({ 'a.yaml': svc('a'), 'b.yaml': `${svc('b')}---\n${pod('p', '10.0.0.1')}` }));
    assert.deepEqual([...first.changed].sort(), ['pods', 'services']);
    assert.equal(first.state.revision, 1);
    assert.deepEqual([...first.state.services.keys()], ['default/a', 'default/b']);
    const again = store.apply(files({ 'a.yaml': svc('a'), 'b.yaml': `${svc('b')}---\n${pod('p', '10.0.0.1')}` }));
    assert.equal(again.state, first.state);
    assert.equal(again.changed.size, 0);
  });

  it('a file that becomes invalid YAML keeps its objects as last loaded; other files update', () => {
    const store = new ManifestStore();
    const before = store.apply(files({ 'a.yaml': svc('a'), 'b.yaml': `${svc('b')}---\n${svc('c')}` })).state;
    const after = store.apply(files({ 'a.yaml': svc('a', 81), 'b.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: b\n' })).state;
    assert.equal(portOf(after, 'default/a'), 81);
    assert.equal(after.services.get('default/b'), before.services.get('default/b'));
    assert.equal(after.services.get('default/c'), before.services.get('default/c'));
    assert.deepEqual(summary(after), ['b.yaml |  |  | MESHLET_ERR_INVALID_YAML']);
    assert.equal(after.errors[0]?.line, 4);
    // Fixed: the file is read again, the error goes away.
    const fixed = store.apply(files({ 'a.yaml': svc('a', 81), 'b.yaml': svc('b', 82) })).state;
    assert.deepEqual([portOf(fixed, 'default/b'), fixed.services.has('default/c'), fixed.errors], [82, false, []]);
  });

  it('an invalid object keeps its previous good version while the rest of its file updates', () => {
    const store = new ManifestStore();
    const before = store.apply(files({ 'a.yaml': `${svc('a')}---\n${svc('b')}` })).state;
    const after = store.apply(files({ 'a.yaml': `${svc('a', 70000)}---\n${svc('b', 8080)}` })).state;
    assert.equal(after.services.get('default/a'), before.services.get('default/a'));
    assert.equal(portOf(after, 'default/b'), 8080);
    assert.deepEqual(after.errors, [
      {
        file: 'a.yaml',
        object: 'Service default/a',
        field: 'spec.ports[0].port',
        message: 'must be an integer 1-65535, got 70000',
        code: 'MESHLET_ERR_INVALID_OBJECT',
        line: 8,
      },
    ]);
  });

  it('an invalid object that never had a good version is left out (and reported)', () => {
    const state = new ManifestStore().apply(files({ 'a.yaml': `${svc('a', 70000)}---\n${svc('b')}` })).state;
    assert.deepEqual([...state.services.keys()], ['default/b']);
    assert.deepEqual(summary(state), ['a.yaml | Service default/a | spec.ports[0].port | MESHLET_ERR_INVALID_OBJECT']);
  });

  it('an object whose name can no longer be read keeps the version last read at the same place', () => {
    const store = new ManifestStore();
    const before = store.apply(files({ 'a.yaml': `${svc('a')}---\n${svc('b')}` })).state;
    const nameless = 'apiVersion: v1\nkind: Service\nmetadata: {namespace: default}\nspec: {ports: [{port: 70000}]}\n';
    const after = store.apply(files({ 'a.yaml': `${svc('a')}---\n${nameless}` })).state;
    assert.equal(after.services.get('default/b'), before.services.get('default/b'));
    assert.deepEqual(
      after.errors.map((e) => e.field),
      ['metadata.name', 'spec.ports[0].port'],
    );
  });

  it('objects removed from the files, and files removed, are removed', () => {
    const store = new ManifestStore();
    store.apply(files({ 'a.yaml': `${svc('a')}---\n${svc('b')}`, 'c.yaml': svc('c') }));
    const update = store.apply(files({ 'a.yaml': svc('a') }));
    assert.deepEqual([...update.state.services.keys()], ['default/a']);
    assert.deepEqual([...update.changed], ['services']);
  });

  it('the same identity in two files is a CONFLICT: the first file (in order) wins', () => {
    const state = new ManifestStore().apply(files({ 'a.yaml': svc('x', 1), 'b.yaml': `${svc('x', 2)}---\n${svc('y')}` })).state;
    assert.equal(portOf(state, 'default/x'), 1);
    assert.ok(state.services.has('default/y'));
    assert.deepEqual(state.errors, [
      {
        file: 'b.yaml',
        object: 'Service default/x',
        field: 'metadata.name',
        message: 'Service default/x is already defined in a.yaml (document 1); the first definition is used',
        code: 'MESHLET_ERR_CONFLICT',
        line: 4,
      },
    ]);
  });

  it('identity is kind + namespace + name: a Service and a Pod, or two namespaces, do not conflict', () => {
    const state = new ManifestStore().apply(files({ 'a.yaml': `${svc('x')}---\n${svc('x', 80, 'other')}---\n${pod('x', '10.0.0.1')}` })).state;
    assert.deepEqual([state.errors.length, state.services.size, state.pods.size], [0, 2, 1]);
  });

  it('unchanged objects keep their identity when their file is edited; only changed kinds are reported', () => {
    const store = new ManifestStore();
    const before = store.apply(files({ 'a.yaml': `${svc('a')}---\n${pod('p', '10.0.0.1')}` })).state;
    const update = store.apply(files({ 'a.yaml': `${svc('a')}---\n${pod('p', '10.0.0.2')}` }));
    assert.equal(update.state.services, before.services, 'the services map itself is reused');
    assert.equal(update.state.services.get('default/a') as Service, before.services.get('default/a'));
    assert.notEqual(update.state.pods.get('default/p'), before.pods.get('default/p'));
    assert.deepEqual([...update.changed], ['pods']);
    assert.equal(update.state.revision, before.revision + 1);
  });

  it('an unreadable file keeps its objects and says why', () => {
    const store = new ManifestStore();
    const before = store.apply(files({ 'a.yaml': svc('a') })).state;
    const after = store.apply([{ path: 'a.yaml', error: 'EACCES: permission denied' }]).state;
    assert.equal(after.services.get('default/a'), before.services.get('default/a'));
    assert.deepEqual(after.errors.map((e) => e.message), ['cannot read the file: EACCES: permission denied']);
  });

  it('a broken file does not lose its objects to a later conflicting definition', () => {
    const store = new ManifestStore();
    store.apply(files({ 'a.yaml': svc('x', 1) }));
    const state = store.apply(files({ 'a.yaml': 'kind: [', 'b.yaml': svc('x', 2) })).state;
    assert.equal(portOf(state, 'default/x'), 1);
    assert.deepEqual(
      state.errors.map((e) => `${e.file} ${e.code}`),
      ['a.yaml MESHLET_ERR_INVALID_YAML', 'b.yaml MESHLET_ERR_CONFLICT'],
    );
  });

  it('a rewrite of one file parses only that file; the other files keep their objects and maps', () => {
    const parsed: string[] = [];
    const store = new ManifestStore(undefined, {
      load: (file, text, logger) => {
        parsed.push(file);
        return loadManifestText(file, text, logger);
      },
    });
    const texts = { 'a.yaml': `${svc('a')}---\n${svc('b')}`, 'b.yaml': pod('p', '10.0.0.1'), 'c.yaml': svc('c') };
    const before = store.apply(files(texts)).state;
    parsed.length = 0;
    // New ScannedFile objects and strings with the same text for a.yaml and b.yaml: not parsed again.
    const update = store.apply(files({ ...texts, 'c.yaml': svc('c', 81) }));
    assert.deepEqual(parsed, ['c.yaml']);
    assert.deepEqual([...update.changed], ['services']);
    assert.equal(update.state.services.get('default/a'), before.services.get('default/a'));
    assert.equal(update.state.pods, before.pods);
    assert.equal(portOf(update.state, 'default/c'), 81);
  });

  it('an incremental merge gives the state a complete merge gives, order included', () => {
    const store = new ManifestStore();
    const same = (texts: Record<string, string>): StoreState => {
      const state = store.apply(files(texts)).state;
      const fresh = new ManifestStore().apply(files(texts)).state;
      for (const field of ['services', 'pods'] as const) {
        assert.deepEqual([...state[field].keys()], [...fresh[field].keys()], `${field} in the same order`);
        assert.deepEqual([...state[field].values()], [...fresh[field].values()]);
      }
      assert.deepEqual(state.errors, fresh.errors);
      return state;
    };
    same({ 'a.yaml': `${svc('a')}---\n${svc('b')}`, 'b.yaml': `${svc('c')}---\n${pod('p', '10.0.0.1')}` });
    // Reordered inside a file (new origins, so new objects), then changes of one object in each file.
    same({ 'a.yaml': `${svc('b')}---\n${svc('a')}`, 'b.yaml': `${svc('c')}---\n${pod('p', '10.0.0.1')}` });
    same({ 'a.yaml': `${svc('b')}---\n${svc('a', 81)}`, 'b.yaml': `${svc('c')}---\n${pod('p', '10.0.0.1')}` });
    same({ 'a.yaml': `${svc('b')}---\n${svc('a', 81)}`, 'b.yaml': `${svc('c')}---\n${pod('p', '10.0.0.2')}` });
    // An identity moved from one file to another, an object renamed, an error and its fix.
    same({ 'a.yaml': `${svc('b')}---\n${svc('a', 81)}---\n${svc('c')}`, 'b.yaml': pod('p', '10.0.0.2') });
    same({ 'a.yaml': `${svc('b')}---\n${svc('a2', 81)}---\n${svc('c')}`, 'b.yaml': pod('p', '10.0.0.2') });
    const broken = store.apply(files({ 'a.yaml': `${svc('b', 70000)}---\n${svc('a2', 81)}---\n${svc('c')}`, 'b.yaml': pod('p', '10.0.0.2') })).state;
    assert.equal(portOf(broken, 'default/b'), 80, 'the last good version');
    same({ 'a.yaml': `${svc('b', 82)}---\n${svc('a2', 81)}---\n${svc('c')}`, 'b.yaml': pod('p', '10.0.0.2') });
  });
});
