/**
 * A separation of duties needs at least two different actions (AGP4006) and a key that a
 * runtime can index grants by (AGP3009): a present entity, string or number computed from
 * `principal` alone (the delegation chain), without history.
 */
import type { Expr, SeparateDecl } from "../../ast.js";
import { typeToString } from "../../types.js";
import type { CheckContext } from "../context.js";
import { walkExpression } from "../paths.js";

/** Checks the actions and the key of every `separate`. */
export function SeparationRule(ctx: CheckContext): void {
  for (const separation of ctx.separations) {
    checkActions(ctx, separation);
    const problem = keyProblem(ctx, separation.key);
    if (problem) {
      ctx.report("AGP3009", problem, separation.key.span, {
        help: "key the separation on the delegation chain, e.g. `by principal.onBehalfOf`",
      });
    }
  }
}

function checkActions(ctx: CheckContext, separation: SeparateDecl): void {
  const actions = separation.actions;
  const first = actions[0];
  const last = actions[actions.length - 1];
  if (!first || !last) return;
  const distinct = new Set(actions.map((a) => a.text));
  if (distinct.size < 2) {
    ctx.report(
      "AGP4006",
      `separation \`${separation.name.text}\` needs two different actions`,
      { start: first.span.start, end: last.span.end },
      {
        help: "list the actions one chain may not both perform, e.g. `submit, approve`",
      },
    );
    return;
  }
  const seen = new Set<string>();
  for (const action of actions) {
    if (seen.has(action.text)) {
      ctx.report(
        "AGP4006",
        `action \`${action.text}\` is listed twice in separation \`${separation.name.text}\``,
        action.span,
      );
    }
    seen.add(action.text);
  }
}

/** Why a key cannot be a separation key, or undefined when it can. */
function keyProblem(ctx: CheckContext, key: Expr): string | undefined {
  let problem: string | undefined;
  walkExpression(key, (node) => {
    if (problem) return;
    if (node.kind === "History")
      problem = `a separation key cannot read history (\`${node.function}\`)`;
    if (node.kind !== "Identifier") return;
    const resolution = ctx.resolutions.get(node);
    if (resolution?.kind === "root" && resolution.root !== "principal") {
      problem = `a separation key may only read \`principal\`, not \`${resolution.root}\``;
    }
  });
  if (problem) return problem;
  const type = ctx.typeOf(key);
  if (type.kind === "optional")
    return `separation key \`${ctx.source.slice(key.span)}\` may be absent`;
  if (
    ["entity", "entityUnion", "string", "number", "error"].includes(type.kind)
  )
    return undefined;
  return `a separation key must be an entity, a string or a number, found \`${typeToString(type)}\``;
}
