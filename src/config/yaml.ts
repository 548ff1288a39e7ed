// The human form of the config (`v6edge config export|import`). Limits are checked on the YAML
// syntax tree before it becomes values: the CST parser keeps its own stack, so even a
// 10,000-deep document is measured without recursion.
import { LineCounter, Parser, parseDocument, stringify } from 'yaml';
import type { CST } from 'yaml';
import { err, problem, type Problem, type Result } from '../lib/result.ts';
import { MAX_DEPTH, MAX_DOCUMENT_BYTES, tooDeep, tooLarge } from './limits.ts';
import type { Config } from './schema.ts';
import { validateConfig } from './validate.ts';

/** Alias expansions allowed per document; stops "billion laughs" documents (yaml's maxAliasCount). */
export const MAX_ALIAS_COUNT = 100;

function utf8Length(text: string): number {
  // Each UTF-16 unit is at most 3 UTF-8 bytes; measure exactly only near the limit.
  return text.length * 3 <= MAX_DOCUMENT_BYTES ? text.length : new TextEncoder().encode(text).length;
}

interface Node {
  readonly token: CST.Token | undefined;
  readonly depth: number;
}

/** The offset of the first collection nested deeper than MAX_DEPTH, if any. */
function tooDeepOffset(tokens: Iterable<CST.Token>): number | undefined {
  const stack: Node[] = [];
  for (const t of tokens) stack.push({ token: t, depth: 0 });
  while (stack.length > 0) {
    const { token: t, depth } = stack.pop()!;
    if (t === undefined) continue;
    switch (t.type) {
      case 'document':
        stack.push({ token: t.value, depth });
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        if (depth + 1 > MAX_DEPTH) return t.offset;
        for (const item of t.items) {
          if ('key' in item) stack.push({ token: item.key ?? undefined, depth: depth + 1 });
          stack.push({ token: item.value, depth: depth + 1 });
        }
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** Parses and validates a YAML config; syntax errors carry line and column, schema errors a path. */
export function parseConfigYaml(text: string): Result<Config, Problem[]> {
  const bytes = utf8Length(text);
  if (bytes > MAX_DOCUMENT_BYTES) return err([tooLarge(bytes)]);
  const lines = new LineCounter();
  const deepAt = tooDeepOffset(new Parser(lines.addNewLine).parse(text));
  if (deepAt !== undefined) {
    const pos = lines.linePos(deepAt);
    return err([tooDeep({ line: pos.line, column: pos.col })]);
  }
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return err(
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return problem('yaml-syntax', `${firstLine(e.message)} (${e.code}).`, { line: pos.line, column: pos.col });
      }),
    );
  }
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
