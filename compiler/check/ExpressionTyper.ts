/**
 * Gives every expression its type and every bare name its meaning, reporting unknown
 * names, fields and functions and operands that do not fit. An expression with a
 * diagnostic gets the `error` type, which fits everywhere, so one mistake is reported once.
 * Used for policy conditions (ExpressionTypesRule) and for test-file values.
 */
import type { BinaryExpr, CallExpr, Expr, HistoryExpr, Identifier, MemberExpr, RecordLiteral } from "../ast.js";
import { didYouMean } from "../suggest.js";
import {
  actionType,
  boolType,
  errorType,
  intentType,
  numberType,
  sensitivityType,
  stringType,
  timeType,
  typeToString,
  type Type,
} from "../types.js";
import type { DiagnosticSink } from "./context.js";
import type { ActionInfo, EntityTypeInfo, IntentInfo, RootName } from "./model.js";
import { unparenthesize } from "./paths.js";
import { stdlibFunctions } from "./stdlibTypes.js";
import { arithmeticResult, equalityCompatible, isOrdered, unwrapOptional } from "./typeRelations.js";

/** The declarations expression typing reads; a CheckContext and a CheckedPolicy both have them. */
export interface PolicySymbols {
  readonly labels: readonly string[];
  readonly entities: ReadonlyMap<string, EntityTypeInfo>;
  readonly context: ReadonlyMap<string, Type>;
  readonly actions: ReadonlyMap<string, ActionInfo>;
  readonly intents: ReadonlyMap<string, IntentInfo>;
  readonly principalType: Type;
}

/** Where an expression is written: what its roots mean there. */
export interface ExprScope {
  /** Policy conditions may read the request; test values are constants and may name fixtures. */
  readonly mode: "policy" | "test";
  /** The type of `resource` (policy mode). */
  readonly resourceType: Type;
  /** True inside the `where` of a history query, where `event` is in scope. */
  readonly inHistoryWhere: boolean;
  /** Fixture types by name (test mode). */
  readonly fixtures?: ReadonlyMap<string, Type>;
}

const roots: readonly RootName[] = ["principal", "resource", "env", "intent", "action", "event"];

/** Types expressions of one file, recording types and resolutions in a sink. */
export class ExpressionTyper {
  constructor(
    private readonly sink: DiagnosticSink,
    private readonly symbols: PolicySymbols,
    /** Called for each history query met outside another one's condition, in source order. */
    private readonly onHistoryQuery: (query: HistoryExpr) => void = () => {},
  ) {}

  /** Types a `when`/`where` condition, which must be a bool (AGP3002). */
  inferCondition(expr: Expr, scope: ExprScope): Type {
    const type = this.infer(expr, scope, boolType);
    const value = unwrapOptional(type);
    if (value.kind !== "bool" && value.kind !== "error") {
      this.sink.report("AGP3002", `condition must be a \`bool\`, found \`${typeToString(value)}\``, expr.span);
    }
    return type;
  }

  /**
   * Types an expression. `expected` only guides what a bare name means (a label where a
   * sensitivity is expected, an intent where an intent is); it is never enforced here.
   */
  infer(expr: Expr, scope: ExprScope, expected?: Type): Type {
    const type = this.compute(expr, scope, expected);
    this.sink.types.set(expr, type);
    return type;
  }

  private compute(expr: Expr, scope: ExprScope, expected: Type | undefined): Type {
    switch (expr.kind) {
      case "StringLiteral":
        return stringType;
      case "NumberLiteral":
        return numberType;
      case "BoolLiteral":
        return boolType;
      case "DurationLiteral":
        return { kind: "duration" };
      case "Paren":
        return this.infer(expr.inner, scope, expected);
      case "ListLiteral":
        return this.inferList(expr.elements, expr.span, scope, expected);
      case "RecordLiteral":
        return this.inferRecord(expr, scope, expected);
      case "Identifier":
        return this.resolveIdentifier(expr, scope, expected);
      case "Member":
        return this.inferMember(expr, scope);
      case "Binary":
        return this.inferBinary(expr, scope);
      case "Unary": {
        if (expr.operator === "not") {
          this.expectBool(this.infer(expr.operand, scope, boolType), expr.operand);
          return boolType;
        }
        const operand = unwrapOptional(this.infer(expr.operand, scope));
        if (operand.kind === "number" || operand.kind === "duration" || operand.kind === "error") return operand;
        this.sink.report("AGP3001", `\`-\` needs a \`number\` or a \`duration\`, found \`${typeToString(operand)}\``, expr.span);
        return errorType;
      }
      case "Has":
        this.infer(expr.path, scope);
        return boolType;
      case "Call":
        return this.inferCall(expr, scope);
      case "History":
        return this.inferHistory(expr, scope);
    }
  }

  private expectBool(type: Type, operand: Expr): void {
    const value = unwrapOptional(type);
    if (value.kind !== "bool" && value.kind !== "error") {
      this.sink.report("AGP3002", `expected a \`bool\`, found \`${typeToString(value)}\``, operand.span);
    }
  }

  private inferList(elements: readonly Expr[], span: Expr["span"], scope: ExprScope, expected: Type | undefined): Type {
    const expectedElement = expected?.kind === "list" ? expected.element : undefined;
    const types = elements.map((element) => this.infer(element, scope, expectedElement));
    if (types.length === 0) return { kind: "emptyList" };
    let element: Type = errorType;
    for (const type of types) {
      if (type.kind === "error") continue;
      if (element.kind === "error") element = type;
      else if (!equalityCompatible(unwrapOptional(element), unwrapOptional(type))) {
        this.sink.report("AGP3010", `list elements have different types: \`${typeToString(element)}\` and \`${typeToString(type)}\``, span, {
          help: "every element of a list has the same type",
        });
        return errorType;
      }
    }
    return { kind: "list", element };
  }

  private inferRecord(expr: RecordLiteral, scope: ExprScope, expected: Type | undefined): Type {
    if (scope.mode === "policy") {
      this.sink.report("AGP3012", "record values are only allowed in test files", expr.span, {
        help: "compare with a field of an entity instead, e.g. `resource.owner == principal.onBehalfOf`",
      });
      return errorType;
    }
    if (expr.typeName) {
      const entity = this.symbols.entities.get(expr.typeName.text);
      if (!entity) {
        this.sink.report("AGP2001", `unknown type \`${expr.typeName.text}\``, expr.typeName.span, {
          help: didYouMean(expr.typeName.text, this.symbols.entities.keys()),
        });
        for (const field of expr.fields) this.infer(field.value, scope);
        return errorType;
      }
      for (const field of expr.fields) {
        const fieldType = entity.fields.get(field.name.text);
        this.infer(field.value, scope, fieldType && unwrapOptional(fieldType));
      }
      return { kind: "entity", name: entity.name };
    }
    const fields = new Map<string, Type>();
    const expectedFields = expected?.kind === "record" ? expected.fields : undefined;
    for (const field of expr.fields) {
      const fieldType = expectedFields?.get(field.name.text);
      fields.set(field.name.text, this.infer(field.value, scope, fieldType && unwrapOptional(fieldType)));
    }
    return { kind: "record", fields };
  }

  private resolveIdentifier(expr: Identifier, scope: ExprScope, expected: Type | undefined): Type {
    const name = expr.name.text;
    const fixture = scope.fixtures?.get(name);
    if (fixture) {
      this.sink.resolutions.set(expr, { kind: "fixture", name });
      return fixture;
    }
    if ((roots as readonly string[]).includes(name)) {
      if (scope.mode === "test") {
        this.sink.report("AGP2009", `\`${name}\` cannot be used in a test value`, expr.span, {
          help: "test values are literals, fixtures, labels, intents and actions",
        });
        return errorType;
      }
      return this.resolveRoot(expr, name as RootName, scope);
    }
    return this.resolveConstantName(expr, expected, scope);
  }

  private resolveRoot(expr: Identifier, root: RootName, scope: ExprScope): Type {
    let type: Type;
    switch (root) {
      case "principal":
        type = this.symbols.principalType;
        break;
      case "resource":
        type = scope.resourceType;
        break;
      case "env":
        type = { kind: "record", fields: this.symbols.context };
        break;
      case "intent":
        type = intentType;
        break;
      case "action":
        type = actionType;
        break;
      case "event":
        if (!scope.inHistoryWhere) {
          this.sink.report("AGP2017", "`event` can only be used inside the `where` of `count` or `exists`", expr.span, {
            help: "e.g. `count(session where event.action == read) > 3`",
          });
          return errorType;
        }
        type = this.eventType(scope);
        break;
    }
    this.sink.resolutions.set(expr, { kind: "root", root });
    return type;
  }

  /** `event` inside a history condition: typed like the request (LANGUAGE.md). */
  private eventType(scope: ExprScope): Type {
    return {
      kind: "record",
      fields: new Map<string, Type>([
        ["action", actionType],
        ["principal", this.symbols.principalType],
        ["resource", scope.resourceType],
        ["at", timeType],
        ["session", stringType],
      ]),
    };
  }

  /** A label, intent or action name; the expected type decides between them. */
  private resolveConstantName(expr: Identifier, expected: Type | undefined, scope: ExprScope): Type {
    const name = expr.name.text;
    const { labels, intents, actions } = this.symbols;
    let wanted = expected && unwrapOptional(expected);
    if (wanted?.kind === "list") wanted = wanted.element;
    const label = (): Type => {
      this.sink.resolutions.set(expr, { kind: "label", label: name, rank: labels.indexOf(name) });
      return sensitivityType;
    };
    const intent = (): Type => {
      this.sink.resolutions.set(expr, { kind: "intent", name });
      return intentType;
    };
    const action = (): Type => {
      this.sink.resolutions.set(expr, { kind: "action", name });
      return actionType;
    };
    switch (wanted?.kind) {
      case "sensitivity":
        if (labels.includes(name)) return label();
        this.sink.report("AGP2006", `unknown sensitivity label \`${name}\``, expr.span, {
          help: labels.length === 0 ? "declare labels first, e.g. `sensitivity public < secret`" : didYouMean(name, labels),
        });
        return errorType;
      case "intent":
        if (intents.has(name)) return intent();
        this.sink.report("AGP2005", `unknown intent \`${name}\``, expr.span, { help: didYouMean(name, intents.keys()) });
        return errorType;
      case "action":
        if (actions.has(name)) return action();
        this.sink.report("AGP2004", `unknown action \`${name}\``, expr.span, { help: didYouMean(name, actions.keys()) });
        return errorType;
    }
    const meanings: [string, () => Type][] = [];
    if (labels.includes(name)) meanings.push(["a sensitivity label", label]);
    if (intents.has(name)) meanings.push(["an intent", intent]);
    if (actions.has(name)) meanings.push(["an action", action]);
    const only = meanings.length === 1 ? meanings[0] : undefined;
    if (only) return only[1]();
    if (meanings.length > 1) {
      this.sink.report("AGP2009", `\`${name}\` is ambiguous: it is ${meanings.map((m) => m[0]).join(" and ")}`, expr.span, {
        help: `compare it with a value of the kind you mean, e.g. \`intent == ${name}\` or \`action == ${name}\``,
      });
      return errorType;
    }
    const candidates = [...labels, ...intents.keys(), ...actions.keys(), ...(scope.fixtures?.keys() ?? [])];
    if (scope.mode === "policy") candidates.push(...roots);
    this.sink.report("AGP2009", `unknown name \`${name}\``, expr.span, { help: didYouMean(name, candidates) });
    return errorType;
  }

  private inferMember(expr: MemberExpr, scope: ExprScope): Type {
    const objectType = unwrapOptional(this.infer(expr.object, scope));
    const field = expr.property.text;
    switch (objectType.kind) {
      case "error":
        return errorType;
      case "entity": {
        const entity = this.symbols.entities.get(objectType.name);
        const type = entity?.fields.get(field);
        if (type) return type;
        this.sink.report("AGP2007", `type \`${objectType.name}\` has no field \`${field}\``, expr.property.span, {
          help: didYouMean(field, entity?.fields.keys() ?? []),
        });
        return errorType;
      }
      case "entityUnion":
        return this.unionField(expr, objectType.names);
      case "record": {
        const type = objectType.fields.get(field);
        if (type) return type;
        const object = this.sink.source.slice(expr.object.span);
        const isEnv = unparenthesize(expr.object).kind === "Identifier" && object === "env";
        this.sink.report("AGP2007", `\`${object}\` has no field \`${field}\``, expr.property.span, {
          help:
            didYouMean(field, objectType.fields.keys()) ??
            (isEnv ? `declare it in the policy's \`context { ${field}: ... }\`` : undefined),
        });
        return errorType;
      }
      default:
        this.sink.report("AGP2007", `a \`${typeToString(objectType)}\` has no field \`${field}\``, expr.property.span);
        return errorType;
    }
  }

  /** A field of `A | B` is readable when every member declares it with the same type. */
  private unionField(expr: MemberExpr, names: readonly string[]): Type {
    const field = expr.property.text;
    const types = names.map((name) => this.symbols.entities.get(name)?.fields.get(field));
    const first = types[0];
    if (first && types.every((t) => t && typeToString(t) === typeToString(first))) return first;
    const missing = names.filter((_, i) => !types[i]);
    const allFields = names.flatMap((name) => [...(this.symbols.entities.get(name)?.fields.keys() ?? [])]);
    const message =
      missing.length > 0
        ? `field \`${field}\` is not declared on ${missing.map((m) => `\`${m}\``).join(", ")} (of \`${names.join(" | ")}\`)`
        : `field \`${field}\` has different types in \`${names.join(" | ")}\``;
    this.sink.report("AGP2007", message, expr.property.span, {
      help: missing.length === names.length ? didYouMean(field, allFields) : "only fields common to every type, with the same type, can be read",
    });
    return errorType;
  }

  private inferBinary(expr: BinaryExpr, scope: ExprScope): Type {
    const op = expr.operator;
    if (op === "and" || op === "or") {
      this.expectBool(this.infer(expr.left, scope, boolType), expr.left);
      this.expectBool(this.infer(expr.right, scope, boolType), expr.right);
      return boolType;
    }
    if (op === "in") {
      // A bare name on the left (`secret in resource.labels`) takes its meaning from the list.
      let left: Type;
      let right: Type;
      if (this.isBareName(expr.left, scope) && !this.isBareName(expr.right, scope)) {
        right = unwrapOptional(this.infer(expr.right, scope));
        left = unwrapOptional(this.infer(expr.left, scope, right));
      } else {
        left = unwrapOptional(this.infer(expr.left, scope));
        right = unwrapOptional(this.infer(expr.right, scope, { kind: "list", element: left }));
      }
      if (right.kind === "error" || right.kind === "emptyList") return boolType;
      if (right.kind !== "list") {
        this.sink.report("AGP3008", `\`in\` needs a list, found \`${typeToString(right)}\``, expr.span);
      } else if (!equalityCompatible(left, unwrapOptional(right.element))) {
        this.sink.report("AGP3008", `\`in\` needs a list of \`${typeToString(left)}\`, found \`${typeToString(right)}\``, expr.span);
      }
      return boolType;
    }
    let left: Type;
    let right: Type;
    if (this.isBareName(expr.left, scope) && !this.isBareName(expr.right, scope)) {
      right = unwrapOptional(this.infer(expr.right, scope));
      left = unwrapOptional(this.infer(expr.left, scope, right));
    } else {
      left = unwrapOptional(this.infer(expr.left, scope));
      right = unwrapOptional(this.infer(expr.right, scope, left));
    }
    const shown = `\`${typeToString(left)}\` and \`${typeToString(right)}\``;
    switch (op) {
      case "==":
      case "!=":
        if (!equalityCompatible(left, right)) this.sink.report("AGP3001", `\`${op}\` cannot compare ${shown}`, expr.span);
        return boolType;
      case "<":
      case "<=":
      case ">":
      case ">=":
        if (!equalityCompatible(left, right)) {
          this.sink.report("AGP3001", `\`${op}\` cannot compare ${shown}`, expr.span);
        } else if (!isOrdered(left) || !isOrdered(right)) {
          this.sink.report("AGP3007", `values of type \`${typeToString(left)}\` are not ordered`, expr.span, {
            help: "`<`, `<=`, `>`, `>=` compare numbers, times, durations, sensitivity labels and strings",
          });
        }
        return boolType;
      default: {
        const result = arithmeticResult(op, left, right);
        if (result) return result;
        this.sink.report("AGP3001", `\`${op}\` cannot combine ${shown}`, expr.span, {
          help: "arithmetic works on numbers, and on times and durations (`time - time`, `time + duration`)",
        });
        return errorType;
      }
    }
  }

  /** A name that is neither a root nor a fixture: its meaning comes from the other operand. */
  private isBareName(expr: Expr, scope: ExprScope): boolean {
    const inner = unparenthesize(expr);
    if (inner.kind === "ListLiteral") return inner.elements.every((e) => this.isBareName(e, scope));
    if (inner.kind !== "Identifier") return false;
    const name = inner.name.text;
    return !(roots as readonly string[]).includes(name) && !scope.fixtures?.has(name);
  }

  private inferCall(expr: CallExpr, scope: ExprScope): Type {
    const name = expr.callee.text;
    const fn = stdlibFunctions.get(name);
    if (!fn) {
      this.sink.report("AGP2008", `unknown function \`${name}\``, expr.callee.span, {
        help: didYouMean(name, stdlibFunctions.keys()),
      });
      for (const arg of expr.args) this.infer(arg, scope);
      return errorType;
    }
    if (expr.args.length !== fn.parameters.length) {
      this.sink.report("AGP3004", `\`${name}\` takes ${fn.parameters.length} argument${fn.parameters.length === 1 ? "" : "s"}, found ${expr.args.length}`, expr.span, {
        help: `call it as \`${fn.signature}\``,
      });
    }
    expr.args.forEach((arg, index) => {
      const type = unwrapOptional(this.infer(arg, scope));
      const parameter = fn.parameters[index];
      if (!parameter) return;
      if (!parameter.accepts(type)) {
        this.sink.report("AGP3005", `argument ${index + 1} of \`${name}\` must be a \`${parameter.text}\`, found \`${typeToString(type)}\``, arg.span);
        return;
      }
      const constant = unparenthesize(arg);
      if (constant.kind === "StringLiteral") {
        const problem = fn.validateConstant(index, constant.value);
        if (problem) this.sink.report("AGP3013", problem, arg.span);
      }
    });
    return fn.returns;
  }

  private inferHistory(expr: HistoryExpr, scope: ExprScope): Type {
    if (!scope.inHistoryWhere) this.onHistoryQuery(expr);
    if (expr.where) this.inferCondition(expr.where, { ...scope, inHistoryWhere: true });
    if (expr.within) this.infer(expr.within, scope);
    return expr.function === "count" ? numberType : boolType;
  }
}
