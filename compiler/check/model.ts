/**
 * What the checker knows about a policy once it has checked it: the symbol tables, the
 * type of every expression and what every bare name refers to. Codegen runs only on a
 * {@link CheckedPolicy} whose check reported no errors, and never re-derives meaning.
 */
import type {
  EntityDecl,
  Expr,
  HistoryExpr,
  Identifier,
  IntentDecl,
  MonitorDecl,
  PolicyFile,
  RuleDecl,
  SeparateDecl,
} from "../ast.js";
import type { Source, Span } from "../source.js";
import type { Type } from "../types.js";

/** A declared `entity`, `agent` or `resource` type. */
export interface EntityTypeInfo {
  readonly name: string;
  readonly kind: "entity" | "agent" | "resource";
  /** Fields in declaration order. */
  readonly fields: ReadonlyMap<string, Type>;
  readonly decl: EntityDecl;
}

/** A declared action and the resource types it is declared on (declaration order). */
export interface ActionInfo {
  readonly name: string;
  readonly resourceTypes: readonly string[];
  /** Where the action name is first declared. */
  readonly span: Span;
}

/** A declared intent and its scope. */
export interface IntentInfo {
  readonly name: string;
  readonly description: string;
  /** The actions a session with this intent may be granted. */
  readonly actions: readonly string[];
  /** The highest sensitivity label it may touch, or undefined for no limit. */
  readonly max: string | undefined;
  readonly decl: IntentDecl;
}

/** The roots an expression path can start from; `now` is the request's time (`at`). */
export type RootName =
  "principal" | "resource" | "env" | "intent" | "action" | "event" | "now";

/** What a bare {@link Identifier} in an expression refers to. */
export type Resolution =
  | { readonly kind: "root"; readonly root: RootName }
  | { readonly kind: "label"; readonly label: string; readonly rank: number }
  | { readonly kind: "intent"; readonly name: string }
  | { readonly kind: "action"; readonly name: string }
  /** A `let` fixture of a test file. */
  | { readonly kind: "fixture"; readonly name: string };

/**
 * The (action, resource type) pairs a rule, separation or monitor applies to, after
 * expanding `*` and restricting to `on TYPE`. Sorted by action declaration order.
 */
export interface Coverage {
  readonly pairs: readonly {
    readonly action: string;
    readonly resourceType: string;
  }[];
}

/** A checked policy: the input of codegen. */
export interface CheckedPolicy {
  readonly source: Source;
  readonly ast: PolicyFile;
  readonly name: string;
  /** Sensitivity labels from lowest to highest; empty when none are declared. */
  readonly labels: readonly string[];
  /** All declared entity, agent and resource types, in declaration order. */
  readonly entities: ReadonlyMap<string, EntityTypeInfo>;
  /** The fields of `env`, in declaration order (empty without a `context` declaration). */
  readonly context: ReadonlyMap<string, Type>;
  /** Declared actions, in declaration order. */
  readonly actions: ReadonlyMap<string, ActionInfo>;
  /** Declared intents, in declaration order. */
  readonly intents: ReadonlyMap<string, IntentInfo>;
  /** `allow` and `deny` rules in source order. */
  readonly rules: readonly RuleDecl[];
  readonly separations: readonly SeparateDecl[];
  readonly monitors: readonly MonitorDecl[];
  /**
   * Every `count`/`exists` expression, numbered by position in this array (source order).
   * The generated module exports them so a runtime can maintain them incrementally.
   */
  readonly historyQueries: readonly HistoryExpr[];
  /** The type of `principal`: one agent type, or a union when several are declared. */
  readonly principalType: Type;
  /** The type of any expression of the policy. */
  typeOf(expr: Expr): Type;
  /** What a bare name refers to. */
  resolve(identifier: Identifier): Resolution;
  /** Where a rule, separation or monitor applies. */
  coverage(decl: RuleDecl | SeparateDecl | MonitorDecl): Coverage;
  /** True when a history query's `where` reads anything outside `event` (so it must be evaluated per request). */
  dependsOnRequest(query: HistoryExpr): boolean;
}
