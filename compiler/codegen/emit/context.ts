/**
 * What every emitter of one module shares: the checked policy, the target, the import
 * collector, the module-level constants hoisted out of functions, and how policy types map
 * to TypeScript.
 */
import type { HistoryExpr } from "../../ast.js";
import type { CheckedPolicy } from "../../check/model.js";
import type { Type } from "../../types.js";
import { commentText, namedIdentifier, propertyKey, stringLiteral, typeName } from "../escape.js";
import { ImportCollector } from "./imports.js";

/**
 * What the emitters write: `typescript`, the module of record (type-checked, formatted,
 * shipped); `javascript`, the same module with every type erased (an ES module); `function`,
 * that JavaScript as the body of a function of `require` that returns the exports, which is
 * how a policy compiled in memory is loaded without TypeScript.
 */
export type EmitTarget = "typescript" | "javascript" | "function";

/** The state of generating one module. */
export class EmitContext {
  readonly imports: ImportCollector;
  private readonly exportedNames: string[] = [];
  private readonly hoisted = new Map<string, string>();
  private readonly hoistedDeclarations: string[] = [];
  private readonly readers = new Map<string, string>();
  /** Each history query's index in `policy.historyQueries`. */
  readonly historyIndex: ReadonlyMap<HistoryExpr, number>;

  constructor(
    readonly policy: CheckedPolicy,
    readonly sourcePath: string,
    readonly target: EmitTarget = "typescript",
  ) {
    this.historyIndex = new Map(policy.historyQueries.map((query, index) => [query, index]));
    this.imports = new ImportCollector(target);
  }

  /**
   * `text` when emitting TypeScript, nothing otherwise: every annotation, type argument,
   * cast and type declaration goes through here, so erasing types is exact by construction.
   */
  typed(text: string): string {
    return this.target === "typescript" ? text : "";
  }

  /** The `export ` keyword of a module-level declaration named `name` (recorded instead in a function body). */
  exportKeyword(name: string): string {
    if (this.target !== "function") return "export ";
    this.exportedNames.push(name);
    return "";
  }

  /** The closing `return` of a function body that hands back the exports; empty for modules. */
  renderExports(): string {
    return this.target === "function" ? `return { ${this.exportedNames.join(", ")} };` : "";
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
    this.hoistedDeclarations.push(`const ${name}${this.typed(`: ${type}`)} = ${initializer};`);
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
        `/** The record of the \`${commentText(type)}\` an entity reference points to; a missing one is an evaluation error. */\nfunction ${name}(request${this.typed(": Request")}, ref${this.typed(`: ${entityRef}`)})${this.typed(`: ${tsName}`)} {\nreturn ${this.imports.value("attributesOf")}${this.typed(`<${tsName}>`)}(request.entities, ref, ${stringLiteral(type)});\n}`,
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
