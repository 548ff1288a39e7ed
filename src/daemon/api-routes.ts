// The control API's routes under /v1: each maps a method and path to one daemon operation and
// turns its result into a status and a JSON body. Request shapes are checked here; everything
// deeper (config validity, store rules) is the operation's to refuse.
import type { CommitRequestDto } from '../api/types.ts';
import type { HostRequestDto } from '../api/requests.ts';
import type { Result } from '../lib/result.ts';
import type { Daemon } from './daemon.ts';
import { refusal, type Refusal } from './refusal.ts';

export type Reply =
  | { readonly status: number; readonly json: unknown }
  | { readonly status: number; readonly text: string; readonly type: string };

export interface RouteContext {
  readonly url: URL;
  readonly params: readonly string[];
  readonly body: unknown;
  readonly author: string;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: RegExp;
  /** Reads a JSON body first. */
  readonly body?: boolean;
  readonly handle: (d: Daemon, c: RouteContext) => Promise<Reply> | Reply;
}

const json = (value: unknown, status = 200): Reply => ({ status, json: value });
const refused = (r: Refusal): Reply => ({ status: r.status, json: r.body });
const badRequest = (message: string): Reply => refused(refusal(400, 'bad-request', message));

function reply<T>(r: Result<T, Refusal>, status = 200): Reply {
  return r.ok ? json(r.value ?? null, status) : refused(r.error);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function intParam(url: URL, name: string): number | undefined | 'bad' {
  const v = url.searchParams.get(name);
  if (v === null) return undefined;
  return /^\d{1,9}$/.test(v) ? Number(v) : 'bad';
}

function revisionRef(text: string | null): number | 'running' | 'candidate' | undefined {
  if (text === 'running' || text === 'candidate') return text;
  return text !== null && /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}

function commitRequest(body: unknown): CommitRequestDto | undefined {
  if (!isRecord(body) || typeof body.comment !== 'string') return undefined;
  const s = body.confirmSeconds;
  if (s !== undefined && typeof s !== 'number') return undefined;
  return s === undefined ? { comment: body.comment } : { comment: body.comment, confirmSeconds: s };
}

function hostRequest(body: unknown): HostRequestDto | undefined {
  if (!isRecord(body)) return undefined;
  const { name, interface: iface, nextHop, prefix, networks } = body;
  if (typeof name !== 'string' || typeof iface !== 'string' || typeof nextHop !== 'string') return undefined;
  if (prefix !== undefined && typeof prefix !== 'string') return undefined;
  if (networks !== undefined && !(Array.isArray(networks) && networks.every((n) => isRecord(n) && typeof n.name === 'string' && (n.prefix === undefined || typeof n.prefix === 'string')))) return undefined;
  return {
    name,
    interface: iface,
    nextHop,
    ...(prefix === undefined ? {} : { prefix }),
    ...(networks === undefined ? {} : { networks: networks as HostRequestDto['networks'] }),
  };
}

/** A path segment decoded, or undefined when its percent-encoding is broken (`%zz`). */
function decodeSegment(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

export const ROUTES: readonly Route[] = [
  { method: 'GET', path: /^\/v1\/status$/, handle: (d) => json(d.views.status()) },
  { method: 'GET', path: /^\/v1\/interfaces$/, handle: async (d) => json(await d.views.interfaces()) },
  { method: 'GET', path: /^\/v1\/ra$/, handle: (d) => json(d.views.ra()) },
  {
    method: 'GET',
    path: /^\/v1\/leases$/,
    handle: (d, { url }) => {
      const limit = intParam(url, 'limit');
      if (limit === 'bad') return badRequest('limit must be a whole number.');
      const q = url.searchParams;
      return json(d.views.leases({
        ...(q.get('iface') === null ? {} : { iface: q.get('iface')! }),
        ...(q.get('search') === null ? {} : { search: q.get('search')! }),
        ...(q.get('after') === null ? {} : { after: q.get('after')! }),
        ...(limit === undefined ? {} : { limit }),
      }));
    },
  },
  {
    method: 'POST',
    path: /^\/v1\/leases\/release$/,
    body: true,
    handle: async (d, { body }) => {
      if (!isRecord(body) || typeof body.lease !== 'string') return badRequest('Send {"lease": "ADDRESS or PREFIX"}.');
      return reply(await d.releaseLease(body.lease));
    },
  },
  { method: 'GET', path: /^\/v1\/pools$/, handle: (d) => json(d.views.pools()) },
  { method: 'GET', path: /^\/v1\/hosts$/, handle: (d) => json(d.views.hosts()) },
  {
    method: 'POST',
    path: /^\/v1\/hosts$/,
    body: true,
    handle: (d, { body }) => {
      const req = hostRequest(body);
      return req === undefined ? badRequest('Send {"name", "interface", "nextHop", "prefix"?, "networks"?: [{"name", "prefix"?}]}.') : reply(d.ops.addHost(req));
    },
  },
  {
    method: 'DELETE',
    path: /^\/v1\/hosts\/([^/]+)$/,
    handle: (d, { params }) => {
      const name = decodeSegment(params[0]!);
      return name === undefined ? badRequest('The host name in the path is not valid percent-encoding.') : reply(d.ops.removeHost(name));
    },
  },
  { method: 'GET', path: /^\/v1\/routes$/, handle: async (d) => json(await d.views.routes()) },
  { method: 'GET', path: /^\/v1\/reconcile$/, handle: (d) => json(d.views.reconcile()) },
  { method: 'GET', path: /^\/v1\/plan$/, handle: async (d) => json(await d.plan()) },
  { method: 'GET', path: /^\/v1\/ndproxy$/, handle: async (d) => json(await d.views.ndproxy()) },
  { method: 'GET', path: /^\/v1\/firewall$/, handle: async (d) => json(await d.views.firewall()) },
  {
    method: 'GET',
    path: /^\/v1\/logs$/,
    handle: (d, { url }) => {
      const limit = intParam(url, 'limit');
      if (limit === 'bad') return badRequest('limit must be a whole number.');
      const component = url.searchParams.get('component');
      return json(d.log.recent({ ...(limit === undefined ? {} : { limit }), ...(component === null ? {} : { component }) }));
    },
  },
  { method: 'GET', path: /^\/v1\/config\/candidate$/, handle: (d) => json(d.ops.candidate()) },
  { method: 'PUT', path: /^\/v1\/config\/candidate$/, body: true, handle: (d, { body }) => reply(d.ops.putCandidate(body)) },
  {
    method: 'GET',
    path: /^\/v1\/config\/diff$/,
    handle: (d, { url }) => {
      const a = revisionRef(url.searchParams.get('a') ?? 'running');
      const b = revisionRef(url.searchParams.get('b') ?? 'candidate');
      if (a === undefined || b === undefined) return badRequest("a and b are revision numbers, 'running' or 'candidate'.");
      return reply(d.diff(a, b));
    },
  },
  {
    method: 'POST',
    path: /^\/v1\/config\/commit$/,
    body: true,
    handle: async (d, { body, author }) => {
      const req = commitRequest(body);
      return req === undefined ? badRequest('Send {"comment": TEXT, "confirmSeconds"?: N}.') : reply(await d.ops.commit(req, author), 201);
    },
  },
  { method: 'POST', path: /^\/v1\/config\/confirm$/, handle: async (d) => reply(await d.ops.confirm()) },
  {
    method: 'POST',
    path: /^\/v1\/config\/rollback$/,
    body: true,
    handle: async (d, { body, author }) => {
      if (!isRecord(body) || typeof body.revision !== 'number' || (body.comment !== undefined && typeof body.comment !== 'string')) {
        return badRequest('Send {"revision": N, "comment"?: TEXT}.');
      }
      return reply(await d.ops.rollback(body.revision, author, body.comment as string | undefined), 201);
    },
  },
  {
    method: 'GET',
    path: /^\/v1\/config\/history$/,
    handle: (d, { url }) => {
      const limit = intParam(url, 'limit');
      return limit === 'bad' ? badRequest('limit must be a whole number.') : json(d.history(limit));
    },
  },
  { method: 'GET', path: /^\/metrics$/, handle: (d) => ({ status: 200, text: d.metricsText(), type: 'text/plain; version=0.0.4; charset=utf-8' }) },
];
