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
 * Most levels of the AST under one declaration. Each operator of a chain is a level (`a or b
 * or c` is two: the parser nests it left), and so is each `.` of a member chain, each bracket
 * and each prefix operator. Every pass that recurses on the AST (the checker, codegen) and the
 * tools that read the generated code (TypeScript, Prettier) handle this depth with room to
 * spare: they overflow near 900 levels, and a limit there would make some long chains fail
 * with an internal error instead of this diagnostic.
 */
export const maxTreeDepth = 500;

/** The `help` of the AGP1008 diagnostic for a declaration that passed `limit`. */
export function excessiveNestingHelp(limit: number): string {
  return limit === maxTreeDepth
    ? "a chain of N operators (`a or b or ...`) counts as N levels and each `.` as one; split the condition into several rules, or put long lists of values in a list field and use `in`"
    : "split the condition into simpler parts";
}

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

/**
 * Binding level of each binary operator, loosest first (`or` 0 … `*` `/` 4); the scan tracks
 * one left-associative chain per level, as the parser builds them.
 */
const levelCount = 5;
const operatorLevels: number[] = [];
function level(value: number, types: readonly TokenType[]): void {
  for (const type of types) if (type.tokenTypeIdx !== undefined) operatorLevels[type.tokenTypeIdx] = value;
}
level(0, [keyword.or]);
level(1, [keyword.and]);
level(2, [
  keyword.in,
  punct.EqualEqual,
  punct.NotEqual,
  punct.Less,
  punct.LessEqual,
  punct.Greater,
  punct.GreaterEqual,
]);
level(3, [punct.Plus, punct.Minus]);
level(4, [punct.Star, punct.Slash]);

/** One open bracket (or the whole declaration) and the tree measured inside it so far. */
class Frame {
  /** Operators of the chain at each level in the current operand of that level. */
  readonly operators = new Array<number>(levelCount).fill(0);
  /** Deepest finished operand of each level's chain (left of its last operator). */
  readonly finished = new Array<number>(levelCount).fill(0);
  /** Depth of the operand being read: prefix operators, a closed bracket, `.` accesses. */
  operand = 0;
  /** Deepest element finished before the last `,` or clause keyword. */
  element = 0;

  constructor(
    /** Brackets and prefix operators this bracket adds to the parser's recursion. */
    readonly weight: number,
    /** Tree levels above this bracket's contents. */
    readonly above: number,
    /** The enclosing operand's depth when this bracket opened (a call's name, prefixes). */
    readonly base: number,
  ) {}

  /** Depth of the expression read so far in this bracket, as the parser nests it. */
  depth(): number {
    let depth = this.operand;
    for (let index = levelCount - 1; index >= 0; index--) {
      depth = (this.operators[index] ?? 0) + Math.max(this.finished[index] ?? 0, depth);
    }
    return Math.max(this.element, depth);
  }

  /** Levels between this bracket's top and its current operand: one per open chain. */
  openLevels(): number {
    let open = 0;
    for (const count of this.operators) if (count > 0) open++;
    return open;
  }

  /** Starts the right operand of an operator at `at`: the chains binding tighter are finished. */
  operator(at: number): void {
    let depth = this.operand;
    for (let index = levelCount - 1; index > at; index--) {
      depth = (this.operators[index] ?? 0) + Math.max(this.finished[index] ?? 0, depth);
      this.operators[index] = 0;
      this.finished[index] = 0;
    }
    this.finished[at] = Math.max(this.finished[at] ?? 0, depth);
    this.operators[at] = (this.operators[at] ?? 0) + 1;
    this.operand = 0;
  }

  /** Ends an element (at `,` or a clause keyword): the next one starts a fresh tree. */
  endElement(): void {
    this.element = this.depth();
    this.operators.fill(0);
    this.finished.fill(0);
    this.operand = 0;
  }
}

/**
 * The first token at which the tokens nest deeper than {@link maxNestingDepth} or build a tree
 * deeper than {@link maxTreeDepth}; undefined when they stay within both. Linear time.
 */
export function findExcessiveNesting(tokens: readonly IToken[]): ExcessiveNesting | undefined {
  // INVARIANT: every measured depth grows by at most one level per token, so a declaration
  // with fewer tokens than the smaller limit cannot pass either (the common case: no scan).
  if (tokens.length <= Math.min(maxNestingDepth, maxTreeDepth)) return undefined;
  const frames: Frame[] = [new Frame(0, 0, 0)];
  let nesting = 0;
  let prefixRun = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === undefined) continue;
    const frame = frames[frames.length - 1];
    if (frame === undefined) break;
    const previous = tokens[i - 1];
    const role = roleOf(token);
    if (role === Role.Prefix || (role === Role.Minus && !endsOperand(previous))) {
      prefixRun++;
    } else if (role === Role.Opener) {
      // A call or typed record literal (`f(`, `T {`) opens on its name; anything else starts
      // a fresh operand.
      const base = roleOf(previous) === Role.OperandEnd ? frame.operand : prefixRun;
      frames.push(new Frame(1 + prefixRun, frame.above + frame.openLevels() + base + 1, base));
      nesting += 1 + prefixRun;
      prefixRun = 0;
    } else if (role === Role.Closer && frames.length > 1) {
      prefixRun = 0;
      frames.pop();
      nesting -= frame.weight;
      const outer = frames[frames.length - 1];
      if (outer !== undefined) outer.operand = frame.base + 1 + frame.depth();
    } else if (role === Role.BinaryOperator || role === Role.Minus) {
      prefixRun = 0;
      frame.operator(operatorLevels[token.tokenTypeIdx] ?? 0);
    } else if (role === Role.Dot) {
      prefixRun = 0;
      frame.operand++;
    } else if (role === Role.OperandEnd) {
      // A field name after `.` continues the operand; anything else starts one.
      if (roleOf(previous) !== Role.Dot) frame.operand = prefixRun;
      prefixRun = 0;
    } else {
      prefixRun = 0;
      frame.endElement();
    }
    if (nesting + prefixRun > maxNestingDepth) return { token, limit: maxNestingDepth };
    const current = frames[frames.length - 1];
    if (current !== undefined && current.above + current.depth() + prefixRun > maxTreeDepth) {
      return { token, limit: maxTreeDepth };
    }
  }
  return undefined;
}
