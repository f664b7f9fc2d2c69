/**
 * A small AST interpreter of DESIGN.md's decision semantics: the executable spec the
 * compiled modules are tested against (never shipped). It reads the checked policy's AST
 * directly, one request at a time, with no optimisation: every rule is evaluated by walking
 * its expression, every history query by scanning the list of granted requests.
 *
 * Where DESIGN.md is silent it follows docs/language.md ("Where agp decided what the design
 * leaves open") and the compiled module's documented choices, each commented where it is made.
 * It reuses only the stdlib's built-in functions (`hour_of`, `cidr_match`, ...) and its
 * `EvaluationError`, so error messages read the same on both sides.
 */
import type { Expr, HistoryExpr, MemberExpr, MonitorDecl, RuleDecl, SeparateDecl } from "../../compiler/ast.js";
import type { CheckedPolicy } from "../../compiler/check/model.js";
import type { Type } from "../../compiler/types.js";
import type { Decision, EntityRecord, EntityRef, MonitorConsequence, PolicyRequest } from "../../stdlib/contract.js";
import { EvaluationError, quoteUserText } from "../../stdlib/errors.js";
import * as stdlib from "../../stdlib/functions.js";
import { eventResourceTypesRead } from "./event-resource.js";
import { entityText, equal, Held, sameEntity, stripOptional, unparen } from "./values.js";
import { consequencesOf, deny, failure, reasonOf, type Decl } from "./verdicts.js";

/** The default grant TTL (docs/language.md: 300 s for an allow without `grant`). */
const DEFAULT_GRANT_SECONDS = 300;

/** The built-in functions by their policy names, implemented once in the stdlib. */
const builtins: Readonly<Record<string, (...args: never[]) => unknown>> = {
  hour_of: stdlib.hourOf,
  minute_of: stdlib.minuteOf,
  weekday_of: stdlib.weekdayOf,
  date_of: stdlib.dateOf,
  time: stdlib.timeOf,
  cidr_match: stdlib.cidrMatch,
  starts_with: stdlib.startsWith,
  ends_with: stdlib.endsWith,
  contains: stdlib.contains,
  lower: stdlib.lower,
  upper: stdlib.upper,
  length: stdlib.lengthOf,
};

/** A granted request seen from a history query's `where`. */
interface Event {
  readonly action: string;
  readonly principal: EntityRecord;
  readonly resource: EntityRecord;
  readonly session: string;
  readonly at: number;
}

interface Scope {
  readonly request: PolicyRequest;
  readonly event: Event | undefined;
}

/** DESIGN.md's decision for `request`, given `history` (earlier granted requests). */
export function interpret(policy: CheckedPolicy, request: PolicyRequest, history: readonly PolicyRequest[]): Decision {
  return new Interpreter(policy, history).decide(request);
}

class Interpreter {
  constructor(
    private readonly policy: CheckedPolicy,
    private readonly history: readonly PolicyRequest[],
  ) {}

  decide(request: PolicyRequest): Decision {
    const { action, resource } = request;
    if (!(this.policy.actions.get(action)?.resourceTypes ?? []).includes(resource.type)) {
      return deny([], [`action \`${action}\` is not declared on resource type \`${resource.type}\``], []);
    }
    const rules: string[] = [];
    const reasons: string[] = [];
    const consequences: MonitorConsequence[] = [];
    if (this.policy.intents.size > 0) {
      try {
        const refusal = this.intentRefusal(request);
        if (refusal !== undefined) {
          rules.push(request.intent);
          reasons.push(refusal);
        }
      } catch (error) {
        return failure(request.intent, error);
      }
    }
    const decls = this.declsFor(action, resource.type);
    // Deny side: every deny rule, separation and monitor, all named. The first error (in
    // source order, like the compiled module) denies naming its rule.
    for (const decl of decls) {
      if (decl.kind === "RuleDecl" && decl.effect === "allow") continue;
      let applies: boolean;
      try {
        applies = decl.kind === "SeparateDecl" ? this.separated(decl, request) : this.when(decl.when, request);
      } catch (error) {
        return failure(decl.name.text, error);
      }
      if (!applies) continue;
      rules.push(decl.name.text);
      reasons.push(reasonOf(decl));
      if (decl.kind === "MonitorDecl") consequences.push(...consequencesOf(decl));
    }
    if (rules.length > 0) return deny(rules, reasons, consequences);
    // Allow side, only when nothing denied (an allow rule that would err is then never run,
    // as in the compiled module: the deny already fails closed).
    let ttl = Infinity;
    for (const decl of decls) {
      if (decl.kind !== "RuleDecl" || decl.effect !== "allow") continue;
      let applies: boolean;
      try {
        applies = this.when(decl.when, request);
      } catch (error) {
        return failure(decl.name.text, error);
      }
      if (!applies) continue;
      rules.push(decl.name.text);
      reasons.push(reasonOf(decl));
      ttl = Math.min(ttl, decl.grant ? decl.grant.milliseconds / 1000 : DEFAULT_GRANT_SECONDS);
    }
    if (rules.length === 0) return deny([], ["no allow rule applies"], []);
    return {
      decision: "allow",
      grant: { ttl_seconds: ttl },
      rules,
      reasons,
      consequences: [],
    };
  }

  /** Rules, separations and monitors for (action, resource type), in source order. */
  private declsFor(action: string, resourceType: string): Decl[] {
    const { policy } = this;
    const all: Decl[] = [...policy.rules, ...policy.separations, ...policy.monitors];
    all.sort((a, b) => a.span.start - b.span.start);
    return all.filter((decl) => {
      const on = decl.resourceType?.text;
      if (on !== undefined && on !== resourceType) return false;
      if (decl.kind === "SeparateDecl") return decl.actions.some((a) => a.text === action);
      // `*` is every action (of `on TYPE` when given); the caller checked that the action is
      // declared on the resource's type.
      return decl.actions.kind === "AllActions" || decl.actions.actions.some((a) => a.text === action);
    });
  }

  /**
   * Why the session's intent refuses the request, or undefined. `max` reads the resource's
   * `label` field of type `sensitivity` (docs/language.md): a type without one is not limited
   * by `max`, and an absent optional label is above every `max` (fail closed).
   */
  private intentRefusal(request: PolicyRequest): string | undefined {
    const intent = this.policy.intents.get(request.intent);
    if (intent === undefined || !intent.actions.includes(request.action)) {
      return `action \`${request.action}\` is outside intent \`${request.intent}\``;
    }
    if (intent.max === undefined) return undefined;
    const fields = this.policy.entities.get(request.resource.type)?.fields ?? new Map<string, Type>();
    const labelType = fields.get("label");
    const labelField = labelType !== undefined && stripOptional(labelType).kind === "sensitivity" ? (["label", labelType] as const) : undefined;
    if (labelField === undefined) return undefined;
    const label = request.resource[labelField[0]];
    const rank = label === undefined ? Infinity : this.rank(label);
    if (rank <= this.rank(intent.max)) return undefined;
    return `the resource's sensitivity is above \`${intent.max}\`, the most intent \`${intent.name}\` may touch`;
  }

  private when(condition: Expr | undefined, request: PolicyRequest): boolean {
    return condition === undefined ? true : this.bool(condition, { request, event: undefined });
  }

  /**
   * A separation applies when an earlier granted request on the same resource, for another
   * action of the set, has the same key as this request.
   */
  private separated(decl: SeparateDecl, request: PolicyRequest): boolean {
    const keyType = this.policy.typeOf(decl.key);
    const key = this.present(decl.key, { request, event: undefined });
    const actions = decl.actions.map((a) => a.text);
    let conflict = false;
    for (const granted of this.history) {
      if (granted.at > request.at || !sameEntity(granted.resource, request.resource)) continue;
      if (!actions.includes(granted.action)) continue;
      const grantedKey = this.present(decl.key, {
        request: granted,
        event: undefined,
      });
      if (equal(keyType, key, grantedKey) && granted.action !== request.action) conflict = true;
    }
    return conflict;
  }

  // ------------------------------------------------------------------------------------
  // Expressions
  // ------------------------------------------------------------------------------------

  /** The value of `expr`; undefined for an absent optional (and a path through one). */
  private evaluate(expr: Expr, scope: Scope): unknown {
    switch (expr.kind) {
      case "StringLiteral":
      case "NumberLiteral":
      case "BoolLiteral":
        return expr.value;
      case "DurationLiteral":
        return expr.milliseconds;
      case "Paren":
        return this.evaluate(expr.inner, scope);
      case "ListLiteral":
        return expr.elements.map((element) => this.present(element, scope));
      case "Identifier": {
        const resolution = this.policy.resolve(expr);
        switch (resolution.kind) {
          case "label":
            return resolution.label;
          case "intent":
          case "action":
            return resolution.name;
          case "fixture":
            throw new Error("fixtures do not exist in policies");
          case "root":
            switch (resolution.root) {
              case "principal":
                return new Held(scope.request.principal);
              case "resource":
                return new Held(scope.request.resource);
              case "env":
                return scope.request.env;
              case "intent":
                return scope.request.intent;
              case "action":
                return scope.request.action;
              case "now":
                return scope.request.at;
              case "event":
                if (scope.event === undefined) throw new Error("`event` outside a history condition");
                return scope.event;
            }
        }
        throw new Error("unreachable");
      }
      case "Member":
        return this.member(expr, scope);
      case "Has":
        // `has PATH`: every optional field along PATH is present.
        return this.evaluate(expr.path, scope) !== undefined;
      case "Unary":
        return expr.operator === "not" ? !this.bool(expr.operand, scope) : -this.number(expr.operand, scope);
      case "Binary":
        return this.binary(expr.operator, expr.left, expr.right, scope);
      case "Call": {
        const builtin = builtins[expr.callee.text];
        if (builtin === undefined) throw new Error(`unknown function ${expr.callee.text}`);
        const args = expr.args.map((arg) => this.present(arg, scope));
        return (builtin as (...values: unknown[]) => unknown)(...args);
      }
      case "History": {
        const count = this.count(expr, scope.request);
        return expr.function === "exists" ? count > 0 : count;
      }
      case "RecordLiteral":
        throw new Error("record values do not exist in policies");
    }
  }

  private member(expr: MemberExpr, scope: Scope): unknown {
    const object = this.evaluate(expr.object, scope);
    if (object === undefined) return undefined;
    const field = expr.property.text;
    if (scope.event !== undefined && object === scope.event) {
      const value = scope.event[field as keyof Event];
      return field === "principal" || field === "resource" ? new Held(value as EntityRecord) : value;
    }
    const type = stripOptional(this.policy.typeOf(expr.object));
    if (type.kind !== "entity" && type.kind !== "entityUnion") return ownValue(object as object, field);
    const ref = object instanceof Held ? object.record : (object as EntityRef);
    if (object instanceof Held) {
      // `event.resource` is typed as the rule's resource, but an event may be on another
      // resource type: a field that type does not declare is an error, never `undefined`.
      if (!this.policy.entities.get(ref.type)?.fields.has(field)) {
        throw new EvaluationError(`${quoteUserText(entityText(ref))} has no field ${quoteUserText(field)}`);
      }
      return ownValue(object.record, field);
    }
    // References are resolved against the current request's entities (also from `event`).
    const record = scope.request.entities.get(ref.type, ref.id);
    if (record === undefined) throw new EvaluationError(`missing entity ${quoteUserText(entityText(ref))}`);
    return ownValue(record, field);
  }

  private binary(operator: string, left: Expr, right: Expr, scope: Scope): unknown {
    switch (operator) {
      case "and":
        return this.bool(left, scope) && this.bool(right, scope);
      case "or":
        return this.bool(left, scope) || this.bool(right, scope);
      case "==":
      case "!=": {
        // An absent optional is equal to nothing: `==` false, `!=` true.
        const a = this.evaluate(left, scope);
        const b = this.evaluate(right, scope);
        const same = a !== undefined && b !== undefined && equal(this.operandType(left, right), a, b);
        return operator === "==" ? same : !same;
      }
      case "<":
      case "<=":
      case ">":
      case ">=": {
        const sensitivity = stripOptional(this.policy.typeOf(left)).kind === "sensitivity";
        const a = sensitivity ? this.rank(this.present(left, scope)) : (this.present(left, scope) as number | string);
        const b = sensitivity ? this.rank(this.present(right, scope)) : (this.present(right, scope) as number | string);
        return operator === "<" ? a < b : operator === "<=" ? a <= b : operator === ">" ? a > b : a >= b;
      }
      case "in": {
        const type = stripOptional(this.policy.typeOf(left));
        const literal = unparen(right);
        if (literal.kind === "ListLiteral") {
          // `x in [a, b]` reads as `x == a or x == b` (the compiled module's choice): elements
          // are evaluated left to right until one matches, and `x in []` is false outright.
          if (literal.elements.length === 0) return false;
          const element = this.present(left, scope);
          return literal.elements.some((candidate) => equal(type, element, this.present(candidate, scope)));
        }
        const element = this.present(left, scope);
        const list = this.present(right, scope) as readonly unknown[];
        return list.some((candidate) => equal(type, element, candidate));
      }
      case "+":
        return this.number(left, scope) + this.number(right, scope);
      case "-":
        return this.number(left, scope) - this.number(right, scope);
      case "*":
        return this.number(left, scope) * this.number(right, scope);
      case "/": {
        const dividend = this.number(left, scope);
        const divisor = this.number(right, scope);
        if (divisor === 0) throw new EvaluationError("division by zero");
        return dividend / divisor;
      }
    }
    throw new Error(`unknown operator ${operator}`);
  }

  /** The type `==` compares at: the left operand's, unless it is `[]`. */
  private operandType(left: Expr, right: Expr): Type {
    const type = stripOptional(this.policy.typeOf(left));
    return type.kind === "emptyList" ? stripOptional(this.policy.typeOf(right)) : type;
  }

  /**
   * `count(SOURCE where COND within D)`: granted requests at or before the request's time,
   * in the window `(at - D, at]`, of this session / principal / resource, matching COND.
   */
  private count(query: HistoryExpr, request: PolicyRequest): number {
    let matches = 0;
    const typed = query.where && eventResourceTypesRead(this.policy, query.where);
    for (const granted of this.history) {
      if (granted.at > request.at) continue;
      if (query.within && granted.at <= request.at - query.within.milliseconds) continue;
      const inSource =
        query.source.source === "session"
          ? granted.session === request.session
          : query.source.source === "principal"
            ? sameEntity(granted.principal, request.principal)
            : sameEntity(granted.resource, request.resource);
      if (!inSource) continue;
      // docs/language.md: an event on a resource outside `event.resource`'s type never
      // matches a `where` that reads its fields, whatever the condition (even under `not`).
      if (typed !== undefined && !typed.includes(granted.resource.type)) continue;
      const event: Event = {
        action: granted.action,
        principal: granted.principal,
        resource: granted.resource,
        session: granted.session,
        at: granted.at,
      };
      if (query.where && !this.bool(query.where, { request, event })) continue;
      matches++;
    }
    return matches;
  }

  /** A value the checker proved present; absent anyway is an error (fail closed). */
  private present(expr: Expr, scope: Scope): unknown {
    const value = this.evaluate(expr, scope);
    if (value === undefined)
      throw new EvaluationError(`${quoteUserText(this.policy.source.slice(expr.span))} is absent`);
    return value instanceof Held ? value.record : value;
  }

  private bool(expr: Expr, scope: Scope): boolean {
    return this.present(expr, scope) === true;
  }

  private number(expr: Expr, scope: Scope): number {
    return this.present(expr, scope) as number;
  }

  private rank(label: unknown): number {
    const rank = this.policy.labels.indexOf(label as string);
    if (rank < 0) throw new EvaluationError(`unknown sensitivity label ${quoteUserText(String(label))}`);
    return rank;
  }
}

/** A field is the record's own or absent: a field named `toString` is never the inherited method. */
function ownValue(record: object, field: string): unknown {
  return Object.hasOwn(record, field) ? (record as Readonly<Record<string, unknown>>)[field] : undefined;
}
