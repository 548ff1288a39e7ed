// Splits radvd.conf text into tokens with 1-based line and column, the way radvd's flex
// scanner sees it: `#` starts a comment only at the start of a token, a word is a maximal run
// of radvd's "string" characters, and `"…"` is one quoted word (backslash escapes kept).
import { err, ok, problem } from '../../lib/result.ts';
import type { Result } from '../../lib/result.ts';

export type TokenKind = 'word' | 'quoted' | '{' | '}' | ';' | '/' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The token's text; for `quoted`, the text between the quotes. */
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

// radvd's scanner accepts these characters in an unquoted word (scanner.l, `string`).
const WORD_CHAR = /[A-Za-z0-9`~!@#$%^&*()_\-+=:[\]<>,.?\\]/;
const PUNCT = new Set(['{', '}', ';', '/']);

export function tokenize(text: string): Result<Token[]> {
  const tokens: Token[] = [];
  let line = 1;
  let column = 1;
  let i = 0;
  const advance = (n: number): void => {
    for (let k = 0; k < n; k++) {
      if (text[i] === '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
      i++;
    }
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      advance(1);
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') advance(1);
    } else if (PUNCT.has(c)) {
      tokens.push({ kind: c as TokenKind, text: c, line, column });
      advance(1);
    } else if (c === '"') {
      const start = { line, column };
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) {
        return err(problem('unterminated-string', 'a quoted string is not closed; add the closing \'"\'', start));
      }
      tokens.push({ kind: 'quoted', text: text.slice(i + 1, j), ...start });
      advance(j + 1 - i);
    } else if (WORD_CHAR.test(c)) {
      let j = i;
      while (j < text.length && WORD_CHAR.test(text[j]!)) j++;
      tokens.push({ kind: 'word', text: text.slice(i, j), line, column });
      advance(j - i);
    } else {
      return err(
        problem('bad-token', `unexpected character ${JSON.stringify(c)}; radvd.conf does not allow it here`, {
          line,
          column,
        }),
      );
    }
  }
  tokens.push({ kind: 'eof', text: '', line, column });
  return ok(tokens);
}
