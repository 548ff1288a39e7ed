// The systemd side: the unit verifies, readiness and watchdog pings reach $NOTIFY_SOCKET through
// systemd-notify, and the watchdog interval follows WATCHDOG_USEC/WATCHDOG_PID.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemdNotifier, watchdogInterval } from '../../src/daemon/notify.ts';

const UNIT = new URL('../../rootfs-overlay/etc/systemd/system/v6edge.service', import.meta.url).pathname;
const BIN = new URL('../../src/bin/v6edge.js', import.meta.url).pathname;
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

test('the unit file passes systemd-analyze verify', { skip: has('systemd-analyze') ? false : 'systemd-analyze is not installed (apt package systemd)' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'v6edge-unit-'));
  try {
    // verify checks that ExecStart exists; point it at this checkout's command.
    const unit = readFileSync(UNIT, 'utf8').replace('ExecStart=/usr/bin/v6edge ', `ExecStart=${BIN} `);
    const copy = join(dir, 'v6edge.service');
    writeFileSync(copy, unit);
    const r = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
    const complaints = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.includes('v6edge.service'));
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.deepEqual(complaints, []);
    for (const want of ['Type=notify', 'CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW', 'ProtectSystem=strict', 'ReadWritePaths=/var/lib/v6edge /run/v6edge', 'NoNewPrivileges=yes', 'WatchdogSec=']) {
      assert.ok(unit.includes(want), want);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('watchdogInterval: half of WATCHDOG_USEC, only for our pid', () => {
  const cases: Array<[Record<string, string>, number | undefined]> = [
    [{}, undefined],
    [{ WATCHDOG_USEC: '30000000' }, 15_000],
    [{ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '42' }, 15_000],
    [{ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '43' }, undefined],
    [{ WATCHDOG_USEC: 'soon' }, undefined],
    [{ WATCHDOG_USEC: '0' }, undefined],
  ];
  for (const [env, want] of cases) assert.equal(watchdogInterval(env, 42), want, JSON.stringify(env));
});

test('without NOTIFY_SOCKET nothing is sent', async () => {
  const sent: string[][] = [];
  const n = new SystemdNotifier({ env: { WATCHDOG_USEC: '1000' }, send: async (a) => void sent.push([...a]) });
  await n.ready('up');
  await n.stopping();
  assert.equal(n.enabled, false);
  assert.deepEqual(sent, []);
});

// The receiver reads with plain recv(): a descriptor passed with BARRIER=1 is then closed by the
// kernel, which is what releases systemd-notify's wait (systemd does the same after processing).
const RECEIVER = 'import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nwhile True:\n  print(s.recv(4096).decode(),flush=True)';

test('READY=1 and WATCHDOG=1 arrive on a real notify socket through systemd-notify', { skip: has('systemd-notify') && has('python3') ? false : 'needs systemd-notify and python3' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'v6edge-notify-'));
  const socket = join(dir, 'notify.sock');
  const receiver = spawn('python3', ['-c', RECEIVER, socket], { stdio: ['ignore', 'pipe', 'pipe'] });
  let received = '';
  receiver.stdout.on('data', (b: Buffer) => (received += b.toString()));
  try {
    for (let i = 0; i < 100 && spawnSync('test', ['-S', socket]).status !== 0; i++) await new Promise((r) => setTimeout(r, 20));
    const errors: string[] = [];
    let healthy = true;
    const n = new SystemdNotifier({ env: { NOTIFY_SOCKET: socket, WATCHDOG_USEC: '200000' }, onError: (m) => errors.push(m) });
    assert.equal(n.watchdogMs, 100);
    await n.ready('running revision 1', () => healthy);
    for (let i = 0; i < 100 && !received.includes('WATCHDOG=1'); i++) await new Promise((r) => setTimeout(r, 20));
    healthy = false;
    await n.stopping();
    for (let i = 0; i < 100 && !received.includes('STOPPING=1'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.match(received, /READY=1/);
    assert.match(received, /STATUS=running revision 1/);
    assert.match(received, /WATCHDOG=1/);
    assert.match(received, /STOPPING=1/);
    assert.deepEqual(errors, []);
  } finally {
    receiver.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
