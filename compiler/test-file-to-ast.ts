/**
 * Test-file CST → AST: `let` fixtures and `case` blocks with their steps. The step words that
 * are not keywords (`active`, `revoked`, `approve`, ...) are checked here.
 */
import type { IToken } from "chevrotain";
import type * as ast from "./ast.js";
import type * as cst from "./cst.generated.js";
import {
  durationLiteral,
  name,
  names,
  nodeSpan,
  optional,
  reportWord,
  required,
  stringLiteral,
  withIncompleteAsUndefined,
  written,
  type ConversionContext,
} from "./cst-reading.js";
import { expression } from "./expression-to-ast.js";

/** Converts one test-file declaration (`let` or `case`); undefined when incomplete. */
export function testDeclarationToAst(
  node: cst.TestDeclarationCstNode,
  context: ConversionContext,
): ast.TestDeclaration | undefined {
  return withIncompleteAsUndefined(() => testDeclaration(node, context));
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

function oneOf<T extends string>(
  token: IToken,
  allowed: readonly T[],
  context: ConversionContext,
  expected: string,
): T {
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
  if (advance)
    return {
      kind: "AdvanceStep",
      duration: durationLiteral(required(advance.children.duration)),
      span: nodeSpan(advance),
    };
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
    return {
      kind: "RevokeStep",
      target: target === "grant" ? "grant" : target === "session" ? "session" : "principal",
      span: nodeSpan(revoke),
    };
  }
  const resolve = required(c.resolveStep);
  const verdict = oneOf(
    required(resolve.children.verdict),
    ["approve", "reject"],
    context,
    "`approve` or `reject` after `resolve review`",
  );
  return { kind: "ResolveReviewStep", verdict, span: nodeSpan(resolve) };
}

function expectStep(
  node: cst.ExpectStepCstNode,
  context: ConversionContext,
): ast.ExpectDecisionStep | ast.ExpectStateStep {
  const c = node.children;
  const decision = optional(c.expectDecision);
  if (decision) {
    const d = decision.children;
    const env = optional(d.env);
    const grant = optional(d.grant);
    const reason = optional(d.reason);
    const matches = optional(d.matches);
    return {
      kind: "ExpectDecisionStep",
      effect: written(required(d.effect)).image === "allow" ? "allow" : "deny",
      action: name(required(d.action)),
      resource: expression(required(d.resource), context),
      env: env ? expression(env, context) : undefined,
      grant: grant ? durationLiteral(grant) : undefined,
      by: names(optional(d.by)),
      reason: reason ? stringLiteral(reason) : undefined,
      ...(matches ? { matches: stringLiteral(matches) } : {}),
      span: nodeSpan(node),
    };
  }
  const subject = written(required(c.subject)).image === "grant" ? "grant" : "session";
  const stateToken = required(c.state);
  const state =
    subject === "grant"
      ? oneOf(stateToken, grantStates, context, "`revoked` or `live` after `expect grant`")
      : oneOf(
          stateToken,
          sessionStates,
          context,
          "`active`, `suspended`, `ended` or `downgraded` after `expect session`",
        );
  const to = optional(c.To);
  if (to && state !== "downgraded") reportWord(context, to, "the end of the step (only `downgraded` takes `to`)");
  return {
    kind: "ExpectStateStep",
    subject,
    state,
    downgradedTo: names(optional(c.downgradedTo)),
    span: nodeSpan(node),
  };
}
