/**
 * The shared state of one policy check: symbol tables built first (labels, entity types,
 * context fields, actions and their resource types, intents, rule names), the diagnostics
 * sink, and the maps that rules fill (expression types, name resolutions, history queries).
 * Every rule reads and writes a {@link CheckContext}; none of them talks to another directly.
 */
import type {
  ActionSelector,
  ContextDecl,
  EntityDecl,
  Expr,
  HistoryExpr,
  Identifier,
  IntentDecl,
  MonitorDecl,
  Name,
  PolicyFile,
  RuleDecl,
  SensitivityDecl,
  SeparateDecl,
} from "../ast.js";
import type { DiagnosticCode } from "../codes.js";
import {
  createDiagnostic,
  type Diagnostic,
  type DiagnosticOptions,
} from "../diagnostics.js";
import type { Source, Span } from "../source.js";
import { errorType, type Type } from "../types.js";
import type {
  ActionInfo,
  Coverage,
  EntityTypeInfo,
  IntentInfo,
  Resolution,
} from "./model.js";
import { typeFromTypeExpr } from "./typeFromTypeExpr.js";

/** A declaration that names its actions: a rule, a separation or a monitor. */
export type ActionScopedDecl = RuleDecl | SeparateDecl | MonitorDecl;

/** The diagnostics sink plus the type and resolution maps, shared by policy and test checks. */
export class DiagnosticSink {
  readonly diagnostics: Diagnostic[] = [];
  readonly types = new Map<Expr, Type>();
  readonly resolutions = new Map<Identifier, Resolution>();

  constructor(readonly source: Source) {}

  /** Records a diagnostic at a span of this context's source. */
  report(
    code: DiagnosticCode,
    message: string,
    span: Span,
    options: DiagnosticOptions = {},
  ): void {
    this.diagnostics.push(
      createDiagnostic(code, message, this.source, span, options),
    );
  }

  /** The recorded type of an expression; `error` when it was never typed. */
  typeOf(expr: Expr): Type {
    return this.types.get(expr) ?? errorType;
  }
}

/** Symbol tables and results of checking one policy file. */
export class CheckContext extends DiagnosticSink {
  readonly labels: readonly string[];
  readonly entities: ReadonlyMap<string, EntityTypeInfo>;
  readonly context: ReadonlyMap<string, Type>;
  readonly actions: ReadonlyMap<string, ActionInfo>;
  readonly intents: ReadonlyMap<string, IntentInfo>;
  readonly rules: readonly RuleDecl[];
  readonly separations: readonly SeparateDecl[];
  readonly monitors: readonly MonitorDecl[];
  readonly principalType: Type;
  /** History queries in source order, as ExpressionTypesRule meets them. */
  readonly historyQueries: HistoryExpr[] = [];
  readonly historyDependsOnRequest = new Map<HistoryExpr, boolean>();
  private readonly coverages = new Map<ActionScopedDecl, Coverage>();

  constructor(
    readonly ast: PolicyFile,
    source: Source,
  ) {
    super(source);
    const declarations = ast.declarations;
    const sensitivity = declarations.find(
      (d): d is SensitivityDecl => d.kind === "SensitivityDecl",
    );
    this.labels = [...new Set(sensitivity?.labels.map((l) => l.text) ?? [])];
    this.entities = buildEntities(
      declarations.filter((d): d is EntityDecl => d.kind === "EntityDecl"),
    );
    const entityNames = new Set(this.entities.keys());
    const contextDecl = declarations.find(
      (d): d is ContextDecl => d.kind === "ContextDecl",
    );
    const contextFields = new Map<string, Type>();
    for (const field of contextDecl?.fields ?? []) {
      if (!contextFields.has(field.name.text))
        contextFields.set(
          field.name.text,
          typeFromTypeExpr(field.type, entityNames),
        );
    }
    this.context = contextFields;
    this.actions = buildActions(this.ast, this.entities);
    this.intents = buildIntents(
      declarations.filter((d): d is IntentDecl => d.kind === "IntentDecl"),
    );
    this.rules = declarations.filter(
      (d): d is RuleDecl => d.kind === "RuleDecl",
    );
    this.separations = declarations.filter(
      (d): d is SeparateDecl => d.kind === "SeparateDecl",
    );
    this.monitors = declarations.filter(
      (d): d is MonitorDecl => d.kind === "MonitorDecl",
    );
    this.principalType = unionOf(
      [...this.entities.values()]
        .filter((e) => e.kind === "agent")
        .map((e) => e.name),
    );
  }

  /** True when `name` is a declared `resource` type. */
  isResourceType(name: string): boolean {
    return this.entities.get(name)?.kind === "resource";
  }

  /** Rules, separations and monitors in source order. */
  actionScopedDecls(): ActionScopedDecl[] {
    return this.ast.declarations.filter(
      (d): d is ActionScopedDecl =>
        d.kind === "RuleDecl" ||
        d.kind === "SeparateDecl" ||
        d.kind === "MonitorDecl",
    );
  }

  /** The (action, resource type) pairs a declaration applies to; unknown names are left out. */
  coverage(decl: ActionScopedDecl): Coverage {
    let coverage = this.coverages.get(decl);
    if (!coverage) {
      coverage = this.computeCoverage(decl);
      this.coverages.set(decl, coverage);
    }
    return coverage;
  }

  /**
   * The type of `resource` inside a declaration: its `on TYPE`, else the resource types its
   * actions are declared on (a union when several, in declaration order). `error` when unknown.
   */
  resourceTypeOf(decl: ActionScopedDecl): Type {
    const on = decl.resourceType;
    if (on)
      return this.isResourceType(on.text)
        ? { kind: "entity", name: on.text }
        : errorType;
    const used = new Set(this.coverage(decl).pairs.map((p) => p.resourceType));
    return unionOf([...this.entities.keys()].filter((name) => used.has(name)));
  }

  /** The action names a selector lists (`*`: every declared action), as written. */
  selectedActionNames(
    selector: ActionSelector | readonly Name[],
  ): Name[] | "*" {
    if ("kind" in selector)
      return selector.kind === "AllActions" ? "*" : [...selector.actions];
    return [...selector];
  }

  private computeCoverage(decl: ActionScopedDecl): Coverage {
    const selected = this.selectedActionNames(decl.actions);
    const wanted =
      selected === "*" ? undefined : new Set(selected.map((n) => n.text));
    const on = decl.resourceType?.text;
    const pairs: { action: string; resourceType: string }[] = [];
    for (const action of this.actions.values()) {
      if (wanted && !wanted.has(action.name)) continue;
      for (const resourceType of action.resourceTypes) {
        if (on === undefined || on === resourceType)
          pairs.push({ action: action.name, resourceType });
      }
    }
    return { pairs };
  }
}

/** `entity T`, the union of several, or `error` for none. */
export function unionOf(names: readonly string[]): Type {
  if (names.length === 0) return errorType;
  if (names.length === 1) return { kind: "entity", name: names[0] ?? "" };
  return { kind: "entityUnion", names };
}

function buildEntities(
  decls: readonly EntityDecl[],
): Map<string, EntityTypeInfo> {
  const firsts = new Map<string, EntityDecl>();
  for (const decl of decls)
    if (!firsts.has(decl.name.text)) firsts.set(decl.name.text, decl);
  const names = new Set(firsts.keys());
  const entities = new Map<string, EntityTypeInfo>();
  for (const [name, decl] of firsts) {
    const fields = new Map<string, Type>();
    for (const field of decl.fields) {
      if (!fields.has(field.name.text))
        fields.set(field.name.text, typeFromTypeExpr(field.type, names));
    }
    entities.set(name, { name, kind: decl.entityKind, fields, decl });
  }
  return entities;
}

function buildActions(
  ast: PolicyFile,
  entities: ReadonlyMap<string, EntityTypeInfo>,
): Map<string, ActionInfo> {
  const actions = new Map<
    string,
    { name: string; resourceTypes: string[]; span: Span }
  >();
  for (const decl of ast.declarations) {
    if (decl.kind !== "ActionDecl") continue;
    const resourceType = decl.resourceType.text;
    const valid = entities.get(resourceType)?.kind === "resource";
    for (const name of decl.actions) {
      let info = actions.get(name.text);
      if (!info) {
        info = { name: name.text, resourceTypes: [], span: name.span };
        actions.set(name.text, info);
      }
      if (valid && !info.resourceTypes.includes(resourceType))
        info.resourceTypes.push(resourceType);
    }
  }
  return actions;
}

function buildIntents(decls: readonly IntentDecl[]): Map<string, IntentInfo> {
  const intents = new Map<string, IntentInfo>();
  for (const decl of decls) {
    if (intents.has(decl.name.text)) continue;
    intents.set(decl.name.text, {
      name: decl.name.text,
      description: decl.description.value,
      actions: [...new Set(decl.actions.map((a) => a.text))],
      max: decl.max?.text,
      decl,
    });
  }
  return intents;
}
