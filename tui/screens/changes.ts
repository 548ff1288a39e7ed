// Changes: the candidate against running, commit with a comment (optionally commit-confirm, with
// a window the operator types: `120s`, `5`, `2m`), a visible confirm countdown, and history with
// rollback. A diff on the management path warns and defaults to commit-confirm, so an edit that
// locks the operator out undoes itself.
import { Box, Text, useInput } from 'ink';
import { createElement as h, type ReactElement } from 'react';
import type { CandidateDto, DiffEntryDto, InterfaceDto, RevisionDto } from '../../src/api/types.ts';
import { ApiError } from '../../src/api/types.ts';
import { Note, Prompt, Section } from '../components/chrome.ts';
import { Table } from '../components/table.ts';
import { clockTime, secondsLeft, truncate } from '../components/text.ts';
import { useKeyedReducer } from '../hooks/use-keyed-reducer.ts';
import { usePolled, useTicker } from '../hooks/use-polled.ts';
import { mgmtInterfacesIn } from '../state/candidate-edits.ts';
import { changesReducer, DEFAULT_CONFIRM_SECONDS, initialChanges, lockoutRisks, parseConfirmWindow } from '../state/changes.ts';
import { clampIndex } from '../state/selection.ts';
import type { KeyHelp, ScreenProps } from './screen.ts';

export const changesKeys: KeyHelp = [
  ['c', 'commit the candidate (asks for a comment, then commit, or commit-confirm and its window)'],
  ['Ctrl-U', `clear the confirm window to type a new one (${DEFAULT_CONFIRM_SECONDS}s by default)`],
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

/** The window prompt: the typed text, then either the problem with it or how to go on. */
export function windowPrompt(text: string, problem: string | undefined): string {
  const tail = problem === undefined ? '(90, 90s, 2m) Enter commit-confirm · Esc back' : `✗ ${problem}`;
  return `Confirm within: ${text}_   ${tail}`;
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
  const { capture } = session;
  const [state, dispatch, latest] = useKeyedReducer(changesReducer, initialChanges, (s) => capture(s.mode !== 'browse'));
  const ev = session.events;
  const polled = usePolled(session, async (c): Promise<ChangesData> => {
    const [candidate, history, interfaces] = await Promise.all([c.candidate(), c.history(50), c.interfaces()]);
    return { candidate, history, interfaces };
  }, [ev.commit, ev.rollback, ev.confirm]);
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
  /** Commits; with `confirmSeconds` the revision rolls back unless confirmed within that time. */
  const commit = (confirmSeconds?: number): void => {
    const typed = latest().comment.trim();
    const comment = typed === '' ? 'committed from the TUI' : typed;
    run(confirmSeconds === undefined ? 'commit' : 'commit-confirm', () =>
      session.client.commit(confirmSeconds === undefined ? { comment } : { comment, confirmSeconds }),
    );
  };
  const commitWithWindow = (): void => {
    const parsed = parseConfirmWindow(latest().window);
    if (parsed.ok) commit(parsed.seconds);
    else dispatch({ type: 'window-refused', message: parsed.message });
  };

  useInput((input, key) => {
    switch (latest().mode) {
      case 'comment':
        if (key.escape) dispatch({ type: 'cancel' });
        else if (key.return) dispatch({ type: 'comment-done' });
        else if (key.backspace || key.delete) dispatch({ type: 'erase' });
        else if (input !== '' && !key.ctrl && !key.meta && !key.tab) dispatch({ type: 'type', text: input });
        return;
      case 'choose':
        // With a lockout risk Enter means commit-confirm; plain commit needs an explicit `n`.
        if (key.escape) dispatch({ type: 'cancel' });
        else if (key.return && risks.length > 0) dispatch({ type: 'ask-window' });
        else if (key.return) commit();
        else if (input === 'k') dispatch({ type: 'ask-window' });
        else if (input === 'n' && risks.length > 0) commit();
        return;
      case 'window':
        if (key.escape) dispatch({ type: 'back' });
        else if (key.return) commitWithWindow();
        else if (key.backspace || key.delete) dispatch({ type: 'erase' });
        else if (key.ctrl && input === 'u') dispatch({ type: 'clear' });
        else if (input !== '' && !key.ctrl && !key.meta && !key.tab) dispatch({ type: 'type', text: input });
        return;
      case 'confirm-rollback': {
        const rev = history[clampIndex(latest().selected, history.length)];
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
  const prompt = (text: string): ReactElement => h(Prompt, { width, palette: pal, text });
  const rollbackTo = history[selected];
  const bottom =
    state.mode === 'comment' ? prompt(`Comment: ${state.comment}_   Enter next · Esc cancel`)
    : state.mode === 'choose' ? prompt(risks.length > 0
        ? 'Enter commit-confirm (window next) · n commit without confirm · Esc cancel'
        : 'Enter commit · k commit-confirm (window next) · Esc cancel')
    : state.mode === 'window' ? prompt(windowPrompt(state.window, state.windowProblem))
    : state.mode === 'confirm-rollback' && rollbackTo !== undefined ? prompt(`Roll back to revision ${rollbackTo.number}? y/n`)
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
