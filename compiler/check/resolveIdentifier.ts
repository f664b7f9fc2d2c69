/**
 * What a bare name in an expression refers to: a test fixture, a root (`principal`,
 * `resource`, `env`, `intent`, `action`, `event`), or a label, intent or action name, the
 * expected type (from the other operand) deciding between the last three.
 */
import type { Identifier } from "../ast.js";
import { didYouMean } from "../suggest.js";
import {
  actionType,
  errorType,
  intentType,
  sensitivityType,
  stringType,
  timeType,
  type Type,
} from "../types.js";
import type { DiagnosticSink } from "./context.js";
import type { ExprScope, PolicySymbols } from "./ExpressionTyper.js";
import type { RootName } from "./model.js";
import { unwrapOptional } from "./typeRelations.js";

/** The expression roots, reserved names that never denote a label, intent or action. */
export const roots: readonly RootName[] = [
  "principal",
  "resource",
  "env",
  "intent",
  "action",
  "event",
  "now",
];

/** What a bare name means where it is written: a fixture, a root, or a label, intent or action. */
export function resolveIdentifier(
  sink: DiagnosticSink,
  symbols: PolicySymbols,
  expr: Identifier,
  scope: ExprScope,
  expected: Type | undefined,
): Type {
  const name = expr.name.text;
  const fixture = scope.fixtures?.get(name);
  if (fixture) {
    sink.resolutions.set(expr, { kind: "fixture", name });
    return fixture;
  }
  if ((roots as readonly string[]).includes(name)) {
    if (scope.mode === "test") {
      sink.report(
        "AGP2009",
        `\`${name}\` cannot be used in a test value`,
        expr.span,
        {
          help: "test values are literals, fixtures, labels, intents and actions",
        },
      );
      return errorType;
    }
    return resolveRoot(sink, symbols, expr, name as RootName, scope);
  }
  return resolveConstantName(sink, symbols, expr, expected, scope);
}

function resolveRoot(
  sink: DiagnosticSink,
  symbols: PolicySymbols,
  expr: Identifier,
  root: RootName,
  scope: ExprScope,
): Type {
  let type: Type;
  switch (root) {
    case "principal":
      type = symbols.principalType;
      break;
    case "resource":
      type = scope.resourceType;
      break;
    case "env":
      type = { kind: "record", fields: symbols.context };
      break;
    case "intent":
      type = intentType;
      break;
    case "action":
      type = actionType;
      break;
    case "now":
      // The request's own time: the same clock that history windows and grants use.
      type = timeType;
      break;
    case "event":
      if (!scope.inHistoryWhere) {
        sink.report(
          "AGP2017",
          "`event` can only be used inside the `where` of `count` or `exists`",
          expr.span,
          {
            help: "e.g. `count(session where event.action == read) > 3`",
          },
        );
        return errorType;
      }
      type = eventType(symbols, scope);
      break;
  }
  sink.resolutions.set(expr, { kind: "root", root });
  return type;
}

/** `event` inside a history condition: typed like the request (LANGUAGE.md). */
function eventType(symbols: PolicySymbols, scope: ExprScope): Type {
  return {
    kind: "record",
    fields: new Map<string, Type>([
      ["action", actionType],
      ["principal", symbols.principalType],
      ["resource", scope.resourceType],
      ["at", timeType],
      ["session", stringType],
    ]),
  };
}

/** A label, intent or action name; the expected type decides between them. */
function resolveConstantName(
  sink: DiagnosticSink,
  symbols: PolicySymbols,
  expr: Identifier,
  expected: Type | undefined,
  scope: ExprScope,
): Type {
  const name = expr.name.text;
  const { labels, intents, actions } = symbols;
  let wanted = expected && unwrapOptional(expected);
  if (wanted?.kind === "list") wanted = wanted.element;
  const label = (): Type => {
    sink.resolutions.set(expr, {
      kind: "label",
      label: name,
      rank: labels.indexOf(name),
    });
    return sensitivityType;
  };
  const intent = (): Type => {
    sink.resolutions.set(expr, { kind: "intent", name });
    return intentType;
  };
  const action = (): Type => {
    sink.resolutions.set(expr, { kind: "action", name });
    return actionType;
  };
  switch (wanted?.kind) {
    case "sensitivity":
      if (labels.includes(name)) return label();
      sink.report(
        "AGP2006",
        `unknown sensitivity label \`${name}\``,
        expr.span,
        {
          help:
            labels.length === 0
              ? "declare labels first, e.g. `sensitivity public < secret`"
              : didYouMean(name, labels),
        },
      );
      return errorType;
    case "intent":
      if (intents.has(name)) return intent();
      sink.report("AGP2005", `unknown intent \`${name}\``, expr.span, {
        help: didYouMean(name, intents.keys()),
      });
      return errorType;
    case "action":
      if (actions.has(name)) return action();
      sink.report("AGP2004", `unknown action \`${name}\``, expr.span, {
        help: didYouMean(name, actions.keys()),
      });
      return errorType;
  }
  const meanings: [string, () => Type][] = [];
  if (labels.includes(name)) meanings.push(["a sensitivity label", label]);
  if (intents.has(name)) meanings.push(["an intent", intent]);
  if (actions.has(name)) meanings.push(["an action", action]);
  const only = meanings.length === 1 ? meanings[0] : undefined;
  if (only) return only[1]();
  if (meanings.length > 1) {
    sink.report(
      "AGP2009",
      `\`${name}\` is ambiguous: it is ${meanings.map((m) => m[0]).join(" and ")}`,
      expr.span,
      {
        help: `compare it with a value of the kind you mean, e.g. \`intent == ${name}\` or \`action == ${name}\``,
      },
    );
    return errorType;
  }
  const candidates = [
    ...labels,
    ...intents.keys(),
    ...actions.keys(),
    ...(scope.fixtures?.keys() ?? []),
  ];
  if (scope.mode === "policy") candidates.push(...roots);
  sink.report("AGP2009", `unknown name \`${name}\``, expr.span, {
    help: didYouMean(name, candidates),
  });
  return errorType;
}
