/**
 * Expressions to TypeScript: straight-line code over the typed request, following the
 * checker's types and name resolutions (never re-deriving meaning). Every policy name or
 * string reaches the output through escape.ts.
 */
import type { BinaryExpr, CallExpr, Expr, HistoryExpr, Identifier, MemberExpr } from "../../ast.js";
import type { Type } from "../../types.js";
import { stdlibSignatures } from "../../../stdlib/signatures.js";
import { isInheritedName } from "../../../stdlib/values.js";
import { numberLiteral, propertyAccess, stringLiteral } from "../escape.js";
import type { EmitContext } from "./context.js";

/** Literal lists up to this length become `===` comparisons instead of a hoisted Set. */
const SMALL_LIST = 8;
/** Emitted code that reads a value without calling anything (a comparison may repeat it). */
const PLAIN_PATH = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

/** Where the roots of an expression live in the generated function. */
export interface ExprScope {
  /** The typed request (`Request`). */
  readonly request: string;
  /** The request's resource, narrowed to the rule's resource types. */
  readonly resource: string;
  /** The history event inside a `where`, else undefined. */
  readonly event: string | undefined;
}

/** Generated code for an expression and what codegen knows about its value. */
interface Emitted {
  readonly code: string;
  /** The value may be undefined (an optional field). */
  readonly absent: boolean;
  /** The value is an entity's full record (its attributes are readable without resolving). */
  readonly record: boolean;
  /** For a constant label, its rank. */
  readonly rank?: number;
  /** For a constant, its literal code (for hoisting lists). */
  readonly constant?: boolean;
}

const stdlibExports: ReadonlyMap<string, string> = new Map(stdlibSignatures.map((s) => [s.name, s.exportName]));

/** Compiles expressions of one policy. */
export class ExpressionEmitter {
  constructor(private readonly context: EmitContext) {}

  /** A boolean condition, as code. */
  condition(expr: Expr, scope: ExprScope): string {
    return this.value(expr, scope);
  }

  /** The value of an expression, guaranteed present (an absent optional is an evaluation error). */
  value(expr: Expr, scope: ExprScope): string {
    const emitted = this.emit(expr, scope);
    return this.presentCode(emitted, expr);
  }

  private presentCode(emitted: Emitted, expr: Expr): string {
    if (!emitted.absent) return emitted.code;
    const present = this.context.imports.value("present");
    return `${present}(${emitted.code}, ${stringLiteral(this.context.policy.source.slice(expr.span))})`;
  }

  private typeOf(expr: Expr): Type {
    const type = this.context.policy.typeOf(expr);
    return type.kind === "optional" ? type.inner : type;
  }

  private emit(expr: Expr, scope: ExprScope): Emitted {
    switch (expr.kind) {
      case "StringLiteral":
        return constant(stringLiteral(expr.value));
      case "NumberLiteral":
        return constant(numberLiteral(expr.value));
      case "BoolLiteral":
        return constant(expr.value ? "true" : "false");
      case "DurationLiteral":
        return constant(numberLiteral(expr.milliseconds));
      case "Paren": {
        const inner = this.emit(expr.inner, scope);
        return { ...inner, code: `(${inner.code})` };
      }
      case "Identifier":
        return this.identifier(expr, scope);
      case "Member":
        return this.member(expr, scope);
      case "Unary": {
        const operand = this.value(expr.operand, scope);
        return plain(expr.operator === "not" ? `!(${operand})` : `-(${operand})`);
      }
      case "Has":
        return plain(this.presence(expr.path, scope));
      case "Binary":
        return plain(this.binary(expr, scope));
      case "Call":
        return plain(this.call(expr, scope));
      case "History":
        return plain(this.history(expr, scope));
      case "ListLiteral":
        return plain(this.listValue(expr.elements, this.typeOf(expr), scope));
      case "RecordLiteral":
        throw new Error("record values are not allowed in policies");
    }
  }

  /**
   * `has PATH`: every optional field along PATH is present, tested outermost first so an
   * absent one stops the chain (`has a.b.c` is false, not an error, when `a.b` is absent).
   */
  private presence(path: Expr, scope: ExprScope): string {
    const optionals: Expr[] = [];
    for (let node: Expr | undefined = path; node !== undefined; ) {
      if (this.context.policy.typeOf(node).kind === "optional") optionals.unshift(node);
      node = node.kind === "Member" ? node.object : node.kind === "Paren" ? node.inner : undefined;
    }
    if (optionals.length === 0) return `(${this.emit(path, scope).code} !== undefined)`;
    return `(${optionals.map((prefix) => `${this.emit(prefix, scope).code} !== undefined`).join(" && ")})`;
  }

  private identifier(expr: Identifier, scope: ExprScope): Emitted {
    const resolution = this.context.policy.resolve(expr);
    switch (resolution.kind) {
      case "root":
        switch (resolution.root) {
          case "principal":
            return { code: `${scope.request}.principal`, absent: false, record: true };
          case "resource":
            return { code: scope.resource, absent: false, record: true };
          case "env":
            return plain(`${scope.request}.env`);
          case "intent":
            return plain(`${scope.request}.intent`);
          case "action":
            return plain(`${scope.request}.action`);
          case "now":
            return plain(`${scope.request}.at`);
          case "event":
            if (scope.event === undefined) throw new Error("`event` outside a history condition");
            return plain(scope.event);
        }
        break;
      case "label":
        return { ...constant(stringLiteral(resolution.label)), rank: resolution.rank };
      case "intent":
        return constant(stringLiteral(resolution.name));
      case "action":
        return constant(stringLiteral(resolution.name));
      case "fixture":
        throw new Error("fixtures are not allowed in policies");
    }
  }

  private member(expr: MemberExpr, scope: ExprScope): Emitted {
    const field = expr.property.text;
    const objectType = this.typeOf(expr.object);
    const object = this.emit(expr.object, scope);
    const fieldType = this.context.policy.typeOf(expr);
    const absent = fieldType.kind === "optional";
    if (scope.event !== undefined && isEventRoot(expr.object, this.context)) {
      // `event.principal` and `event.resource` are the granted request's records.
      return { code: `${object.code}.${eventField(field)}`, absent: false, record: field === "principal" || field === "resource" };
    }
    let base = this.presentCode(object, expr.object);
    if ((objectType.kind === "entity" || objectType.kind === "entityUnion") && !object.record) {
      const names = objectType.kind === "entity" ? [objectType.name] : objectType.names;
      const [single] = names;
      if (names.length === 1 && single !== undefined) {
        base = `${this.context.attributesReader(single)}(${scope.request}, ${base})`;
      } else {
        const attributesOf = this.context.imports.value("attributesOf");
        const expected = `[${names.map(stringLiteral).join(", ")}]`;
        base = `${attributesOf}${this.context.typed(`<${this.context.entityUnion(names)}>`)}(${scope.request}.entities, ${base}, ${expected})`;
      }
    }
    // An absent optional `toString` must read as absent, not as the member every object inherits.
    const code = absent && isInheritedName(field) ? `${this.context.imports.value("ownField")}(${base}, ${stringLiteral(field)})` : propertyAccess(base, field);
    return { code, absent, record: false };
  }

  private binary(expr: BinaryExpr, scope: ExprScope): string {
    switch (expr.operator) {
      case "and":
        return `(${this.value(expr.left, scope)} && ${this.value(expr.right, scope)})`;
      case "or":
        return `(${this.value(expr.left, scope)} || ${this.value(expr.right, scope)})`;
      case "==":
        return this.equality(expr, scope);
      case "!=":
        return `!${this.equality(expr, scope)}`;
      case "<":
      case "<=":
      case ">":
      case ">=":
        return this.ordering(expr, scope);
      case "in":
        return this.membership(expr, scope);
      case "/":
        return `${this.context.imports.value("divide")}(${this.value(expr.left, scope)}, ${this.value(expr.right, scope)})`;
      case "+":
      case "-":
      case "*":
        return `(${this.value(expr.left, scope)} ${expr.operator} ${this.value(expr.right, scope)})`;
    }
  }

  private equality(expr: BinaryExpr, scope: ExprScope): string {
    const left = this.emit(expr.left, scope);
    const right = this.emit(expr.right, scope);
    const type = this.typeOf(expr.left);
    if (type.kind === "entity" || type.kind === "entityUnion") {
      return `${this.context.imports.value("sameEntity")}(${left.code}, ${right.code})`;
    }
    if (left.absent || right.absent || type.kind === "list" || type.kind === "record" || type.kind === "emptyList") {
      return `${this.context.imports.value("valuesEqual")}(${left.code}, ${right.code})`;
    }
    return `(${left.code} === ${right.code})`;
  }

  private ordering(expr: BinaryExpr, scope: ExprScope): string {
    const type = this.typeOf(expr.left);
    if (type.kind === "sensitivity") {
      return `(${this.rank(expr.left, scope)} ${expr.operator} ${this.rank(expr.right, scope)})`;
    }
    return `(${this.value(expr.left, scope)} ${expr.operator} ${this.value(expr.right, scope)})`;
  }

  /** A label's rank: a constant for a label name, else the module's rank switch. */
  private rank(expr: Expr, scope: ExprScope): string {
    const emitted = this.emit(expr, scope);
    if (emitted.rank !== undefined) return numberLiteral(emitted.rank);
    return `labelRankOf(${this.presentCode(emitted, expr)})`;
  }

  private membership(expr: BinaryExpr, scope: ExprScope): string {
    const elementType = this.typeOf(expr.left);
    const isEntity = elementType.kind === "entity" || elementType.kind === "entityUnion";
    const list = unparen(expr.right);
    if (list.kind === "ListLiteral") {
      if (list.elements.length === 0) return "false";
      const elements = list.elements.map((element) => this.emit(element, scope));
      const primitive = !isEntity && elementType.kind !== "list" && elementType.kind !== "record";
      if (primitive && elements.every((element) => element.constant)) {
        const left = this.value(expr.left, scope);
        // A few comparisons of a plain path beat hashing it for a Set (this is the hot path).
        if (elements.length <= SMALL_LIST && PLAIN_PATH.test(left)) {
          return `(${elements.map((element) => `${left} === ${element.code}`).join(" || ")})`;
        }
        const type = `ReadonlySet<${this.context.tsType(elementType)}>`;
        const set = this.context.hoist(type, `new Set([${elements.map((e) => e.code).join(", ")}])`);
        return `${set}.has(${left})`;
      }
      // INVARIANT: expressions are pure, so repeating the left operand changes nothing but time.
      const left = this.value(expr.left, scope);
      const tests = elements.map((element, index) => {
        const code = this.presentCode(element, list.elements[index] ?? list);
        if (isEntity) return `${this.context.imports.value("sameEntity")}(${left}, ${code})`;
        if (primitive) return `${left} === ${code}`;
        return `${this.context.imports.value("valuesEqual")}(${left}, ${code})`;
      });
      return `(${tests.join(" || ")})`;
    }
    const listCode = this.value(expr.right, scope);
    const left = this.value(expr.left, scope);
    const listContains = this.context.imports.value("listContains");
    if (isEntity) return `${listContains}(${listCode}, ${left}, ${this.context.imports.value("sameEntity")})`;
    if (elementType.kind === "list" || elementType.kind === "record") {
      return `${listContains}(${listCode}, ${left}, ${this.context.imports.value("valuesEqual")})`;
    }
    return `${listContains}(${listCode}, ${left})`;
  }

  private listValue(elements: readonly Expr[], type: Type, scope: ExprScope): string {
    const emitted = elements.map((element) => ({ element, emitted: this.emit(element, scope) }));
    const code = `[${emitted.map(({ element, emitted: e }) => this.presentCode(e, element)).join(", ")}]`;
    if (emitted.every(({ emitted: e }) => e.constant)) return this.context.hoist(this.context.tsType(type), code);
    return code;
  }

  private call(expr: CallExpr, scope: ExprScope): string {
    const exportName = stdlibExports.get(expr.callee.text);
    if (exportName === undefined) throw new Error(`unknown stdlib function ${expr.callee.text}`);
    const args = expr.args.map((arg) => this.value(arg, scope));
    return `${this.context.imports.value(exportName)}(${args.join(", ")})`;
  }

  private history(expr: HistoryExpr, scope: ExprScope): string {
    const index = this.context.historyIndex.get(expr);
    if (index === undefined) throw new Error("history query missing from the checked policy");
    const request = `${scope.request}${this.context.typed(` as unknown as ${this.context.imports.type("PolicyRequest")}`)}`;
    const count = `facts.count(${index}, ${request})`;
    return expr.function === "exists" ? `(${count} > 0)` : count;
  }
}

function constant(code: string): Emitted {
  return { code, absent: false, record: false, constant: true };
}

function plain(code: string): Emitted {
  return { code, absent: false, record: false };
}

function unparen(expr: Expr): Expr {
  let current = expr;
  while (current.kind === "Paren") current = current.inner;
  return current;
}

function isEventRoot(expr: Expr, context: EmitContext): boolean {
  const inner = unparen(expr);
  if (inner.kind !== "Identifier") return false;
  const resolution = context.policy.resolve(inner);
  return resolution.kind === "root" && resolution.root === "event";
}

const eventFields: ReadonlySet<string> = new Set(["action", "principal", "resource", "at", "session"]);

function eventField(field: string): string {
  if (!eventFields.has(field)) throw new Error(`unknown event field ${field}`);
  return field;
}
