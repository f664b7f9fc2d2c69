/**
 * A small generic walker over the AST of ast.ts, shared by the checker, codegen and tools:
 * {@link forEachChild} lists a node's direct children in source order, {@link walk} visits a
 * whole tree. `walk` keeps its own stack, so no tree is too deep for it.
 */
import type * as ast from "./ast.js";

/**
 * Calls `visit` on each direct child node of `node`, in source order. Names, spans and
 * operators are not visited separately unless they are nodes (`Name` is a node).
 */
export function forEachChild(node: ast.Node, visit: (child: ast.Node) => void): void {
  const each = (children: readonly ast.Node[]): void => {
    for (const child of children) visit(child);
  };
  const maybe = (child: ast.Node | undefined): void => {
    if (child !== undefined) visit(child);
  };
  switch (node.kind) {
    case "Name":
    case "StringLiteral":
    case "NumberLiteral":
    case "BoolLiteral":
    case "DurationLiteral":
    case "HistorySource":
    case "RevokeStep":
    case "ResolveReviewStep":
      return;
    case "NamedType":
      return visit(node.name);
    case "OptionalType":
      return visit(node.inner);
    case "ListType":
      return visit(node.element);
    case "RecordType":
      return each(node.fields);
    case "FieldDecl":
      visit(node.name);
      return visit(node.type);
    case "ListLiteral":
      return each(node.elements);
    case "RecordLiteral":
      maybe(node.typeName);
      return each(node.fields);
    case "RecordLiteralField":
      visit(node.name);
      return visit(node.value);
    case "Identifier":
      return visit(node.name);
    case "Member":
      visit(node.object);
      return visit(node.property);
    case "Binary":
      visit(node.left);
      return visit(node.right);
    case "Unary":
      return visit(node.operand);
    case "Has":
      return visit(node.path);
    case "Call":
      visit(node.callee);
      return each(node.args);
    case "History":
      visit(node.source);
      maybe(node.where);
      return maybe(node.within);
    case "Paren":
      return visit(node.inner);
    case "SensitivityDecl":
      return each(node.labels);
    case "EntityDecl":
      visit(node.name);
      return each(node.fields);
    case "ContextDecl":
      return each(node.fields);
    case "ActionDecl":
      each(node.actions);
      return visit(node.resourceType);
    case "IntentDecl":
      visit(node.name);
      visit(node.description);
      each(node.actions);
      return maybe(node.max);
    case "RuleDecl":
      visit(node.name);
      if (node.actions.kind === "ActionList") each(node.actions.actions);
      maybe(node.resourceType);
      maybe(node.when);
      maybe(node.grant);
      return maybe(node.reason);
    case "SeparateDecl":
      visit(node.name);
      each(node.actions);
      visit(node.resourceType);
      visit(node.key);
      return maybe(node.reason);
    case "MonitorDecl":
      visit(node.name);
      if (node.actions.kind === "ActionList") each(node.actions.actions);
      maybe(node.resourceType);
      maybe(node.when);
      for (const consequence of node.consequences) {
        if (consequence.kind === "Downgrade") each(consequence.actions);
        else if (consequence.kind === "Review" || consequence.kind === "Alert") visit(consequence.reason);
      }
      return;
    case "PolicyFile":
      visit(node.name);
      return each(node.declarations);
    case "LetDecl":
      visit(node.name);
      return visit(node.value);
    case "SessionStep":
      visit(node.principal);
      visit(node.intent);
      return maybe(node.env);
    case "ExpectDecisionStep":
      visit(node.action);
      visit(node.resource);
      maybe(node.env);
      maybe(node.grant);
      each(node.by);
      return maybe(node.reason);
    case "RedeemStep":
      return maybe(node.refusal);
    case "AdvanceStep":
      return visit(node.duration);
    case "ExpectStateStep":
      return each(node.downgradedTo);
    case "CaseDecl":
      visit(node.title);
      return each(node.steps);
    case "TestFile":
      visit(node.policyName);
      return each(node.declarations);
    default:
      return assertNever(node);
  }
}

function assertNever(node: never): never {
  throw new Error(`unknown AST node ${JSON.stringify(node)}`);
}

/** What a {@link walk} visitor returns: `false` skips the node's children. */
export type WalkControl = boolean | void;

/**
 * Visits `root` and every node below it, depth-first in source order (a parent before its
 * children). `visit` gets each node and its parent; returning `false` skips the node's
 * children. Iterative, so arbitrarily deep trees cannot overflow the stack.
 */
export function walk(root: ast.Node, visit: (node: ast.Node, parent: ast.Node | undefined) => WalkControl): void {
  const stack: { node: ast.Node; parent: ast.Node | undefined }[] = [{ node: root, parent: undefined }];
  const children: ast.Node[] = [];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    if (visit(entry.node, entry.parent) === false) continue;
    children.length = 0;
    forEachChild(entry.node, (child) => children.push(child));
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child !== undefined) stack.push({ node: child, parent: entry.node });
    }
  }
}
