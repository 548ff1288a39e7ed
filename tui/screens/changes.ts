// Changes: the candidate against running, commit with a comment (optionally commit-confirm), a
// visible confirm countdown, and history with rollback. A diff on the management path warns and
// defaults to commit-confirm, so an edit that locks the operator out undoes itself.
import { Box, Text, useInput } from 'ink';
import { createElement as h, useEffect, useReducer, type ReactElement } from 'react';
import type { CandidateDto, DiffEntryDto, InterfaceDto, RevisionDto } from '../../src/api/types.ts';
import { ApiError } from '../../src/api/types.ts';
import { Note, Prompt, Section } from '../components/chrome.ts';
import { Table } from '../components/table.ts';
import { clockTime, secondsLeft, truncate } from '../components/text.ts';
import { usePolled, useTicker } from '../hooks/use-polled.ts';
import { mgmtInterfacesIn } from '../state/candidate-edits.ts';
import { changesReducer, DEFAULT_CONFIRM_SECONDS, initialChanges, lockoutRisks } from '../state/changes.ts';
import { clampIndex } from '../state/selection.ts';
import type { KeyHelp, ScreenProps } from './screen.ts';

export const changesKeys: KeyHelp = [
  ['c', 'commit the candidate (asks for a comment, then commit or commit-confirm)'],
  ['y', 'confirm a pending commit-confirm before its countdown ends'],
  ['↑ ↓', 'select a revision in history'],
  ['b', 'roll back to the selected revision (asks first)'],
  ['r', 'reload now'],
];
export const changesHints = 'c commit · y confirm · ↑↓ history · b rollback';

function compact(v: unknown): string {
  if (v === undefined) return '';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s;
}

export function diffLine(d: DiffEntryDto): string {
  if (d.kind === 'added') return `+ ${d.path} ${compact(d.after)}`;
  if (d.kind === 'removed') return `- ${d.path} ${compact(d.before)}`;
  return `~ ${d.path} ${compact(d.before)} → ${compact(d.after)}`;
}

interface ChangesData {
  readonly candidate: CandidateDto;
  readonly history: readonly RevisionDto[];
  readonly interfaces: readonly InterfaceDto[];
}

export function ChangesScreen(p: ScreenProps): ReactElement {
  const { session, width, height, status } = p;
  const pal = session.palette;
  useTicker(1000);
  const [state, dispatch] = useReducer(changesReducer, initialChanges);
  const ev = session.events;
  const polled = usePolled(session, async (c): Promise<ChangesData> => {
    const [candidate, history, interfaces] = await Promise.all([c.candidate(), c.history(50), c.interfaces()]);
    return { candidate, history, interfaces };
  }, [ev.commit, ev.rollback, ev.confirm]);
  const { capture } = session;
  useEffect(() => capture(state.mode !== 'browse'), [capture, state.mode]);
  const diff = polled.data?.candidate.diff ?? [];
  const history = polled.data?.history ?? [];
  const mgmt = [
    ...mgmtInterfacesIn(polled.data?.candidate.document),
    ...(polled.data?.interfaces ?? []).filter((i) => i.role === 'mgmt').map((i) => i.name),
  ];
  const risks = lockoutRisks(diff, mgmt);
  const selected = clampIndex(state.selected, history.length);
  const pending = status?.pendingConfirm;

  const run = (what: string, call: () => Promise<RevisionDto>): void => {
    dispatch({ type: 'busy' });
    call().then(
      (rev) => {
        dispatch({ type: 'done', message: `${what}: revision ${rev.number}${rev.confirmDeadline === undefined ? '' : ' — confirm with y before the countdown ends'}` });
        polled.reload();
        session.touched();
      },
      (e: unknown) => {
        if (!(e instanceof ApiError)) session.failed(e);
        dispatch({ type: 'done', message: `${what} failed: ${e instanceof Error ? e.message : String(e)}` });
      },
    );
  };
  const commit = (confirm: boolean): void => {
    const comment = state.comment.trim() === '' ? 'committed from the TUI' : state.comment.trim();
    run(confirm ? 'commit-confirm' : 'commit', () =>
      session.client.commit(confirm ? { comment, confirmSeconds: DEFAULT_CONFIRM_SECONDS } : { comment }),
    );
  };

  useInput((input, key) => {
    switch (state.mode) {
      case 'comment':
        if (key.escape) dispatch({ type: 'cancel' });
        else if (key.return) dispatch({ type: 'comment-done' });
        else if (key.backspace || key.delete) dispatch({ type: 'erase' });
        else if (input !== '' && !key.ctrl && !key.meta && !key.tab) dispatch({ type: 'type', text: input });
        return;
      case 'choose':
        // With a lockout risk Enter means commit-confirm; plain commit needs an explicit `n`.
        if (key.escape) dispatch({ type: 'cancel' });
        else if (key.return) commit(risks.length > 0);
        else if (input === 'k') commit(true);
        else if (input === 'n' && risks.length > 0) commit(false);
        return;
      case 'confirm-rollback': {
        const rev = history[selected];
        if (input === 'y' && rev !== undefined) run('rollback', () => session.client.rollback(rev.number, `rollback to ${rev.number} from the TUI`));
        else if (input === 'n' || key.escape) dispatch({ type: 'cancel' });
        return;
      }
      case 'browse':
        if (input === 'c' && diff.length > 0) dispatch({ type: 'start-commit' });
        else if (input === 'c') dispatch({ type: 'done', message: 'nothing to commit: the candidate equals running' });
        else if (input === 'y' && pending !== undefined) run('confirm', () => session.client.confirm());
        else if (key.upArrow) dispatch({ type: 'move', delta: -1, count: history.length });
        else if (key.downArrow) dispatch({ type: 'move', delta: 1, count: history.length });
        else if (input === 'b') dispatch({ type: 'ask-rollback', count: history.length });
        else if (input === 'r') polled.reload();
    }
  }, { isActive: p.active });

  const now = session.now();
  const top: ReactElement[] = [];
  if (pending !== undefined) {
    top.push(h(Prompt, { key: 'pc', width, palette: pal, text: `Revision ${pending.revision} rolls back in ${secondsLeft(pending.deadline, now)} s unless confirmed — press y to confirm` }));
  }
  if (risks.length > 0) {
    top.push(h(Note, { key: 'lk', width, color: pal.warn, text: `! touches the management path (${risks.map((r) => r.path).join(', ')}): commit defaults to commit-confirm` }));
  }
  const bottom =
    state.mode === 'comment'
      ? h(Prompt, { width, palette: pal, text: `Comment: ${state.comment}_   Enter next · Esc cancel` })
      : state.mode === 'choose'
        ? h(Prompt, {
            width,
            palette: pal,
            text: risks.length > 0
              ? `Enter commit-confirm (${DEFAULT_CONFIRM_SECONDS} s) · n commit without confirm · Esc cancel`
              : `Enter commit · k commit-confirm (${DEFAULT_CONFIRM_SECONDS} s) · Esc cancel`,
          })
        : state.mode === 'confirm-rollback' && history[selected] !== undefined
          ? h(Prompt, { width, palette: pal, text: `Roll back to revision ${history[selected]?.number}? y/n` })
          : h(Note, { width, color: pal.muted, text: state.busy ? 'working…' : state.message ?? polled.error ?? '' });
  const room = Math.max(4, height - top.length - 3);
  const diffRows = Math.min(diff.length, Math.max(1, Math.floor(room / 2) - 1));
  const historyRows = Math.max(2, room - diffRows);
  return h(
    Box,
    { flexDirection: 'column', flexShrink: 0 },
    ...top,
    h(Section, { width, palette: pal, title: `Candidate vs running: ${diff.length === 0 ? 'no changes' : `${diff.length} change${diff.length === 1 ? '' : 's'}`}` }),
    ...diff.slice(0, diffRows).map((d, i) =>
      h(Text, { key: `d${i}`, color: d.kind === 'added' ? pal.good : d.kind === 'removed' ? pal.bad : pal.warn, wrap: 'truncate-end' }, truncate(`  ${diffLine(d)}`, width)),
    ),
    ...(diff.length > diffRows ? [h(Note, { key: 'more', width, color: pal.muted, text: `  … ${diff.length - diffRows} more` })] : []),
    h(Table, {
      columns: [
        { header: 'Rev', min: 5, align: 'right' },
        { header: 'Time', min: 8 },
        { header: 'Author', min: 8 },
        { header: 'State', min: 11 },
        { header: 'Comment', min: 10, grow: 1 },
      ],
      rows: history.map((r) => [String(r.number), clockTime(r.time), r.author, r.state, r.comment]),
      selected: history.length === 0 ? undefined : selected,
      width,
      height: historyRows - (diff.length > diffRows ? 1 : 0),
      palette: pal,
      empty: polled.data === undefined ? 'loading…' : 'no revisions yet',
    }),
    bottom,
  );
}
