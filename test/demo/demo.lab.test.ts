// `v6edge demo` end to end, as an operator sees it: the real command in a detached tmux session
// builds the lab and opens the TUI; keys go in with send-keys, the screen comes back with
// capture-pane, and the router namespace's kernel says whether the change really happened.
// Run 1: add a host through the Hosts form, commit-confirm on Changes, confirm → route stays.
// Run 2: add a host, commit with a 3 s confirm window, let it expire → route gone, TUI shows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { HttpApiClient } from '../../src/api/client.ts';
import { labSkipReason, listNamespaces, sweepStaleLabs, waitFor } from '../lab/index.ts';
import { MARKER_DIR } from '../lab/cleanup.ts';
import { TmuxSession, tmuxMissing } from './tmux.ts';

const skip = labSkipReason() ?? tmuxMissing();
const BIN = new URL('../../bin/v6edge.js', import.meta.url).pathname;

/** The lab namespaces whose marker names `pid` as their owner. */
function namespacesOwnedBy(pid: number): string[] {
  let markers: string[] = [];
  try {
    markers = readdirSync(MARKER_DIR);
  } catch {
    return [];
  }
  return markers.filter((ns) => {
    try {
      return readFileSync(`${MARKER_DIR}/${ns}`, 'utf8').split(' ')[0] === String(pid);
    } catch {
      return false;
    }
  });
}

function ourRoutes(routerNs: string): string {
  return execFileSync('ip', ['-n', routerNs, '-6', 'route', 'show', 'proto', 'v6edge'], { encoding: 'utf8' });
}

interface DemoRun {
  readonly tmux: TmuxSession;
  readonly routerNs: string;
  readonly socket: string;
}

/**
 * Starts `v6edge demo` in tmux, waits for the Overview with revision 1 running, runs `body`, and
 * always ends the session and checks that no namespace of this lab is left.
 */
async function withDemo(tag: string, body: (run: DemoRun) => Promise<void>): Promise<void> {
  const tmux = new TmuxSession(`v6t-demo-${process.pid}-${tag}`, `exec ${process.execPath} --disable-warning=ExperimentalWarning ${BIN} demo`, { columns: 100, rows: 30 });
  const pid = tmux.panePid();
  let owned: string[] = [];
  try {
    const [routerNs, socket] = await tmux.waitFor((s) => {
      const ns = /router namespace: (v6l[0-9a-f]{4}-router)/.exec(s)?.[1];
      const sock = /API socket: (\S+)/.exec(s)?.[1];
      return ns !== undefined && sock !== undefined && /v6edge · Overview · rev 1/.test(s) && /reconcile ok/.test(s) ? [ns, sock] as const : undefined;
    }, 'the summary and the Overview with revision 1 and reconcile ok', 90_000, 200);
    owned = namespacesOwnedBy(pid);
    assert.ok(owned.includes(routerNs), `the demo (pid ${pid}) owns ${routerNs}: ${owned.join(', ')}`);
    await body({ tmux, routerNs, socket });
    tmux.keys('q');
    await tmux.waitForExit(30_000);
  } finally {
    owned = [...new Set([...owned, ...namespacesOwnedBy(pid)])];
    tmux.kill();
    // The demo tears its lab down on q and on SIGHUP; give it the daemon's grace period.
    const left = await waitFor(() => {
      const now = new Set(listNamespaces());
      const remaining = owned.filter((ns) => now.has(ns));
      return remaining.length === 0 ? [] : undefined;
    }, { timeoutMs: 20_000, what: 'the demo lab to be torn down' }).catch(() => owned.filter((ns) => listNamespaces().includes(ns)));
    if (left.length > 0) sweepStaleLabs();
    assert.deepEqual(left, [], 'no namespace of the demo lab remains');
  }
}

/** Hosts screen → a → the form (the form has no network field; see the report). */
async function addHostThroughForm(tmux: TmuxSession, name: string, nextHop: string): Promise<void> {
  tmux.keys('5');
  await tmux.waitFor((s) => s.includes('v6edge · Hosts & routes'), 'the Hosts & routes screen');
  tmux.keys('a');
  await tmux.waitFor((s) => s.includes('Add a host to the candidate'), 'the add-host form');
  // One field at a time, each seen on screen before the next key: typed text and a Tab that
  // reach the TUI in one read would be taken as text, as they would from a fast typist's paste.
  const fields: Array<[label: string, value: string]> = [['Name', name], ['Interface', 'hosts0'], ['Next hop', nextHop]];
  for (const [i, [label, value]] of fields.entries()) {
    if (i > 0) {
      tmux.keys('Tab');
      await tmux.waitFor((s) => s.includes(`› ${label}`), `focus on ${label}`);
    }
    tmux.type(value);
    await tmux.waitFor((s) => new RegExp(`› ${label}\\s+${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_`).test(s), `${value} typed into ${label}`);
  }
  tmux.keys('Enter');
  await tmux.waitFor((s) => s.includes(`${name} is in the candidate`), 'the host in the candidate');
}

test('npm start: the TUI on the demo lab — add a host, commit-confirm, confirm; the route is in the kernel', { skip, timeout: 200_000 }, async () => {
  await withDemo('confirm', async ({ tmux, routerNs }) => {
    assert.match(ourRoutes(routerNs), /2001:db8:4000::\/48 via 2001:db8:3::10 dev hosts0/, 'the demo host ch1 is routed from the start');
    await addHostThroughForm(tmux, 'ch2', '2001:db8:3::20');
    tmux.keys('8');
    await tmux.waitFor((s) => s.includes('+ hosts.ch2'), 'the candidate diff on Changes');
    tmux.keys('c');
    await tmux.waitFor((s) => s.includes('Comment:'), 'the comment prompt');
    tmux.type('add ch2 from the demo test');
    await tmux.waitFor((s) => s.includes('Comment: add ch2 from the demo test_'), 'the comment typed');
    tmux.keys('Enter');
    await tmux.waitFor((s) => s.includes('k commit-confirm'), 'the commit choice');
    tmux.keys('k');
    const countdown = await tmux.waitFor((s) => /Revision 2 rolls back in (\d+) s unless confirmed/.exec(s)?.[1], 'the confirm countdown');
    assert.ok(Number(countdown) > 0 && Number(countdown) <= 120, `countdown ${countdown} s`);
    // The allocated /48 is the one after ch1's: 2001:db8:4001::/48.
    assert.match(ourRoutes(routerNs), /2001:db8:4001::\/48 via 2001:db8:3::20 dev hosts0/);
    tmux.keys('y');
    const row = await tmux.waitFor((s) => /^.*\b2\b.*confirmed\s+add ch2 from the demo test.*$/m.exec(s)?.[0], 'revision 2 confirmed in history');
    assert.match(row, /confirmed/);
    assert.doesNotMatch(tmux.screen(), /rolls back in/);
    assert.match(ourRoutes(routerNs), /2001:db8:4001::\/48 via 2001:db8:3::20 dev hosts0/, 'the confirmed route stays');
  });
});

test('npm start: a commit-confirm left to expire rolls back in the kernel and the TUI shows it', { skip, timeout: 200_000 }, async () => {
  await withDemo('expire', async ({ tmux, routerNs, socket }) => {
    await addHostThroughForm(tmux, 'ch3', '2001:db8:3::30');
    tmux.keys('8');
    await tmux.waitFor((s) => s.includes('+ hosts.ch3'), 'the candidate diff on Changes');
    // The TUI's commit-confirm window is a fixed 120 s (tui/state/changes.ts), so the short
    // window comes through the API the TUI itself uses.
    const client = new HttpApiClient({ socketPath: socket, user: 'demotest' });
    const pending = await client.commit({ comment: 'ch3 on probation', confirmSeconds: 3 });
    assert.equal(pending.state, 'pending');
    assert.match(ourRoutes(routerNs), /2001:db8:4001::\/48 via 2001:db8:3::30/);
    await tmux.waitFor((s) => /Revision 2 rolls back in [1-3] s unless confirmed/.test(s), 'the countdown on Changes');
    await tmux.waitFor((s) => /\b2\b.*rolled-back\s+ch3 on probation/.test(s) && !s.includes('rolls back in'), 'revision 2 rolled back in history', 15_000);
    await waitFor(() => !ourRoutes(routerNs).includes('2001:db8:4001::/48') || undefined, { timeoutMs: 10_000, what: 'the unconfirmed route to go' });
    assert.match(ourRoutes(routerNs), /2001:db8:4000::\/48 via 2001:db8:3::10/, 'the demo host keeps its route');
  });
});
