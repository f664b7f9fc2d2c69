/**
 * Typed CST → AST conversion for one declaration at a time. The CST types come from
 * cst.generated.d.ts, so every child access is checked; a child that recovery left out (or a
 * token it invented) makes the whole declaration incomplete, and it is dropped rather than
 * handed to the checker half-built.
 */
import type { IToken } from "chevrotain";
import type * as ast from "./ast.js";
import type * as cst from "./cst.generated.js";
import { createDiagnostic, type Diagnostic } from "./diagnostics.js";
import { decodeStringLiteral, DurationLiteral, durationUnits, NumberLiteral, tokenSpan } from "./lexer.js";
import type { Source, Span } from "./source.js";

/** Where conversion reports the few syntax errors the grammar leaves to it (test step words). */
export interface ConversionContext {
  readonly source: Source;
  readonly diagnostics: Diagnostic[];
}

/** Thrown inside this module only, when recovery left the CST without a required part. */
class IncompleteSyntax extends Error {}

function required<T>(items: readonly T[] | undefined, index = 0): T {
  const item = items?.[index];
  if (item === undefined) throw new IncompleteSyntax();
  return item;
}

function optional<T>(items: readonly T[] | undefined, index = 0): T | undefined {
  return items?.[index];
}

function written(token: IToken): IToken {
  if (token.isInsertedInRecovery === true || Number.isNaN(token.startOffset)) throw new IncompleteSyntax();
  return token;
}

function spanOf(token: IToken): Span {
  return tokenSpan(written(token));
}

function nodeSpan(node: { location?: { startOffset: number; endOffset?: number } | undefined }): Span {
  const start = node.location?.startOffset ?? Number.NaN;
  const end = node.location?.endOffset ?? Number.NaN;
  if (Number.isNaN(start) || Number.isNaN(end)) throw new IncompleteSyntax();
  return { start, end: end + 1 };
}

function join(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

function name(token: IToken): ast.Name {
  return { kind: "Name", text: written(token).image, span: spanOf(token) };
}

function names(list: cst.NameListCstNode | undefined): ast.Name[] {
  if (list === undefined) return [];
  return (list.children.name ?? []).map(name);
}

function stringLiteral(token: IToken): ast.StringLiteral {
  return { kind: "StringLiteral", value: decodeStringLiteral(written(token).image).value, span: spanOf(token) };
}

function durationLiteral(token: IToken): ast.DurationLiteral {
  const match = /^(\d+)([a-z]+)$/.exec(written(token).image);
  const unit = match?.[2] ?? "";
  if (token.tokenType !== DurationLiteral || match === null || !(unit in durationUnits)) throw new IncompleteSyntax();
  return { kind: "DurationLiteral", milliseconds: Number(match[1]) * (durationUnits[unit] ?? 0), span: spanOf(token) };
}

function reportWord(context: ConversionContext, token: IToken, expected: string): never {
  return report(context, token, `expected ${expected}, found \`${token.image}\``);
}

function withIncompleteAsUndefined<T>(convert: () => T): T | undefined {
  try {
    return convert();
  } catch (error) {
    if (error instanceof IncompleteSyntax) return undefined;
    throw error;
  }
}

/** Converts one policy declaration; undefined when recovery left it incomplete. */
export function declarationToAst(node: cst.DeclarationCstNode, context: ConversionContext): ast.PolicyDeclaration | undefined {
  return withIncompleteAsUndefined(() => declaration(node, context));
}

/** Converts one test-file declaration (`let` or `case`); undefined when incomplete. */
export function testDeclarationToAst(node: cst.TestDeclarationCstNode, context: ConversionContext): ast.TestDeclaration | undefined {
  return withIncompleteAsUndefined(() => testDeclaration(node, context));
}

// declaration := sensitivity | entityDecl | contextDecl | actionDecl | intentDecl | ruleDecl | separateDecl | monitorDecl
function declaration(node: cst.DeclarationCstNode, context: ConversionContext): ast.PolicyDeclaration {
  const c = node.children;
  const sensitivity = optional(c.sensitivityDecl);
  if (sensitivity) return { kind: "SensitivityDecl", labels: (sensitivity.children.label ?? []).map(name), span: nodeSpan(sensitivity) };
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
  if (contextDecl) return { kind: "ContextDecl", fields: fieldBlock(required(contextDecl.children.fieldBlock)), span: nodeSpan(contextDecl) };
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
  const when = optional(c.when);
  const consequences = c.consequence ?? [];
  if (consequences.length === 0) throw new IncompleteSyntax();
  return {
    kind: "MonitorDecl",
    name: name(required(c.name)),
    actions: actionSelector(required(c.actionSelector)),
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

/** Binding strength of each binary operator; `not` sits between `and` and comparisons. */
const precedence: Readonly<Record<ast.BinaryOperator, number>> = {
  or: 1,
  and: 2,
  "==": 4,
  "!=": 4,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  in: 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
};
const notPrecedence = 3;
const comparisonPrecedence = 4;
const unaryMinusPrecedence = 7;

function binaryOperator(token: IToken): ast.BinaryOperator {
  const text = written(token).image;
  if (!Object.hasOwn(precedence, text)) throw new IncompleteSyntax();
  return text as ast.BinaryOperator;
}

/** Converts an expression CST (exported for tests of single expressions). */
export function expressionToAst(node: cst.ExpressionCstNode, context: ConversionContext): ast.Expr | undefined {
  return withIncompleteAsUndefined(() => expression(node, context));
}

/**
 * expr := operand (op operand)*, read by precedence climbing into the tree that LANGUAGE.md's
 * layered grammar describes: or < and < not < comparison (non-associative) < additive <
 * multiplicative < unary minus < postfix. Recursion depth is bounded by the number of
 * precedence levels plus prefix operators, not by the length of an operator chain.
 */
function expression(node: cst.ExpressionCstNode, context: ConversionContext): ast.Expr {
  const operands = node.children.operand ?? [];
  const operators = node.children.BinaryOperator ?? [];
  if (operands.length === 0 || operators.length !== operands.length - 1) throw new IncompleteSyntax();
  let operandIndex = 0;
  let prefixIndex = 0;

  const climb = (minimum: number): ast.Expr => {
    let left = prefixed(minimum);
    let leftIsComparison = false;
    // INVARIANT: after an operand is read, operandIndex points past it, so the operator that
    // follows it is operators[operandIndex - 1].
    for (let operator = operators[operandIndex - 1]; operator !== undefined; operator = operators[operandIndex - 1]) {
      const text = binaryOperator(operator);
      const strength = precedence[text];
      if (strength < minimum) break;
      if (strength === comparisonPrecedence && leftIsComparison) {
        report(context, operator, `comparisons do not chain, found \`${text}\` after a comparison`, "write `a < b and b < c`");
      }
      const right = climb(strength + 1);
      left = { kind: "Binary", operator: text, operatorSpan: spanOf(operator), left, right, span: join(left.span, right.span) };
      leftIsComparison = strength === comparisonPrecedence;
    }
    return left;
  };

  const prefixed = (minimum: number): ast.Expr => {
    const operand = required(operands, operandIndex);
    const prefix = optional(operand.children.PrefixOperator, prefixIndex);
    if (prefix === undefined) {
      operandIndex++;
      prefixIndex = 0;
      return postfix(required(operand.children.postfix), context);
    }
    prefixIndex++;
    if (written(prefix).image === "-") {
      const inner = climb(unaryMinusPrecedence);
      return { kind: "Unary", operator: "-", operand: inner, span: join(spanOf(prefix), inner.span) };
    }
    if (minimum > notPrecedence) {
      const previous = prefixIndex > 1 ? optional(operand.children.PrefixOperator, prefixIndex - 2) : operators[operandIndex - 1];
      const after = previous ? ` after \`${previous.image}\`` : "";
      report(context, prefix, `expected an expression${after}, found \`not\``, "`not` binds loosely: write `not (...)` in parentheses");
    }
    const inner = climb(notPrecedence);
    return { kind: "Unary", operator: "not", operand: inner, span: join(spanOf(prefix), inner.span) };
  };

  return climb(0);
}

function report(context: ConversionContext, token: IToken, message: string, help?: string): never {
  context.diagnostics.push(createDiagnostic("AGP1005", message, context.source, spanOf(token), { help }));
  throw new IncompleteSyntax();
}

// postfix := primary ("." FieldName)*
function postfix(node: cst.PostfixCstNode, context: ConversionContext): ast.Expr {
  let result = primary(required(node.children.primary), context);
  for (const property of node.children.property ?? []) {
    const propertyName = name(property);
    result = { kind: "Member", object: result, property: propertyName, span: join(result.span, propertyName.span) };
  }
  return result;
}

// primary := Number | Duration | String | "true" | "false" | list | "(" expr ")" | "has" postfix
//          | history | Name ("(" args ")" | "{" recordFields? "}")? | "{" recordFields? "}" | root keyword
function primary(node: cst.PrimaryCstNode, context: ConversionContext): ast.Expr {
  const c = node.children;
  const number = optional(c.number);
  if (number) {
    if (number.tokenType === DurationLiteral) return durationLiteral(number);
    if (number.tokenType !== NumberLiteral) throw new IncompleteSyntax();
    return { kind: "NumberLiteral", value: Number(written(number).image), span: spanOf(number) };
  }
  const string = optional(c.string);
  if (string) return stringLiteral(string);
  const bool = optional(c.bool);
  if (bool) return { kind: "BoolLiteral", value: written(bool).image === "true", span: spanOf(bool) };
  const nameToken = optional(c.name);
  if (nameToken) return nameExpression(nameToken, c, context);
  const root = optional(c.root);
  if (root) return identifier(root);
  const parenthesized = optional(c.parenthesized);
  if (parenthesized) {
    written(required(c.RParen));
    return { kind: "Paren", inner: expression(parenthesized, context), span: nodeSpan(node) };
  }
  const list = optional(c.listLiteral);
  if (list) {
    return { kind: "ListLiteral", elements: (list.children.element ?? []).map((e) => expression(e, context)), span: nodeSpan(list) };
  }
  const has = optional(c.hasExpression);
  if (has) return { kind: "Has", path: postfix(required(has.children.postfix), context), span: nodeSpan(has) };
  const history = optional(c.historyExpression);
  if (history) return historyExpression(history, context);
  return recordLiteral(undefined, required(c.untypedRecord), context);
}

function identifier(token: IToken): ast.Identifier {
  const identifierName = name(token);
  return { kind: "Identifier", name: identifierName, span: identifierName.span };
}

// history := ("count" | "exists") "(" source ("where" expr)? ("within" Duration)? ")"
function historyExpression(node: cst.HistoryExpressionCstNode, context: ConversionContext): ast.HistoryExpr {
  const c = node.children;
  const sourceToken = written(required(c.source));
  const where = optional(c.where);
  const within = optional(c.within);
  return {
    kind: "History",
    function: written(required(c.function)).image === "exists" ? "exists" : "count",
    source: {
      kind: "HistorySource",
      source: sourceToken.image === "principal" ? "principal" : sourceToken.image === "resource" ? "resource" : "session",
      span: spanOf(sourceToken),
    },
    where: where ? expression(where, context) : undefined,
    within: within ? durationLiteral(within) : undefined,
    span: nodeSpan(node),
  };
}

// Name | Name "(" args ")" | Name "{" recordFields? "}"
function nameExpression(nameToken: IToken, c: cst.PrimaryCstChildren, context: ConversionContext): ast.Expr {
  const args = optional(c.callArguments);
  if (args) {
    written(required(args.children.RParen));
    return {
      kind: "Call",
      callee: name(nameToken),
      args: (args.children.argument ?? []).map((argument) => expression(argument, context)),
      span: join(spanOf(nameToken), nodeSpan(args)),
    };
  }
  const record = optional(c.recordBody);
  return record ? recordLiteral(nameToken, record, context) : identifier(nameToken);
}

function recordLiteral(typeToken: IToken | undefined, body: cst.RecordBodyCstNode, context: ConversionContext): ast.RecordLiteral {
  const bodySpan = nodeSpan(body);
  return {
    kind: "RecordLiteral",
    typeName: typeToken ? name(typeToken) : undefined,
    fields: (body.children.recordField ?? []).map((field) => {
      const value = expression(required(field.children.value), context);
      const fieldName = name(required(field.children.name));
      return { kind: "RecordLiteralField", name: fieldName, value, span: join(fieldName.span, value.span) };
    }),
    span: typeToken ? join(spanOf(typeToken), bodySpan) : bodySpan,
  };
}

// testDeclaration := letDecl | caseDecl
function testDeclaration(node: cst.TestDeclarationCstNode, context: ConversionContext): ast.TestDeclaration {
  const letNode = optional(node.children.letDecl);
  if (letNode) {
    return {
      kind: "LetDecl",
      name: name(required(letNode.children.name)),
      value: expression(required(letNode.children.value), context),
      span: nodeSpan(letNode),
    };
  }
  const caseNode = required(node.children.caseDecl);
  written(required(caseNode.children.RBrace));
  return {
    kind: "CaseDecl",
    title: stringLiteral(required(caseNode.children.title)),
    steps: (caseNode.children.step ?? []).map((s) => step(s, context)),
    span: nodeSpan(caseNode),
  };
}

const sessionStates = ["active", "suspended", "ended", "downgraded"] as const;
const grantStates = ["revoked", "live"] as const;

function oneOf<T extends string>(token: IToken, allowed: readonly T[], context: ConversionContext, expected: string): T {
  const found = allowed.find((candidate) => candidate === written(token).image);
  return found ?? reportWord(context, token, expected);
}

// step := sessionStep | expectStep | advanceStep | redeemStep | revokeStep | resolveStep
function step(node: cst.StepCstNode, context: ConversionContext): ast.TestStep {
  const c = node.children;
  const session = optional(c.sessionStep);
  if (session) {
    const env = optional(session.children.env);
    return {
      kind: "SessionStep",
      principal: expression(required(session.children.principal), context),
      intent: name(required(session.children.intent)),
      env: env ? expression(env, context) : undefined,
      span: nodeSpan(session),
    };
  }
  const expect = optional(c.expectStep);
  if (expect) return expectStep(expect, context);
  const advance = optional(c.advanceStep);
  if (advance) return { kind: "AdvanceStep", duration: durationLiteral(required(advance.children.duration)), span: nodeSpan(advance) };
  const redeem = optional(c.redeemStep);
  if (redeem) {
    const refusal = optional(redeem.children.refusal);
    return {
      kind: "RedeemStep",
      expectRefused: redeem.children.Refused !== undefined,
      refusal: refusal ? stringLiteral(refusal) : undefined,
      span: nodeSpan(redeem),
    };
  }
  const revoke = optional(c.revokeStep);
  if (revoke) {
    const target = written(required(revoke.children.target)).image;
    return { kind: "RevokeStep", target: target === "grant" ? "grant" : target === "session" ? "session" : "principal", span: nodeSpan(revoke) };
  }
  const resolve = required(c.resolveStep);
  const verdict = oneOf(required(resolve.children.verdict), ["approve", "reject"], context, "`approve` or `reject` after `resolve review`");
  return { kind: "ResolveReviewStep", verdict, span: nodeSpan(resolve) };
}

function expectStep(node: cst.ExpectStepCstNode, context: ConversionContext): ast.ExpectDecisionStep | ast.ExpectStateStep {
  const c = node.children;
  const decision = optional(c.expectDecision);
  if (decision) {
    const d = decision.children;
    const env = optional(d.env);
    const grant = optional(d.grant);
    const reason = optional(d.reason);
    return {
      kind: "ExpectDecisionStep",
      effect: written(required(d.effect)).image === "allow" ? "allow" : "deny",
      action: name(required(d.action)),
      resource: expression(required(d.resource), context),
      env: env ? expression(env, context) : undefined,
      grant: grant ? durationLiteral(grant) : undefined,
      by: names(optional(d.by)),
      reason: reason ? stringLiteral(reason) : undefined,
      span: nodeSpan(node),
    };
  }
  const subject = written(required(c.subject)).image === "grant" ? "grant" : "session";
  const stateToken = required(c.state);
  const state =
    subject === "grant"
      ? oneOf(stateToken, grantStates, context, "`revoked` or `live` after `expect grant`")
      : oneOf(stateToken, sessionStates, context, "`active`, `suspended`, `ended` or `downgraded` after `expect session`");
  const to = optional(c.To);
  if (to && state !== "downgraded") reportWord(context, to, "the end of the step (only `downgraded` takes `to`)");
  return { kind: "ExpectStateStep", subject, state, downgradedTo: names(optional(c.downgradedTo)), span: nodeSpan(node) };
}
