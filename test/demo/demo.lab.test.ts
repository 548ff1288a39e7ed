// `v6edge demo` end to end, as an operator sees it: the real command in a detached tmux session
// builds the lab and opens the TUI; keys go in with send-keys, the screen comes back with
// capture-pane, and the router namespace's kernel says whether the change really happened.
// Both runs are driven by keys only.
// Run 1: add a host with a container network through the Hosts form, commit-confirm on Changes
// with the default window, confirm → the host's /48 and the network's /80 stay in the kernel.
// Run 2: the same with an 8 s window typed into the prompt, left to expire → both routes gone,
// and the TUI shows the revision rolled back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { labSkipReason, listNamespaces, sweepStaleLabs, waitFor } from '../lab/index.ts';
import { MARKER_DIR } from '../lab/cleanup.ts';
import { TmuxSession, tmuxMissing } from './tmux.ts';

const skip = labSkipReason() ?? tmuxMissing();
const BIN = new URL('../../src/bin/v6edge.js', import.meta.url).pathname;

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
}

/**
 * Starts `v6edge demo` in tmux, waits for the Overview with revision 1 running, runs `body`, and
 * always ends the session and checks that no namespace of this lab is left.
 */
async function withDemo(tag: string, body: (run: DemoRun) => Promise<void>): Promise<void> {
  const tmux = new TmuxSession(`v6t-demo-${process.pid}-${tag}`, `exec ${process.execPath} --disable-warning=ExperimentalWarning ${BIN} demo`, { columns: 120, rows: 30 });
  const pid = tmux.panePid();
  let owned: string[] = [];
  try {
    const routerNs = await tmux.waitFor((s) => {
      const ns = /router namespace: (v6l[0-9a-f]{4}-router)/.exec(s)?.[1];
      return ns !== undefined && /API socket: \S+/.test(s) && /v6edge · Overview · rev 1/.test(s) && /reconcile ok/.test(s) ? ns : undefined;
    }, 'the summary and the Overview with revision 1 and reconcile ok', 90_000, 200);
    owned = namespacesOwnedBy(pid);
    assert.ok(owned.includes(routerNs), `the demo (pid ${pid}) owns ${routerNs}: ${owned.join(', ')}`);
    await body({ tmux, routerNs });
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

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Hosts screen → a → the form, filled one field at a time, each seen on screen before the next
 * key: typed text and a Tab that reach the TUI in one read would be taken as text, as they would
 * from a fast typist's paste. The Prefix field is left blank so IPAM allocates the /48, and the
 * container network's /80 inside it.
 */
async function addHostThroughForm(tmux: TmuxSession, name: string, nextHop: string, networks: string): Promise<void> {
  tmux.keys('5');
  await tmux.waitFor((s) => s.includes('v6edge · Hosts & routes'), 'the Hosts & routes screen');
  tmux.keys('a');
  await tmux.waitFor((s) => s.includes('Add a host to the candidate'), 'the add-host form');
  const fields: Array<[label: string, value: string]> = [['Name', name], ['Interface', 'hosts0'], ['Next hop', nextHop], ['Prefix', ''], ['Networks', networks]];
  for (const [i, [label, value]] of fields.entries()) {
    if (i > 0) {
      tmux.keys('Tab');
      await tmux.waitFor((s) => s.includes(`› ${label}`), `focus on ${label}`);
    }
    if (value === '') continue;
    tmux.type(value);
    await tmux.waitFor((s) => new RegExp(`› ${label}\\s+${escape(value)}_`).test(s), `${value} typed into ${label}`);
  }
  tmux.keys('Enter');
  await tmux.waitFor((s) => s.includes(`${name} is in the candidate`), 'the host in the candidate');
}

/**
 * Changes → c → comment → k → the confirm-window prompt (prefilled 120s); `window` replaces the
 * default when given. Returns the countdown's seconds once the TUI shows it.
 */
async function commitConfirm(tmux: TmuxSession, diffLine: string, comment: string, window?: string): Promise<number> {
  tmux.keys('8');
  await tmux.waitFor((s) => s.includes(diffLine), 'the candidate diff on Changes');
  tmux.keys('c');
  await tmux.waitFor((s) => s.includes('Comment:'), 'the comment prompt');
  tmux.type(comment);
  await tmux.waitFor((s) => s.includes(`Comment: ${comment}_`), 'the comment typed');
  tmux.keys('Enter');
  await tmux.waitFor((s) => s.includes('k commit-confirm'), 'the commit choice');
  tmux.keys('k');
  await tmux.waitFor((s) => s.includes('Confirm within: 120s_'), 'the confirm window, prefilled');
  if (window !== undefined) {
    tmux.keys('C-u');
    await tmux.waitFor((s) => s.includes('Confirm within: _'), 'the window cleared');
    tmux.type(window);
    await tmux.waitFor((s) => s.includes(`Confirm within: ${window}_`), `${window} typed as the window`);
  }
  tmux.keys('Enter');
  const countdown = await tmux.waitFor((s) => /Revision 2 rolls back in (\d+) s unless confirmed/.exec(s)?.[1], 'the confirm countdown');
  return Number(countdown);
}

/** The /80 routed for a host's network: inside its /48, via its next hop. */
function networkRoute(routes: string, host48: string, nextHop: string): string | undefined {
  const base = host48.replace(/::\/48$/, ':');
  return new RegExp(`^(${escape(base)}[0-9a-f:]*/80) via ${escape(nextHop)} dev hosts0`, 'm').exec(routes)?.[1];
}

test('npm start: the TUI on the demo lab — add a host with a container network, commit-confirm, confirm; both routes are in the kernel', { skip, timeout: 200_000 }, async () => {
  await withDemo('confirm', async ({ tmux, routerNs }) => {
    assert.match(ourRoutes(routerNs), /2001:db8:4000::\/48 via 2001:db8:3::10 dev hosts0/, 'the demo host ch1 is routed from the start');
    await addHostThroughForm(tmux, 'ch2', '2001:db8:3::20', 'web');
    const countdown = await commitConfirm(tmux, '+ hosts.ch2', 'add ch2 from the demo test');
    assert.ok(countdown > 0 && countdown <= 120, `countdown ${countdown} s`);
    // The allocated /48 is the one after ch1's: 2001:db8:4001::/48; the network's /80 is inside it.
    const routes = ourRoutes(routerNs);
    assert.match(routes, /2001:db8:4001::\/48 via 2001:db8:3::20 dev hosts0/);
    const web = networkRoute(routes, '2001:db8:4001::/48', '2001:db8:3::20');
    assert.ok(web !== undefined, `a /80 for ch2's network web in:\n${routes}`);
    tmux.keys('y');
    const row = await tmux.waitFor((s) => /^.*\b2\b.*confirmed\s+add ch2 from the demo test.*$/m.exec(s)?.[0], 'revision 2 confirmed in history');
    assert.match(row, /confirmed/);
    assert.doesNotMatch(tmux.screen(), /rolls back in/);
    // The Hosts screen shows the network with the prefix the kernel has.
    tmux.keys('5');
    // Wait for the row itself: "ch2" also appears in the history line until the screen switches.
    const hostRowPattern = new RegExp(`^.*\\bch2\\b.*hosts0\\s+2001:db8:3::20\\s+2001:db8:4001::/48\\s+web ${escape(web)}.*$`, 'm');
    const hostRow = await tmux.waitFor((s) => hostRowPattern.exec(s)?.[0], 'ch2 with its /48 and network on the Hosts screen');
    assert.match(hostRow, /hosts0/);
    const after = ourRoutes(routerNs);
    assert.match(after, /2001:db8:4001::\/48 via 2001:db8:3::20 dev hosts0/, 'the confirmed /48 stays');
    assert.equal(networkRoute(after, '2001:db8:4001::/48', '2001:db8:3::20'), web, 'the confirmed /80 stays');
  });
});

test('npm start: a commit-confirm with a short window typed in the TUI expires; both routes leave the kernel and the TUI shows the rollback', { skip, timeout: 200_000 }, async () => {
  await withDemo('expire', async ({ tmux, routerNs }) => {
    await addHostThroughForm(tmux, 'ch3', '2001:db8:3::30', 'web');
    const countdown = await commitConfirm(tmux, '+ hosts.ch3', 'ch3 on probation', '8s');
    assert.ok(countdown > 0 && countdown <= 8, `countdown ${countdown} s`);
    const routes = ourRoutes(routerNs);
    assert.match(routes, /2001:db8:4001::\/48 via 2001:db8:3::30 dev hosts0/);
    assert.ok(networkRoute(routes, '2001:db8:4001::/48', '2001:db8:3::30') !== undefined, `a /80 for ch3's network web in:\n${routes}`);
    await tmux.waitFor((s) => /\b2\b.*rolled-back\s+ch3 on probation/.test(s) && !s.includes('rolls back in'), 'revision 2 rolled back in history', 20_000);
    await waitFor(() => !ourRoutes(routerNs).includes('via 2001:db8:3::30') || undefined, { timeoutMs: 10_000, what: 'the unconfirmed routes to go' });
    const after = ourRoutes(routerNs);
    assert.doesNotMatch(after, /2001:db8:4001:/, 'neither the /48 nor the /80 of ch3 is left');
    assert.match(after, /2001:db8:4000::\/48 via 2001:db8:3::10/, 'the demo host keeps its route');
  });
});
