/**
 * Fixture names are unique in a test file (AGP2018): a name is an entity id and what
 * steps refer to, so a second `let` with the same name would be ambiguous.
 */
import type { TestCheckContext } from "../testContext.js";

/** Reports every `let` whose name an earlier `let` already took. */
export function FixturesRule(ctx: TestCheckContext): void {
  for (const decl of ctx.ast.declarations) {
    if (decl.kind !== "LetDecl") continue;
    const first = ctx.fixtures.get(decl.name.text);
    if (!first || first.decl === decl) continue;
    ctx.report(
      "AGP2018",
      `fixture \`${decl.name.text}\` is declared twice`,
      decl.name.span,
      {
        related: [
          {
            message: "first declared here",
            source: ctx.source,
            span: first.decl.name.span,
          },
        ],
        help: "give each fixture its own name; the name is the entity's id",
      },
    );
  }
}
