/**
 * Readers for typed CST nodes, shared by the CST→AST modules. A missing child or an invalid
 * token raises {@link IncompleteSyntax}: the declaration is then dropped rather than handed to
 * the checker half-built.
 */
import type { IToken } from "chevrotain";
import type * as ast from "./ast.js";
import type * as cst from "./cst.generated.js";
import { createDiagnostic, type Diagnostic } from "./diagnostics.js";
import { decodeStringLiteral, DurationLiteral, durationMilliseconds, tokenSpan } from "./lexer.js";
import type { Source, Span } from "./source.js";

/** Where conversion reports the few syntax errors the grammar leaves to it (test step words). */
export interface ConversionContext {
  readonly source: Source;
  readonly diagnostics: Diagnostic[];
}

/**
 * Thrown by the CST readers when a node lacks a required part or a token's text is not a
 * valid value (a duration `15x`); caught per declaration by {@link withIncompleteAsUndefined},
 * never escapes the front end. The parser hands over only declarations without syntax errors,
 * so a missing part means the readers and the grammar disagree: the declaration is dropped
 * rather than misread.
 */
export class IncompleteSyntax extends Error {}

/** The child at `index`, which the grammar requires. */
export function required<T>(items: readonly T[] | undefined, index = 0): T {
  const item = items?.[index];
  if (item === undefined) throw new IncompleteSyntax();
  return item;
}

/** The child at `index`, if the input had it. */
export function optional<T>(items: readonly T[] | undefined, index = 0): T | undefined {
  return items?.[index];
}

/** The token, if it was really written (not the end-of-input token, which has no offset). */
export function written(token: IToken): IToken {
  if (Number.isNaN(token.startOffset)) throw new IncompleteSyntax();
  return token;
}

/** The span of a written token. */
export function spanOf(token: IToken): Span {
  return tokenSpan(written(token));
}

/** The span of a CST node, from its first to its last written token. */
export function nodeSpan(node: { location?: { startOffset: number; endOffset?: number } | undefined }): Span {
  const start = node.location?.startOffset ?? Number.NaN;
  const end = node.location?.endOffset ?? Number.NaN;
  if (Number.isNaN(start) || Number.isNaN(end)) throw new IncompleteSyntax();
  return { start, end: end + 1 };
}

/** The smallest span covering both. */
export function join(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/** A token as an AST name. */
export function name(token: IToken): ast.Name {
  return { kind: "Name", text: written(token).image, span: spanOf(token) };
}

/** The names of a `nameList` (none when absent). */
export function names(list: cst.NameListCstNode | undefined): ast.Name[] {
  if (list === undefined) return [];
  return (list.children.name ?? []).map(name);
}

/** A string token as a literal with its decoded value. */
export function stringLiteral(token: IToken): ast.StringLiteral {
  return { kind: "StringLiteral", value: decodeStringLiteral(written(token).image).value, span: spanOf(token) };
}

/** A duration token as a literal in milliseconds; an invalid one (`15x`) is incomplete. */
export function durationLiteral(token: IToken): ast.DurationLiteral {
  const milliseconds = durationMilliseconds(written(token).image);
  if (token.tokenType !== DurationLiteral || milliseconds === undefined) throw new IncompleteSyntax();
  return { kind: "DurationLiteral", milliseconds, span: spanOf(token) };
}

/** Reports "expected X, found `y`" (AGP1005) at a token and abandons the declaration. */
export function reportWord(context: ConversionContext, token: IToken, expected: string): never {
  return report(context, token, `expected ${expected}, found \`${token.image}\``);
}

/** Runs a conversion; undefined when the CST turned out incomplete. */
export function withIncompleteAsUndefined<T>(convert: () => T): T | undefined {
  try {
    return convert();
  } catch (error) {
    if (error instanceof IncompleteSyntax) return undefined;
    throw error;
  }
}

/** Reports an AGP1005 syntax error at a token and abandons the declaration. */
export function report(context: ConversionContext, token: IToken, message: string, help?: string): never {
  context.diagnostics.push(createDiagnostic("AGP1005", message, context.source, spanOf(token), { help }));
  throw new IncompleteSyntax();
}
