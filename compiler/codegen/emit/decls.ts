/**
 * The rules, separations and monitors of a policy in one source-ordered list, with what
 * codegen needs of each: where it applies, its conditions (top-level `and` conjuncts) and
 * the generated names of its functions.
 */
import type { Expr, HistoryExpr, MonitorDecl, RuleDecl, SeparateDecl } from "../../ast.js";
import type { CheckedPolicy } from "../../check/model.js";
import { namedIdentifier } from "../escape.js";

/** One rule, separation or monitor. */
export interface DeclInfo {
  readonly decl: RuleDecl | SeparateDecl | MonitorDecl;
  readonly kind: "allow" | "deny" | "separate" | "monitor";
  readonly name: string;
  /** The resource types it applies to, in declaration order. */
  readonly resourceTypes: readonly string[];
  /** For each action it applies to, the resource types (in declaration order). */
  readonly byAction: ReadonlyMap<string, readonly string[]>;
  /** The `and`-ed conditions of its `when` (empty: always). */
  readonly conditions: readonly Expr[];
  /** The generated function that decides whether it applies. */
  readonly checkFunction: string;
}

/** Every rule, separation and monitor, in source order. */
export function collectDecls(policy: CheckedPolicy): DeclInfo[] {
  const infos: DeclInfo[] = [];
  const add = (decl: RuleDecl | SeparateDecl | MonitorDecl, kind: DeclInfo["kind"], when: Expr | undefined): void => {
    const byAction = new Map<string, string[]>();
    const resourceTypes: string[] = [];
    for (const pair of policy.coverage(decl).pairs) {
      const types = byAction.get(pair.action) ?? [];
      if (!types.includes(pair.resourceType)) types.push(pair.resourceType);
      byAction.set(pair.action, types);
      if (!resourceTypes.includes(pair.resourceType)) resourceTypes.push(pair.resourceType);
    }
    // Keep resource types in declaration order, whatever the coverage order.
    const declared = [...policy.entities.keys()];
    resourceTypes.sort((a, b) => declared.indexOf(a) - declared.indexOf(b));
    infos.push({
      decl,
      kind,
      name: decl.name.text,
      resourceTypes,
      byAction,
      conditions: when ? conjuncts(when) : [],
      checkFunction: namedIdentifier("check", decl.name.text),
    });
  };
  for (const rule of policy.rules) add(rule, rule.effect, rule.when);
  for (const separation of policy.separations) add(separation, "separate", undefined);
  for (const monitor of policy.monitors) add(monitor, "monitor", monitor.when);
  return infos.sort((a, b) => a.decl.span.start - b.decl.span.start);
}

/** The conjuncts of a top-level `and` chain (parentheses see-through), left to right. */
export function conjuncts(expr: Expr): Expr[] {
  let inner = expr;
  while (inner.kind === "Paren") inner = inner.inner;
  if (inner.kind === "Binary" && inner.operator === "and") return [...conjuncts(inner.left), ...conjuncts(inner.right)];
  return [inner];
}

/** For each history query, the declaration whose expression contains it. */
export function historyOwners(decls: readonly DeclInfo[]): Map<HistoryExpr, DeclInfo> {
  const owners = new Map<HistoryExpr, DeclInfo>();
  const visit = (expr: Expr, owner: DeclInfo): void => {
    switch (expr.kind) {
      case "History":
        owners.set(expr, owner);
        if (expr.where) visit(expr.where, owner);
        return;
      case "ListLiteral":
        expr.elements.forEach((e) => visit(e, owner));
        return;
      case "Member":
        visit(expr.object, owner);
        return;
      case "Binary":
        visit(expr.left, owner);
        visit(expr.right, owner);
        return;
      case "Unary":
        visit(expr.operand, owner);
        return;
      case "Has":
        visit(expr.path, owner);
        return;
      case "Call":
        expr.args.forEach((e) => visit(e, owner));
        return;
      case "Paren":
        visit(expr.inner, owner);
        return;
      default:
        return;
    }
  };
  for (const info of decls) {
    info.conditions.forEach((c) => visit(c, info));
    if (info.decl.kind === "SeparateDecl") visit(info.decl.key, info);
  }
  return owners;
}
