/**
 * The parser's public entry: {@link parsePolicy} and {@link parseTestFile}.
 *
 * A file is `policy NAME declaration*` (or `test NAME (letDecl | caseDecl)*`). After the
 * header, the token vector is cut before every token that can only start a declaration, and
 * each piece is parsed on its own by the shared Chevrotain parser. So one broken declaration
 * never hides errors in the next: five independent errors give five diagnostics. A declaration
 * with a syntax error is reported once (its first error) and dropped from the AST.
 */
import type { IRecognitionException, IToken, TokenType } from "chevrotain";
import type { PolicyDeclaration, PolicyFile, TestDeclaration, TestFile } from "./ast.js";
import type { DeclarationCstNode, TestDeclarationCstNode } from "./cst.generated.js";
import { declarationToAst, testDeclarationToAst, type ConversionContext } from "./cst-to-ast.js";
import { createDiagnostic, type Diagnostic } from "./diagnostics.js";
import { Identifier, keyword, punct, StringLiteral, tokenize, tokenSpan } from "./lexer.js";
import { excessiveNestingHelp, findExcessiveNesting } from "./nesting.js";
import { agpParser } from "./parser.js";
import { isRealToken } from "./parser-messages.js";
import type { Source, Span } from "./source.js";

/** The outcome of parsing one file: the AST when the header parsed, every diagnostic, and the comments. */
export interface ParseResult<T> {
  readonly ast: T | undefined;
  readonly diagnostics: readonly Diagnostic[];
  /**
   * The names written in declarations that could not be read (each with a syntax
   * diagnostic): the checker's "unknown name" errors about them would only repeat it.
   */
  readonly unreadNames: ReadonlySet<string>;
  /** The keywords (`agent`, `let`, ...) of the declarations that could not be read. */
  readonly unreadKinds: ReadonlySet<string>;
  /** Every comment with its delimiters (`// ...`, `/* ... *\/`), in source order, for formatters. */
  readonly comments: readonly { text: string; span: Span }[];
}

/** Parses a `.agp` policy file. Never throws. */
export function parsePolicy(source: Source): ParseResult<PolicyFile> {
  return parseFile(source, policyGrammar);
}

/** Parses a `*.test.agp` test file. Never throws. */
export function parseTestFile(source: Source): ParseResult<TestFile> {
  return parseFile(source, testGrammar);
}

interface FileGrammar<Declaration, File> {
  readonly header: TokenType;
  readonly headerText: string;
  readonly isDeclarationStart: (tokens: readonly IToken[], index: number) => boolean;
  readonly parseDeclaration: (context: ConversionContext) => Declaration | undefined;
  readonly build: (name: { text: string; span: Span }, declarations: Declaration[], span: Span) => File;
}

const policyGrammar: FileGrammar<PolicyDeclaration, PolicyFile> = {
  header: keyword.policy,
  headerText: "policy",
  isDeclarationStart: isPolicyDeclarationStart,
  parseDeclaration: (context) => {
    const cst = agpParser.declaration() as DeclarationCstNode | undefined;
    return agpParser.errors.length === 0 && cst ? declarationToAst(cst, context) : undefined;
  },
  build: (name, declarations, span) => ({ kind: "PolicyFile", name: { kind: "Name", ...name }, declarations, span }),
};

const testGrammar: FileGrammar<TestDeclaration, TestFile> = {
  header: keyword.test,
  headerText: "test",
  isDeclarationStart: (tokens, index) => {
    const type = tokens[index]?.tokenType;
    return (type === keyword.let || type === keyword.case) && isKeywordInKeywordRole(tokens, index);
  },
  parseDeclaration: (context) => {
    const cst = agpParser.testDeclaration() as TestDeclarationCstNode | undefined;
    return agpParser.errors.length === 0 && cst ? testDeclarationToAst(cst, context) : undefined;
  },
  build: (name, declarations, span) => ({
    kind: "TestFile",
    policyName: { kind: "Name", ...name },
    declarations,
    span,
  }),
};

/** A keyword after `.` or before `:` is a field name, not the keyword. */
function isKeywordInKeywordRole(tokens: readonly IToken[], index: number): boolean {
  return tokens[index - 1]?.tokenType !== punct.Dot && tokens[index + 1]?.tokenType !== punct.Colon;
}

const alwaysDeclarationStarts: ReadonlySet<TokenType> = new Set([
  keyword.allow,
  keyword.deny,
  keyword.separate,
  keyword.monitor,
  keyword.entity,
  keyword.agent,
  keyword.context,
]);

/**
 * True when the token can only start a declaration. `resource`, `action`, `intent` and
 * `sensitivity` are also expression roots or a type name, so they start a declaration only
 * when followed by what the declaration needs next (a name, or `{` / a string).
 */
function isPolicyDeclarationStart(tokens: readonly IToken[], index: number): boolean {
  const type = tokens[index]?.tokenType;
  if (type === undefined || !isKeywordInKeywordRole(tokens, index)) return false;
  if (alwaysDeclarationStarts.has(type)) return true;
  const next = tokens[index + 1]?.tokenType;
  if (type === keyword.resource) return next === Identifier || next === punct.LBrace;
  if (type === keyword.intent) return next === Identifier || next === StringLiteral;
  return (type === keyword.action || type === keyword.sensitivity) && next === Identifier;
}

function parseFile<Declaration, File>(source: Source, grammar: FileGrammar<Declaration, File>): ParseResult<File> {
  const lexed = tokenize(source);
  const { tokens, comments } = lexed;
  const diagnostics: Diagnostic[] = [...lexed.diagnostics];
  const headerToken = tokens[0];
  const nameToken = tokens[1];
  if (headerToken?.tokenType !== grammar.header || nameToken?.tokenType !== Identifier) {
    diagnostics.push(missingHeader(source, grammar, headerToken, nameToken));
    return { ast: undefined, diagnostics, comments, unreadNames: new Set(), unreadKinds: new Set() };
  }
  const lexicalErrorOffsets = lexed.diagnostics.map((d) => d.span.start).sort((a, b) => a - b);
  const declarations: Declaration[] = [];
  const unreadNames = new Set<string>();
  const unreadKinds = new Set<string>();
  let start = 2;
  while (start < tokens.length) {
    let end = start + 1;
    while (end < tokens.length && !grammar.isDeclarationStart(tokens, end)) end++;
    const declaration = parseDeclaration(source, grammar, tokens, start, end, lexicalErrorOffsets, diagnostics);
    if (declaration !== undefined) {
      declarations.push(declaration);
    } else {
      unreadKinds.add(tokens[start]?.image ?? "");
      for (let index = start; index < end; index++) if (tokens[index]?.tokenType === Identifier) unreadNames.add(tokens[index]?.image ?? "");
    }
    start = end;
  }
  const lastToken = tokens[tokens.length - 1] ?? nameToken;
  const ast = grammar.build({ text: nameToken.image, span: tokenSpan(nameToken) }, declarations, {
    start: headerToken.startOffset,
    end: tokenSpan(lastToken).end,
  });
  return { ast, diagnostics, comments, unreadNames, unreadKinds };
}

function missingHeader(
  source: Source,
  grammar: Pick<FileGrammar<unknown, unknown>, "header" | "headerText">,
  first: IToken | undefined,
  second: IToken | undefined,
): Diagnostic {
  const example = `\`${grammar.headerText} NAME\``;
  const help = `start the file with ${example}${grammar.headerText === "policy" ? "; test files end in `.test.agp` and start with `test NAME`" : ""}`;
  if (first?.tokenType === grammar.header) {
    const span = second ? tokenSpan(second) : { start: tokenSpan(first).end, end: tokenSpan(first).end };
    return createDiagnostic(
      "AGP1006",
      `expected a name after \`${grammar.headerText}\`, found ${describeFound(second)}`,
      source,
      span,
      { help },
    );
  }
  const span = first ? tokenSpan(first) : { start: 0, end: 0 };
  return createDiagnostic("AGP1006", `missing ${example} header, found ${describeFound(first)}`, source, span, {
    help,
  });
}

function parseDeclaration<Declaration>(
  source: Source,
  grammar: FileGrammar<Declaration, unknown>,
  tokens: readonly IToken[],
  start: number,
  end: number,
  lexicalErrorOffsets: readonly number[],
  diagnostics: Diagnostic[],
): Declaration | undefined {
  const chunk = tokens.slice(start, end);
  const tooDeep = findExcessiveNesting(chunk);
  if (tooDeep) {
    diagnostics.push(
      createDiagnostic(
        "AGP1008",
        `expression nested too deeply (more than ${tooDeep.limit} levels)`,
        source,
        tokenSpan(tooDeep.token),
        {
          help: excessiveNestingHelp(tooDeep.limit),
        },
      ),
    );
    return undefined;
  }
  agpParser.input = chunk;
  const context: ConversionContext = { source, diagnostics: [] };
  let declaration: Declaration | undefined;
  try {
    declaration = grammar.parseDeclaration(context);
  } catch (error) {
    // INVARIANT: the nesting pre-scan keeps recursion shallow and the parser records a syntax
    // error and stops instead of throwing, so this is only a last resort: no input may make parsing throw.
    // A compiler bug still shows up, as an internal error on the declaration (fail closed).
    const first = chunk[0];
    const span = first ? tokenSpan(first) : { start: 0, end: 0 };
    diagnostics.push(
      error instanceof RangeError
        ? createDiagnostic("AGP1008", "expression nested too deeply", source, span)
        : createDiagnostic("AGP9002", `internal compiler error while parsing: ${String(error)}`, source, span),
    );
    return undefined;
  }
  const firstError = agpParser.errors[0];
  if (firstError) {
    const diagnostic = syntaxError(source, firstError, tokens, start, end, lexicalErrorOffsets, grammar.headerText === "policy");
    if (diagnostic) diagnostics.push(diagnostic);
    return undefined;
  }
  diagnostics.push(...context.diagnostics);
  const chunkStart = tokens[start]?.startOffset ?? 0;
  const nextStart = tokens[end]?.startOffset ?? Number.POSITIVE_INFINITY;
  if (hasOffsetIn(lexicalErrorOffsets, chunkStart, nextStart)) return undefined;
  if (declaration === undefined && context.diagnostics.length === 0) {
    // INVARIANT: a declaration is only ever dropped with a diagnostic that says why. One
    // dropped silently would be a rule missing from the module with the check passing.
    const first = chunk[0];
    diagnostics.push(
      createDiagnostic("AGP9002", "internal compiler error: this declaration could not be read", source, first ? tokenSpan(first) : { start: 0, end: 0 }),
    );
  }
  return declaration;
}

/** Whether any sorted offset lies in `[from, to)`. */
function hasOffsetIn(sortedOffsets: readonly number[], from: number, to: number): boolean {
  let low = 0;
  let high = sortedOffsets.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((sortedOffsets[mid] ?? 0) < from) low = mid + 1;
    else high = mid;
  }
  return low < sortedOffsets.length && (sortedOffsets[low] ?? 0) < to;
}

function describeFound(token: IToken | undefined): string {
  if (token === undefined) return "the end of the file";
  const image = token.image.length > 30 ? `${token.image.slice(0, 27)}...` : token.image;
  return `\`${image}\``;
}

/**
 * One Chevrotain error as an AGP1005 diagnostic: "expected X after Y, found `z`". An error
 * at the end of a piece names the token that follows it in the file. An error right after a
 * lexical error is left out: the bad character already explains it.
 */
function syntaxError(
  source: Source,
  error: IRecognitionException,
  tokens: readonly IToken[],
  start: number,
  end: number,
  lexicalErrorOffsets: readonly number[],
  inPolicy: boolean,
): Diagnostic | undefined {
  const offending = error.token;
  const foundIndex = isRealToken(offending) ? tokens.indexOf(offending, start) : end;
  const found = tokens[foundIndex];
  const previous = tokens[foundIndex - 1];
  const gapStart = previous ? tokenSpan(previous).end : 0;
  const gapEnd = found ? found.startOffset + 1 : source.text.length + 1;
  if (hasOffsetIn(lexicalErrorOffsets, gapStart, gapEnd)) return undefined;
  const span = found ? tokenSpan(found) : { start: gapStart, end: gapStart };
  const inCondition = tokens.slice(start, foundIndex).some((token) => token.image === "when" || token.image === "where");
  return createDiagnostic("AGP1005", `${error.message}, found ${describeFound(found)}`, source, span, {
    help: syntaxHelp(tokens[start], previous, found, {
      next: tokens[foundIndex + 1],
      inCondition,
      afterDeclaration: error.name === "NotAllInputParsedException",
      inPolicy,
    }),
  });
}

const ruleClauses: ReadonlySet<string> = new Set(["on", "when", "grant", "reason"]);

/** What each named declaration is called in the hint for a missing name. */
const namedDeclarations: Readonly<Record<string, string>> = { allow: "rule", deny: "rule", separate: "separation", monitor: "monitor" };

/**
 * A hint for the common mistakes behind a syntax error: `=` for `==`, clauses out of order,
 * an unquoted refusal, a rule without a name (`deny: *`, which after another declaration
 * reads as a field `deny:` and so is not seen as a declaration at all).
 */
function syntaxHelp(
  first: IToken | undefined,
  previous: IToken | undefined,
  found: IToken | undefined,
  context: {
    /** The token after `found`. */
    readonly next: IToken | undefined;
    readonly inCondition: boolean;
    /** The error is the first token after a complete declaration. */
    readonly afterDeclaration: boolean;
    /** A policy file (test files declare no rules). */
    readonly inPolicy: boolean;
  },
): string | undefined {
  if (found?.image === "=" && context.inCondition) return "to compare, write `==`";
  // Only where a declaration starts: `{ a: 1 deny: 2 }` is a record missing a comma.
  const unnamed = !context.inPolicy
    ? undefined
    : found?.image === ":" && previous === first
      ? previous
      : context.afterDeclaration && context.next?.image === ":"
        ? found
        : undefined;
  const kind = unnamed && Object.hasOwn(namedDeclarations, unnamed.image) ? namedDeclarations[unnamed.image] : undefined;
  if (unnamed && kind) return `a ${kind} needs a name: \`${unnamed.image} NAME: ...\``;
  if (previous?.image === "refused" && found?.tokenType === Identifier) return `the refusal is quoted: \`redeem refused "${found.image}"\``;
  const inRule = first?.image === "allow" || first?.image === "deny";
  if (inRule && found && ruleClauses.has(found.image)) {
    return "a rule's clauses come in this order: `allow NAME: ACTIONS [on TYPE] [when CONDITION] [grant DURATION] [reason STRING]`";
  }
  return undefined;
}

/** Checker codes that report a name as unknown, or a kind of declaration as missing. */
const cascadeCodes: ReadonlySet<string> = new Set(["AGP2001", "AGP2004", "AGP2005", "AGP2009", "AGP2013", "AGP2015", "AGP2020"]);

/**
 * Drops the checker's diagnostics that only follow from declarations the parser could not
 * read: an unknown name written in one of them, or "no agent type" when an `agent`
 * declaration was unreadable. The syntax error is reported; these would mislead.
 */
export function withoutCascades(diagnostics: readonly Diagnostic[], parsed: Pick<ParseResult<unknown>, "unreadNames" | "unreadKinds">): Diagnostic[] {
  if (parsed.unreadKinds.size === 0) return [...diagnostics];
  return diagnostics.filter((diagnostic) => {
    if (diagnostic.code === "AGP4005") return !parsed.unreadKinds.has("agent");
    return !(cascadeCodes.has(diagnostic.code) && parsed.unreadNames.has(diagnostic.source.slice(diagnostic.span)));
  });
}
