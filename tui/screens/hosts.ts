// Hosts & routes: container hosts with their prefix (/48) and networks (/80s), the routes the
// apply loop installs and its drift repairs. `a` adds a host, with its container networks,
// through a form that puts the candidate; `d` removes one. Nothing applies until a commit on the Changes screen.
import { Box, useInput } from 'ink';
import { createElement as h, type ReactElement } from 'react';
import type { HostDto, ReconcileDto, RouteDto } from '../../src/api/types.ts';
import { ApiError } from '../../src/api/types.ts';
import { healthColor } from '../components/palette.ts';
import { Note, Prompt, Section } from '../components/chrome.ts';
import { Form } from '../components/form.ts';
import { Table } from '../components/table.ts';
import { clockTime } from '../components/text.ts';
import { useKeyedReducer } from '../hooks/use-keyed-reducer.ts';
import { usePolled } from '../hooks/use-polled.ts';
import { hostPath, parseNetworks, withHost, withoutHost } from '../state/candidate-edits.ts';
import { hostsReducer, initialHosts } from '../state/hosts.ts';
import { clampIndex } from '../state/selection.ts';
import type { KeyHelp, ScreenProps } from './screen.ts';

export const hostsKeys: KeyHelp = [
  ['↑ ↓', 'select a host'],
  ['a', 'add a host (form; goes into the candidate)'],
  ['d', 'remove the selected host from the candidate (asks first)'],
  ['r', 'reload now'],
];
export const hostsHints = '↑↓ select · a add · d remove · r reload';

interface HostsData {
  readonly hosts: readonly HostDto[];
  readonly routes: readonly RouteDto[];
  readonly reconcile: ReconcileDto;
}

export function reconcileLine(r: ReconcileDto): string {
  const last = r.lastPassAt === undefined ? 'never' : clockTime(r.lastPassAt);
  return `reconcile: last pass ${last} · passes ${r.passes} · changes ${r.changesApplied} · drift repairs ${r.driftRepairs} · errors ${r.errors.length}`;
}

export function HostsScreen(p: ScreenProps): ReactElement {
  const { session, width, height } = p;
  const pal = session.palette;
  const { capture } = session;
  const [state, dispatch, latest] = useKeyedReducer(hostsReducer, initialHosts, (s) => capture(s.mode !== 'browse'));
  const polled = usePolled(session, async (c): Promise<HostsData> => {
    const [hosts, routes, reconcile] = await Promise.all([c.hosts(), c.routes(), c.reconcile()]);
    return { hosts, routes, reconcile };
  }, [session.events.commit, session.events.reconcile]);
  const hosts = polled.data?.hosts ?? [];
  const routes = polled.data?.routes ?? [];
  const selected = clampIndex(state.selected, hosts.length);

  /** Applies `edit` to the candidate; a refusal comes back as problems with paths. */
  const putEdit = async (edit: (doc: unknown) => unknown): Promise<readonly { code: string; message: string; path?: string }[] | undefined> => {
    try {
      const candidate = await session.client.candidate();
      await session.client.putCandidate(edit(candidate.document));
      session.touched();
      return undefined;
    } catch (e) {
      if (e instanceof ApiError) return e.body.problems ?? [e.body.error];
      session.failed(e);
      return [{ code: 'unreachable', message: 'the daemon did not answer; try again when it is back' }];
    }
  };

  const submit = (): void => {
    const v = latest().form.values;
    const name = (v.name ?? '').trim();
    dispatch({ type: 'form', action: { type: 'submitting' } });
    const pathOf = (field: string): string => (field === 'name' ? hostPath(name) : hostPath(name, field));
    if (name === '') {
      dispatch({ type: 'form', action: { type: 'refused', pathOf, problems: [{ code: 'required', path: hostPath(''), message: 'Give the host a name.' }] } });
      return;
    }
    const { networks, duplicates } = parseNetworks(v.networks ?? '');
    if (duplicates.length > 0) {
      const message = `${duplicates.join(', ')} ${duplicates.length === 1 ? 'is' : 'are'} named more than once; give each network its own name.`;
      dispatch({ type: 'form', action: { type: 'refused', pathOf, problems: [{ code: 'duplicate', path: hostPath(name, 'networks'), message }] } });
      return;
    }
    void putEdit((doc) => withHost(doc, { name, interface: v.interface ?? '', nextHop: v.nextHop ?? '', prefix: v.prefix ?? '', networks })).then((problems) => {
      if (problems === undefined) dispatch({ type: 'close', message: `${name} is in the candidate — commit it on 8 Changes` });
      else dispatch({ type: 'form', action: { type: 'refused', problems, pathOf } });
    });
  };

  const remove = (name: string): void => {
    void putEdit((doc) => withoutHost(doc, name)).then((problems) =>
      dispatch({
        type: 'close',
        message: problems === undefined ? `${name} removed from the candidate — commit it on 8 Changes` : `removing ${name} refused: ${problems.map((x) => x.message).join('; ')}`,
      }),
    );
  };

  useInput((input, key) => {
    const mode = latest().mode;
    if (mode === 'form') {
      if (key.escape) dispatch({ type: 'close' });
      else if (key.return) submit();
      else if (key.tab || key.downArrow) dispatch({ type: 'form', action: { type: 'focus', delta: key.shift ? -1 : 1 } });
      else if (key.upArrow) dispatch({ type: 'form', action: { type: 'focus', delta: -1 } });
      else if (key.backspace || key.delete) dispatch({ type: 'form', action: { type: 'erase' } });
      else if (input !== '' && !key.ctrl && !key.meta) dispatch({ type: 'form', action: { type: 'type', text: input } });
      return;
    }
    if (mode === 'confirm-remove') {
      const host = hosts[clampIndex(latest().selected, hosts.length)];
      if (input === 'y' && host !== undefined) remove(host.name);
      else if (input === 'n' || key.escape) dispatch({ type: 'close' });
      return;
    }
    if (key.upArrow) dispatch({ type: 'move', delta: -1, count: hosts.length });
    else if (key.downArrow) dispatch({ type: 'move', delta: 1, count: hosts.length });
    else if (input === 'a') dispatch({ type: 'open-form' });
    else if (input === 'd') dispatch({ type: 'ask-remove', count: hosts.length });
    else if (input === 'r') polled.reload();
  }, { isActive: p.active });

  if (state.mode === 'form') {
    return h(Form, { title: 'Add a host to the candidate', form: state.form, width, palette: pal });
  }
  const hostRows = Math.min(hosts.length + 1, Math.max(2, Math.floor((height - 3) / 2)));
  const routeRows = Math.max(2, height - hostRows - 3);
  const host = hosts[selected];
  return h(
    Box,
    { flexDirection: 'column', flexShrink: 0 },
    h(Table, {
      columns: [
        { header: 'Host', min: 10 },
        { header: 'Iface', min: 7 },
        { header: 'Next hop', min: 16, grow: 1 },
        { header: 'Prefix', min: 18, grow: 1 },
        { header: 'Networks', min: 10, grow: 1 },
      ],
      rows: hosts.map((x) => [x.name, x.interface, x.nextHop, x.prefix ?? 'pending', x.networks.map((n) => `${n.name} ${n.prefix ?? 'pending'}`).join(', ')]),
      selected: hosts.length === 0 ? undefined : selected,
      width,
      height: hostRows,
      palette: pal,
      empty: polled.data === undefined ? 'loading…' : 'no hosts — a adds one',
    }),
    h(Section, { width, palette: pal, title: `Routes (${routes.length})` }),
    h(Table, {
      columns: [
        { header: 'Prefix', min: 20, grow: 1 },
        { header: 'Via', min: 16, grow: 1 },
        { header: 'Origin', min: 10 },
        { header: 'State', min: 9 },
      ],
      rows: routes.map((r) => [r.prefix, r.via ?? r.dev ?? '-', r.origin, r.error === undefined ? r.state : `${r.state}: ${r.error}`]),
      rowColors: routes.map((r) => healthColor(pal, r.state)),
      width,
      height: routeRows,
      palette: pal,
      empty: 'no routes',
    }),
    h(Note, { width, color: pal.muted, text: polled.data === undefined ? '' : reconcileLine(polled.data.reconcile) }),
    state.mode === 'confirm-remove' && host !== undefined
      ? h(Prompt, { width, palette: pal, text: `Remove ${host.name} from the candidate? y/n` })
      : h(Note, { width, color: pal.good, text: state.message ?? '' }),
  );
}
