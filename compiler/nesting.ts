/**
 * A pre-scan of a declaration's tokens that bounds how deeply it nests, so that recursive
 * descent (the parser, the CST→AST step, the checker, codegen) can never overflow the stack:
 * 10,000 nested parentheses become one AGP1008 diagnostic instead of a RangeError.
 */
import type { IToken, TokenType } from "chevrotain";
import { DurationLiteral, Identifier, InvalidNumber, keyword, NumberLiteral, punct, StringLiteral } from "./lexer.js";

/** Most brackets and prefix operators (`not`, unary `-`, `has`) open at once in one expression. */
export const maxNestingDepth = 200;

/**
 * Most levels of the AST under one declaration, counting each binary operator of a chain as a
 * level (`a or b or c` nests left), so passes that recurse on the AST stay well within the stack.
 */
export const maxTreeDepth = 1_000;

/** Where a declaration first nests too deeply, and which limit it passed. */
export interface ExcessiveNesting {
  readonly token: IToken;
  readonly limit: number;
}

/** How the scan treats each token type, indexed by `tokenTypeIdx` (a table is faster than sets). */
const enum Role {
  Other = 0,
  Opener,
  Closer,
  BinaryOperator,
  Minus,
  Prefix,
  OperandEnd,
  Comma,
  Dot,
}

const roles: Role[] = [];
function assign(role: Role, types: readonly TokenType[]): void {
  for (const type of types) if (type.tokenTypeIdx !== undefined) roles[type.tokenTypeIdx] = role;
}
assign(Role.Opener, [punct.LParen, punct.LBracket, punct.LBrace]);
assign(Role.Closer, [punct.RParen, punct.RBracket, punct.RBrace]);
assign(Role.BinaryOperator, [
  keyword.or,
  keyword.and,
  keyword.in,
  punct.EqualEqual,
  punct.NotEqual,
  punct.Less,
  punct.LessEqual,
  punct.Greater,
  punct.GreaterEqual,
  punct.Plus,
  punct.Star,
  punct.Slash,
]);
assign(Role.Minus, [punct.Minus]);
assign(Role.Prefix, [keyword.not, keyword.has]);
assign(Role.OperandEnd, [
  Identifier,
  StringLiteral,
  NumberLiteral,
  DurationLiteral,
  InvalidNumber,
  keyword.true,
  keyword.false,
  keyword.principal,
  keyword.resource,
  keyword.env,
  keyword.intent,
  keyword.action,
  keyword.event,
]);
assign(Role.Comma, [punct.Comma]);
assign(Role.Dot, [punct.Dot]);

function roleOf(token: IToken | undefined): Role {
  return token === undefined ? Role.Other : (roles[token.tokenTypeIdx] ?? Role.Other);
}

function endsOperand(token: IToken | undefined): boolean {
  const role = roleOf(token);
  return role === Role.OperandEnd || role === Role.Closer;
}

interface Frame {
  /** Levels this bracket adds: itself plus the prefix operators written right before it. */
  readonly weight: number;
  /** Binary operators seen in this bracket since the last `,` or clause keyword. */
  operators: number;
}

/**
 * The first token at which the tokens nest deeper than {@link maxNestingDepth} or build a tree
 * deeper than {@link maxTreeDepth}; undefined when they stay within both. Linear time.
 */
export function findExcessiveNesting(tokens: readonly IToken[]): ExcessiveNesting | undefined {
  // INVARIANT: every measured depth grows by at most one level per token, so a declaration
  // with fewer tokens than the smaller limit cannot pass either (the common case: no scan).
  if (tokens.length <= Math.min(maxNestingDepth, maxTreeDepth)) return undefined;
  const frames: Frame[] = [{ weight: 0, operators: 0 }];
  let nesting = 0;
  let operatorLevels = 0;
  let prefixRun = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === undefined) continue;
    const frame = frames[frames.length - 1];
    if (frame === undefined) break;
    const role = roleOf(token);
    if (role === Role.Prefix || (role === Role.Minus && !endsOperand(tokens[i - 1]))) {
      prefixRun++;
    } else if (role === Role.Opener) {
      frames.push({ weight: 1 + prefixRun, operators: 0 });
      nesting += 1 + prefixRun;
      prefixRun = 0;
    } else {
      prefixRun = 0;
      if (role === Role.Closer && frames.length > 1) {
        const closed = frames.pop();
        nesting -= closed?.weight ?? 0;
        operatorLevels -= closed?.operators ?? 0;
      } else if (role === Role.BinaryOperator || role === Role.Minus) {
        frame.operators++;
        operatorLevels++;
      } else if (role === Role.Comma || role === Role.Other) {
        operatorLevels -= frame.operators;
        frame.operators = 0;
      }
    }
    if (nesting + prefixRun > maxNestingDepth) return { token, limit: maxNestingDepth };
    if (nesting + prefixRun + operatorLevels > maxTreeDepth) return { token, limit: maxTreeDepth };
  }
  return undefined;
}
