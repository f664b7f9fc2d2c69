/**
 * The shared state of one test-file check: the checked policy under test, the fixtures
 * (first declaration of each name), the diagnostics sink and the type and resolution maps.
 */
import type { CaseDecl, LetDecl, TestFile, TestStep } from "../ast.js";
import type { Source } from "../source.js";
import { errorType, type Type } from "../types.js";
import { DiagnosticSink } from "./context.js";
import type { ExprScope } from "./ExpressionTyper.js";
import type { CheckedPolicy } from "./model.js";
import { unparenthesize } from "./paths.js";

/** A fixture as the checker tracks it while checking. */
export interface FixtureSymbol {
  readonly name: string;
  readonly decl: LetDecl;
  /** The entity type when the value is a typed record of a declared type. */
  readonly entityType: string | undefined;
}

/** Symbol tables and results of checking one test file against its policy. */
export class TestCheckContext extends DiagnosticSink {
  /** Fixtures by name, first declaration wins (FixturesRule reports the others). */
  readonly fixtures: ReadonlyMap<string, FixtureSymbol>;
  /** Fixture types by name, as the expression typer sees them. */
  readonly fixtureTypes = new Map<string, Type>();
  readonly cases: readonly CaseDecl[];

  constructor(
    readonly ast: TestFile,
    source: Source,
    readonly policy: CheckedPolicy,
  ) {
    super(source);
    const fixtures = new Map<string, FixtureSymbol>();
    for (const decl of ast.declarations) {
      if (decl.kind !== "LetDecl" || fixtures.has(decl.name.text)) continue;
      const value = unparenthesize(decl.value);
      const typeName =
        value.kind === "RecordLiteral" ? value.typeName?.text : undefined;
      const entityType =
        typeName !== undefined && policy.entities.has(typeName)
          ? typeName
          : undefined;
      fixtures.set(decl.name.text, { name: decl.name.text, decl, entityType });
      // Entity fixtures are typed up front so that fixtures may refer to later ones.
      this.fixtureTypes.set(
        decl.name.text,
        entityType ? { kind: "entity", name: entityType } : errorType,
      );
    }
    this.fixtures = fixtures;
    this.cases = ast.declarations.filter(
      (d): d is CaseDecl => d.kind === "CaseDecl",
    );
  }

  /** The scope of every test expression: constants, fixtures, labels, intents and actions. */
  scope(): ExprScope {
    return {
      mode: "test",
      resourceType: errorType,
      inHistoryWhere: false,
      fixtures: this.fixtureTypes,
    };
  }

  /** Every step of every case, in source order. */
  steps(): TestStep[] {
    return this.cases.flatMap((c) => c.steps);
  }

  /** The context record type `env` values must fit. */
  contextType(): Type {
    return { kind: "record", fields: this.policy.context };
  }
}
