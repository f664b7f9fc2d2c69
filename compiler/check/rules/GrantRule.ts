/**
 * `grant DURATION` belongs on allow rules only (AGP4002) and must be positive (AGP4003).
 */
import type { DurationLiteral, RuleDecl } from "../../ast.js";
import type { Source, Span } from "../../source.js";
import type { CheckContext } from "../context.js";

/** Checks the `grant` of every rule. */
export function GrantRule(ctx: CheckContext): void {
  for (const rule of ctx.rules) {
    const grant = rule.grant;
    if (!grant) continue;
    if (rule.effect === "deny") {
      ctx.report(
        "AGP4002",
        `deny rule \`${rule.name.text}\` cannot have a \`grant\``,
        grantClauseSpan(ctx.source, rule, grant),
        {
          help: "a deny issues no grant; remove the `grant` clause",
        },
      );
    } else if (grant.milliseconds <= 0) {
      ctx.report("AGP4003", "a grant must last longer than zero", grant.span, {
        help: "e.g. `grant 5m`",
      });
    }
  }
}

/**
 * The span of `grant DURATION`: from the `grant` keyword (the last one written before the
 * duration inside the rule) to the end of the duration.
 */
export function grantClauseSpan(
  source: Source,
  rule: RuleDecl,
  grant: DurationLiteral,
): Span {
  const keyword = source.text.lastIndexOf("grant", grant.span.start);
  return {
    start: keyword >= rule.span.start ? keyword : grant.span.start,
    end: grant.span.end,
  };
}
