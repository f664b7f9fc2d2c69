/**
 * What every emitter of one module shares: the checked policy, the import collector, the
 * module-level constants hoisted out of functions, and how policy types map to TypeScript.
 */
import type { HistoryExpr } from "../../ast.js";
import type { CheckedPolicy } from "../../check/model.js";
import type { Type } from "../../types.js";
import { commentText, namedIdentifier, propertyKey, stringLiteral, typeName } from "../escape.js";
import { ImportCollector } from "./imports.js";

/** The state of generating one module. */
export class EmitContext {
  readonly imports = new ImportCollector();
  private readonly hoisted = new Map<string, string>();
  private readonly hoistedDeclarations: string[] = [];
  private readonly readers = new Map<string, string>();
  /** Each history query's index in `policy.historyQueries`. */
  readonly historyIndex: ReadonlyMap<HistoryExpr, number>;

  constructor(
    readonly policy: CheckedPolicy,
    readonly sourcePath: string,
  ) {
    this.historyIndex = new Map(policy.historyQueries.map((query, index) => [query, index]));
  }

  /**
   * A module-level constant `const NAME: type = initializer`, shared by every use of the same
   * initializer, so hot-path code allocates nothing for literal lists. Returns its name.
   */
  hoist(type: string, initializer: string): string {
    const key = `${type}\u0000${initializer}`;
    const known = this.hoisted.get(key);
    if (known !== undefined) return known;
    const name = `constant$${this.hoisted.size}`;
    this.hoisted.set(key, name);
    this.hoistedDeclarations.push(`const ${name}: ${type} = ${initializer};`);
    return name;
  }

  /**
   * A module-level function reading the record of the entity of type `type` a reference
   * points to, so each use is a short non-generic call. Returns its name.
   */
  attributesReader(type: string): string {
    const name = namedIdentifier("attributes", type);
    if (!this.readers.has(name)) {
      const tsName = this.entityTypeName(type);
      const entityRef = this.imports.type("EntityRef");
      this.readers.set(
        name,
        `/** The record of the \`${commentText(type)}\` an entity reference points to; a missing one is an evaluation error. */\nfunction ${name}(request: Request, ref: ${entityRef}): ${tsName} {\nreturn ${this.imports.value("attributesOf")}<${tsName}>(request.entities, ref, ${stringLiteral(type)});\n}`,
      );
    }
    return name;
  }

  /** The hoisted constant declarations and entity readers, in the order they were first used. */
  renderHoisted(): string {
    return [this.hoistedDeclarations.join("\n"), ...this.readers.values()].filter((part) => part !== "").join("\n\n");
  }

  /** The TypeScript interface name of a declared entity, agent or resource type. */
  entityTypeName(name: string): string {
    return typeName(name);
  }

  /** The TypeScript type of a value of policy type `type` (a nested entity is a reference). */
  tsType(type: Type): string {
    switch (type.kind) {
      case "string":
        return "string";
      case "number":
      case "time":
      case "duration":
        return "number";
      case "bool":
        return "boolean";
      case "sensitivity":
        return "Label";
      case "intent":
        return "Intent";
      case "action":
        return "Action";
      case "entity":
      case "entityUnion":
        return this.imports.type("EntityRef");
      case "optional":
        return `${this.tsType(type.inner)} | undefined`;
      case "list":
        return `readonly (${this.tsType(type.element)})[]`;
      case "emptyList":
        return "readonly never[]";
      case "record":
        return this.recordType(type.fields);
      case "error":
        throw new Error("codegen reached an expression of type <error>");
    }
  }

  /** `{ readonly "a": T; readonly "b"?: U | undefined }` for an inline record type. */
  recordType(fields: ReadonlyMap<string, Type>): string {
    const members = [...fields].map(([name, type]) => this.fieldMember(name, type));
    return `{ ${members.join(" ")} }`;
  }

  /** One member of an interface or record type; optional fields may be missing. */
  fieldMember(name: string, type: Type): string {
    if (type.kind === "optional") return `readonly ${propertyKey(name)}?: ${this.tsType(type)};`;
    return `readonly ${propertyKey(name)}: ${this.tsType(type)};`;
  }

  /** The union of the interfaces of entity types `names`. */
  entityUnion(names: readonly string[]): string {
    return names.map((name) => this.entityTypeName(name)).join(" | ");
  }

  /** A string literal (all string literals of generated code go through escape.ts). */
  string(value: string): string {
    return stringLiteral(value);
  }
}
