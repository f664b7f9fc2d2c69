/**
 * Computes the constant values written in test files, in the request JSON shape of
 * DESIGN.md, so the test harness builds requests without reading the AST's meaning.
 */
import type { Expr, RecordLiteral } from "../ast.js";
import { lengthOf, lower, upper } from "../../stdlib/functions.js";
import { parseIsoTime } from "../../stdlib/time.js";
import type { EntityValue, TestValue } from "./model-test.js";
import type { TestCheckContext } from "./testContext.js";
import { unparenthesize } from "./paths.js";

/** Evaluates test expressions; collects every entity value met (fixtures and inline records). */
export class ConstantEvaluator {
  /** Every entity value, fixtures first, then inline records in the order they were met. */
  readonly entities = new Map<string, EntityValue>();

  /** Non-entity fixtures whose value is being computed: a reference back to one has no value (AGP2024). */
  private readonly evaluating = new Set<string>();

  constructor(private readonly ctx: TestCheckContext) {}

  /** The entity a fixture denotes (id = fixture name), or undefined when it is not an entity. */
  fixtureEntity(name: string): EntityValue | undefined {
    const key = `${this.ctx.fixtures.get(name)?.entityType}::${name}`;
    const known = this.entities.get(key);
    if (known) return known;
    const fixture = this.ctx.fixtures.get(name);
    const record = fixture && unparenthesize(fixture.decl.value);
    if (!fixture?.entityType || record?.kind !== "RecordLiteral")
      return undefined;
    const entity: EntityValue = {
      type: fixture.entityType,
      id: name,
      attributes: {},
    };
    // INVARIANT: registered before its attributes are computed, so reference cycles end.
    this.entities.set(key, entity);
    const attributes = this.attributes(record);
    const complete: EntityValue = { ...entity, attributes };
    this.entities.set(key, complete);
    return complete;
  }

  /** The entity an expression denotes: a fixture name or an inline typed record. */
  entity(expr: Expr): EntityValue | undefined {
    const value = unparenthesize(expr);
    if (value.kind === "Identifier")
      return this.ctx.resolutions.get(value)?.kind === "fixture"
        ? this.fixtureEntity(value.name.text)
        : undefined;
    if (value.kind !== "RecordLiteral" || !value.typeName) return undefined;
    const start = this.ctx.source.position(value.span.start);
    // Inline records get an id from where they are written: deterministic and readable.
    const entity: EntityValue = {
      type: value.typeName.text,
      id: `${value.typeName.text}@${start.line}:${start.column}`,
      attributes: this.attributes(value),
    };
    this.entities.set(`${entity.type}::${entity.id}`, entity);
    return entity;
  }

  /** The value of a constant expression, or undefined when it has none (it has a diagnostic). */
  value(expr: Expr): TestValue | undefined {
    switch (expr.kind) {
      case "StringLiteral":
      case "NumberLiteral":
      case "BoolLiteral":
        return expr.value;
      case "DurationLiteral":
        return this.ctx.source.slice(expr.span);
      case "Paren":
        return this.value(expr.inner);
      case "Unary": {
        const operand = this.value(expr.operand);
        if (expr.operator === "-" && typeof operand === "number")
          return -operand;
        if (expr.operator === "not" && typeof operand === "boolean")
          return !operand;
        return undefined;
      }
      case "ListLiteral": {
        const values = expr.elements.map((e) => this.value(e));
        return values.every((v) => v !== undefined)
          ? (values as TestValue[])
          : undefined;
      }
      case "RecordLiteral": {
        if (expr.typeName) {
          const entity = this.entity(expr);
          return entity && { type: entity.type, id: entity.id };
        }
        return this.attributes(expr);
      }
      case "Identifier": {
        const resolution = this.ctx.resolutions.get(expr);
        if (!resolution) return undefined;
        if (resolution.kind === "fixture") {
          const entity = this.fixtureEntity(resolution.name);
          if (entity) return { type: entity.type, id: entity.id };
          const fixture = this.ctx.fixtures.get(resolution.name);
          if (!fixture || this.evaluating.has(resolution.name)) return undefined;
          this.evaluating.add(resolution.name);
          try {
            return this.value(fixture.decl.value);
          } finally {
            this.evaluating.delete(resolution.name);
          }
        }
        if (resolution.kind === "label") return resolution.label;
        if (resolution.kind === "intent" || resolution.kind === "action")
          return resolution.name;
        return undefined;
      }
      case "Call":
        return this.call(
          expr.callee.text,
          expr.args.map((a) => this.value(a)),
        );
      default:
        return undefined;
    }
  }

  private attributes(record: RecordLiteral): { [field: string]: TestValue } {
    const attributes: { [field: string]: TestValue } = {};
    for (const field of record.fields) {
      const value = this.value(field.value);
      // Own keys only: a field named `toString` is not already "there" on every object.
      if (value !== undefined && !Object.hasOwn(attributes, field.name.text))
        attributes[field.name.text] = value;
    }
    return attributes;
  }

  private call(
    name: string,
    args: readonly (TestValue | undefined)[],
  ): TestValue | undefined {
    const [first] = args;
    if (name === "time" && typeof first === "string")
      return parseIsoTime(first).ok ? first : undefined;
    if (name === "lower" && typeof first === "string") return lower(first);
    if (name === "upper" && typeof first === "string") return upper(first);
    if (
      name === "length" &&
      (typeof first === "string" || Array.isArray(first))
    )
      return lengthOf(first as string | readonly unknown[]);
    return undefined;
  }
}
