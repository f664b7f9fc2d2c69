/**
 * Typed CST → AST conversion, one declaration at a time (parse.ts drives it). Policy
 * declarations are converted here; expressions in expression-to-ast.ts and test files in
 * test-file-to-ast.ts. The CST types come from cst.generated.d.ts, so no child access is
 * unchecked, and a declaration the readers cannot complete comes back undefined.
 */
import type * as ast from "./ast.js";
import type * as cst from "./cst.generated.js";
import {
  durationLiteral,
  IncompleteSyntax,
  join,
  name,
  names,
  nodeSpan,
  optional,
  required,
  spanOf,
  stringLiteral,
  withIncompleteAsUndefined,
  written,
  type ConversionContext,
} from "./cst-reading.js";
import { expression } from "./expression-to-ast.js";

export type { ConversionContext } from "./cst-reading.js";
export { expressionToAst } from "./expression-to-ast.js";
export { testDeclarationToAst } from "./test-file-to-ast.js";

/** Converts one policy declaration; undefined when it is incomplete. */
export function declarationToAst(
  node: cst.DeclarationCstNode,
  context: ConversionContext,
): ast.PolicyDeclaration | undefined {
  return withIncompleteAsUndefined(() => declaration(node, context));
}

// declaration := sensitivity | entityDecl | contextDecl | actionDecl | intentDecl | ruleDecl | separateDecl | monitorDecl
function declaration(node: cst.DeclarationCstNode, context: ConversionContext): ast.PolicyDeclaration {
  const c = node.children;
  const sensitivity = optional(c.sensitivityDecl);
  if (sensitivity)
    return {
      kind: "SensitivityDecl",
      labels: (sensitivity.children.label ?? []).map(name),
      span: nodeSpan(sensitivity),
    };
  const entity = optional(c.entityDecl);
  if (entity) {
    const kindToken = written(required(entity.children.entityKind));
    return {
      kind: "EntityDecl",
      entityKind: kindToken.image === "agent" ? "agent" : kindToken.image === "resource" ? "resource" : "entity",
      name: name(required(entity.children.name)),
      fields: fieldBlock(required(entity.children.fieldBlock)),
      span: nodeSpan(entity),
    };
  }
  const contextDecl = optional(c.contextDecl);
  if (contextDecl)
    return {
      kind: "ContextDecl",
      fields: fieldBlock(required(contextDecl.children.fieldBlock)),
      span: nodeSpan(contextDecl),
    };
  const action = optional(c.actionDecl);
  if (action) {
    return {
      kind: "ActionDecl",
      actions: names(required(action.children.actions)),
      resourceType: name(required(action.children.resourceType)),
      span: nodeSpan(action),
    };
  }
  const intent = optional(c.intentDecl);
  if (intent) {
    const max = optional(intent.children.max);
    return {
      kind: "IntentDecl",
      name: name(required(intent.children.name)),
      description: stringLiteral(required(intent.children.description)),
      actions: names(required(intent.children.actions)),
      max: max ? name(max) : undefined,
      span: nodeSpan(intent),
    };
  }
  const rule = optional(c.ruleDecl);
  if (rule) return ruleDecl(rule, context);
  const separate = optional(c.separateDecl);
  if (separate) {
    const reason = optional(separate.children.reason);
    return {
      kind: "SeparateDecl",
      name: name(required(separate.children.name)),
      actions: names(required(separate.children.actions)),
      resourceType: name(required(separate.children.resourceType)),
      key: expression(required(separate.children.key), context),
      reason: reason ? stringLiteral(reason) : undefined,
      span: nodeSpan(separate),
    };
  }
  return monitorDecl(required(c.monitorDecl), context);
}

function ruleDecl(rule: cst.RuleDeclCstNode, context: ConversionContext): ast.RuleDecl {
  const c = rule.children;
  const resourceType = optional(c.resourceType);
  const when = optional(c.when);
  const grant = optional(c.grant);
  const reason = optional(c.reason);
  return {
    kind: "RuleDecl",
    effect: written(required(c.effect)).image === "allow" ? "allow" : "deny",
    name: name(required(c.name)),
    actions: actionSelector(required(c.actionSelector)),
    resourceType: resourceType ? name(resourceType) : undefined,
    when: when ? expression(when, context) : undefined,
    grant: grant ? durationLiteral(grant) : undefined,
    reason: reason ? stringLiteral(reason) : undefined,
    span: nodeSpan(rule),
  };
}

function monitorDecl(monitor: cst.MonitorDeclCstNode, context: ConversionContext): ast.MonitorDecl {
  const c = monitor.children;
  const resourceType = optional(c.resourceType);
  const when = optional(c.when);
  const consequences = c.consequence ?? [];
  if (consequences.length === 0) throw new IncompleteSyntax();
  return {
    kind: "MonitorDecl",
    name: name(required(c.name)),
    actions: actionSelector(required(c.actionSelector)),
    resourceType: resourceType ? name(resourceType) : undefined,
    when: when ? expression(when, context) : undefined,
    consequences: consequences.map(consequence),
    span: nodeSpan(monitor),
  };
}

// consequence := "revoke" | "downgrade" "to" Name ("," Name)* | "review" String | "alert" String
function consequence(node: cst.ConsequenceCstNode): ast.Consequence {
  const c = node.children;
  const span = nodeSpan(node);
  if (c.Revoke) return { kind: "Revoke", span };
  if (c.Downgrade) return { kind: "Downgrade", actions: names(required(c.actions)), span };
  const reason = stringLiteral(required(c.reason));
  return c.Review ? { kind: "Review", reason, span } : { kind: "Alert", reason, span };
}

// actions := "*" | Name ("," Name)*
function actionSelector(node: cst.ActionSelectorCstNode): ast.ActionSelector {
  const star = optional(node.children.Star);
  if (star) return { kind: "AllActions", span: spanOf(star) };
  const list = required(node.children.nameList);
  return { kind: "ActionList", actions: names(list), span: nodeSpan(list) };
}

// "{" (field ("," field)* ","?)? "}"
function fieldBlock(node: cst.FieldBlockCstNode): ast.FieldDecl[] {
  return (node.children.field ?? []).map((field) => ({
    kind: "FieldDecl",
    name: name(required(field.children.name)),
    type: typeExpr(required(field.children.type)),
    span: nodeSpan(field),
  }));
}

// type := primaryType "?"?   primaryType := Name | "[" type "]" | "{" fields? "}"
function typeExpr(node: cst.TypeCstNode): ast.TypeExpr {
  const primary = required(node.children.primaryType);
  const c = primary.children;
  const typeName = optional(c.typeName);
  const element = optional(c.element);
  const inner: ast.TypeExpr = typeName
    ? { kind: "NamedType", name: name(typeName), span: spanOf(typeName) }
    : element
      ? { kind: "ListType", element: typeExpr(element), span: nodeSpan(primary) }
      : { kind: "RecordType", fields: fieldBlock(required(c.fieldBlock)), span: nodeSpan(primary) };
  const question = optional(node.children.Question);
  return question ? { kind: "OptionalType", inner, span: join(inner.span, spanOf(question)) } : inner;
}
