/**
 * The canonical layout of `.agp` and `*.test.agp` files: an AST → Prettier Doc printer.
 *
 * {@link printAgpNode} prints one node; children are printed through Prettier's `print`
 * callback so that the comments Prettier attached to them are printed in their place (see
 * prettier-plugin.ts). The layout: a declaration on one line when it fits in the print width,
 * else one clause (`when`, `grant`, `reason`, `then`) per line indented by two; `and` / `or`
 * chains broken one operand per line with the operator leading; records and lists as
 * `{ a: 1, b: 2 }` and `[a, b]`, one item per line when they do not fit or were written
 * expanded; blank lines between declarations and steps kept (at most one).
 */
import { doc, util, type AstPath, type Doc, type ParserOptions } from "prettier";
import type * as ast from "./ast.js";
import type { Span } from "./source.js";

const { group, indent, line, softline, hardline, join, ifBreak, literalline } = doc.builders;

/** A node the printer visits: an AST node, or an action selector or consequence (which carry a `kind` too). */
export type PrintableNode = ast.Node | ast.ActionSelector | ast.Consequence;

/** A comment as the plugin hands it to Prettier: its text with delimiters and its span. */
export interface AgpComment {
  readonly kind: "Comment";
  readonly text: string;
  /** The same as `text`; Prettier names comments by their `value` in its messages. */
  readonly value: string;
  readonly span: Span;
  leading?: boolean;
  trailing?: boolean;
  printed?: boolean;
}

/** Prettier's `print` callback: prints the child at a property name (or the current node). */
export type PrintChild = (selector?: string | number | Array<string | number> | AstPath<PrintableNode>) => Doc;

type Path = AstPath<PrintableNode>;
type Options = ParserOptions<PrintableNode>;
/** The properties that hold lists of child nodes. */
type ListKey = "actions" | "by" | "steps" | "downgradedTo" | "labels" | "fields" | "elements" | "args" | "consequences" | "declarations";

/** Prints one node of an `.agp` or `*.test.agp` AST in the canonical layout. */
export function printAgpNode(path: Path, options: Options, print: PrintChild): Doc {
  const node = path.node;
  switch (node.kind) {
    case "PolicyFile":
      return ["policy ", print("name"), printLines(path, options, print, "declarations", node.name), hardline];
    case "TestFile":
      return ["test ", print("policyName"), printLines(path, options, print, "declarations", node.policyName), hardline];
    case "Name":
      return node.text;
    default:
      return printDeclaration(path, options, print) ?? printStep(path, print) ?? printExpression(path, options, print);
  }
}

/**
 * The items of a list property, one per line after a line break, with a blank line where the
 * source had one after the previous item (or after `previous`, for the first item; none
 * before the first item without it).
 */
function printLines(path: Path, options: Options, print: PrintChild, key: ListKey, previous?: { span: Span }): Doc[] {
  const parts: Doc[] = [];
  let before = previous;
  path.each((child) => {
    parts.push(hardline);
    if (before && util.isNextLineEmpty(options.originalText, before.span.end)) parts.push(hardline);
    parts.push(print());
    before = child.node as PrintableNode;
  }, key);
  return parts;
}

function printDeclaration(path: Path, options: Options, print: PrintChild): Doc | undefined {
  const node = path.node;
  switch (node.kind) {
    case "SensitivityDecl": {
      const [first, ...rest] = path.map(print, "labels");
      return group(["sensitivity ", first ?? "", indent(rest.map((label) => [line, "< ", label]))]);
    }
    case "EntityDecl":
      return [node.entityKind, " ", print("name"), " ", printBraced(path, options, print, "fields", node.name.span.end)];
    case "ContextDecl":
      return ["context ", printBraced(path, options, print, "fields", node.span.start + "context".length)];
    case "ActionDecl":
      return group(["action ", printNameList(path, print, "actions"), " on ", print("resourceType")]);
    case "IntentDecl":
      return group([
        ["intent ", print("name"), " ", print("description"), " {"],
        indent([line, "actions ", printNameList(path, print, "actions"), node.max ? [line, "max ", print("max")] : ""]),
        line,
        "}",
      ]);
    case "RuleDecl":
      return group([
        [node.effect, " ", print("name"), ": ", print("actions"), node.resourceType ? [" on ", print("resourceType")] : ""],
        indent([
          node.when ? [line, "when ", print("when")] : "",
          node.grant ? [line, "grant ", print("grant")] : "",
          node.reason ? [line, "reason ", print("reason")] : "",
        ]),
      ]);
    case "SeparateDecl":
      return group([
        ["separate ", print("name"), ": ", printNameList(path, print, "actions"), " on ", print("resourceType")],
        [" by ", print("key")],
        node.reason ? indent([line, "reason ", print("reason")]) : "",
      ]);
    case "MonitorDecl":
      return group([
        ["monitor ", print("name"), ": ", print("actions"), node.resourceType ? [" on ", print("resourceType")] : ""],
        indent([
          node.when ? [line, "when ", print("when")] : "",
          line,
          "then ",
          group(indent(join([",", line], path.map(print, "consequences")))),
        ]),
      ]);
    case "AllActions":
      return "*";
    case "ActionList":
      return printNameList(path, print, "actions");
    case "Revoke":
      return "revoke";
    case "Downgrade":
      return ["downgrade to ", printNameList(path, print, "actions")];
    case "Review":
      return ["review ", print("reason")];
    case "Alert":
      return ["alert ", print("reason")];
    case "FieldDecl":
      return [print("name"), ": ", print("type")];
    case "NamedType":
      return print("name");
    case "OptionalType":
      return [print("inner"), "?"];
    case "ListType":
      return ["[", print("element"), "]"];
    case "RecordType":
      return printBraced(path, options, print, "fields", node.span.start);
    case "LetDecl":
      return ["let ", print("name"), " = ", print("value")];
    case "CaseDecl": {
      const dangling = printDanglingComments(path);
      if (node.steps.length === 0) {
        return ["case ", print("title"), dangling ? [" {", indent([hardline, dangling]), hardline, "}"] : " {}"];
      }
      return ["case ", print("title"), " {", indent(printLines(path, options, print, "steps")), hardline, "}"];
    }
    default:
      return undefined;
  }
}

function printStep(path: Path, print: PrintChild): Doc | undefined {
  const node = path.node;
  switch (node.kind) {
    case "SessionStep":
      return ["session ", print("principal"), " intent ", print("intent"), node.env ? [" env ", print("env")] : ""];
    case "ExpectDecisionStep":
      return [
        ["expect ", node.effect, " ", print("action"), " ", print("resource")],
        node.env ? [" env ", print("env")] : "",
        node.grant ? [" grant ", print("grant")] : "",
        node.by.length > 0 ? [" by ", join(", ", path.map(print, "by"))] : "",
        node.reason ? [" reason ", print("reason")] : "",
        node.matches ? [" matches ", print("matches")] : "",
      ];
    case "AdvanceStep":
      return ["advance ", print("duration")];
    case "RedeemStep":
      return node.expectRefused ? ["redeem refused", node.refusal ? [" ", print("refusal")] : ""] : "redeem";
    case "RevokeStep":
      return ["revoke ", node.target];
    case "ExpectStateStep":
      return [
        "expect ",
        node.subject,
        " ",
        node.state,
        node.downgradedTo.length > 0 ? [" to ", join(", ", path.map(print, "downgradedTo"))] : "",
      ];
    case "ResolveReviewStep":
      return ["resolve review ", node.verdict];
    default:
      return undefined;
  }
}

function printExpression(path: Path, options: Options, print: PrintChild): Doc {
  const node = path.node;
  switch (node.kind) {
    case "StringLiteral":
      return quoteString(node.value);
    case "NumberLiteral":
    case "DurationLiteral":
      // INVARIANT: a number or duration is printed as written (`0.5`, `90s`): its value is
      // the same, and a huge number would not print back in the grammar's syntax.
      return options.originalText.slice(node.span.start, node.span.end);
    case "BoolLiteral":
      return node.value ? "true" : "false";
    case "Identifier":
      return print("name");
    case "Member":
      return [print("object"), ".", print("property")];
    case "Binary":
      return node.operator === "and" || node.operator === "or"
        ? printChain(path, print)
        : [print("left"), " ", node.operator, " ", print("right")];
    case "Unary":
      return [node.operator === "not" ? "not " : "-", print("operand")];
    case "Has":
      return ["has ", print("path")];
    case "Paren":
      return group(["(", indent([softline, print("inner")]), softline, ")"]);
    case "Call":
      return group([print("callee"), "(", indent([softline, join([",", line], path.map(print, "args"))]), softline, ")"]);
    case "History":
      return group([
        node.function,
        "(",
        indent([
          softline,
          print("source"),
          node.where ? [line, "where ", print("where")] : "",
          node.within ? [line, "within ", print("within")] : "",
        ]),
        softline,
        ")",
      ]);
    case "HistorySource":
      return node.source;
    case "ListLiteral":
      return printBracketed(path, print);
    case "RecordLiteral":
      return [
        node.typeName ? [print("typeName"), " "] : "",
        printBraced(path, options, print, "fields", node.typeName ? node.typeName.span.end : node.span.start),
      ];
    case "RecordLiteralField":
      return [print("name"), ": ", print("value")];
    default:
      throw new Error(`agp printer: unexpected node kind \`${node.kind}\``);
  }
}

/**
 * An `and` / `or` chain: `a and b and c` parses as `(a and b) and c`; it prints as one group
 * whose operands go one per line, operator first, when it does not fit. An operand that is a
 * chain of the other operator is its own group, indented once more so the nesting shows.
 */
function printChain(path: Path, print: PrintChild): Doc {
  const chain = path.node as ast.BinaryExpr;
  const operands: Doc[] = [];
  const collect = (at: Path): void => {
    const node = at.node as ast.BinaryExpr;
    if (node.left.kind === "Binary" && node.left.operator === chain.operator) at.call(collect, "left");
    else operands.push(isChain(node.left) ? indent(at.call(print, "left")) : at.call(print, "left"));
    operands.push([line, chain.operator, " ", at.call(print, "right")]);
  };
  collect(path);
  const [first, ...rest] = operands;
  // Directly inside parentheses, the parentheses already indent the chain.
  const insideParens = path.parent?.kind === "Paren";
  return group([first ?? "", insideParens ? rest : indent(rest)]);
}

function isChain(expression: ast.Expr): boolean {
  return expression.kind === "Binary" && (expression.operator === "and" || expression.operator === "or");
}

/** Names separated by commas, breaking after a comma only when they do not fit. */
function printNameList(path: Path, print: PrintChild, key: ListKey): Doc {
  return group(indent(join([",", line], path.map(print, key))));
}

/**
 * `{ a: T, b: U }`: the fields of an entity, context, record type or record literal. Broken
 * one per line (with a trailing comma) when they do not fit, or when the source put a line
 * break right after `{`, so an author's expanded record stays expanded.
 */
function printBraced(path: Path, options: Options, print: PrintChild, key: ListKey, searchFrom: number): Doc {
  const fields = path.map(print, key);
  const dangling = printDanglingComments(path);
  if (fields.length === 0) return dangling ? ["{", indent([hardline, dangling]), hardline, "}"] : "{}";
  const firstField = (path.node as unknown as Record<string, readonly PrintableNode[]>)[key]?.[0];
  const brace = findOpeningBrace(options.originalText, searchFrom);
  const expanded = firstField !== undefined && brace >= 0 && /[\n\r]/.test(options.originalText.slice(brace, firstField.span.start));
  return group(["{", indent([line, join([",", line], fields)]), ifBreak(","), line, "}"], { shouldBreak: expanded });
}

/** `[a, b]`, one element per line with a trailing comma when it does not fit. */
function printBracketed(path: Path, print: PrintChild): Doc {
  const elements = path.map(print, "elements");
  const dangling = printDanglingComments(path);
  if (elements.length === 0) return dangling ? ["[", indent([hardline, dangling]), hardline, "]"] : "[]";
  return group(["[", indent([softline, join([",", line], elements)]), ifBreak(","), softline, "]"]);
}

/** The offset of the first `{` at or after `from`, skipping whitespace and comments; -1 if none. */
function findOpeningBrace(text: string, from: number): number {
  let index = from;
  while (index < text.length) {
    const ch = text[index];
    if (ch === "{") return index;
    if (text.startsWith("//", index)) {
      const end = text.slice(index).search(/[\n\r]/);
      index = end < 0 ? text.length : index + end;
    } else if (text.startsWith("/*", index)) {
      const end = text.indexOf("*/", index + 2);
      index = end < 0 ? text.length : end + 2;
    } else index++;
  }
  return -1;
}

/**
 * Comments inside empty braces (`case "t" { // todo }`): the plugin attaches them to the
 * container as dangling comments, and the container prints them here, one per line.
 */
function printDanglingComments(path: Path): Doc | undefined {
  const comments = ((path.node as { comments?: AgpComment[] }).comments ?? []).filter((c) => !c.leading && !c.trailing);
  if (comments.length === 0) return undefined;
  for (const comment of comments) comment.printed = true;
  return join(hardline, comments.map(printCommentText));
}

/** A comment's text as a Doc: a line comment without trailing spaces, a block comment line by line as written. */
export function printCommentText(comment: { readonly text: string }): Doc {
  if (comment.text.startsWith("//")) return comment.text.trimEnd();
  return join(literalline, comment.text.split(/\r\n|\r|\n/));
}

/**
 * A string value as a canonical literal: `"` and `\` escaped, `\n` `\t` `\r` `\b` `\f` by
 * name, other control characters, line separators and lone surrogates as `\uXXXX`, every
 * other character as itself.
 */
export function quoteString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const ch = value[i] ?? "";
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch in namedEscapes) out += namedEscapes[ch];
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) out += unicodeEscape(code);
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += value.slice(i, i + 2);
        i++;
      } else out += unicodeEscape(code);
    } else if (code >= 0xdc00 && code <= 0xdfff) out += unicodeEscape(code);
    else out += ch;
  }
  return `${out}"`;
}

const namedEscapes: Readonly<Record<string, string>> = { "\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b", "\f": "\\f" };

function unicodeEscape(code: number): string {
  return `\\u${code.toString(16).padStart(4, "0")}`;
}
