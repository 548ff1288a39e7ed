// The TUI's root: a router over nine screens, the connection to the daemon (with backoff and
// re-subscription after an outage), the event stream fanned out as counters screens reload on,
// and the log tail. Screens own their keys; this component owns only the global ones.
import { Box, render, useApp, useInput, useStdout } from 'ink';
import { createElement as h, useCallback, useEffect, useReducer, useRef, useState, type ReactElement } from 'react';
import type { ApiClient, EventDto, StatusDto } from '../src/api/types.ts';
import { ApiError } from '../src/api/types.ts';
import { Footer, Header, Help, Prompt, Tabs } from './components/chrome.ts';
import { colorFromEnv, paletteFor } from './components/palette.ts';
import { secondsLeft } from './components/text.ts';
import { noEvents, type EventCounts, type Session } from './hooks/session.ts';
import { useKeyedReducer } from './hooks/use-keyed-reducer.ts';
import { useTicker } from './hooks/use-polled.ts';
import { ChangesScreen, changesHints, changesKeys } from './screens/changes.ts';
import { Dhcpv6Screen, dhcpv6Hints, dhcpv6Keys } from './screens/dhcpv6.ts';
import { FirewallScreen, firewallHints, firewallKeys } from './screens/firewall.ts';
import { HostsScreen, hostsHints, hostsKeys } from './screens/hosts.ts';
import { InterfacesScreen, interfacesHints, interfacesKeys } from './screens/interfaces.ts';
import { LogsScreen, logsHints, logsKeys } from './screens/logs.ts';
import { NdproxyScreen, ndproxyHints, ndproxyKeys } from './screens/ndproxy.ts';
import { OverviewScreen, overviewHints, overviewKeys } from './screens/overview.ts';
import { RaScreen, raHints, raKeys } from './screens/ra.ts';
import type { KeyHelp, ScreenProps } from './screens/screen.ts';
import { connectionReducer, defaultBackoff, initialConnection, outageBanner, type Backoff } from './state/connection.ts';
import { initialLogs, logsReducer } from './state/logs.ts';
import { globalKey, initialRouter, routerReducer, SCREENS, type ScreenId } from './state/router.ts';

export interface AppProps {
  readonly client: ApiClient;
  /** Terminal size; read from stdout (and its resize events) when absent. */
  readonly columns?: number;
  readonly rows?: number;
  /** False under NO_COLOR. */
  readonly color?: boolean;
  readonly refreshMs?: number;
  readonly backoff?: Backoff;
  readonly now?: () => number;
  readonly initialScreen?: ScreenId;
}

const SCREEN_HELP: Record<ScreenId, { readonly keys: KeyHelp; readonly hints: string }> = {
  overview: { keys: overviewKeys, hints: overviewHints },
  interfaces: { keys: interfacesKeys, hints: interfacesHints },
  ra: { keys: raKeys, hints: raHints },
  dhcpv6: { keys: dhcpv6Keys, hints: dhcpv6Hints },
  hosts: { keys: hostsKeys, hints: hostsHints },
  ndproxy: { keys: ndproxyKeys, hints: ndproxyHints },
  firewall: { keys: firewallKeys, hints: firewallHints },
  changes: { keys: changesKeys, hints: changesHints },
  logs: { keys: logsKeys, hints: logsHints },
};

const LOG_BACKLOG = 500;

function useTerminalSize(columns: number | undefined, rows: number | undefined): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = (): { columns: number; rows: number } => ({ columns: columns ?? stdout.columns ?? 80, rows: rows ?? stdout.rows ?? 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = (): void => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stdout, columns, rows]);
  return columns !== undefined && rows !== undefined ? { columns, rows } : size;
}

function describeFailure(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function App(props: AppProps): ReactElement {
  const { client } = props;
  const now = props.now ?? Date.now;
  const refreshMs = props.refreshMs ?? 1000;
  const backoff = props.backoff ?? defaultBackoff;
  const palette = paletteFor(props.color ?? true);
  const { columns, rows } = useTerminalSize(props.columns, props.rows);
  const app = useApp();
  useTicker(1000);

  const [router, route, latestRouter] = useKeyedReducer(routerReducer, { ...initialRouter, screen: props.initialScreen ?? 'overview' });
  const [conn, connect] = useReducer(connectionReducer, initialConnection);
  const [logs, logDispatch] = useReducer(logsReducer, initialLogs);
  const [events, setEvents] = useState<EventCounts>(noEvents);
  const [status, setStatus] = useState<StatusDto | undefined>(undefined);
  const [uncommitted, setUncommitted] = useState(0);
  const [touches, setTouches] = useState(0);
  const touched = useCallback(() => setTouches((n) => n + 1), []);
  const up = conn.phase === 'up';

  const failed = useCallback((e: unknown) => {
    if (e instanceof ApiError) return;
    connect({ type: 'failed', error: describeFailure(e), now: now(), backoff });
  }, [now, backoff]);
  const capture = useCallback((captured: boolean) => route({ type: 'capture', captured }), []);

  // While down (or before the first answer), probe with status() at the backoff's pace.
  useEffect(() => {
    if (up) return undefined;
    const delay = conn.retryAt === undefined ? 0 : Math.max(0, conn.retryAt - now());
    let live = true;
    const timer = setTimeout(() => {
      client.status().then(
        (s) => {
          if (!live) return;
          setStatus(s);
          connect({ type: 'succeeded' });
        },
        (e: unknown) => {
          if (live) connect({ type: 'failed', error: describeFailure(e), now: now(), backoff, probe: true });
        },
      );
    }, delay);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, up, conn.retryAt, conn.attempt, now, backoff]);

  // While up: status and the candidate's size (for the quit guard) every refresh, and on commits.
  useEffect(() => {
    if (!up) return undefined;
    let live = true;
    const load = (): void => {
      Promise.all([client.status(), client.candidate()]).then(
        ([s, c]) => {
          if (!live) return;
          setStatus(s);
          setUncommitted(c.diff.length);
        },
        (e: unknown) => {
          if (live) failed(e);
        },
      );
    };
    load();
    const timer = setInterval(load, refreshMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [client, up, conn.generation, refreshMs, failed, touches, events.commit, events.rollback, events.confirm, events.alert]);

  // Events: subscribe on every (re)connection; a stream that closes means the daemon went away.
  useEffect(() => {
    if (!up) return undefined;
    let live = true;
    client.logs({ limit: LOG_BACKLOG }).then(
      (entries) => {
        if (live) logDispatch({ type: 'load', entries });
      },
      (e: unknown) => {
        if (live) failed(e);
      },
    );
    const onEvent = (event: EventDto): void => {
      if (!live) return;
      setEvents((c) => ({ ...c, [event.type]: c[event.type] + 1 }));
      if (event.type === 'log') logDispatch({ type: 'append', entries: [event.entry] });
    };
    const stop = client.events(onEvent, (error) => {
      if (live) failed(error ?? new Error('the event stream closed'));
    });
    return () => {
      live = false;
      stop();
    };
  }, [client, up, conn.generation, failed]);

  useEffect(() => {
    if (router.quitting) app.exit();
  }, [router.quitting, app]);

  // Ink swaps input handlers in a passive effect, after the frame is drawn; a key typed in that
  // gap would meet the previous render's closure (and `q` would skip the uncommitted-edits
  // question). A ref written during render is never stale, and the router's state is current
  // even before a render: a screen that takes the keyboard says so as its key is handled.
  const latestUncommitted = useRef(uncommitted);
  latestUncommitted.current = uncommitted;
  useInput((input, key) => {
    const action = globalKey(latestRouter(), input, key, latestUncommitted.current);
    if (action !== undefined) route(action);
  });

  const session: Session = { client, up, generation: conn.generation, refreshMs, now, palette, events, failed, touched, capture };
  const width = columns;
  // One line short of the terminal: Ink redraws a frame as tall as the screen by clearing it.
  const contentHeight = Math.max(3, rows - 4);
  const screenProps: ScreenProps = { session, width, height: contentHeight, active: !router.help && !router.quitPrompt, status };
  const current = SCREENS.find((s) => s.id === router.screen) ?? SCREENS[0];
  const pending = status?.pendingConfirm;
  const confirmLine = pending === undefined ? undefined : `confirm rev ${pending.revision} in ${secondsLeft(pending.deadline, now())} s (8, y)`;

  return h(
    Box,
    { flexDirection: 'column', width, height: Math.max(6, rows - 1) },
    h(Header, { width, palette, title: current.title, revision: status?.runningRevision, outage: outageBanner(conn, now()), confirmLine, uncommitted }),
    h(Tabs, { width, palette, current: router.screen }),
    h(
      Box,
      { flexDirection: 'column', height: contentHeight, overflow: 'hidden' },
      router.help ? h(Help, { width, palette, screenKeys: SCREEN_HELP[router.screen].keys }) : renderScreen(router.screen, screenProps, logs, logDispatch),
    ),
    router.quitPrompt
      ? h(Prompt, { width, palette, text: `The candidate has ${uncommitted} uncommitted change${uncommitted === 1 ? '' : 's'}. Quit anyway? y/n` })
      : h(Footer, { width, palette, hints: SCREEN_HELP[router.screen].hints }),
  );
}

function renderScreen(
  screen: ScreenId,
  p: ScreenProps,
  logs: Parameters<typeof LogsScreen>[0]['logs'],
  logDispatch: (a: { type: 'cycle-filter' } | { type: 'clear-filter' }) => void,
): ReactElement {
  switch (screen) {
    case 'overview':
      return h(OverviewScreen, p);
    case 'interfaces':
      return h(InterfacesScreen, p);
    case 'ra':
      return h(RaScreen, p);
    case 'dhcpv6':
      return h(Dhcpv6Screen, p);
    case 'hosts':
      return h(HostsScreen, p);
    case 'ndproxy':
      return h(NdproxyScreen, p);
    case 'firewall':
      return h(FirewallScreen, p);
    case 'changes':
      return h(ChangesScreen, p);
    case 'logs':
      return h(LogsScreen, { ...p, logs, onCycle: () => logDispatch({ type: 'cycle-filter' }), onAll: () => logDispatch({ type: 'clear-filter' }) });
  }
}

export interface RunTuiOptions {
  readonly client: ApiClient;
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Draws the TUI until the operator quits. */
export async function runTui(options: RunTuiOptions): Promise<void> {
  const instance = render(h(App, { client: options.client, color: colorFromEnv(options.env ?? process.env) }), {
    stdout: options.stdout ?? process.stdout,
    stdin: options.stdin ?? process.stdin,
    exitOnCtrlC: true,
  });
  await instance.waitUntilExit();
}
