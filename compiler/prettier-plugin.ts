/**
 * The Prettier plugin for `.agp` and `*.test.agp` files (`agp/prettier-plugin`), and
 * {@link formatAgp}, the formatter behind `agp fmt`.
 *
 * The parser is the compiler's own (a file with a syntax error is refused, never formatted,
 * since the parser drops a declaration it cannot read). The printer is printer.ts. Comments
 * go through Prettier's attachment, with a few rules of our own (`handleComments`) so that
 * every comment is printed where formatting the output again puts it in the same place:
 * a comment on its own line stays before the declaration, step, field or list element it
 * precedes; one that sat between two parts of a line moves above that line; a comment at the
 * end of a line stays at the end of the line of the node it follows.
 */
import * as prettier from "prettier";
import type { AstPath, ParserOptions, Plugin, Printer, SupportLanguage } from "prettier";
import type * as ast from "./ast.js";
import { type Diagnostic, formatDiagnostic, InternalCompilerError } from "./diagnostics.js";
import { keyword, tokenize } from "./lexer.js";
import { parsePolicy, parseTestFile } from "./parse.js";
import { canAttachComment, childKeys, placeComment, printWithComments, type PlacedComment } from "./format-comments.js";
import { type AgpComment, printCommentText, type PrintableNode } from "./printer.js";
import { Source, type Span } from "./source.js";

/** The root Prettier formats: a policy or test file with its comments. */
export type AgpDocument = (ast.PolicyFile | ast.TestFile) & { comments?: AgpComment[] };

/** The print width of canonical formatting. */
export const agpPrintWidth = 100;

/** The language Prettier maps `.agp` files to. */
export const languages: SupportLanguage[] = [
  { name: "agp", parsers: ["agp"], extensions: [".agp"], vscodeLanguageIds: ["agp"] },
];

/** A file that does not parse: Prettier shows `message` and the location in `loc`. */
export class AgpSyntaxError extends SyntaxError {
  /** Where the first error is, 1-based (Prettier prints a code frame from it). */
  readonly loc: { readonly start: { readonly line: number; readonly column: number } };

  constructor(readonly diagnostics: readonly Diagnostic[]) {
    const first = diagnostics[0];
    const message = diagnostics.map((d) => formatDiagnostic(d).split("\n")[0]).join("\n");
    super(message || "the file does not parse");
    this.name = "AgpSyntaxError";
    const position = first ? first.source.position(first.span.start) : { line: 1, column: 1 };
    this.loc = { start: position };
  }
}

/** The outcome of {@link parseForFormatting}: the document when the file parsed without errors. */
export interface FormattingParse {
  readonly document: AgpDocument | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses a file for formatting: a test file when the path ends in `.test.agp` or the file
 * starts with `test`, else a policy. Any error diagnostic means no document.
 */
export function parseForFormatting(text: string, path: string): FormattingParse {
  const source = new Source(text, path);
  const parsed = isTestFile(source) ? parseTestFile(source) : parsePolicy(source);
  const errors = parsed.diagnostics.filter((d) => d.severity === "error");
  if (!parsed.ast || errors.length > 0) return { document: undefined, diagnostics: errors };
  const comments = parsed.comments.map((c): AgpComment => ({ kind: "Comment", text: c.text, value: c.text, span: c.span }));
  return { document: { ...parsed.ast, comments }, diagnostics: [] };
}

function isTestFile(source: Source): boolean {
  return source.path.endsWith(".test.agp") || tokenize(source).tokens[0]?.tokenType === keyword.test;
}

const locStart = (node: { span: Span }): number => node.span.start;
const locEnd = (node: { span: Span }): number => node.span.end;

/** The `agp` parser: the compiler's parser; throws {@link AgpSyntaxError} on any syntax error. */
export const parsers: Plugin<AgpDocument>["parsers"] = {
  agp: {
    astFormat: "agp-ast",
    locStart,
    locEnd,
    parse(text: string, options: ParserOptions<AgpDocument>): AgpDocument {
      const { document, diagnostics } = parseForFormatting(text, options.filepath ?? "<input>.agp");
      if (!document) throw new AgpSyntaxError(diagnostics);
      return document;
    },
  },
};

type AnyNode = PrintableNode | AgpComment;

/** The `agp-ast` printer: printer.ts for nodes, plus where comments attach. */
export const printers: Record<string, Printer<AnyNode>> = {
  "agp-ast": {
    print: (path, options, print) => printWithComments(path as AstPath<PrintableNode>, options as ParserOptions<PrintableNode>, print),
    willPrintOwnComments: () => true,
    printComment: (path) => printCommentText(path.node as AgpComment),
    isBlockComment: (node) => node.kind === "Comment" && node.text.startsWith("/*"),
    canAttachComment,
    getVisitorKeys: (node) => childKeys(node),
    handleComments: {
      ownLine: (comment, text, _options, root) => placeComment(comment as PlacedComment, text, root as AgpDocument, "ownLine"),
      endOfLine: (comment, text, _options, root) => placeComment(comment as PlacedComment, text, root as AgpDocument, "endOfLine"),
      remaining: (comment, text, _options, root) => placeComment(comment as PlacedComment, text, root as AgpDocument, "remaining"),
    },
  },
};

/** Canonical options: print width 100, two spaces. A user's Prettier config may override them. */
export const defaultOptions: Plugin["defaultOptions"] = { printWidth: agpPrintWidth, tabWidth: 2, useTabs: false };

/** The plugin as one object, for `prettier.format(text, { parser: "agp", plugins: [agpPrettierPlugin] })`. */
export const agpPrettierPlugin: Plugin = {
  languages,
  parsers: parsers as Plugin["parsers"],
  printers: printers as Plugin["printers"],
  defaultOptions,
};

export default agpPrettierPlugin;

// ---------------------------------------------------------------------------------------
// Formatting a file
// ---------------------------------------------------------------------------------------

/** The outcome of {@link formatAgp}: the formatted text, or the syntax errors that prevent it. */
export interface FormatResult {
  readonly formatted: string | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Formats one `.agp` or `*.test.agp` file canonically. A file with syntax errors is not
 * formatted: its diagnostics come back instead. The output is parsed again and must have
 * the same AST (spans aside) and the same comments; anything else is a formatter bug and
 * throws {@link InternalCompilerError}, so a file is never rewritten with another meaning.
 */
export async function formatAgp(text: string, options: { readonly path: string }): Promise<FormatResult> {
  const before = parseForFormatting(text, options.path);
  if (!before.document) return { formatted: undefined, diagnostics: before.diagnostics };
  const formatted = await prettier.format(text, {
    parser: "agp",
    plugins: [agpPrettierPlugin],
    filepath: options.path,
    printWidth: agpPrintWidth,
    tabWidth: 2,
    useTabs: false,
    endOfLine: "lf",
  });
  const after = parseForFormatting(formatted, options.path);
  if (!after.document) {
    const why = after.diagnostics.map((d) => d.message).join("; ");
    throw new InternalCompilerError(`formatting ${options.path} produced text that does not parse: ${why}`);
  }
  if (structureOf(after.document) !== structureOf(before.document)) {
    throw new InternalCompilerError(`formatting ${options.path} would change its meaning`);
  }
  if (commentTexts(after.document).join("\n") !== commentTexts(before.document).join("\n")) {
    throw new InternalCompilerError(`formatting ${options.path} would lose or change a comment`);
  }
  return { formatted, diagnostics: [] };
}

/** The AST as JSON without spans or comments: equal for two texts that mean the same. */
export function structureOf(document: AgpDocument): string {
  return JSON.stringify(document, (key, value: unknown) =>
    key === "span" || key === "operatorSpan" || key === "comments" ? undefined : value,
  );
}

/** The comments of a document as the formatter prints them, sorted (a multiset). */
export function commentTexts(document: AgpDocument): string[] {
  return (document.comments ?? [])
    .map((c) => (c.text.startsWith("//") ? c.text.trimEnd() : c.text.replace(/\r\n?/g, "\n")))
    .sort();
}

