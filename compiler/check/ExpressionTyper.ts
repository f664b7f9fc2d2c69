/**
 * Gives every expression its type and every bare name its meaning, reporting unknown
 * names, fields and functions and operands that do not fit. An expression with a
 * diagnostic gets the `error` type, which fits everywhere, so one mistake is reported once.
 * Used for policy conditions (ExpressionTypesRule) and for test-file values.
 */
import type {
  BinaryExpr,
  CallExpr,
  Expr,
  HistoryExpr,
  Identifier,
  MemberExpr,
  RecordLiteral,
} from "../ast.js";
import { didYouMean } from "../suggest.js";
import {
  boolType,
  errorType,
  numberType,
  stringType,
  typeToString,
  type Type,
} from "../types.js";
import type { DiagnosticSink } from "./context.js";
import type { ActionInfo, EntityTypeInfo, IntentInfo } from "./model.js";
import { unparenthesize } from "./paths.js";
import { stdlibFunctions } from "./stdlibTypes.js";
import { inferBinary } from "./inferBinary.js";
import { resolveIdentifier } from "./resolveIdentifier.js";
import { equalityCompatible, unwrapOptional } from "./typeRelations.js";

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
      this.sink.report(
        "AGP3002",
        `condition must be a \`bool\`, found \`${typeToString(value)}\``,
        expr.span,
      );
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

  private compute(
    expr: Expr,
    scope: ExprScope,
    expected: Type | undefined,
  ): Type {
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
          this.expectBool(
            this.infer(expr.operand, scope, boolType),
            expr.operand,
          );
          return boolType;
        }
        const operand = unwrapOptional(this.infer(expr.operand, scope));
        if (
          operand.kind === "number" ||
          operand.kind === "duration" ||
          operand.kind === "error"
        )
          return operand;
        this.sink.report(
          "AGP3001",
          `\`-\` needs a \`number\` or a \`duration\`, found \`${typeToString(operand)}\``,
          expr.span,
        );
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

  /** Reports AGP3002 when `type` (of `operand`) is not a bool. */
  expectBool(type: Type, operand: Expr): void {
    const value = unwrapOptional(type);
    if (value.kind !== "bool" && value.kind !== "error") {
      this.sink.report(
        "AGP3002",
        `expected a \`bool\`, found \`${typeToString(value)}\``,
        operand.span,
      );
    }
  }

  private inferList(
    elements: readonly Expr[],
    span: Expr["span"],
    scope: ExprScope,
    expected: Type | undefined,
  ): Type {
    const expectedElement =
      expected?.kind === "list" ? expected.element : undefined;
    const types = elements.map((element) =>
      this.infer(element, scope, expectedElement),
    );
    if (types.length === 0) return { kind: "emptyList" };
    let element: Type = errorType;
    for (const type of types) {
      if (type.kind === "error") continue;
      if (element.kind === "error") element = type;
      else if (
        !equalityCompatible(unwrapOptional(element), unwrapOptional(type))
      ) {
        this.sink.report(
          "AGP3010",
          `list elements have different types: \`${typeToString(element)}\` and \`${typeToString(type)}\``,
          span,
          {
            help: "every element of a list has the same type",
          },
        );
        return errorType;
      }
    }
    return { kind: "list", element };
  }

  private inferRecord(
    expr: RecordLiteral,
    scope: ExprScope,
    expected: Type | undefined,
  ): Type {
    if (scope.mode === "policy") {
      this.sink.report(
        "AGP3012",
        "record values are only allowed in test files",
        expr.span,
        {
          help: "compare with a field of an entity instead, e.g. `resource.owner == principal.onBehalfOf`",
        },
      );
      return errorType;
    }
    if (expr.typeName) {
      const entity = this.symbols.entities.get(expr.typeName.text);
      if (!entity) {
        this.sink.report(
          "AGP2001",
          `unknown type \`${expr.typeName.text}\``,
          expr.typeName.span,
          {
            help: didYouMean(expr.typeName.text, this.symbols.entities.keys()),
          },
        );
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
    const expectedFields =
      expected?.kind === "record" ? expected.fields : undefined;
    for (const field of expr.fields) {
      const fieldType = expectedFields?.get(field.name.text);
      fields.set(
        field.name.text,
        this.infer(field.value, scope, fieldType && unwrapOptional(fieldType)),
      );
    }
    return { kind: "record", fields };
  }

  private resolveIdentifier(
    expr: Identifier,
    scope: ExprScope,
    expected: Type | undefined,
  ): Type {
    return resolveIdentifier(this.sink, this.symbols, expr, scope, expected);
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
        this.sink.report(
          "AGP2007",
          `type \`${objectType.name}\` has no field \`${field}\``,
          expr.property.span,
          {
            help: didYouMean(field, entity?.fields.keys() ?? []),
          },
        );
        return errorType;
      }
      case "entityUnion":
        return this.unionField(expr, objectType.names);
      case "record": {
        const type = objectType.fields.get(field);
        if (type) return type;
        const object = this.sink.source.slice(expr.object.span);
        const isEnv =
          unparenthesize(expr.object).kind === "Identifier" && object === "env";
        this.sink.report(
          "AGP2007",
          `\`${object}\` has no field \`${field}\``,
          expr.property.span,
          {
            help:
              didYouMean(field, objectType.fields.keys()) ??
              (isEnv
                ? `declare it in the policy's \`context { ${field}: ... }\``
                : undefined),
          },
        );
        return errorType;
      }
      default:
        this.sink.report(
          "AGP2007",
          `a \`${typeToString(objectType)}\` has no field \`${field}\``,
          expr.property.span,
        );
        return errorType;
    }
  }

  /** A field of `A | B` is readable when every member declares it with the same type. */
  private unionField(expr: MemberExpr, names: readonly string[]): Type {
    const field = expr.property.text;
    const types = names.map((name) =>
      this.symbols.entities.get(name)?.fields.get(field),
    );
    const first = types[0];
    if (
      first &&
      types.every((t) => t && typeToString(t) === typeToString(first))
    )
      return first;
    const missing = names.filter((_, i) => !types[i]);
    const allFields = names.flatMap((name) => [
      ...(this.symbols.entities.get(name)?.fields.keys() ?? []),
    ]);
    const message =
      missing.length > 0
        ? `field \`${field}\` is not declared on ${missing.map((m) => `\`${m}\``).join(", ")} (of \`${names.join(" | ")}\`)`
        : `field \`${field}\` has different types in \`${names.join(" | ")}\``;
    this.sink.report("AGP2007", message, expr.property.span, {
      help:
        missing.length === names.length
          ? didYouMean(field, allFields)
          : "only fields common to every type, with the same type, can be read",
    });
    return errorType;
  }

  private inferBinary(expr: BinaryExpr, scope: ExprScope): Type {
    return inferBinary(this, this.sink, expr, scope);
  }

  private inferCall(expr: CallExpr, scope: ExprScope): Type {
    const name = expr.callee.text;
    const fn = stdlibFunctions.get(name);
    if (!fn) {
      this.sink.report(
        "AGP2008",
        `unknown function \`${name}\``,
        expr.callee.span,
        {
          help: didYouMean(name, stdlibFunctions.keys()),
        },
      );
      for (const arg of expr.args) this.infer(arg, scope);
      return errorType;
    }
    if (expr.args.length !== fn.parameters.length) {
      this.sink.report(
        "AGP3004",
        `\`${name}\` takes ${fn.parameters.length} argument${fn.parameters.length === 1 ? "" : "s"}, found ${expr.args.length}`,
        expr.span,
        {
          help: `call it as \`${fn.signature}\``,
        },
      );
    }
    expr.args.forEach((arg, index) => {
      const type = unwrapOptional(this.infer(arg, scope));
      const parameter = fn.parameters[index];
      if (!parameter) return;
      if (!parameter.accepts(type)) {
        this.sink.report(
          "AGP3005",
          `argument ${index + 1} of \`${name}\` must be a \`${parameter.text}\`, found \`${typeToString(type)}\``,
          arg.span,
        );
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
    if (expr.where)
      this.inferCondition(expr.where, { ...scope, inHistoryWhere: true });
    if (expr.within) this.infer(expr.within, scope);
    return expr.function === "count" ? numberType : boolType;
  }
}
