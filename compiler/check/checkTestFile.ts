/**
 * Checks a `*.test.agp` file against its checked policy and builds the
 * {@link CheckedTestFile} the test harness runs.
 */
import type { Expr, Identifier, TestFile } from "../ast.js";
import { walk } from "../visitor.js";
import { errorType } from "../types.js";
import type { Diagnostic } from "../diagnostics.js";
import type { Source } from "../source.js";
import { ConstantEvaluator } from "./constantValue.js";
import type { DiagnosticSink } from "./context.js";
import { ExpressionTyper } from "./ExpressionTyper.js";
import type { CheckedPolicy, Resolution } from "./model.js";
import type {
  CheckedCase,
  CheckedStep,
  CheckedTestFile,
  FixtureInfo,
} from "./model-test.js";
import { AgentTestRule } from "./rules/AgentRule.js";
import { FixturesRule } from "./rules/FixturesRule.js";
import { RecordValuesRule } from "./rules/RecordValuesRule.js";
import { TestStepsRule } from "./rules/TestStepsRule.js";
import { TestCheckContext } from "./testContext.js";

/** The test-file rules, run after every test expression is typed. */
const testRules: readonly ((ctx: TestCheckContext) => void)[] = [
  FixturesRule,
  RecordValuesRule,
  TestStepsRule,
  AgentTestRule,
];

/** Types the test file's expressions, runs the test rules and builds the checked model. */
export function checkTestFileWith(
  ast: TestFile,
  source: Source,
  policy: CheckedPolicy,
  resolve: (sink: DiagnosticSink, identifier: Identifier) => Resolution,
): { test: CheckedTestFile; diagnostics: Diagnostic[] } {
  const ctx = new TestCheckContext(ast, source, policy);
  const typer = new ExpressionTyper(ctx, policy);
  const scope = ctx.scope();
  // Fixtures are typed in order, so a value may use only the non-entity fixtures before it.
  // (Entity fixtures are references, typed up front: any fixture may refer to any of them.)
  const typedSoFar = new Set<string>();
  for (const decl of ast.declarations) {
    if (decl.kind !== "LetDecl") continue;
    const type = typer.infer(decl.value, scope);
    const fixture = ctx.fixtures.get(decl.name.text);
    if (fixture?.decl !== decl) continue;
    const early = laterFixtureUses(ctx, decl.value, typedSoFar);
    for (const use of early) {
      const what = use.name.text === decl.name.text ? "itself" : `\`${use.name.text}\`, which is declared after it`;
      ctx.report("AGP2024", `fixture \`${decl.name.text}\` refers to ${what}`, use.span, {
        help: "a fixture's value may use only the fixtures declared before it (entity fixtures may be referred to from anywhere)",
      });
    }
    if (!fixture.entityType) ctx.fixtureTypes.set(decl.name.text, early.length > 0 ? errorType : type);
    typedSoFar.add(decl.name.text);
  }
  for (const step of ctx.steps()) {
    if (step.kind === "SessionStep") {
      typer.infer(step.principal, scope, policy.principalType);
      if (step.env) typer.infer(step.env, scope, ctx.contextType());
    } else if (step.kind === "ExpectDecisionStep") {
      typer.infer(step.resource, scope);
      if (step.env) typer.infer(step.env, scope, ctx.contextType());
      if (step.grant) typer.infer(step.grant, scope);
    } else if (step.kind === "AdvanceStep") {
      typer.infer(step.duration, scope);
    }
  }
  for (const rule of testRules) rule(ctx);

  const evaluator = new ConstantEvaluator(ctx);
  const fixtures = new Map<string, FixtureInfo>();
  for (const [name, fixture] of ctx.fixtures) {
    const entity = evaluator.fixtureEntity(name);
    fixtures.set(name, {
      name,
      entityType: fixture.entityType,
      type: ctx.fixtureTypes.get(name) ?? ctx.typeOf(fixture.decl.value),
      entity,
      value: entity
        ? { type: entity.type, id: entity.id }
        : evaluator.value(fixture.decl.value),
      decl: fixture.decl,
    });
  }
  const cases: CheckedCase[] = ctx.cases.map((decl) => ({
    title: decl.title.value,
    decl,
    steps: decl.steps.map((step): CheckedStep => {
      switch (step.kind) {
        case "SessionStep":
          return {
            kind: "session",
            step,
            principal: evaluator.entity(step.principal),
            intent: step.intent.text,
            env: step.env && evaluator.value(step.env),
          };
        case "ExpectDecisionStep":
          return {
            kind: "expectDecision",
            step,
            effect: step.effect,
            action: step.action.text,
            resource: evaluator.entity(step.resource),
            env: step.env && evaluator.value(step.env),
            grantMs: step.grant?.milliseconds,
            rules: step.by.map((rule) => rule.text),
            reason: step.reason?.value,
            ...(step.matches ? { matches: step.matches.value } : {}),
          };
        case "AdvanceStep":
          return {
            kind: "advance",
            step,
            milliseconds: step.duration.milliseconds,
          };
        case "RedeemStep":
          return { kind: "redeem", step };
        case "RevokeStep":
          return { kind: "revoke", step };
        case "ExpectStateStep":
          return {
            kind: "expectState",
            step,
            downgradedTo: step.downgradedTo.map((a) => a.text),
          };
        case "ResolveReviewStep":
          return { kind: "resolveReview", step };
      }
    }),
  }));
  const test: CheckedTestFile = {
    source,
    ast,
    policy,
    fixtures,
    cases,
    entities: [...evaluator.entities.values()],
    typeOf: (expr) => ctx.typeOf(expr),
    resolve: (identifier) => resolve(ctx, identifier),
  };
  return { test, diagnostics: ctx.diagnostics };
}

/** The references in `value` to non-entity fixtures not yet typed (itself, or one declared later). */
function laterFixtureUses(ctx: TestCheckContext, value: Expr, typedSoFar: ReadonlySet<string>): Identifier[] {
  const uses: Identifier[] = [];
  walk(value, (node) => {
    if (node.kind !== "Identifier") return;
    const resolution = ctx.resolutions.get(node);
    if (resolution?.kind !== "fixture" || typedSoFar.has(resolution.name)) return;
    if (ctx.fixtures.get(resolution.name)?.entityType === undefined) uses.push(node);
  });
  return uses;
}
