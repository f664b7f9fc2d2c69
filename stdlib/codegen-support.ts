/**
 * Run-time helpers that generated decision modules import from `agp/stdlib`: reading entity
 * attributes, collecting a decision without allocating until a rule applies, explaining
 * rules. Written once here so generated modules stay small and cheap to type-check.
 */
import { z } from "zod";
import type {
  Decision,
  EntityLookup,
  EntityRecord,
  EntityRef,
  Facts,
  HistoryQuery,
  MonitorConsequence,
  RuleMetadata,
  RuleTrace,
} from "./contract.js";
import { EntityIndex, resolveEntity } from "./entities.js";
import { EvaluationError, isEvaluationError, quoteUserText } from "./errors.js";

// ---------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------

/**
 * The record of the entity `ref` points to, typed as the generated interface `T` of
 * `expectedType` (the stdlib's {@link resolveEntity}, which throws on a missing entity).
 */
export function attributesOf<T>(
  lookup: EntityLookup,
  ref: EntityRef,
  expectedType: string | readonly string[],
): T {
  // The common case inline; resolveEntity has the checks and the error messages.
  if (lookup instanceof EntityIndex && ref !== undefined && ref !== null && ref.type === expectedType) {
    const record = lookup.resolve(ref);
    if (record !== undefined) return record as unknown as T;
  }
  return resolveEntity(lookup, ref, expectedType) as unknown as T;
}

/** Where a check records each condition's value for `explain`; null on the hot path. */
export type Trace = boolean[] | null;

/** Records one condition's value when tracing, and returns it (so `&&` still short-circuits). */
export function step(trace: Trace, value: boolean): boolean {
  if (trace !== null) trace.push(value);
  return value;
}

/** A value the checker proved present (under a `has` guard); absent anyway means a bug, and denies. */
export function present<T>(value: T | undefined, path: string): T {
  if (value === undefined)
    throw new EvaluationError(`${quoteUserText(path)} is absent`);
  return value;
}

/** `a / b`; division by zero is an evaluation error, not Infinity. */
export function divide(a: number, b: number): number {
  if (b === 0) throw new EvaluationError("division by zero");
  return a / b;
}

/** The error of a sensitivity label the policy does not declare (generated rank switches end here). */
export function unknownLabel(label: string): never {
  throw new EvaluationError(`unknown sensitivity label ${quoteUserText(label)}`);
}

/** Whether a chain was granted an action of a separation other than the requested one. */
export function separatedFrom(
  grantedActions: readonly string[],
  requested: string,
): boolean {
  for (const action of grantedActions) if (action !== requested) return true;
  return false;
}

// ---------------------------------------------------------------------------------------
// Decisions
// ---------------------------------------------------------------------------------------

/** The metadata of one rule, built compactly by generated modules (one line per rule). */
export function ruleMetadata(
  file: string,
  name: string,
  kind: RuleMetadata["kind"],
  actions: readonly string[] | "*",
  resourceType: string | null,
  reason: string | null,
  grantSeconds: number | null,
  [start, end, line, column]: readonly [number, number, number, number],
): RuleMetadata {
  return { name, kind, actions, resourceType, reason, grantSeconds, location: { file, start, end, line, column } };
}

/**
 * One rule, separation, monitor or refusing intent that applied to a request: what a decision
 * records of it, and `alone`, the whole decision when it is the only one that applied.
 * INVARIANT: `alone` is built once per module and frozen, so the common decision (one rule
 * applied) allocates nothing; decisions are read-only to every caller.
 */
export interface Verdict {
  readonly rule: string;
  readonly reason: string;
  /** For an allow rule, its grant TTL in seconds; Infinity otherwise. */
  readonly ttlSeconds: number;
  /** For a monitor, the consequences of firing; empty otherwise. */
  readonly consequences: readonly MonitorConsequence[];
  readonly alone: Decision;
}

/** The verdicts of one request so far: none, one (no allocation), or several in order. */
export type Verdicts = Verdict | Verdict[] | null;

/** A verdict for `rule`; an allow when `ttlSeconds` is finite, else a deny. */
export function verdict(
  rule: string,
  reason: string,
  ttlSeconds = Infinity,
  consequences: readonly MonitorConsequence[] = [],
): Verdict {
  const alone = Number.isFinite(ttlSeconds)
    ? frozenDecision("allow", { ttl_seconds: ttlSeconds }, [rule], [reason], [])
    : frozenDecision("deny", null, [rule], [reason], consequences);
  return { rule, reason, ttlSeconds, consequences, alone };
}

/** Adds `applied` to `verdicts`; the array is allocated only when a second one applies. */
export function addVerdict(verdicts: Verdicts, applied: Verdict): Verdicts {
  if (verdicts === null) return applied;
  if (Array.isArray(verdicts)) {
    verdicts.push(applied);
    return verdicts;
  }
  return [verdicts as Verdict, applied];
}

/** A deny naming every rule that applied, with their reasons and consequences. */
export function denyDecision(verdicts: Verdict | Verdict[]): Decision {
  if (!Array.isArray(verdicts)) return (verdicts as Verdict).alone;
  const consequences: MonitorConsequence[] = [];
  for (const applied of verdicts) consequences.push(...applied.consequences);
  return {
    decision: "deny",
    grant: null,
    rules: verdicts.map((applied) => applied.rule),
    reasons: verdicts.map((applied) => applied.reason),
    consequences,
  };
}

/** An allow naming every allow rule that applied, with the smallest of their TTLs. */
export function allowDecision(verdicts: Verdict | Verdict[]): Decision {
  if (!Array.isArray(verdicts)) return (verdicts as Verdict).alone;
  let ttlSeconds = Infinity;
  for (const applied of verdicts) if (applied.ttlSeconds < ttlSeconds) ttlSeconds = applied.ttlSeconds;
  return {
    decision: "allow",
    grant: { ttl_seconds: ttlSeconds },
    rules: verdicts.map((applied) => applied.rule),
    reasons: verdicts.map((applied) => applied.reason),
    consequences: [],
  };
}

function frozenDecision(
  decision: Decision["decision"],
  grant: Decision["grant"],
  rules: readonly string[],
  reasons: readonly string[],
  consequences: readonly MonitorConsequence[],
): Decision {
  return Object.freeze({
    decision,
    grant: grant === null ? null : Object.freeze(grant),
    rules: Object.freeze(rules),
    reasons: Object.freeze(reasons),
    consequences: Object.freeze(consequences),
  }) as Decision;
}

/** The decision when no allow rule applies. */
export const defaultDeny: Decision = Object.freeze({
  decision: "deny",
  grant: null,
  rules: Object.freeze([]) as readonly string[],
  reasons: Object.freeze(["no allow rule applies"]) as readonly string[],
  consequences: Object.freeze([]) as readonly MonitorConsequence[],
}) as Decision;

/** A deny that names no rule, e.g. an action the resource type does not declare. */
export function refusal(reason: string): Decision {
  return {
    decision: "deny",
    grant: null,
    rules: [],
    reasons: [reason],
    consequences: [],
  };
}

/** The reason of a deny for an action the resource's type does not declare. */
export function undeclaredAction(action: string, resourceType: string): string {
  return `action ${quoteUserText(action)} is not declared on resource type ${quoteUserText(resourceType)}`;
}

const outsideIntentVerdicts = new Map<string, Map<string, Verdict>>();
const aboveIntentMaxVerdicts = new Map<string, Map<string, Verdict>>();

/**
 * The verdict of intent `intent` refusing action `action`, outside its actions. Built once
 * per pair: both are declared names (validated before deciding), so the memo is bounded.
 */
export function outsideIntent(action: string, intent: string): Verdict {
  return memoVerdict(outsideIntentVerdicts, intent, action, () =>
    verdict(intent, `action ${quoteUserText(action)} is outside intent ${quoteUserText(intent)}`),
  );
}

/** The verdict of intent `intent` refusing a resource labelled above its `max`, built once per pair. */
export function aboveIntentMax(intent: string, max: string): Verdict {
  return memoVerdict(aboveIntentMaxVerdicts, intent, max, () =>
    verdict(
      intent,
      `the resource's sensitivity is above ${quoteUserText(max)}, the most intent ${quoteUserText(intent)} may touch`,
    ),
  );
}

function memoVerdict(
  memo: Map<string, Map<string, Verdict>>,
  first: string,
  second: string,
  build: () => Verdict,
): Verdict {
  let inner = memo.get(first);
  if (inner === undefined) {
    inner = new Map();
    memo.set(first, inner);
  }
  let found = inner.get(second);
  if (found === undefined) {
    found = build();
    inner.set(second, found);
  }
  return found;
}

/** The deny for an error raised while evaluating rule `rule`: fail closed, naming the rule. */
export function evaluationFailure(rule: string, error: unknown): Decision {
  return {
    decision: "deny",
    grant: null,
    rules: [rule],
    reasons: [`error in rule \`${rule}\`: ${errorMessage(error)}`],
    consequences: [],
  };
}

/** The message of an error raised while evaluating, for reasons and traces. */
export function errorMessage(error: unknown): string {
  if (isEvaluationError(error)) return error.message;
  return `internal error: ${error instanceof Error ? error.message : String(error)}`;
}

// ---------------------------------------------------------------------------------------
// Explanations
// ---------------------------------------------------------------------------------------

/** One rule, separation or monitor of an action, as the generated `explain` walks them. */
export interface TraceEntry extends Verdict {
  readonly kind: RuleTrace["kind"];
  /** The resource types it applies to for this action; null: all of the action's. */
  readonly resourceTypes: readonly string[] | null;
  /** The source text of each `and`-ed condition, in order. */
  readonly conditions: readonly string[];
  /** Evaluates it, pushing each condition's value onto `trace` until one is false. */
  // INVARIANT: `never` parameters let each generated, precisely typed check function be an
  // entry (method parameters are bivariant); traceEntries passes the request it was given.
  check(
    request: never,
    resource: never,
    facts: Facts,
    trace: boolean[] | null,
  ): boolean;
}

/**
 * A trace entry, built compactly by generated modules: what `explain` reports of a rule and
 * what a decision records when it applies, so each reason appears once in a module.
 */
export function traceEntry(
  rule: string,
  kind: TraceEntry["kind"],
  resourceTypes: readonly string[],
  conditions: readonly string[],
  check: TraceEntry["check"],
  reason: string,
  ttlSeconds: number | null = null,
  consequences: readonly MonitorConsequence[] = [],
): TraceEntry {
  return { ...verdict(rule, reason, ttlSeconds ?? Infinity, consequences), kind, resourceTypes, conditions, check };
}

/**
 * The rule whose evaluation threw, found after the fact by re-running an action's checks in
 * decision order (denies, separations and monitors, then allows) until one throws; null when
 * none does. Checks are pure, so the re-run sees what the decision saw; this keeps rule
 * bookkeeping off the hot path, where errors are rare.
 */
export function failingRule(
  entries: readonly TraceEntry[],
  request: unknown,
  resource: { readonly type: string },
  facts: Facts,
): string | null {
  for (const allows of [false, true]) {
    for (const entry of entries) {
      if ((entry.kind === "allow") !== allows) continue;
      if (entry.resourceTypes !== null && !entry.resourceTypes.includes(resource.type)) continue;
      try {
        entry.check(request as never, resource as never, facts, null);
      } catch {
        return entry.rule;
      }
    }
  }
  return null;
}

/** A history query, built compactly by generated modules (one line per query). */
export function historyQuery(
  index: number,
  fn: HistoryQuery["function"],
  source: HistoryQuery["source"],
  withinMs: number | null,
  where: HistoryQuery["where"],
  dependsOnRequest: boolean,
  text: string,
): HistoryQuery {
  return { index, function: fn, source, withinMs, where, dependsOnRequest, text };
}

/** How each entry fared for one request: applied or not, each condition's value, or the error. */
export function traceEntries(
  entries: readonly TraceEntry[],
  request: unknown,
  resource: EntityRecord,
  facts: Facts,
): RuleTrace[] {
  const traces: RuleTrace[] = [];
  for (const entry of entries) {
    if (
      entry.resourceTypes !== null &&
      !entry.resourceTypes.includes(resource.type)
    )
      continue;
    const values: boolean[] = [];
    let applied = false;
    let error: string | null = null;
    try {
      applied = entry.check(request as never, resource as never, facts, values);
    } catch (thrown) {
      error = errorMessage(thrown);
    }
    const conditions: { text: string; value: boolean | "error" }[] = values.map(
      (value, index) => ({
        text: entry.conditions[index] ?? "",
        value,
      }),
    );
    if (error !== null && values.length < entry.conditions.length) {
      conditions.push({
        text: entry.conditions[values.length] ?? "",
        value: "error",
      });
    }
    traces.push({
      rule: entry.rule,
      kind: entry.kind,
      applied,
      conditions,
      error,
    });
  }
  return traces;
}

// ---------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------

// Both wrap the schema with zod's `z.compile`: a generated parser for the common case that
// hands anything it doubts to the runtime parser, so results and messages are the runtime
// parser's (test/hardening/compiled-schemas.test.ts compares the two on random requests).

/**
 * An entity record schema as the lazy `recordSchema` lookup of a module returns it. The
 * parameter's type makes the type-check prove the schema outputs the generated interface
 * `T`, without the costly comparison against zod's full classic `ZodType`.
 */
export function recordSchemaOf<T extends EntityRef>(schema: z.core.$ZodType<T>): z.ZodType<EntityRecord, unknown> {
  return z.compile(schema as unknown as z.ZodType<EntityRecord, unknown>);
}

/** An exported schema typed as the contract says, proven (cheaply) to output `T`. */
export function exportedSchema<T>(schema: z.core.$ZodType<T>): z.ZodType<T, unknown> {
  return z.compile(schema as unknown as z.ZodType<T, unknown>);
}
