/**
 * The parts of a decision the interpreter (test/differential/interpreter.ts) builds: the
 * reasons and consequences of what applied, denies and errors, as docs/language.md words them.
 */
import type { MonitorDecl, RuleDecl, SeparateDecl } from "../../compiler/ast.js";
import type { Decision, MonitorConsequence } from "../../stdlib/contract.js";
import { isEvaluationError } from "../../stdlib/errors.js";

/** A rule, separation or monitor. */
export type Decl = RuleDecl | SeparateDecl | MonitorDecl;

/** The reason a rule, separation or monitor gives when it applies (docs/language.md). */
export function reasonOf(decl: Decl): string {
  if (decl.kind === "MonitorDecl") {
    const told = decl.consequences.find((c) => c.kind === "Review" || c.kind === "Alert");
    return told && (told.kind === "Review" || told.kind === "Alert")
      ? told.reason.value
      : `monitor \`${decl.name.text}\` fired`;
  }
  if (decl.reason) return decl.reason.value;
  if (decl.kind === "SeparateDecl") {
    return `separation \`${decl.name.text}\`: the same chain already did another of its actions on this resource`;
  }
  return decl.effect === "allow" ? `allowed by rule \`${decl.name.text}\`` : `denied by rule \`${decl.name.text}\``;
}

/** What a fired monitor does, in the order written. */
export function consequencesOf(decl: MonitorDecl): MonitorConsequence[] {
  const monitor = decl.name.text;
  return decl.consequences.map((c): MonitorConsequence => {
    switch (c.kind) {
      case "Revoke":
        return { type: "revoke", monitor };
      case "Downgrade":
        return {
          type: "downgrade",
          monitor,
          actions: c.actions.map((a) => a.text),
        };
      case "Review":
        return { type: "review", monitor, reason: c.reason.value };
      case "Alert":
        return { type: "alert", monitor, reason: c.reason.value };
    }
  });
}

/** A deny naming `rules`. */
export function deny(rules: string[], reasons: string[], consequences: MonitorConsequence[]): Decision {
  return { decision: "deny", grant: null, rules, reasons, consequences };
}

/** An error while evaluating denies, naming the rule (docs/language.md: errors fail closed). */
export function failure(rule: string, error: unknown): Decision {
  const message = isEvaluationError(error)
    ? error.message
    : `internal error: ${error instanceof Error ? error.message : String(error)}`;
  return deny([rule], [`error in rule \`${rule}\`: ${message}`], []);
}
