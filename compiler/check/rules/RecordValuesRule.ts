/**
 * Record values in tests must fit their type (AGP3011): an entity record has every
 * required field of its entity type, no unknown field, and values of the declared types;
 * an `env` record fits the policy's `context`.
 */
import type { Expr, RecordLiteral, RecordLiteralField } from "../../ast.js";
import { didYouMean } from "../../suggest.js";
import { typeToString, type Type } from "../../types.js";
import type { TestCheckContext } from "../testContext.js";
import { unparenthesize } from "../paths.js";
import { equalityCompatible, unwrapOptional } from "../typeRelations.js";

/** Checks fixtures, session principals, request resources and `env` values. */
export function RecordValuesRule(ctx: TestCheckContext): void {
  const check = new RecordValueCheck(ctx);
  for (const decl of ctx.ast.declarations)
    if (decl.kind === "LetDecl") check.fits(decl.value, undefined);
  for (const step of ctx.steps()) {
    if (step.kind === "SessionStep") {
      check.fits(step.principal, undefined);
      if (step.env) check.fits(step.env, ctx.contextType());
    } else if (step.kind === "ExpectDecisionStep") {
      check.fits(step.resource, undefined);
      if (step.env) check.fits(step.env, ctx.contextType());
    }
  }
}

class RecordValueCheck {
  constructor(private readonly ctx: TestCheckContext) {}

  /** Checks `expr` against `expected` (undefined: only check record literals inside it). */
  fits(expr: Expr, expected: Type | undefined): void {
    const value = unparenthesize(expr);
    const wanted = expected && unwrapOptional(expected);
    if (value.kind === "RecordLiteral") return this.recordFits(value, wanted);
    if (value.kind === "ListLiteral") {
      const element = wanted?.kind === "list" ? wanted.element : undefined;
      if (wanted === undefined || element) {
        for (const item of value.elements) this.fits(item, element);
        return;
      }
    }
    if (!wanted) return;
    const actual = this.ctx.typeOf(value);
    if (!typeFits(actual, wanted)) {
      this.ctx.report(
        "AGP3011",
        `expected a \`${typeToString(wanted)}\`, found \`${typeToString(actual)}\``,
        value.span,
      );
    }
  }

  /** The fields of `record` as first written, reporting each one written again (AGP2010). */
  private firstWrittenFields(record: RecordLiteral): RecordLiteralField[] {
    const written = new Map<string, RecordLiteralField>();
    for (const field of record.fields) {
      if (written.has(field.name.text)) this.ctx.report("AGP2010", `field \`${field.name.text}\` is written twice`, field.name.span);
      else written.set(field.name.text, field);
    }
    return [...written.values()];
  }

  private recordFits(record: RecordLiteral, wanted: Type | undefined): void {
    let fields: ReadonlyMap<string, Type> | undefined;
    // The entity type's name, or "" for an untyped record.
    let typeName: string;
    if (record.typeName) {
      const entity = this.ctx.policy.entities.get(record.typeName.text);
      if (!entity) return; // AGP2001, reported while typing.
      if (wanted && !typeFits({ kind: "entity", name: entity.name }, wanted)) {
        this.ctx.report(
          "AGP3011",
          `expected a \`${typeToString(wanted)}\`, found a \`${entity.name}\``,
          record.typeName.span,
        );
        return;
      }
      fields = entity.fields;
      typeName = entity.name;
    } else {
      if (wanted === undefined) {
        // A plain record checked where it is used (an `env`), but its own shape is checked here.
        this.firstWrittenFields(record);
        for (const field of record.fields) this.fits(field.value, undefined);
        return;
      }
      if (wanted.kind !== "record") {
        if (wanted.kind !== "error") {
          const help =
            wanted.kind === "entity"
              ? `write its type: \`${wanted.name} { ... }\``
              : undefined;
          this.ctx.report(
            "AGP3011",
            `expected a \`${typeToString(wanted)}\`, found a record`,
            record.span,
            { help },
          );
        }
        return;
      }
      fields = wanted.fields;
      typeName = "";
    }
    const firstWritten = this.firstWrittenFields(record);
    const written = new Set(firstWritten.map((field) => field.name.text));
    for (const field of firstWritten) {
      const name = field.name.text;
      const type = fields.get(name);
      if (!type) {
        const owner = typeName ? `\`${typeName}\`` : "this record";
        this.ctx.report(
          "AGP3011",
          `${owner} has no field \`${name}\``,
          field.name.span,
          {
            help: didYouMean(name, fields.keys()),
          },
        );
        continue;
      }
      this.fits(field.value, type);
    }
    const missing = [...fields]
      .filter(([name, type]) => !written.has(name) && type.kind !== "optional")
      .map(([n]) => n);
    if (missing.length > 0) {
      const subject = record.typeName ? `\`${typeName}\` value` : "record";
      this.ctx.report(
        "AGP3011",
        `${subject} is missing ${missing.map((m) => `\`${m}\``).join(", ")}`,
        record.typeName?.span ?? record.span,
        {
          help: `add ${missing.map((m) => `\`${m}: ...\``).join(", ")}`,
        },
      );
    }
  }
}

/** True when a value of type `actual` fits a place of type `expected` (optional: may be absent). */
export function typeFits(actual: Type, expected: Type): boolean {
  const wanted = unwrapOptional(expected);
  if (actual.kind === "error" || wanted.kind === "error") return true;
  if (wanted.kind === "record") {
    if (actual.kind !== "record") return false;
    for (const [name, type] of actual.fields) {
      const field = wanted.fields.get(name);
      if (!field || !typeFits(type, field)) return false;
    }
    return [...wanted.fields].every(
      ([name, type]) => type.kind === "optional" || actual.fields.has(name),
    );
  }
  if (wanted.kind === "list") {
    if (actual.kind === "emptyList") return true;
    return actual.kind === "list" && typeFits(actual.element, wanted.element);
  }
  if (wanted.kind === "entity")
    return actual.kind === "entity" && actual.name === wanted.name;
  return equalityCompatible(unwrapOptional(actual), wanted);
}
