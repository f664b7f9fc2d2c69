/**
 * Where the comments of an `.agp` file go when it is formatted, and how they print.
 *
 * Prettier finds each comment's enclosing, preceding and following nodes; {@link placeComment}
 * decides which node it belongs to so that formatting the output again puts it in the same
 * place (idempotence): a comment on its own line stays before the declaration, step, field,
 * element or argument it precedes; a `//` comment at the end of a line stays after the node
 * that ends the printed line; anywhere else (after a keyword or an operator) it moves above
 * the line it sat in. A block comment amid code stays inline, attached as Prettier's
 * tie-breaking attaches it. {@link printWithComments} prints a node with its comments.
 */
import * as prettier from "prettier";
import type { AstPath, Doc, ParserOptions } from "prettier";
import type * as ast from "./ast.js";
import { type AgpComment, printAgpNode, printCommentText, type PrintableNode, type PrintChild } from "./printer.js";
import type { Span } from "./source.js";

const { breakParent, hardline, lineSuffix, lineSuffixBoundary } = prettier.doc.builders;

type AnyNode = PrintableNode | AgpComment;

/** The root of a formatted file, as comments see it. */
type Root = (ast.PolicyFile | ast.TestFile) & { comments?: AgpComment[] };

function isNode(value: unknown): value is PrintableNode {
  return typeof value === "object" && value !== null && typeof (value as { kind?: unknown }).kind === "string";
}

/** The properties of a node that hold child nodes, in declaration order. */
export function childKeys(node: AnyNode): string[] {
  return Object.entries(node)
    .filter(([key, value]) => key !== "comments" && (isNode(value) || (Array.isArray(value) && value.some(isNode))))
    .map(([key]) => key);
}

function children(node: PrintableNode): PrintableNode[] {
  const record = node as unknown as Record<string, unknown>;
  return childKeys(node).flatMap((key) => {
    const value = record[key];
    return Array.isArray(value) ? value.filter(isNode) : isNode(value) ? [value] : [];
  });
}

/**
 * Every node takes comments except the inner links of an `and` / `or` chain, which the
 * printer flattens: their comments go to the operands instead.
 */
export function canAttachComment(node: AnyNode, ancestors?: AnyNode[]): boolean {
  if (!isNode(node) || (node as AnyNode).kind === "Comment") return false;
  const parent = ancestors?.[0];
  return !(node.kind === "Binary" && parent?.kind === "Binary" && parent.left === node && parent.operator === node.operator);
}

/** Kinds that the printer always starts on a line of their own. */
const lineStartKinds: ReadonlySet<string> = new Set([
  "SensitivityDecl",
  "EntityDecl",
  "ContextDecl",
  "ActionDecl",
  "IntentDecl",
  "RuleDecl",
  "SeparateDecl",
  "MonitorDecl",
  "LetDecl",
  "CaseDecl",
  "SessionStep",
  "ExpectDecisionStep",
  "AdvanceStep",
  "RedeemStep",
  "RevokeStep",
  "ExpectStateStep",
  "ResolveReviewStep",
  "FieldDecl",
  "RecordLiteralField",
]);

/** A declaration, step, field, list element or argument: a line of its own when its list breaks. */
function isLineItem(node: PrintableNode, parent: PrintableNode | undefined): boolean {
  if (lineStartKinds.has(node.kind) || parent?.kind === "ListLiteral") return true;
  return parent?.kind === "Call" && node !== parent.callee;
}

/** Whether `node` (a child of `parent`) starts a line once the comments before it are printed. */
function startsLine(node: PrintableNode, parent: PrintableNode | undefined): boolean {
  if (isLineItem(node, parent)) return true;
  // Names and consequences after a `,` (a line break when their group breaks).
  const siblings: readonly PrintableNode[] | undefined =
    parent?.kind === "MonitorDecl"
      ? parent.consequences
      : parent && "actions" in parent && Array.isArray(parent.actions)
        ? parent.actions
        : undefined;
  return siblings !== undefined && siblings.indexOf(node) > 0;
}

/** Containers that print the comments inside their empty brackets themselves. */
const containerLists: Readonly<Record<string, string>> = {
  EntityDecl: "fields",
  ContextDecl: "fields",
  RecordType: "fields",
  RecordLiteral: "fields",
  ListLiteral: "elements",
  CaseDecl: "steps",
};

/** A comment as Prettier hands it to `handleComments`, with the nodes around it. */
export type PlacedComment = AgpComment & {
  enclosingNode?: PrintableNode;
  precedingNode?: PrintableNode;
  followingNode?: PrintableNode;
};

/** Decides where a comment goes; false leaves it to Prettier's default placement. */
export function placeComment(
  comment: PlacedComment,
  text: string,
  root: Root,
  placement: "ownLine" | "endOfLine" | "remaining",
): boolean {
  const header = root.kind === "PolicyFile" ? root.name : root.policyName;
  if (comment.span.end <= header.span.start) return attach(root, comment, "leading");
  const { enclosingNode: enclosing, precedingNode: preceding, followingNode: following } = comment;
  const listKey = enclosing ? containerLists[enclosing.kind] : undefined;
  if (enclosing && listKey && !following && (enclosing as unknown as Record<string, unknown[]>)[listKey]?.length === 0) {
    return attach(enclosing, comment, "dangling");
  }
  // A block comment with code after it on its line, or at the end of a line after code, is
  // printed inline, so formatting again sees it between two nodes on one line: attach it now
  // as Prettier's tie-breaking will then. It cannot trail a node that a `//` comment trails.
  // A line comment after it on the same line ends the line too (`/* a */ // b`).
  const endsLine = comment.text.startsWith("//") || prettier.util.hasNewline(text, comment.span.end) || /^[ \t]*\/\//.test(text.slice(comment.span.end));
  const inline = placement === "remaining" || !endsLine || (placement === "endOfLine" && !comment.text.startsWith("//"));
  if (inline && (preceding || following)) {
    const gap = following ? text.slice(comment.span.end, following.span.start).replace(/\/\*[\s\S]*?\*\/|\/\/[^\n\r]*/g, "") : "";
    // A comment ending a line after code stays with that code: it must not move onto the
    // declaration, step or field that starts the next line.
    // So does a block comment before a `//` comment that ends the line of that code (with
    // only punctuation between): moved onto the next line, it would print after the `//`
    // comment, and the two would swap.
    const beforeLineComment = /^[ \t,([{]*\/\//.test(text.slice(comment.span.end)) && preceding !== undefined && !/[\r\n]/.test(text.slice(preceding.span.end, comment.span.start));
    const endsItem = preceding !== undefined && following !== undefined && /[\r\n]/.test(gap) && (startsItem(following) || beforeLineComment);
    const leads = following !== undefined && (!preceding || /^[\s(]*$/.test(gap)) && !endsItem;
    if (leads) return placement === "ownLine" ? false : attach(following, comment, "leading");
    if (preceding && !hasEndOfLineComment(preceding, text)) return placement === "ownLine" ? false : attach(preceding, comment, "trailing");
    const target = lineStartAncestor(root, comment.span);
    return target ? attach(target, comment, "leading") : false;
  }
  // A comment that ends its line keeps its place only where the canonical layout puts a line
  // break: after a node that ends a printed line, or before one that starts a line. Anywhere
  // else it moves above the line it sat in, or formatting the output again would move it.
  // Two `//` comments at the end of one printed line would merge: the second one moves.
  // Only block comments before it on its line: it owns its line as much as they do.
  const ownsLine = placement === "ownLine" || startsItsLine(text, comment.span.start);
  const staysTrailing =
    preceding !== undefined &&
    endsPrintedLine(preceding, enclosing) &&
    onlyPunctuationBetween(text, preceding.span.end, comment.span.start) &&
    (ownsLine || !hasEndOfLineComment(preceding, text));
  const staysLeading = following !== undefined && startsPrintedLine(following, preceding, enclosing);
  if (ownsLine ? (following ? staysLeading : staysTrailing) : preceding ? staysTrailing : staysLeading) {
    return false;
  }
  const target = staysLeading ? following : lineStartAncestor(root, comment.span);
  return target ? attach(target, comment, "leading") : false;
}

/** Whether `node` is a whole item of a list the layout may break into lines: a declaration, a step or a field. */
function startsItem(node: PrintableNode): boolean {
  return /(Decl|Step)$/.test(node.kind) || node.kind === "RecordLiteralField";
}

function isBeforeLast(list: readonly PrintableNode[], node: PrintableNode): boolean {
  const index = list.indexOf(node);
  return index >= 0 && index < list.length - 1;
}

/** Whether a `//` comment already trails `node` on its line. */
function hasEndOfLineComment(node: PrintableNode, text: string): boolean {
  const comments = (node as { comments?: AgpComment[] }).comments ?? [];
  return comments.some((c) => c.trailing && c.text.startsWith("//") && !prettier.util.hasNewline(text, c.span.start, { backwards: true }));
}

/**
 * Whether only whitespace, comments and punctuation that stays at the end of a line (`,`
 * `{` `(` `[`) lie between two offsets: a keyword or operator there starts the next line.
 */
function onlyPunctuationBetween(text: string, from: number, to: number): boolean {
  const gap = text.slice(from, to).replace(/\/\*[\s\S]*?\*\/|\/\/[^\n\r]*/g, "");
  return /^[\s,{([]*$/.test(gap);
}

/** Whether the canonical layout starts a line with `node` once a comment is printed before it. */
function startsPrintedLine(node: PrintableNode, preceding: PrintableNode | undefined, parent: PrintableNode | undefined): boolean {
  return startsLine(node, parent) || (!preceding && (parent?.kind === "Paren" || parent?.kind === "History"));
}

/**
 * Whether a line break can follow `node` (a child of `parent`) in the canonical layout,
 * with nothing but punctuation between: a declaration, step, field or element, an operand of
 * an `and` / `or` chain, the last part of a rule's head or any of its clauses, a name
 * before `{`, the parts of a history query.
 */
function endsPrintedLine(node: PrintableNode, parent: PrintableNode | undefined): boolean {
  if (!parent || isLineItem(node, parent)) return true;
  switch (parent.kind) {
    case "PolicyFile":
    case "TestFile":
    case "Paren":
    case "Call":
    case "History":
    case "ListLiteral":
    case "EntityDecl":
    case "RecordLiteral":
    case "CaseDecl":
    case "SensitivityDecl":
    case "ActionList":
    case "Downgrade":
      return true;
    case "Binary":
      return parent.operator === "and" || parent.operator === "or";
    case "IntentDecl":
      return node !== parent.name;
    case "RuleDecl":
    case "MonitorDecl":
      return node !== parent.name && (node !== parent.actions || parent.resourceType === undefined);
    case "SeparateDecl":
      return node === parent.key || node === parent.reason || isBeforeLast(parent.actions, node);
    case "ActionDecl":
      return isBeforeLast(parent.actions, node);
    default:
      return false;
  }
}

/** The innermost node containing `span` that starts a line (a declaration, step, field or element). */
function lineStartAncestor(root: Root, span: Span): PrintableNode | undefined {
  let found: PrintableNode | undefined;
  let node: PrintableNode = root;
  for (;;) {
    const child: PrintableNode | undefined = children(node).find((c) => c.span.start <= span.start && span.end <= c.span.end);
    if (!child) return found;
    if (startsLine(child, node)) found = child;
    node = child;
  }
}

function attach(node: PrintableNode, comment: AgpComment, as: "leading" | "trailing" | "dangling"): true {
  comment.leading = as === "leading";
  comment.trailing = as === "trailing";
  comment.printed = false;
  const holder = node as { comments?: AgpComment[] };
  (holder.comments ??= []).push(comment);
  return true;
}

/**
 * Prints a node with its comments. Leading: a `//` comment, or block comments alone on their
 * line, then a line break (and the blank line after it, if the source had one); comments of
 * one source line stay on one line; any other block comment, then a space. Trailing: a
 * comment that starts its line goes on a line of its own after the end of the node's line
 * (the groups around the node break); a `//` comment goes at the end of the node's line,
 * after punctuation; a block comment right after it.
 */
export function printWithComments(path: AstPath<PrintableNode>, options: ParserOptions<PrintableNode>, print: PrintChild): Doc {
  const node = path.node as PrintableNode & { comments?: AgpComment[] };
  const printed = printAgpNode(path, options, print);
  const comments = node.comments ?? [];
  if (comments.length === 0) return printed;
  const text = options.originalText;
  const leading: Doc[] = [];
  const trailing: Doc[] = [];
  // Leading comments go one per line if any of them owns a line (then the node starts a
  // line too), else inline: the same choice again when the output is formatted.
  const ownsLine = (comment: AgpComment) =>
    comment.text.startsWith("//") ||
    (prettier.util.hasNewline(text, comment.span.end) && startsItsLine(text, comment.span.start));
  const oneCommentPerLine = comments.some((c) => c.leading && ownsLine(c));
  // The last trailing comment printed on a line of its own, and where it ended: a comment
  // after it on the same source line joins that line rather than starting another.
  let ownLine: Doc[] | undefined;
  let ownLineEnd = 0;
  for (const [index, comment] of comments.entries()) {
    if (comment.trailing && ownLine !== undefined && !prettier.util.hasNewline(text, ownLineEnd)) {
      comment.printed = true;
      ownLine.push(" ", printCommentText(comment));
      ownLineEnd = comment.span.end;
      continue;
    }
    ownLine = undefined;
    if (comment.leading) {
      comment.printed = true;
      // Comments that shared a source line share their printed line (`/* a */ /* b */`).
      const next = comments[index + 1];
      const lineGoesOn = next?.leading === true && /^[ \t]*$/.test(text.slice(comment.span.end, next.span.start));
      const breaks = oneCommentPerLine && !lineGoesOn;
      leading.push(printCommentText(comment), breaks ? hardline : " ");
      if (breaks && prettier.util.isNextLineEmpty(text, comment.span.end)) leading.push(hardline);
    } else if (comment.trailing) {
      comment.printed = true;
      if (prettier.util.hasNewline(text, comment.span.start, { backwards: true })) {
        const blankBefore = isPreviousLineEmpty(text, comment.span.start);
        ownLine = [hardline, blankBefore ? hardline : "", printCommentText(comment)];
        ownLineEnd = comment.span.end;
        trailing.push(lineSuffix(ownLine), breakParent);
      } else if (comment.text.startsWith("//")) {
        // INVARIANT: a `//` comment waits for the end of the printed line (after a `,`); one
        // already waiting is printed first, with a line break, so two never merge into one.
        trailing.push(lineSuffixBoundary, lineSuffix([" ", printCommentText(comment)]), breakParent);
      } else trailing.push(" ", printCommentText(comment));
    }
  }
  return [leading, printed, trailing];
}

/**
 * Whether only spaces and block comments lie between `offset` and the start of its line (or
 * of the file): a comment after block comments at the start of a line starts it as much as
 * they do.
 */
function startsItsLine(text: string, offset: number): boolean {
  const lineStart = Math.max(text.lastIndexOf("\n", offset - 1), text.lastIndexOf("\r", offset - 1)) + 1;
  // Each comment ends at its own first `*/`: a lazy `[^\n\r]*?` could span `/* a */ code /* b */`.
  return /^[ \t]*(\/\*(?:[^*\n\r]|\*(?!\/))*\*\/[ \t]*)*$/.test(text.slice(lineStart, offset));
}

/** Whether the line before the one holding `offset` is blank. */
function isPreviousLineEmpty(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf("\n", offset - 1);
  if (lineStart < 0) return false;
  const previousStart = text.lastIndexOf("\n", lineStart - 1);
  return text.slice(previousStart + 1, lineStart).trim() === "";
}
