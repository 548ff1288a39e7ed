// The API body limit over a real HTTP exchange on a Unix socket: a body at MAX_BODY_BYTES is read
// and parsed, one byte more is refused with 413 whether its size is declared up front or only
// discovered while streaming, and the refusal names the limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesAndMiB, MAX_DOCUMENT_BYTES } from '../../src/config/limits.ts';
import { MAX_BODY_BYTES, readJsonBody } from '../../src/daemon/body.ts';

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** A server answering each request with readJsonBody's result; `send` posts `text` to it. */
async function withBodyServer(use: (send: (text: string, declare: boolean) => Promise<Answer>) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'v6edge-body-'));
  const socketPath = join(dir, 'api.sock');
  const server = createServer((req, res) => {
    void readJsonBody(req).then((r) => {
      const status = r.ok ? 200 : r.error.status;
      res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
      res.end(r.ok ? JSON.stringify({ keys: Object.keys(r.value as object).length }) : JSON.stringify(r.error.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  const send = (text: string, declare: boolean): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const headers = declare ? { 'content-length': Buffer.byteLength(text) } : { 'transfer-encoding': 'chunked' };
      const req = request({ socketPath, method: 'PUT', path: '/v1/config/candidate', headers }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      // The server may answer 413 and close before the upload ends; the answer is what counts.
      req.on('error', (e) => (e as NodeJS.ErrnoException).code === 'EPIPE' || (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e));
      req.end(text);
    });
  try {
    await use(send);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A JSON object of exactly `bytes` bytes: one key, padded with spaces. */
function objectOfSize(bytes: number): string {
  const core = '{"a":1';
  return `${core}${' '.repeat(bytes - core.length - 1)}}`;
}

test('the body limit matches the document limit: a candidate body is the document', () => {
  assert.equal(MAX_BODY_BYTES, MAX_DOCUMENT_BYTES);
});

test('a body of exactly MAX_BODY_BYTES is read; one byte more is refused 413, declared or streamed', async () => {
  await withBodyServer(async (send) => {
    const atLimit = objectOfSize(MAX_BODY_BYTES);
    assert.equal(Buffer.byteLength(atLimit), MAX_BODY_BYTES);
    for (const declare of [true, false]) {
      assert.deepEqual(await send(atLimit, declare), { status: 200, body: '{"keys":1}' });
      const over = await send(objectOfSize(MAX_BODY_BYTES + 1), declare);
      assert.equal(over.status, 413, `declared: ${declare}`);
      const error = (JSON.parse(over.body) as { error: { code: string; message: string } }).error;
      assert.equal(error.code, 'too-large');
      assert.ok(error.message.includes(bytesAndMiB(MAX_BODY_BYTES)), error.message);
    }
  });
});
