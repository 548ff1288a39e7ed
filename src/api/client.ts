// The control API over its Unix socket, for the CLI and the TUI: node:http with `socketPath`.
// Error bodies become ApiError; a daemon that is not there becomes an ApiError with status 0
// and code `unreachable`, so callers handle one error type.
import { request, type IncomingMessage } from 'node:http';
import { ApiError } from './types.ts';
import type {
  ApiClient, ApiErrorBody, CandidateDto, CommitRequestDto, DiffEntryDto, EventDto, FirewallCounterDto, HostDto,
  InterfaceDto, LeasePage, LogEntryDto, NdproxyDto, PoolDto, RaInterfaceDto, ReconcileDto, RevisionDto, RouteDto, StatusDto,
} from './types.ts';
import { DEFAULT_SOCKET, type HostRequestDto, type PlanDto } from './requests.ts';

export interface HttpApiClientOptions {
  readonly socketPath?: string;
  /** Recorded as the author of commits and rollbacks. */
  readonly user?: string;
  readonly timeoutMs?: number;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

function query(params: Readonly<Record<string, string | number | undefined>>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function errorBody(status: number, text: string): ApiErrorBody {
  try {
    const parsed = JSON.parse(text) as Partial<ApiErrorBody>;
    if (parsed.error !== undefined && typeof parsed.error.message === 'string') return parsed as ApiErrorBody;
  } catch {
    // Not JSON: fall through to a body made from the text.
  }
  return { error: { code: `http-${status}`, message: text.trim() === '' ? `The daemon answered HTTP ${status}.` : text.trim() } };
}

export class HttpApiClient implements ApiClient {
  readonly socketPath: string;
  readonly #user: string;
  readonly #timeoutMs: number;

  constructor(options: HttpApiClientOptions = {}) {
    this.socketPath = options.socketPath ?? DEFAULT_SOCKET;
    this.#user = options.user ?? 'api';
    this.#timeoutMs = options.timeoutMs ?? 60_000;
  }

  #unreachable(e: Error): ApiError {
    return new ApiError(0, { error: { code: 'unreachable', message: `No v6edge daemon answers on ${this.socketPath}: ${e.message}` } });
  }

  /** One request; resolves with the parsed JSON (or text) of a 2xx answer, rejects with ApiError. */
  call<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          socketPath: this.socketPath,
          path,
          method,
          timeout: this.#timeoutMs,
          headers: {
            'x-v6edge-user': this.#user,
            ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          readAll(res).then((text) => {
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 299) {
              reject(new ApiError(status, errorBody(status, text)));
              return;
            }
            const json = (res.headers['content-type'] ?? '').startsWith('application/json');
            try {
              resolve((json ? JSON.parse(text) : text) as T);
            } catch {
              reject(new ApiError(status, { error: { code: 'bad-response', message: `The daemon answered ${status} with a body that is not JSON.` } }));
            }
          }, reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.#timeoutMs} ms`)));
      req.on('error', (e) => reject(e instanceof ApiError ? e : this.#unreachable(e)));
      req.end(payload);
    });
  }

  status(): Promise<StatusDto> {
    return this.call('GET', '/v1/status');
  }

  interfaces(): Promise<readonly InterfaceDto[]> {
    return this.call('GET', '/v1/interfaces');
  }

  ra(): Promise<readonly RaInterfaceDto[]> {
    return this.call('GET', '/v1/ra');
  }

  leases(q: { readonly iface?: string; readonly search?: string; readonly after?: string; readonly limit?: number }): Promise<LeasePage> {
    return this.call('GET', `/v1/leases${query({ iface: q.iface, search: q.search, after: q.after, limit: q.limit })}`);
  }

  pools(): Promise<readonly PoolDto[]> {
    return this.call('GET', '/v1/pools');
  }

  async releaseLease(lease: string): Promise<void> {
    await this.call('POST', '/v1/leases/release', { lease });
  }

  hosts(): Promise<readonly HostDto[]> {
    return this.call('GET', '/v1/hosts');
  }

  /** Adds or replaces a host in the candidate. */
  addHost(host: HostRequestDto): Promise<CandidateDto> {
    return this.call('POST', '/v1/hosts', host);
  }

  removeHost(name: string): Promise<CandidateDto> {
    return this.call('DELETE', `/v1/hosts/${encodeURIComponent(name)}`);
  }

  routes(): Promise<readonly RouteDto[]> {
    return this.call('GET', '/v1/routes');
  }

  reconcile(): Promise<ReconcileDto> {
    return this.call('GET', '/v1/reconcile');
  }

  plan(): Promise<PlanDto> {
    return this.call('GET', '/v1/plan');
  }

  ndproxy(): Promise<NdproxyDto> {
    return this.call('GET', '/v1/ndproxy');
  }

  firewall(): Promise<readonly FirewallCounterDto[]> {
    return this.call('GET', '/v1/firewall');
  }

  logs(q: { readonly limit?: number; readonly component?: string }): Promise<readonly LogEntryDto[]> {
    return this.call('GET', `/v1/logs${query({ limit: q.limit, component: q.component })}`);
  }

  metrics(): Promise<string> {
    return this.call('GET', '/metrics');
  }

  candidate(): Promise<CandidateDto> {
    return this.call('GET', '/v1/config/candidate');
  }

  putCandidate(document: unknown): Promise<CandidateDto> {
    return this.call('PUT', '/v1/config/candidate', document);
  }

  commit(r: CommitRequestDto): Promise<RevisionDto> {
    return this.call('POST', '/v1/config/commit', r);
  }

  confirm(): Promise<RevisionDto> {
    return this.call('POST', '/v1/config/confirm');
  }

  rollback(revision: number, comment?: string): Promise<RevisionDto> {
    return this.call('POST', '/v1/config/rollback', comment === undefined ? { revision } : { revision, comment });
  }

  history(limit?: number): Promise<readonly RevisionDto[]> {
    return this.call('GET', `/v1/config/history${query({ limit })}`);
  }

  diff(a: number | 'running' | 'candidate', b: number | 'running' | 'candidate'): Promise<readonly DiffEntryDto[]> {
    return this.call('GET', `/v1/config/diff${query({ a, b })}`);
  }

  events(onEvent: (event: EventDto) => void, onClose?: (error?: Error) => void): () => void {
    let closed = false;
    const close = (e?: Error): void => {
      if (closed) return;
      closed = true;
      onClose?.(e);
    };
    const req = request({ socketPath: this.socketPath, path: '/v1/events', method: 'GET', headers: { 'x-v6edge-user': this.#user } }, (res) => {
      if (res.statusCode !== 200) {
        void readAll(res).then((text) => close(new ApiError(res.statusCode ?? 0, errorBody(res.statusCode ?? 0, text))));
        return;
      }
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.trim() === '') continue;
          let event: EventDto;
          try {
            event = JSON.parse(line) as EventDto;
          } catch {
            // A stream we cannot read is closed, not half-trusted: the caller reconnects.
            req.destroy();
            close(new Error(`the event stream sent a line that is not JSON: ${line.slice(0, 80)}`));
            return;
          }
          onEvent(event);
        }
      });
      res.on('end', () => close());
      res.on('error', (e) => close(e));
    });
    req.on('error', (e) => close(closed ? undefined : this.#unreachable(e)));
    req.end();
    return () => {
      closed = true;
      req.destroy();
    };
  }
}
