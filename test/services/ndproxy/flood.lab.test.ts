// A bounded flood: 100,000 solicitations for distinct targets from distinct sources in 10 s. The
// session table must stay under its cap and the real container must stay reachable throughout.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { labSkipReason, run } from '../../lab/index.ts';
import { ndproxySchema } from '../../../src/config/schema.ts';
import { CONTAINER, PREFIX, pingFromUpstream, withProxyLab } from './lab.ts';

const FLOOD = 100_000;
const SECONDS = 10;
// Below what 10 s of probe budget can create, so the cap is reached and eviction runs.
const CAP = 1024;

test('a flood of 100,000 NS for distinct targets keeps sessions under the cap while the container stays answered', { skip: labSkipReason() }, async () => {
  // The flooded /96 routes back out of wan0, so each target becomes a negative entry at once:
  // the cheapest way for an attacker to fill the table, and the one the cap must survive.
  const config = ndproxySchema.parse({
    rules: [
      { mode: 'auto', upstream: 'wan0', prefix: PREFIX },
      { mode: 'auto', upstream: 'wan0', prefix: '2001:db8::1:0:0/96' },
    ],
  });
  await withProxyLab({ config, limits: { maxSessions: CAP } }, async (lab, proxy) => {
    assert.equal(await pingFromUpstream(lab, CONTAINER), true);
    let maxSeen = 0;
    const sample = setInterval(() => (maxSeen = Math.max(maxSeen, proxy.status().sessions)), 250);
    let flooding = true;
    const pings: boolean[] = [];
    const pinger = (async () => {
      while (flooding) {
        pings.push(await pingFromUpstream(lab, CONTAINER, 2));
        await sleep(500);
      }
    })();
    let report: { sent: number; ms: number };
    try {
      const sender = fileURLToPath(new URL('./flood-sender.ts', import.meta.url));
      const argv = [process.execPath, sender, lab.ns('up'), 'up0', String(FLOOD), String(SECONDS), '2001:db8::1:0:0', '2001:db8::2:0:0'];
      report = JSON.parse((await run(argv, { timeoutMs: (SECONDS + 20) * 1000 })).stdout) as { sent: number; ms: number };
      await sleep(300);
    } finally {
      flooding = false;
      await pinger;
      clearInterval(sample);
    }
    assert.equal(report.sent, FLOOD);
    assert.ok(report.ms < (SECONDS + 2) * 1000, `the flood took ${report.ms} ms`);
    const s = proxy.status();
    assert.ok(maxSeen <= CAP && s.sessions <= CAP, `sessions peaked at ${maxSeen}`);
        // The kernel drops what the socket buffer cannot hold; a good share must still reach the proxy.
    assert.ok((s.counters['solicitations'] ?? 0) >= FLOOD * 0.25, `only ${s.counters['solicitations']} solicitations seen`);
    assert.ok((s.counters['evicted'] ?? 0) > 0, 'the cap was never reached');
    assert.ok(pings.length >= 3 && pings.every(Boolean), `pings during the flood: ${pings.join(', ')}`);
    assert.equal(s.entries.find((e) => e.address === CONTAINER)?.state, 'answering');
  });
});
