// One file's text → objects and errors: documents, Lists, JSON, YAML errors, kinds meshlet does not read.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadManifestText } from '../../../control-plane/sources/index.js';
import { fixtureText, load } from './helpers.js';

const svc = (name: string, ns = 'default'): string => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${ns}}\nspec: {ports: [{port: 80}]}\n`;

describe('loading a manifest file', () => {
  it('multi-document files: every document, origin = document index; empty documents skipped', () => {
    const text = `# leading comment\n---\n${svc('a')}---\n---\n# only a comment\n---\n${svc('b')}`;
    const { objects, errors } = load(text, 'm.yaml');
    assert.deepEqual(errors, []);
    assert.deepEqual(
      objects.map((o) => [o.meta.name, o.meta.origin]),
      [
        // The comment before the first `---` belongs to document 0, as in the YAML spec.
        ['a', { file: 'm.yaml', document: 0 }],
        ['b', { file: 'm.yaml', document: 3 }],
      ],
    );
  });

  it('kind: List: every item, origin = document and item index', () => {
    const { objects } = load(fixtureText('manifests-basic/exports.yaml'), 'e.yaml');
    assert.deepEqual(
      objects.map((o) => [o.kind, o.meta.namespace, o.meta.name, o.meta.origin]),
      [['ServiceExport', 'shop', 'web', { file: 'e.yaml', document: 0, item: 0 }]],
    );
  });

  it('typed lists (ServiceList) whose items omit kind and apiVersion', () => {
    const text = 'apiVersion: v1\nkind: ServiceList\nitems:\n- metadata: {name: a}\n  spec: {ports: [{port: 80}]}\n';
    assert.deepEqual(
      load(text).objects.map((o) => `${o.kind} ${o.meta.name}`),
      ['Service a'],
    );
  });

  it('JSON files (kubectl get -o json)', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'j' }, spec: { ports: [{ port: 1 }] } }] });
    assert.deepEqual(load(json, 'x.json').objects.map((o) => o.meta.name), ['j']);
  });

  it('YAML merge keys and anchors, as go-yaml reads them', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports:\n  - &p {name: a, port: 80}\n  - <<: *p\n    name: b\n    port: 81\n';
    const { objects, errors } = load(text);
    assert.deepEqual(errors, []);
    assert.equal(objects.length, 1);
  });

  const syntax: [string, string, number[]][] = [
    // The line is where the parser notices: the mapping the stray key breaks, or the end of an unclosed one.
    ['bad indentation', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n  - port: 80\n     name: x\n', [7]],
    ['unclosed flow mapping', 'apiVersion: v1\nkind: Service\nmetadata: {name: a\n', [4]],
    ['duplicate keys', 'apiVersion: v1\nkind: Service\nkind: Pod\nmetadata: {name: a}\n', [3]],
    ['error in a later document', `${svc('a')}---\nmetadata: [\n`, [7]],
  ];
  for (const [title, text, lines] of syntax) {
    it(`invalid YAML (${title}): the file has errors with their lines and no objects`, () => {
      const loaded = loadManifestText('bad.yaml', text);
      assert.equal(loaded.entries.length, 0);
      assert.ok(loaded.syntaxErrors.length > 0);
      for (const e of loaded.syntaxErrors) {
        assert.equal(e.file, 'bad.yaml');
        assert.equal(e.code, 'MESHLET_ERR_INVALID_YAML');
        assert.match(e.message, /^invalid YAML: /);
      }
      assert.deepEqual([...new Set(loaded.syntaxErrors.map((e) => e.line))], lines);
    });
  }

  it('a document that is not an object, or has no kind, is an error of that document only', () => {
    const { objects, errors } = load(`- just\n- a list\n---\n${svc('a')}---\nmetadata: {name: x}\n`, 'f.yaml');
    assert.deepEqual(objects.map((o) => o.meta.name), ['a']);
    assert.deepEqual(
      errors.map((e) => [e.object, e.field, e.message, e.code, e.line]),
      [
        ['', '', 'document 1 must be an object, got a list', 'MESHLET_ERR_INVALID_YAML', 1],
        ['', 'apiVersion', 'required', 'MESHLET_ERR_INVALID_OBJECT', 9],
        ['', 'kind', 'required', 'MESHLET_ERR_INVALID_OBJECT', 9],
      ],
    );
  });

  it('kinds meshlet does not read are skipped with a debug line, not an error', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const logger = pino({ level: 'debug' }, sink);
    const loaded = loadManifestText('ignored.yaml', fixtureText('manifests-basic/ignored.yaml'), logger);
    assert.deepEqual([loaded.syntaxErrors, loaded.entries], [[], []]);
    const logged = lines.map((l) => JSON.parse(l) as { kind: string; apiVersion: string; level: number; msg: string });
    assert.deepEqual(
      logged.map((l) => `${l.apiVersion} ${l.kind}`),
      ['v1 Namespace', 'v1 ConfigMap', 'apps/v1 Deployment', 'serving.knative.dev/v1 Service'],
    );
    assert.ok(logged.every((l) => l.level === 20 && l.msg === 'ignoring a kind meshlet does not read'));
  });
});
