/**
 * The agp lexer: Chevrotain token types for `.agp` and `*.test.agp` files, and
 * {@link tokenize}, which turns a {@link Source} into tokens, comments and lexical
 * diagnostics (AGP1001–AGP1004, AGP1007) without ever throwing.
 *
 * Malformed literals still become tokens (an unterminated string is a `StringLiteral`, `15x`
 * is an `InvalidNumber` that the parser accepts wherever a number or duration may stand), so
 * one bad literal produces one diagnostic and not a cascade of parse errors.
 */
import type { CustomPatternMatcherReturn, IToken, TokenType } from "chevrotain";
import { chevrotain } from "./chevrotain.js";
import { createDiagnostic, type Diagnostic } from "./diagnostics.js";
import type { Source, Span } from "./source.js";

const { createToken, Lexer } = chevrotain;

/** Every identifier and keyword: where a field name is expected, any of them may stand. */
export const AnyName = createToken({ name: "AnyName", pattern: Lexer.NA, label: "a name" });

/** The keywords that are also expression roots (`principal`, `resource`, `env`, ...). */
export const RootName = createToken({ name: "RootName", pattern: Lexer.NA, label: "an expression" });

/**
 * `or and == != < <= > >= in + - * /`: every binary operator. One category keeps operands and
 * operators in written order in the CST; cst-to-ast applies their precedence.
 */
export const BinaryOperator = createToken({ name: "BinaryOperator", pattern: Lexer.NA, label: "an operator" });

/** `not` and unary `-`. */
export const PrefixOperator = createToken({ name: "PrefixOperator", pattern: Lexer.NA, label: "`not` or `-`" });

/** Numbers and durations, valid or not. */
export const NumberLike = createToken({ name: "NumberLike", pattern: Lexer.NA, label: "a number" });

/** `[A-Za-z_][A-Za-z0-9_]*` that is not a keyword. */
export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  categories: [AnyName],
  label: "a name",
});

// prettier-ignore
const keywordTexts = [
  "policy", "test", "sensitivity", "entity", "agent", "resource", "context", "action", "on", "intent",
  "actions", "max", "allow", "deny", "when", "grant", "reason", "separate", "by", "monitor", "then",
  "revoke", "downgrade", "to", "review", "alert", "and", "or", "not", "in", "has", "true", "false", "count",
  "exists", "within", "where", "let", "case", "session", "env", "expect", "advance", "redeem", "refused",
  "resolve", "principal", "event",
] as const;

/** A reserved word of the language. */
export type KeywordText = (typeof keywordTexts)[number];

const rootKeywords: ReadonlySet<string> = new Set(["principal", "resource", "env", "intent", "action", "event"]);

function keywordToken(text: KeywordText): TokenType {
  return createToken({
    name: text.charAt(0).toUpperCase() + text.slice(1),
    pattern: new RegExp(text),
    longer_alt: Identifier,
    categories: rootKeywords.has(text)
      ? [AnyName, RootName]
      : text === "in" || text === "and" || text === "or"
        ? [AnyName, BinaryOperator]
        : text === "not"
          ? [AnyName, PrefixOperator]
          : [AnyName],
    label: `\`${text}\``,
  });
}

/**
 * The keyword token types by their text. `approve`, `reject` and the step states (`active`,
 * `revoked`, ...) are deliberately not keywords: DESIGN.md names an action `approve`, so they
 * stay identifiers and the CST→AST step checks them where a test step needs them.
 */
export const keyword = Object.fromEntries(keywordTexts.map((text) => [text, keywordToken(text)])) as Record<
  KeywordText,
  TokenType
>;

/** Numeric prefix, optional fraction, then a letter run (a unit, or garbage like `15x`). */
const numberShape = /(\d+)(\.\d+)?([A-Za-z_][A-Za-z0-9_]*)?/y;

/** Milliseconds per duration unit. */
export const durationUnits: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Whether `unit` is a duration unit (own keys only: `1toString` is no duration). */
export function isDurationUnit(unit: string): boolean {
  return Object.hasOwn(durationUnits, unit);
}

type NumberShapeKind = "number" | "duration" | "invalid";

function matchNumberShape(text: string, offset: number, wanted: NumberShapeKind): CustomPatternMatcherReturn | null {
  numberShape.lastIndex = offset;
  const match = numberShape.exec(text);
  if (!match) return null;
  const [, , fraction, unit] = match;
  const kind: NumberShapeKind =
    unit === undefined ? "number" : fraction === undefined && isDurationUnit(unit) ? "duration" : "invalid";
  return kind === wanted ? [match[0]] : null;
}

const digitHints = [..."0123456789"];

/** An integer immediately followed by a unit: `90s 15m 2h 7d 500ms`. */
export const DurationLiteral = createToken({
  name: "DurationLiteral",
  pattern: { exec: (text: string, offset: number) => matchNumberShape(text, offset, "duration") },
  start_chars_hint: digitHints,
  line_breaks: false,
  categories: [NumberLike],
  label: "a duration",
});

/**
 * A number glued to letters that are not a duration unit (`15x`, `1.5m`). Reported as AGP1007
 * by {@link tokenize}; it matches both number and duration positions so parsing goes on.
 */
export const InvalidNumber = createToken({
  name: "InvalidNumber",
  pattern: { exec: (text: string, offset: number) => matchNumberShape(text, offset, "invalid") },
  start_chars_hint: digitHints,
  line_breaks: false,
  categories: [NumberLike, DurationLiteral],
  label: "a number",
});

/** `\d+(\.\d+)?`, no sign (unary minus is in the grammar). */
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: { exec: (text: string, offset: number) => matchNumberShape(text, offset, "number") },
  start_chars_hint: digitHints,
  line_breaks: false,
  categories: [NumberLike],
  label: "a number",
});

/**
 * A double-quoted string. The pattern stops at the closing quote, or before a raw line break
 * or the end of the text (an unterminated string, reported by {@link tokenize}).
 */
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: {
    exec: (text: string, offset: number): CustomPatternMatcherReturn | null => {
      if (text.charCodeAt(offset) !== 34) return null;
      let i = offset + 1;
      while (i < text.length) {
        const ch = text.charCodeAt(i);
        if (ch === 34) return [text.slice(offset, i + 1)];
        if (ch === 10 || ch === 13) break;
        if (ch === 92) {
          const next = text.charCodeAt(i + 1);
          i += next === 10 || next === 13 || Number.isNaN(next) ? 1 : 2;
        } else i++;
      }
      return [text.slice(offset, i)];
    },
  },
  start_chars_hint: ['"'],
  line_breaks: false,
  label: "a string",
});

/** `// to the end of the line`, kept in the "comments" group for the formatter. */
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n\r]*/, group: "comments" });

/** `/* ... *\/` (not nested); an unclosed one runs to the end of the text (AGP1004). */
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: {
    exec: (text: string, offset: number): CustomPatternMatcherReturn | null => {
      if (!text.startsWith("/*", offset)) return null;
      const close = text.indexOf("*/", offset + 2);
      return [text.slice(offset, close < 0 ? text.length : close + 2)];
    },
  },
  start_chars_hint: ["/"],
  line_breaks: true,
  group: "comments",
});

/** Spaces, tabs, line breaks and a byte-order mark (editors on Windows add one). */
const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\f\v\uFEFF]+/, group: Lexer.SKIPPED });

function punctuation(name: string, text: string, categories: TokenType[] = []): TokenType {
  return createToken({ name, pattern: text, label: `\`${text}\``, categories });
}

/** Punctuation and operators by name. */
export const punct = {
  LessEqual: punctuation("LessEqual", "<=", [BinaryOperator]),
  GreaterEqual: punctuation("GreaterEqual", ">=", [BinaryOperator]),
  EqualEqual: punctuation("EqualEqual", "==", [BinaryOperator]),
  NotEqual: punctuation("NotEqual", "!=", [BinaryOperator]),
  Less: punctuation("Less", "<", [BinaryOperator]),
  Greater: punctuation("Greater", ">", [BinaryOperator]),
  Equals: punctuation("Equals", "="),
  LBrace: punctuation("LBrace", "{"),
  RBrace: punctuation("RBrace", "}"),
  LParen: punctuation("LParen", "("),
  RParen: punctuation("RParen", ")"),
  LBracket: punctuation("LBracket", "["),
  RBracket: punctuation("RBracket", "]"),
  Comma: punctuation("Comma", ","),
  Colon: punctuation("Colon", ":"),
  Dot: punctuation("Dot", "."),
  Question: punctuation("Question", "?"),
  Star: punctuation("Star", "*", [BinaryOperator]),
  Plus: punctuation("Plus", "+", [BinaryOperator]),
  Minus: punctuation("Minus", "-", [BinaryOperator, PrefixOperator]),
  Slash: punctuation("Slash", "/", [BinaryOperator]),
} as const;

/** Every token type, in the order the lexer tries them (and the parser's vocabulary). */
export const allTokens: readonly TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  StringLiteral,
  DurationLiteral,
  InvalidNumber,
  NumberLiteral,
  AnyName,
  RootName,
  NumberLike,
  BinaryOperator,
  PrefixOperator,
  // INVARIANT: longest keywords first, so `intent` is not lexed as `in` + `tent`.
  ...[...keywordTexts].sort((a, b) => b.length - a.length).map((text) => keyword[text]),
  Identifier,
  ...Object.values(punct),
];

/**
 * The agp lexer. `validateTokens` runs Chevrotain's checks of the token definitions
 * (unreachable or empty patterns...): off for the shared lexer, where they would cost every
 * command start-up time for definitions that do not change at run time; `parser.test.ts`
 * builds a lexer with them on.
 */
export function createLexer(options: { readonly validateTokens?: boolean } = {}): InstanceType<typeof Lexer> {
  return new Lexer([...allTokens], {
    positionTracking: "onlyOffset",
    ensureOptimizations: true,
    skipValidations: options.validateTokens !== true,
  });
}

// INVARIANT: built once; Chevrotain's lexer analysis is costly and the lexer is stateless.
const lexer = createLexer();

/** A comment as written, delimiters included (`// ...` or `/* ... *\/`). */
export interface Comment {
  readonly text: string;
  readonly span: Span;
}

/** What {@link tokenize} produces. */
export interface LexResult {
  /** The tokens the parser reads, comments and whitespace excluded. */
  readonly tokens: readonly IToken[];
  readonly comments: readonly Comment[];
  readonly diagnostics: readonly Diagnostic[];
}

/** The span of a token in its source (half-open). */
export function tokenSpan(token: IToken): Span {
  return { start: token.startOffset, end: token.startOffset + token.image.length };
}

/**
 * Splits a source into tokens and comments and reports lexical errors: unexpected characters
 * (AGP1001), unterminated strings (AGP1002), bad escapes (AGP1003), unterminated block comments
 * (AGP1004) and bad numbers or durations (AGP1007). Never throws.
 */
export function tokenize(source: Source): LexResult {
  const lexed = lexer.tokenize(source.text);
  const diagnostics: Diagnostic[] = [];
  for (const error of lexed.errors) {
    const span = { start: error.offset, end: error.offset + error.length };
    const text = source.slice(span);
    diagnostics.push(
      createDiagnostic("AGP1001", `unexpected character${text.length > 1 ? "s" : ""} \`${text}\``, source, span, {
        help: text === "!" ? "for negation write `not`, for inequality `!=`" : undefined,
      }),
    );
  }
  for (const token of lexed.tokens) {
    // Offsets are all the compiler needs (lines come from Source); the parser's node
    // locations also need each token's inclusive end.
    token.endOffset = token.startOffset + token.image.length - 1;
    if (token.tokenType === StringLiteral) {
      diagnostics.push(...stringDiagnostics(source, token));
    } else if (token.tokenType === InvalidNumber) {
      diagnostics.push(invalidNumberDiagnostic(source, token));
    } else if (token.tokenType === NumberLiteral || token.tokenType === DurationLiteral) {
      const problem = outOfRange(token);
      if (problem) diagnostics.push(createDiagnostic("AGP1007", problem.message, source, tokenSpan(token), { help: problem.help }));
    }
  }
  const commentTokens = lexed.groups["comments"] ?? [];
  const comments = commentTokens.map((token) => ({ text: token.image, span: tokenSpan(token) }));
  for (const token of commentTokens) {
    if (token.tokenType === BlockComment && !(token.image.length >= 4 && token.image.endsWith("*/"))) {
      diagnostics.push(
        createDiagnostic(
          "AGP1004",
          "unterminated block comment",
          source,
          { start: token.startOffset, end: token.startOffset + 2 },
          {
            help: "close the comment with `*/`",
          },
        ),
      );
    }
  }
  return { tokens: lexed.tokens, comments, diagnostics };
}

/**
 * The longest duration a policy or test may write: 1,000,000 days (about 2,700 years). Times
 * plus durations stay far inside what a JavaScript Date holds, so grant expiries, windows and
 * `advance` never become invalid dates.
 */
export const MAX_DURATION_MS = 1_000_000 * 86_400_000;

/** The milliseconds a duration literal's text (`15m`) denotes, or undefined when it is no duration (`15x`). */
export function durationMilliseconds(image: string): number | undefined {
  const match = /^(\d+)([a-z]+)$/.exec(image);
  const unit = match?.[2] ?? "";
  return match && isDurationUnit(unit) ? Number(match[1]) * (durationUnits[unit] ?? 0) : undefined;
}

/** Why a well-formed number or duration cannot be used (too large to hold), or undefined. */
function outOfRange(token: IToken): { message: string; help: string } | undefined {
  const shown = token.image.length > 24 ? `${token.image.slice(0, 20)}…` : token.image;
  if (token.tokenType === NumberLiteral) {
    return Number.isFinite(Number(token.image)) ? undefined : { message: `number \`${shown}\` is too large`, help: "numbers are 64-bit floating point: at most about 1.8e308" };
  }
  const milliseconds = durationMilliseconds(token.image);
  return milliseconds === undefined || milliseconds <= MAX_DURATION_MS
    ? undefined
    : { message: `duration \`${shown}\` is too long`, help: "a duration is at most 1000000d (about 2,700 years)" };
}

function invalidNumberDiagnostic(source: Source, token: IToken): Diagnostic {
  const image = token.image;
  const unit = /[A-Za-z_][A-Za-z0-9_]*$/.exec(image)?.[0] ?? "";
  const isFraction = image.includes(".");
  const message =
    isFraction && isDurationUnit(unit)
      ? `a duration needs a whole number, found \`${image}\``
      : `invalid number or duration \`${image}\``;
  const help =
    isFraction && isDurationUnit(unit)
      ? "use a smaller unit, e.g. `90s` instead of `1.5m`"
      : "a duration is a whole number followed by `ms`, `s`, `m`, `h` or `d`, e.g. `15m`";
  return createDiagnostic("AGP1007", message, source, tokenSpan(token), { help });
}

/** A problem inside a string literal, at offsets relative to the literal's opening quote. */
export interface StringProblem {
  readonly code: "AGP1002" | "AGP1003";
  readonly start: number;
  readonly end: number;
}

/** A string literal's decoded value and what is wrong with it, if anything. */
export interface DecodedString {
  readonly value: string;
  readonly problems: readonly StringProblem[];
}

const simpleEscapes: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  n: "\n",
  t: "\t",
  r: "\r",
  b: "\b",
  f: "\f",
};

/**
 * Decodes a string literal's image (quotes included) with JSON's escapes. Bad escapes decode
 * to themselves and are listed as problems, as is a missing closing quote.
 */
export function decodeStringLiteral(image: string): DecodedString {
  const terminated = image.length >= 2 && image.endsWith('"') && !isEscapedAt(image, image.length - 1);
  const bodyEnd = terminated ? image.length - 1 : image.length;
  const problems: StringProblem[] = terminated ? [] : [{ code: "AGP1002", start: 0, end: image.length }];
  if (!image.includes("\\")) return { value: image.slice(1, bodyEnd), problems };
  let value = "";
  let i = 1;
  while (i < bodyEnd) {
    const ch = image[i] ?? "";
    if (ch !== "\\") {
      value += ch;
      i++;
      continue;
    }
    const escaped = image[i + 1] ?? "";
    const simple = simpleEscapes[escaped];
    if (simple !== undefined && i + 1 < bodyEnd) {
      value += simple;
      i += 2;
    } else if (escaped === "u" && /^[0-9A-Fa-f]{4}$/.test(image.slice(i + 2, i + 6)) && i + 6 <= bodyEnd) {
      value += String.fromCharCode(Number.parseInt(image.slice(i + 2, i + 6), 16));
      i += 6;
    } else {
      const hexRun = escaped === "u" ? (/^[0-9A-Fa-f]{0,3}/.exec(image.slice(i + 2, bodyEnd))?.[0].length ?? 0) : 0;
      const end = Math.min(bodyEnd, i + 2 + hexRun);
      problems.push({ code: "AGP1003", start: i, end: Math.max(end, i + 1) });
      value += image.slice(i, end);
      i = Math.max(end, i + 1);
    }
  }
  return { value, problems };
}

function isEscapedAt(image: string, index: number): boolean {
  let backslashes = 0;
  for (let i = index - 1; i > 0 && image[i] === "\\"; i--) backslashes++;
  return backslashes % 2 === 1;
}

function stringDiagnostics(source: Source, token: IToken): Diagnostic[] {
  const { problems } = decodeStringLiteral(token.image);
  return problems.map((problem) => {
    const span = { start: token.startOffset + problem.start, end: token.startOffset + problem.end };
    return problem.code === "AGP1002"
      ? createDiagnostic("AGP1002", "unterminated string literal", source, span, {
          help: 'close the string with `"` on the same line; write a line break as `\\n`',
        })
      : createDiagnostic("AGP1003", `invalid escape sequence \`${source.slice(span)}\` in a string`, source, span, {
          help: 'the escapes are `\\"` `\\\\` `\\/` `\\n` `\\t` `\\r` `\\b` `\\f` and `\\uXXXX`',
        });
  });
}
