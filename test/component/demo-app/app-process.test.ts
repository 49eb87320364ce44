// A demo app runs as its own process the way a pod's container runs it (`node --import tsx <file>`, configured by
// the environment): it says where it listens, serves, and stops on SIGTERM; bad configuration exits 1 naming every
// bad variable. The child is killed by its PID on every exit path.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { once } from 'node:events';
import { test } from 'node:test';
import { tcpLine } from '../../../examples/demo-app/catalog.js';

function run(app: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', `examples/demo-app/${app}.ts`], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function killOnExit(t: { after(fn: () => void): void }, child: ChildProcess): void {
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  });
}

async function output(stream: NodeJS.ReadableStream | null, until: RegExp): Promise<RegExpExecArray> {
  let text = '';
  for await (const chunk of stream ?? []) {
    text += String(chunk);
    const m = until.exec(text);
    if (m) return m;
  }
  throw new Error(`stream ended before ${until}: ${text}`);
}

void test('ledger as a process: PORT from the environment, answers a line, stops on SIGTERM', async (t) => {
  const child = run('ledger', { HOST: '127.0.0.1', PORT: '0', POD_NAME: 'ledger-7' });
  killOnExit(t, child);
  const [, port] = await output(child.stdout, /ledger listening on port (\d+)/);
  assert.equal(await tcpLine('127.0.0.1', Number(port), 'hello'), 'ok ledger-7 1 hello');
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0);
  await assert.rejects(
    new Promise((resolve, reject) => net.connect(Number(port), '127.0.0.1', () => resolve(undefined)).once('error', reject)),
  );
});

void test('catalog with bad configuration exits 1 naming every variable', async (t) => {
  const child = run('catalog', { HOST: '127.0.0.1', PORT: 'http', INVENTORY_ADDR: 'inventory' });
  killOnExit(t, child);
  const [message] = await output(child.stderr, /catalog: bad configuration: .*\n/);
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 1);
  assert.match(message, /PORT: "http" is not a port; INVENTORY_ADDR: "inventory" is not host:port; LEDGER_ADDR is required/);
});
