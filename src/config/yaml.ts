// The human form of the config (`v6edge config export|import`). Limits are checked before the
// text becomes values: bytes first, then a node budget counted on the text (yaml builds about
// 1 KB of syntax tree and document per node, so bytes alone do not bound its memory), then
// depth on the syntax tree, whose parser keeps its own stack, so even a 10,000-deep document is
// measured without recursion. The tree is parsed once and composed from the same tokens.
import { Composer, isCollection, isMap, isScalar, isSeq, LineCounter, Parser, stringify } from 'yaml';
import type { CST, Document } from 'yaml';
import { err, problem, type Problem, type Result } from '../lib/result.ts';
import { MAX_DEPTH, MAX_DOCUMENT_BYTES, tooDeep, tooLarge } from './limits.ts';
import type { Config } from './schema.ts';
import { validateConfig } from './validate.ts';

/**
 * Alias expansions allowed per anchor, weighted by nesting (yaml's maxAliasCount); stops "billion
 * laughs" documents. The expansion is still up to this many times the text, but validateConfig's
 * limits walk measures the expanded value, so it is refused at MAX_DOCUMENT_BYTES all the same.
 */
export const MAX_ALIAS_COUNT = 100;

/**
 * Nodes a YAML document may hold, as yamlNodeEstimate counts them. yaml builds its syntax tree
 * and document at about 1 KB and 10 µs per node here, so this, not the byte limit, bounds a YAML
 * parse: the 40,000-host × 10-network fleet exported as YAML counts 2.2 million (parse and
 * validate: 13 s, 2.8 GB peak), and a hostile `[0,0,…]` or `- 0` list at the budget took 35 s and
 * 3 GB before the schema refused it, where 24 MiB of it would take 12 GB. Only local files take
 * this path (`v6edge config import|edit`); the API takes JSON.
 */
export const MAX_YAML_NODES = 3_000_000;

/**
 * An upper bound on the nodes yaml will build, counted on the text: every node but a document's
 * first starts right after one of `, [ { - ?` or a `:`, and a `:` can bring two (a block map's
 * key begins the line before it; a flow sequence's `[a: b]` item is a map, its key and its value
 * after one `,`), so nodes ≤ the count with `:` weighted 2, plus one per document. Indicators in
 * scalars and comments count too, which only errs on the side of refusing.
 */
export function yamlNodeEstimate(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3a) n += 2; // :
    else if (c === 0x2c || c === 0x5b || c === 0x7b || c === 0x2d || c === 0x3f) n++; // , [ { - ?
  }
  return n;
}

function utf8Length(text: string): number {
  // Each UTF-16 unit is at most 3 UTF-8 bytes; measure exactly only near the limit.
  return text.length * 3 <= MAX_DOCUMENT_BYTES ? text.length : new TextEncoder().encode(text).length;
}

interface Node {
  readonly token: CST.BlockMap | CST.BlockSequence | CST.FlowCollection;
  readonly depth: number;
}

/** The offset of the first collection nested deeper than MAX_DEPTH, if any. */
function tooDeepOffset(tokens: readonly CST.Token[]): number | undefined {
  // Only collections go on the stack: scalars are most of a document and cannot nest.
  const stack: Node[] = [];
  const push = (t: CST.Token | null | undefined, depth: number): void => {
    if (t?.type === 'block-map' || t?.type === 'block-seq' || t?.type === 'flow-collection') stack.push({ token: t, depth });
  };
  for (const t of tokens) if (t.type === 'document') push(t.value, 1);
  while (stack.length > 0) {
    const { token: t, depth } = stack.pop()!;
    if (depth > MAX_DEPTH) return t.offset;
    for (const item of t.items) {
      if ('key' in item) push(item.key, depth + 1);
      push(item.value, depth + 1);
    }
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** The first document; a second one is a syntax error, as yaml's parseDocument makes it. */
function firstDocument(tokens: readonly CST.Token[], length: number, lines: LineCounter): { doc: Document.Parsed; extra: Problem[] } {
  // uniqueKeys is checked by duplicateKeys: yaml's own check scans the map per key, quadratic
  // in a map's size (a 40,000-host `hosts` map took over a minute).
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false });
  let doc: Document.Parsed | undefined;
  for (const d of composer.compose(tokens, true, length)) {
    if (doc === undefined) {
      doc = d;
      continue;
    }
    const pos = lines.linePos(d.range[0]);
    return { doc, extra: [problem('yaml-syntax', 'The text holds more than one YAML document; a config is one (MULTIPLE_DOCS).', { line: pos.line, column: pos.col })] };
  }
  // compose(…, forceDoc = true) yields a document even for empty text.
  return { doc: doc!, extra: [] };
}

/**
 * A problem per map key that repeats an earlier scalar key of the same map: one Set per map, so
 * linear in the document. Depth is already bounded, but the walk keeps its own stack anyway.
 */
function duplicateKeys(doc: Document.Parsed, lines: LineCounter): Problem[] {
  const out: Problem[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isSeq(node)) {
      for (const item of node.items) if (isCollection(item)) stack.push(item);
      continue;
    }
    if (!isMap(node)) continue;
    const seen = new Set<unknown>();
    for (const { key, value } of node.items) {
      if (isCollection(key)) stack.push(key);
      if (isCollection(value)) stack.push(value);
      if (!isScalar(key)) continue;
      if (seen.has(key.value)) {
        const pos = lines.linePos(key.range?.[0] ?? 0);
        out.push(problem('yaml-syntax', 'Map keys must be unique (DUPLICATE_KEY).', { line: pos.line, column: pos.col }));
      }
      seen.add(key.value);
    }
  }
  // The walk visits maps last-first; operators read problems top to bottom.
  return out.sort((a, b) => lineOf(a) - lineOf(b) || columnOf(a) - columnOf(b));
}

const lineOf = (p: Problem): number => (p.where !== undefined && 'line' in p.where ? p.where.line : 0);
const columnOf = (p: Problem): number => (p.where !== undefined && 'column' in p.where ? p.where.column : 0);

/** Parses and validates a YAML config; syntax errors carry line and column, schema errors a path. */
export function parseConfigYaml(text: string): Result<Config, Problem[]> {
  const bytes = utf8Length(text);
  if (bytes > MAX_DOCUMENT_BYTES) return err([tooLarge(bytes)]);
  const nodes = yamlNodeEstimate(text);
  if (nodes > MAX_YAML_NODES) {
    const message = `The YAML may hold ${nodes} nodes, counted by its indicators; the limit is ${MAX_YAML_NODES}. Import a document this large as JSON.`;
    return err([problem('too-large', message)]);
  }
  const lines = new LineCounter();
  const tokens = Array.from(new Parser(lines.addNewLine).parse(text));
  const deepAt = tooDeepOffset(tokens);
  if (deepAt !== undefined) {
    const pos = lines.linePos(deepAt);
    return err([tooDeep({ line: pos.line, column: pos.col })]);
  }
  const { doc, extra } = firstDocument(tokens, text.length, lines);
  const syntax = doc.errors.map((e) => {
    const pos = lines.linePos(e.pos[0]);
    return problem('yaml-syntax', `${firstLine(e.message)} (${e.code}).`, { line: pos.line, column: pos.col });
  });
  syntax.push(...extra);
  if (syntax.length > 0) return err(syntax);
  const duplicates = duplicateKeys(doc, lines);
  if (duplicates.length > 0) return err(duplicates);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // yaml throws a ReferenceError when aliases expand past maxAliasCount or point nowhere.
    return err([problem('too-many-aliases', `${firstLine((e as Error).message)} Use at most ${MAX_ALIAS_COUNT} alias expansions.`)]);
  }
  return validateConfig(value ?? {});
}

/** YAML text for a config, keys in schema order; parseConfigYaml gives the same config back. */
export function configToYaml(config: Config): string {
  return stringify(config, { lineWidth: 0, aliasDuplicateObjects: false });
}
