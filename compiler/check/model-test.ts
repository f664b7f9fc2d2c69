/**
 * What the checker knows about a `*.test.agp` file once it has checked it: fixtures with
 * their entity types and constant values, and cases whose steps name resolved actions,
 * intents and rules. The test harness runs a {@link CheckedTestFile} and never re-derives
 * meaning from the AST.
 */
import type {
  AdvanceStep,
  CaseDecl,
  Expr,
  ExpectDecisionStep,
  ExpectStateStep,
  Identifier,
  LetDecl,
  RedeemStep,
  ResolveReviewStep,
  RevokeStep,
  SessionStep,
  TestFile,
} from "../ast.js";
import type { Source } from "../source.js";
import type { Type } from "../types.js";
import type { CheckedPolicy, Resolution } from "./model.js";

/**
 * A constant value written in a test, in the request JSON shape of DESIGN.md: entity
 * references are `{ type, id }`, times ISO-8601 strings, durations strings like `"15m"`,
 * labels, intents and actions their names.
 */
export type TestValue =
  | string
  | number
  | boolean
  | readonly TestValue[]
  | { readonly [field: string]: TestValue };

/** An entity value: its type, its id and its attributes (references as `{ type, id }`). */
export interface EntityValue {
  readonly type: string;
  readonly id: string;
  readonly attributes: { readonly [field: string]: TestValue };
}

/** A `let` fixture. */
export interface FixtureInfo {
  readonly name: string;
  /** The declared entity type of the fixture, when its value is an entity record. */
  readonly entityType: string | undefined;
  readonly type: Type;
  /** The entity (id = the `let` name) when the value is an entity record. */
  readonly entity: EntityValue | undefined;
  /** The constant value, or undefined when it could not be computed (it has a diagnostic). */
  readonly value: TestValue | undefined;
  readonly decl: LetDecl;
}

/** A `session` step: the principal entity, the intent and the session's env. */
export interface CheckedSessionStep {
  readonly kind: "session";
  readonly step: SessionStep;
  readonly principal: EntityValue | undefined;
  readonly intent: string;
  readonly env: TestValue | undefined;
}

/** An `expect allow|deny` step with its request. */
export interface CheckedExpectDecisionStep {
  readonly kind: "expectDecision";
  readonly step: ExpectDecisionStep;
  readonly effect: "allow" | "deny";
  readonly action: string;
  readonly resource: EntityValue | undefined;
  /** The env of this request; undefined means the session's env. */
  readonly env: TestValue | undefined;
  /** The expected grant TTL in milliseconds, when written. */
  readonly grantMs: number | undefined;
  /** The rules expected in the decision (`by`), possibly empty. */
  readonly rules: readonly string[];
  readonly reason: string | undefined;
  /** `matches "FILE.json"`: the file of the whole expected decision JSON, as written (relative to the test file). */
  readonly matches?: string | undefined;
}

/** Any other step, passed through with its AST node (nothing to resolve in it beyond names). */
export type CheckedOtherStep =
  | {
      readonly kind: "advance";
      readonly step: AdvanceStep;
      readonly milliseconds: number;
    }
  | { readonly kind: "redeem"; readonly step: RedeemStep }
  | { readonly kind: "revoke"; readonly step: RevokeStep }
  | {
      readonly kind: "expectState";
      readonly step: ExpectStateStep;
      readonly downgradedTo: readonly string[];
    }
  | { readonly kind: "resolveReview"; readonly step: ResolveReviewStep };

export type CheckedStep =
  CheckedSessionStep | CheckedExpectDecisionStep | CheckedOtherStep;

/** A `case "title" { ... }`. */
export interface CheckedCase {
  readonly title: string;
  readonly decl: CaseDecl;
  readonly steps: readonly CheckedStep[];
}

/** A checked test file: the input of the test harness (only when the check reported no errors). */
export interface CheckedTestFile {
  readonly source: Source;
  readonly ast: TestFile;
  readonly policy: CheckedPolicy;
  /** Fixtures by name, in declaration order. */
  readonly fixtures: ReadonlyMap<string, FixtureInfo>;
  readonly cases: readonly CheckedCase[];
  /**
   * Every entity value written in the file (fixtures, then inline records), so a request
   * can carry the attributes of every entity its principal and resource refer to.
   */
  readonly entities: readonly EntityValue[];
  /** The type of any expression of the test file. */
  typeOf(expr: Expr): Type;
  /** What a bare name of the test file refers to (a fixture or a label, intent, action). */
  resolve(identifier: Identifier): Resolution;
}
