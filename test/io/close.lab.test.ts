// Closing releases everything: a process whose addon sockets are closed exits by itself, while an
// open socket keeps it alive (the poll handle is referenced, like a dgram socket).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { labSkipReason, withLab, type LabSpec } from '../lab/index.ts';
import { linksReady } from './ready.ts';

const skip = labSkipReason();
const FIXTURE = fileURLToPath(new URL('./fixtures/open-close.ts', import.meta.url));
const SPEC: LabSpec = { nodes: { router: {}, host: {} }, links: [{ a: ['router', 'r0'], b: ['host', 'h0'] }] };

interface Child {
  /** Settles with the exit code, or 'killed' when it had not exited within `limitMs`. */
  readonly exited: Promise<number | 'killed'>;
  output(): string;
}

/** Runs the fixture in this namespace (the addon enters the lab's), killed if it outlives `limitMs`. */
function runFixture(args: readonly string[], limitMs: number): Child {
  const child = spawn(process.execPath, [FIXTURE, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const exited = new Promise<number | 'killed'>((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL' ? 'killed' : (code ?? -1));
    }),
  );
  return { exited, output: () => out };
}

test('after close() the process exits on its own', { skip }, () =>
  withLab(SPEC, async (lab) => {
    const child = runFixture(['close', lab.ns('router')], 10_000);
    assert.equal(await child.exited, 0);
    assert.equal(child.output(), 'open\n');
  }),
);

test('an open socket keeps the process alive until its handler closes it', { skip }, () =>
  withLab(SPEC, async (lab) => {
    await linksReady(lab, [['router', 'r0'], ['host', 'h0']]);
    const child = runFixture(['close-on-message', lab.ns('router')], 10_000);
    await lab.waitFor(() => child.output().includes('open'), { timeoutMs: 5000, what: 'the fixture to open its socket' });
    await lab.exec('host', ['rdisc6', '-1', '-r', '1', '-w', '100', 'h0'], { check: false });
    assert.equal(await child.exited, 0);
    assert.equal(child.output(), 'open\nmessage 133\n');
  }),
);
