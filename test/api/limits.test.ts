// Hostile bodies: 100 MB (declared and chunked) and 10,000-deep JSON are refused early, and the
// daemon keeps answering afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import fc from 'fast-check';
import { parseJson, tooDeepAt } from '../../src/daemon/body.ts';
import { startTestDaemon } from './support.ts';

interface Outcome {
  readonly status?: number;
  readonly body?: string;
  readonly error?: string;
  readonly sent: number;
}

/** Streams `total` bytes at the daemon until it answers or cuts the connection. */
function sendHuge(socketPath: string, total: number, declare: boolean): Promise<Outcome> {
  return new Promise((resolve) => {
    let sent = 0;
    let settled = false;
    const done = (o: Omit<Outcome, 'sent'>): void => {
      if (settled) return;
      settled = true;
      req.destroy();
      resolve({ ...o, sent });
    };
    const req = request(
      { socketPath, path: '/v1/config/candidate', method: 'PUT', headers: declare ? { 'content-length': total, 'content-type': 'application/json' } : { 'content-type': 'application/json' } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => done({ status: res.statusCode!, body }));
        res.on('error', () => done({ status: res.statusCode!, body }));
      },
    );
    req.on('error', (e) => done({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const pump = (): void => {
      while (!settled && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!settled) req.end();
    };
    pump();
  });
}

test('a 100 MB body is refused with 413 before it is read, and the daemon stays up', async () => {
  const t = await startTestDaemon();
  try {
    for (const declare of [true, false]) {
      const o = await sendHuge(t.socketPath, 100 * 1024 * 1024, declare);
      // The daemon answers 413 and closes; a client still writing may see the close first.
      if (o.status !== undefined) {
        assert.equal(o.status, 413, o.body);
        assert.match(o.body ?? '', /too-large/);
      } else {
        assert.match(o.error ?? '', /EPIPE|ECONNRESET/);
      }
      assert.ok(o.sent < 100 * 1024 * 1024, `the daemon stopped the upload early (declared: ${declare}; ${o.sent} bytes sent)`);
      assert.equal((await t.client.status()).version, '0.1.0', 'still answering');
    }
  } finally {
    await t.stop();
  }
});

test('a 10,000-deep JSON body is refused with 400 too-deep, and the daemon stays up', async () => {
  const t = await startTestDaemon();
  try {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ socketPath: t.socketPath, path: '/v1/config/candidate', method: 'PUT', headers: { 'content-type': 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.end(deep);
    });
    assert.equal(answer.status, 400);
    assert.equal(JSON.parse(answer.body).error.code, 'too-deep');
    assert.equal((await t.client.status()).runningRevision, undefined);
  } finally {
    await t.stop();
  }
});

test('tooDeepAt: brackets inside strings do not count; the offset is the first bracket past the limit', () => {
  const cases: Array<[string, number, number | undefined]> = [
    ['[]', 1, undefined],
    ['[[]]', 1, 1],
    ['{"a":"[[[[[["}', 1, undefined],
    ['{"a\\"[[":[[1]]}', 2, 10],
    ['[1,[2,[3]]]', 3, undefined],
  ];
  for (const [text, limit, want] of cases) assert.equal(tooDeepAt(text, limit), want, text);
});

test('property: tooDeepAt agrees with the nesting depth of any JSON value', () => {
  const depthOf = (v: unknown): number => (typeof v === 'object' && v !== null ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 9 }), (v, limit) => {
      const text = JSON.stringify(v);
      assert.equal(tooDeepAt(text, limit) === undefined, depthOf(v) <= limit);
      if (depthOf(v) <= 64) assert.deepEqual(parseJson(text), { ok: true, value: JSON.parse(text) });
    }),
  );
});
