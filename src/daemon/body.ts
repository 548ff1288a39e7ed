// Request bodies of the control API, bounded before they are parsed: a body over MAX_BODY_BYTES
// is refused from its Content-Length, or as soon as the bytes read pass the limit, never buffered
// whole; JSON nesting is measured on the text with a counter (no recursion, no parse) before
// JSON.parse sees it. Huge or deeply nested API payloads took down Kea (CVE-2026-3608).
import type { IncomingMessage } from 'node:http';
import { bytesAndMiB, MAX_DEPTH, MAX_DOCUMENT_BYTES } from '../config/limits.ts';
import { err, ok, type Result } from '../lib/result.ts';
import { refusal, type Refusal } from './refusal.ts';

/**
 * A candidate body is the config document itself, so the body limit is the document limit (the
 * 40,000-host fleet is 8.3 MB compact and 16.3 MB indented, both under it). Not more: the body
 * limit is what bounds JSON.parse's memory before the document's own limits run, and a hostile
 * `[{},{},…]` body costs about 40 bytes of heap per byte of text (1 GB at 24 MiB).
 */
export const MAX_BODY_BYTES = MAX_DOCUMENT_BYTES;

/** The byte offset where JSON text first nests deeper than `limit`, or undefined. Strings are skipped. */
export function tooDeepAt(text: string, limit: number = MAX_DEPTH): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

const tooLarge = (limit: number): Refusal =>
  refusal(413, 'too-large', `The request body is larger than ${bytesAndMiB(limit)}, the limit; no valid request comes close.`);

/** Reads and parses a JSON body; `undefined` for an empty one. Stops reading at the limit. */
export function readJsonBody(req: IncomingMessage, maxBytes: number = MAX_BODY_BYTES): Promise<Result<unknown, Refusal>> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(err(tooLarge(maxBytes)));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: Result<unknown, Refusal>): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      resolve(r);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        req.pause();
        finish(err(tooLarge(maxBytes)));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('error', (e) => finish(err(refusal(400, 'bad-body', `The request body could not be read: ${e.message}.`))));
    req.on('end', () => finish(parseJson(Buffer.concat(chunks).toString('utf8'))));
  });
}

export function parseJson(text: string): Result<unknown, Refusal> {
  if (text.trim() === '') return ok(undefined);
  const deep = tooDeepAt(text);
  if (deep !== undefined) {
    return err(refusal(400, 'too-deep', `The JSON nests deeper than ${MAX_DEPTH} levels (at byte ${deep}); no valid request comes close.`));
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    return err(refusal(400, 'bad-json', `The request body is not JSON: ${(e as Error).message}.`));
  }
}
