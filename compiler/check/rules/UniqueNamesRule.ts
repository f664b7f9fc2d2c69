/**
 * Names that must be unique: types (AGP2002), rule names across allow, deny, separate and
 * monitor, and against intents (AGP2003), intents (AGP2016), fields of one record (AGP2010), sensitivity labels
 * (AGP2012), an action on one resource type (AGP2011), and the `sensitivity` and
 * `context` declarations themselves (AGP2019).
 */
import type { FieldDecl, Name, TypeExpr } from "../../ast.js";
import type { Span } from "../../source.js";
import type { CheckContext } from "../context.js";
import { isPrimitiveTypeName } from "../typeFromTypeExpr.js";

/** Reports every second declaration of a name, pointing at the first. */
export function UniqueNamesRule(ctx: CheckContext): void {
  const types = new Map<string, Span>();
  const ruleNames = new Map<string, Span>();
  const intents = new Map<string, Span>();
  const actionPairs = new Set<string>();
  const singletons = new Map<string, Span>();
  const related = (span: Span | undefined, what: string) =>
    span
      ? {
          related: [
            {
              message: `${what} first declared here`,
              source: ctx.source,
              span,
            },
          ],
        }
      : {};

  const unique = (
    seen: Map<string, Span>,
    name: Name,
    report: (first: Span) => void,
  ): void => {
    const first = seen.get(name.text);
    if (first) report(first);
    else seen.set(name.text, name.span);
  };

  // A decision names the intent that refused it among its `rules`, so a rule and an intent
  // sharing a name would make decisions, `by` in tests and coverage ambiguous.
  const sharedWithIntent = (name: Name, first: Span | undefined, firstKind: "rule" | "intent"): void => {
    if (!first) return;
    ctx.report("AGP2003", `\`${name.text}\` names both an intent and a rule`, name.span, {
      ...related(first, firstKind),
      help: "decisions list refusing intents and rules alike in `rules`; rename one of them",
    });
  };

  for (const decl of ctx.ast.declarations) {
    switch (decl.kind) {
      case "SensitivityDecl": {
        singleton(ctx, singletons, "sensitivity", decl.span);
        const labels = new Map<string, Span>();
        for (const label of decl.labels) {
          unique(labels, label, (first) =>
            ctx.report(
              "AGP2012",
              `sensitivity label \`${label.text}\` is declared twice`,
              label.span,
              related(first, "label"),
            ),
          );
        }
        break;
      }
      case "ContextDecl":
        singleton(ctx, singletons, "context", decl.span);
        uniqueFields(ctx, decl.fields);
        break;
      case "EntityDecl":
        if (isPrimitiveTypeName(decl.name.text)) {
          ctx.report(
            "AGP2002",
            `\`${decl.name.text}\` is a built-in type`,
            decl.name.span,
            { help: "choose another name" },
          );
        } else {
          unique(types, decl.name, (first) =>
            ctx.report(
              "AGP2002",
              `type \`${decl.name.text}\` is declared twice`,
              decl.name.span,
              related(first, "type"),
            ),
          );
        }
        uniqueFields(ctx, decl.fields);
        break;
      case "ActionDecl":
        for (const action of decl.actions) {
          const pair = `${action.text} ${decl.resourceType.text}`;
          if (actionPairs.has(pair)) {
            ctx.report(
              "AGP2011",
              `action \`${action.text}\` is already declared on \`${decl.resourceType.text}\``,
              action.span,
            );
          }
          actionPairs.add(pair);
        }
        break;
      case "IntentDecl":
        sharedWithIntent(decl.name, ruleNames.get(decl.name.text), "rule");
        unique(intents, decl.name, (first) =>
          ctx.report(
            "AGP2016",
            `intent \`${decl.name.text}\` is declared twice`,
            decl.name.span,
            related(first, "intent"),
          ),
        );
        break;
      case "RuleDecl":
      case "SeparateDecl":
      case "MonitorDecl":
        sharedWithIntent(decl.name, intents.get(decl.name.text), "intent");
        unique(ruleNames, decl.name, (first) =>
          ctx.report(
            "AGP2003",
            `a rule named \`${decl.name.text}\` already exists`,
            decl.name.span,
            {
              ...related(first, "rule"),
              help: "rules, separations and monitors share one namespace; rename one of them",
            },
          ),
        );
        break;
    }
  }
}

function singleton(
  ctx: CheckContext,
  seen: Map<string, Span>,
  keyword: string,
  declSpan: Span,
): void {
  // INVARIANT: a declaration's span starts at its keyword.
  const span = { start: declSpan.start, end: declSpan.start + keyword.length };
  const first = seen.get(keyword);
  if (first) {
    ctx.report(
      "AGP2019",
      `a policy has at most one \`${keyword}\` declaration`,
      span,
      {
        related: [
          { message: "first declared here", source: ctx.source, span: first },
        ],
        help: `merge it into the first \`${keyword}\` declaration`,
      },
    );
  } else seen.set(keyword, span);
}

function uniqueFields(ctx: CheckContext, fields: readonly FieldDecl[]): void {
  const seen = new Set<string>();
  for (const field of fields) {
    if (seen.has(field.name.text))
      ctx.report(
        "AGP2010",
        `field \`${field.name.text}\` is declared twice`,
        field.name.span,
      );
    seen.add(field.name.text);
    nestedFields(ctx, field.type);
  }
}

function nestedFields(ctx: CheckContext, type: TypeExpr): void {
  if (type.kind === "RecordType") uniqueFields(ctx, type.fields);
  else if (type.kind === "OptionalType") nestedFields(ctx, type.inner);
  else if (type.kind === "ListType") nestedFields(ctx, type.element);
}
