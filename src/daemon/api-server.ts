// The control API: node:http on a Unix socket. Access is the socket file's: mode 0660, owner
// root, group `v6edge` when that group exists, so root and members of v6edge may drive the router
// and nobody else can connect. Bodies are bounded (body.ts); GET /v1/events streams NDJSON.
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import type { EventDto } from '../api/types.ts';
import { err, ok, problem, type Problem, type Result } from '../lib/result.ts';
import { readJsonBody } from './body.ts';
import type { Daemon } from './daemon.ts';
import { ROUTES, type Reply } from './api-routes.ts';
import { refusal } from './refusal.ts';

/** An event stream whose client stops reading is cut once this much is queued for it. */
const MAX_STREAM_BACKLOG = 1024 * 1024;

export interface ApiServerOptions {
  readonly path: string;
  /** Default 0o660. */
  readonly mode?: number;
  /** Group given the socket; default `v6edge`, skipped when the group does not exist. */
  readonly group?: string;
}

/** The gid of a group from /etc/group, or undefined. */
export function groupId(name: string, groupFile = '/etc/group'): number | undefined {
  if (!existsSync(groupFile)) return undefined;
  for (const line of readFileSync(groupFile, 'utf8').split('\n')) {
    const [g, , gid] = line.split(':');
    if (g === name && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  return undefined;
}

/** Whether something answers on the socket (another daemon) — then we must not take it over. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

export class ApiServer {
  readonly #server: Server;
  readonly #daemon: Daemon;
  readonly #streams = new Set<ServerResponse>();
  #requests = 0;

  private constructor(daemon: Daemon) {
    this.#daemon = daemon;
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.on('clientError', (_e, socket) => socket.destroy());
  }

  get requests(): number {
    return this.#requests;
  }

  get streams(): number {
    return this.#streams.size;
  }

  static async listen(daemon: Daemon, o: ApiServerOptions): Promise<Result<ApiServer, Problem>> {
    const where = { path: o.path };
    mkdirSync(dirname(o.path), { recursive: true, mode: 0o750 });
    if (existsSync(o.path)) {
      if (!lstatSync(o.path).isSocket()) return err(problem('socket-path', `${o.path} exists and is not a socket; refusing to replace it.`, where));
      if (await answers(o.path)) return err(problem('socket-busy', `Another process answers on ${o.path}; is a v6edge daemon already running?`, where));
      rmSync(o.path);
    }
    const api = new ApiServer(daemon);
    const listened = await new Promise<Error | undefined>((resolve) => {
      api.#server.once('error', resolve);
      api.#server.listen(o.path, () => resolve(undefined));
    });
    if (listened !== undefined) return err(problem('socket-listen', `Cannot listen on ${o.path}: ${listened.message}`, where));
    chmodSync(o.path, o.mode ?? 0o660);
    const gid = groupId(o.group ?? 'v6edge');
    if (gid !== undefined) chownSync(o.path, 0, gid);
    return ok(api);
  }

  async close(): Promise<void> {
    for (const s of this.#streams) s.end();
    this.#streams.clear();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.#requests++;
    const url = new URL(req.url ?? '/', 'http://v6edge');
    try {
      if (req.method === 'GET' && url.pathname === '/v1/events') {
        this.#stream(req, res);
        return;
      }
      const r = await this.#route(req, url);
      this.#send(res, r.reply, r.close);
    } catch (e) {
      this.#daemon.log.error('api', `${req.method} ${url.pathname} failed: ${e instanceof Error ? e.message : String(e)}`);
      this.#send(res, { status: 500, json: refusal(500, 'internal', 'The daemon failed to answer; see its log.').body }, false);
    }
  }

  async #route(req: IncomingMessage, url: URL): Promise<{ reply: Reply; close: boolean }> {
    const matching = ROUTES.filter((r) => r.path.test(url.pathname));
    const route = matching.find((r) => r.method === req.method);
    if (route === undefined) {
      const status = matching.length === 0 ? 404 : 405;
      const message = matching.length === 0 ? `There is no ${url.pathname} in the API.` : `${url.pathname} does not take ${req.method}.`;
      return { reply: { status, json: refusal(status, status === 404 ? 'not-found' : 'method', message).body }, close: false };
    }
    let body: unknown;
    if (route.body === true) {
      const read = await readJsonBody(req);
      // A refused body is not read to its end: the connection closes after the answer.
      if (!read.ok) return { reply: { status: read.error.status, json: read.error.body }, close: read.error.status === 413 };
      body = read.value;
    }
    const params = route.path.exec(url.pathname)!.slice(1);
    const author = String(req.headers['x-v6edge-user'] ?? 'api').slice(0, 64);
    return { reply: await route.handle(this.#daemon, { url, params, body, author }), close: false };
  }

  #send(res: ServerResponse, reply: Reply, close: boolean): void {
    const text = 'json' in reply ? `${JSON.stringify(reply.json)}\n` : reply.text;
    res.writeHead(reply.status, {
      'content-type': 'json' in reply ? 'application/json' : reply.type,
      'content-length': Buffer.byteLength(text),
      ...(close ? { connection: 'close' } : {}),
    });
    res.end(text);
    if (close) res.once('finish', () => res.socket?.destroySoon());
  }

  #stream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    res.flushHeaders();
    this.#streams.add(res);
    const unsubscribe = this.#daemon.events.subscribe((e: EventDto) => {
      if (res.writableLength > MAX_STREAM_BACKLOG) {
        res.destroy();
        return;
      }
      res.write(`${JSON.stringify(e)}\n`);
    });
    const done = (): void => {
      unsubscribe();
      this.#streams.delete(res);
    };
    req.once('close', done);
    res.once('close', done);
  }
}
