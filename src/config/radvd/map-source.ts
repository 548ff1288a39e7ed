// Where things were written in a radvd.conf text, for naming what an import leaves behind.
// The syntax tree keeps values, not positions, so this walks the tokens once more and records
// the first token of every statement: interface options, block heads (the nth block of each
// kind) and the options inside each block.
import type { Where } from '../../lib/result.ts';
import { tokenize } from './lexer.ts';
import { BLOCK_KEYWORDS } from './options.ts';

/** The position of a statement, or undefined when the text does not have it. */
export type RadvdLocator = (at: RadvdSpot) => Where | undefined;

/** A statement: an interface option, a block's head, or an option inside the block. */
export interface RadvdSpot {
  readonly iface: string;
  /** Block keyword (`prefix`, `RDNSS`, …) and its index among blocks of that kind. */
  readonly block?: { readonly kind: string; readonly index: number };
  /** Option keyword; absent for the block head itself. */
  readonly keyword?: string;
}

const BLOCKS = new Map<string, string>(BLOCK_KEYWORDS.map((k) => [k.toLowerCase(), k]));

function spotKey(s: RadvdSpot): string {
  const block = s.block === undefined ? '' : `${s.block.kind.toLowerCase()}#${s.block.index}`;
  return `${s.iface}|${block}|${(s.keyword ?? '').toLowerCase()}`;
}

/** A locator for `text`; one that finds nothing when the text does not tokenize. */
export function locateRadvd(text: string): RadvdLocator {
  const tokens = tokenize(text);
  const found = new Map<string, Where>();
  if (!tokens.ok) return () => undefined;
  let depth = 0;
  let iface: string | undefined;
  let block: { kind: string; index: number } | undefined;
  let counts = new Map<string, number>();
  let statementStart = true;
  let expectName = false;
  const record = (s: RadvdSpot, where: Where): void => {
    const key = spotKey(s);
    if (!found.has(key)) found.set(key, where);
  };
  for (const t of tokens.value) {
    const where = { line: t.line, column: t.column };
    if (t.kind === '{' || t.kind === '}' || t.kind === ';') {
      if (t.kind === '{') depth++;
      if (t.kind === '}') depth--;
      // A `}` back at interface level ends the block; so does the `;` of a brace-less
      // `prefix X/64;` (newer radvd).
      if (depth <= 1 && t.kind !== '{') block = undefined;
      if (depth === 0 && t.kind === '}') iface = undefined;
      statementStart = true;
      continue;
    }
    if (t.kind !== 'word' && t.kind !== 'quoted') continue;
    const start = statementStart;
    statementStart = false;
    if (depth === 0) {
      if (expectName) {
        iface = t.text;
        counts = new Map();
        expectName = false;
      } else if (t.text.toLowerCase() === 'interface') {
        expectName = true;
      }
      continue;
    }
    if (iface === undefined || !start) continue;
    const kind = BLOCKS.get(t.text.toLowerCase());
    if (depth === 1 && kind !== undefined) {
      const index = counts.get(kind) ?? 0;
      counts.set(kind, index + 1);
      block = { kind, index };
      record({ iface, block }, where);
    } else if (depth === 1) {
      record({ iface, keyword: t.text }, where);
    } else if (depth === 2 && block !== undefined) {
      record({ iface, block, keyword: t.text }, where);
    }
  }
  return (s) => found.get(spotKey(s));
}
