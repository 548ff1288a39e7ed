// Names and responses that once slipped past a check: broken percent-encoding, names that are
// Object.prototype members, and a daemon (or impostor) answering with something that is not JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpApiClient } from '../../src/api/client.ts';
import { ApiError } from '../../src/api/types.ts';
import { startTestDaemon } from './support.ts';

function del(socketPath: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'DELETE' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

test('DELETE /v1/hosts/%zz is a 400, not a crash, and the daemon keeps answering', async () => {
  const t = await startTestDaemon();
  try {
    assert.equal(await del(t.socketPath, '/v1/hosts/%zz'), 400);
    assert.ok((await t.client.status()).version.length > 0);
  } finally {
    await t.stop();
  }
});

test('a host named like an Object.prototype member is not mistaken for an existing one', async () => {
  const t = await startTestDaemon();
  try {
    assert.equal(await del(t.socketPath, '/v1/hosts/toString'), 404);
    assert.equal(await del(t.socketPath, '/v1/hosts/__proto__'), 404);
  } finally {
    await t.stop();
  }
});

test('a response that is not JSON rejects with an ApiError instead of hanging', async () => {
  const socketPath = join(mkdtempSync(join(tmpdir(), 'v6edge-bad-')), 'api.sock');
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"half": ');
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  try {
    const client = new HttpApiClient({ socketPath, timeoutMs: 2000 });
    await assert.rejects(client.status(), (e: unknown) => e instanceof ApiError && e.body.error.code === 'bad-response');
  } finally {
    server.close();
  }
});

test('an event stream line that is not JSON closes the stream with an error', async () => {
  const socketPath = join(mkdtempSync(join(tmpdir(), 'v6edge-bad-')), 'api.sock');
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write('not json\n');
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  try {
    const client = new HttpApiClient({ socketPath });
    const closed = await new Promise<Error | undefined>((resolve) => {
      client.events(() => assert.fail('no event from a bad line'), resolve);
    });
    assert.match(String(closed?.message), /not JSON/);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
