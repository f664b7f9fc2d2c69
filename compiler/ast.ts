/**
 * The abstract syntax tree of `.agp` policy files and `*.test.agp` test files.
 *
 * Every node is readonly and carries a {@link Span} of character offsets into its source.
 * The AST says only what was written; meaning (what a name refers to, the type of an
 * expression) is the checker's job and lives in `check/`.
 */
import type { Span } from "./source.js";

export type { Span };

/** A name as written, e.g. a rule, field, type, action, intent or label name. */
export interface Name {
  readonly kind: "Name";
  readonly text: string;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------
// Types as written in declarations
// ---------------------------------------------------------------------------------------

/** `string`, `number`, `bool`, `time`, `duration`, `sensitivity`, or a declared type name. */
export interface NamedTypeExpr {
  readonly kind: "NamedType";
  readonly name: Name;
  readonly span: Span;
}

/** `T?`: a field that may be absent. */
export interface OptionalTypeExpr {
  readonly kind: "OptionalType";
  readonly inner: TypeExpr;
  readonly span: Span;
}

/** `[T]`: a list. */
export interface ListTypeExpr {
  readonly kind: "ListType";
  readonly element: TypeExpr;
  readonly span: Span;
}

/** `{ a: T, b: U }`: an inline record. */
export interface RecordTypeExpr {
  readonly kind: "RecordType";
  readonly fields: readonly FieldDecl[];
  readonly span: Span;
}

export type TypeExpr = NamedTypeExpr | OptionalTypeExpr | ListTypeExpr | RecordTypeExpr;

/** `name: T` inside an entity, agent, resource, context or record type. */
export interface FieldDecl {
  readonly kind: "FieldDecl";
  readonly name: Name;
  readonly type: TypeExpr;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------

export interface StringLiteral {
  readonly kind: "StringLiteral";
  /** The decoded value (escapes resolved). */
  readonly value: string;
  readonly span: Span;
}

export interface NumberLiteral {
  readonly kind: "NumberLiteral";
  readonly value: number;
  readonly span: Span;
}

export interface BoolLiteral {
  readonly kind: "BoolLiteral";
  readonly value: boolean;
  readonly span: Span;
}

/** `90s`, `15m`, `2h`, `7d` (also `500ms`). */
export interface DurationLiteral {
  readonly kind: "DurationLiteral";
  /** The duration in milliseconds. */
  readonly milliseconds: number;
  readonly span: Span;
}

/** `[a, b, c]`. */
export interface ListLiteral {
  readonly kind: "ListLiteral";
  readonly elements: readonly Expr[];
  readonly span: Span;
}

/**
 * `Type { field: value, ... }` or `{ field: value, ... }`: a record value. Only test files
 * (fixtures, `env`) may write record values; the checker refuses them in policies.
 */
export interface RecordLiteral {
  readonly kind: "RecordLiteral";
  readonly typeName: Name | undefined;
  readonly fields: readonly RecordLiteralField[];
  readonly span: Span;
}

export interface RecordLiteralField {
  readonly kind: "RecordLiteralField";
  readonly name: Name;
  readonly value: Expr;
  readonly span: Span;
}

/**
 * A bare name in an expression: a root (`principal`, `resource`, `env`, `intent`, `action`,
 * `event`), a sensitivity label, an intent or action name, or (in tests) a `let` binding.
 */
export interface Identifier {
  readonly kind: "Identifier";
  readonly name: Name;
  readonly span: Span;
}

/** `object.property`. */
export interface MemberExpr {
  readonly kind: "Member";
  readonly object: Expr;
  readonly property: Name;
  readonly span: Span;
}

export type BinaryOperator =
  | "or"
  | "and"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "in"
  | "+"
  | "-"
  | "*"
  | "/";

export interface BinaryExpr {
  readonly kind: "Binary";
  readonly operator: BinaryOperator;
  /** Where the operator itself is written. */
  readonly operatorSpan: Span;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

export type UnaryOperator = "not" | "-";

export interface UnaryExpr {
  readonly kind: "Unary";
  readonly operator: UnaryOperator;
  readonly operand: Expr;
  readonly span: Span;
}

/** `has PATH`: true when an optional field along the path is present. */
export interface HasExpr {
  readonly kind: "Has";
  readonly path: Expr;
  readonly span: Span;
}

/** `name(args)`: a call of a stdlib function. */
export interface CallExpr {
  readonly kind: "Call";
  readonly callee: Name;
  readonly args: readonly Expr[];
  readonly span: Span;
}

/** The event stream a history query reads. */
export type HistorySourceKind = "session" | "principal" | "resource";

export interface HistorySource {
  readonly kind: "HistorySource";
  readonly source: HistorySourceKind;
  readonly span: Span;
}

/** `count(SOURCE [where COND] [within DURATION])` or `exists(...)`. */
export interface HistoryExpr {
  readonly kind: "History";
  readonly function: "count" | "exists";
  readonly source: HistorySource;
  readonly where: Expr | undefined;
  readonly within: DurationLiteral | undefined;
  readonly span: Span;
}

/** `( expr )`, kept so that printers and spans reflect what was written. */
export interface ParenExpr {
  readonly kind: "Paren";
  readonly inner: Expr;
  readonly span: Span;
}

export type Expr =
  | StringLiteral
  | NumberLiteral
  | BoolLiteral
  | DurationLiteral
  | ListLiteral
  | RecordLiteral
  | Identifier
  | MemberExpr
  | BinaryExpr
  | UnaryExpr
  | HasExpr
  | CallExpr
  | HistoryExpr
  | ParenExpr;

// ---------------------------------------------------------------------------------------
// Policy declarations
// ---------------------------------------------------------------------------------------

/** `sensitivity public < internal < confidential`: labels from lowest to highest. */
export interface SensitivityDecl {
  readonly kind: "SensitivityDecl";
  readonly labels: readonly Name[];
  readonly span: Span;
}

/** `entity User { ... }`, `agent Assistant { ... }` or `resource Report { ... }`. */
export interface EntityDecl {
  readonly kind: "EntityDecl";
  readonly entityKind: "entity" | "agent" | "resource";
  readonly name: Name;
  readonly fields: readonly FieldDecl[];
  readonly span: Span;
}

/** `context { ... }`: the fields of `env`. */
export interface ContextDecl {
  readonly kind: "ContextDecl";
  readonly fields: readonly FieldDecl[];
  readonly span: Span;
}

/** `action submit, approve on ExpenseReport`. */
export interface ActionDecl {
  readonly kind: "ActionDecl";
  readonly actions: readonly Name[];
  readonly resourceType: Name;
  readonly span: Span;
}

/** `intent NAME "description" { actions a, b  max LABEL }`. */
export interface IntentDecl {
  readonly kind: "IntentDecl";
  readonly name: Name;
  readonly description: StringLiteral;
  readonly actions: readonly Name[];
  readonly max: Name | undefined;
  readonly span: Span;
}

/** `*` (every action) or a list of action names. */
export type ActionSelector =
  | { readonly kind: "AllActions"; readonly span: Span }
  | { readonly kind: "ActionList"; readonly actions: readonly Name[]; readonly span: Span };

/** `allow|deny NAME: ACTIONS [on TYPE] [when EXPR] [grant DURATION] [reason STRING]`. */
export interface RuleDecl {
  readonly kind: "RuleDecl";
  readonly effect: "allow" | "deny";
  readonly name: Name;
  readonly actions: ActionSelector;
  readonly resourceType: Name | undefined;
  readonly when: Expr | undefined;
  readonly grant: DurationLiteral | undefined;
  readonly reason: StringLiteral | undefined;
  readonly span: Span;
}

/** `separate NAME: A, B on TYPE by KEY [reason STRING]`. */
export interface SeparateDecl {
  readonly kind: "SeparateDecl";
  readonly name: Name;
  readonly actions: readonly Name[];
  readonly resourceType: Name;
  readonly key: Expr;
  readonly reason: StringLiteral | undefined;
  readonly span: Span;
}

export type Consequence =
  | { readonly kind: "Revoke"; readonly span: Span }
  | { readonly kind: "Downgrade"; readonly actions: readonly Name[]; readonly span: Span }
  | { readonly kind: "Review"; readonly reason: StringLiteral; readonly span: Span }
  | { readonly kind: "Alert"; readonly reason: StringLiteral; readonly span: Span };

/** `monitor NAME: ACTIONS [on TYPE] [when EXPR] then CONSEQUENCE, ...`. */
export interface MonitorDecl {
  readonly kind: "MonitorDecl";
  readonly name: Name;
  readonly actions: ActionSelector;
  readonly resourceType: Name | undefined;
  readonly when: Expr | undefined;
  readonly consequences: readonly Consequence[];
  readonly span: Span;
}

export type PolicyDeclaration =
  | SensitivityDecl
  | EntityDecl
  | ContextDecl
  | ActionDecl
  | IntentDecl
  | RuleDecl
  | SeparateDecl
  | MonitorDecl;

/** A whole `.agp` policy file: `policy NAME` followed by declarations. */
export interface PolicyFile {
  readonly kind: "PolicyFile";
  readonly name: Name;
  readonly declarations: readonly PolicyDeclaration[];
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------
// Test files
// ---------------------------------------------------------------------------------------

/** `let NAME = EXPR`: a fixture, usually an entity record. */
export interface LetDecl {
  readonly kind: "LetDecl";
  readonly name: Name;
  readonly value: Expr;
  readonly span: Span;
}

/** `session PRINCIPAL intent NAME [env RECORD]`: opens a session that later steps use. */
export interface SessionStep {
  readonly kind: "SessionStep";
  readonly principal: Expr;
  readonly intent: Name;
  readonly env: Expr | undefined;
  readonly span: Span;
}

/**
 * `expect allow|deny ACTION RESOURCE [env RECORD] [grant DURATION] [by RULE, ...]
 * [reason STRING] [matches "FILE.json"]`: makes a request in the current session and checks
 * its decision (with `matches`, the whole decision JSON against a file).
 */
export interface ExpectDecisionStep {
  readonly kind: "ExpectDecisionStep";
  readonly effect: "allow" | "deny";
  readonly action: Name;
  readonly resource: Expr;
  readonly env: Expr | undefined;
  readonly grant: DurationLiteral | undefined;
  readonly by: readonly Name[];
  readonly reason: StringLiteral | undefined;
  /** `matches "FILE.json"`: the whole expected decision JSON, in a file beside the test file. */
  readonly matches?: StringLiteral | undefined;
  readonly span: Span;
}

/** `advance DURATION`: moves the virtual clock forward. */
export interface AdvanceStep {
  readonly kind: "AdvanceStep";
  readonly duration: DurationLiteral;
  readonly span: Span;
}

/**
 * `redeem` (the last grant, expecting success) or `redeem refused [STRING]` (expecting a
 * refusal, optionally with its reason code).
 */
export interface RedeemStep {
  readonly kind: "RedeemStep";
  readonly expectRefused: boolean;
  readonly refusal: StringLiteral | undefined;
  readonly span: Span;
}

/** `revoke grant|session|principal`: revokes the last grant, the session or its principal. */
export interface RevokeStep {
  readonly kind: "RevokeStep";
  readonly target: "grant" | "session" | "principal";
  readonly span: Span;
}

/**
 * `expect session active|suspended|ended|downgraded [to ACTIONS]` or `expect grant revoked`:
 * checks what monitors and revocations did.
 */
export interface ExpectStateStep {
  readonly kind: "ExpectStateStep";
  readonly subject: "session" | "grant";
  readonly state: "active" | "suspended" | "ended" | "downgraded" | "revoked" | "live";
  readonly downgradedTo: readonly Name[];
  readonly span: Span;
}

/** `resolve review approve|reject`: a human resolves the session's pending review. */
export interface ResolveReviewStep {
  readonly kind: "ResolveReviewStep";
  readonly verdict: "approve" | "reject";
  readonly span: Span;
}

export type TestStep =
  | SessionStep
  | ExpectDecisionStep
  | AdvanceStep
  | RedeemStep
  | RevokeStep
  | ExpectStateStep
  | ResolveReviewStep;

/** `case "title" { steps }`. */
export interface CaseDecl {
  readonly kind: "CaseDecl";
  readonly title: StringLiteral;
  readonly steps: readonly TestStep[];
  readonly span: Span;
}

export type TestDeclaration = LetDecl | CaseDecl;

/** A whole `*.test.agp` file: `test POLICY` followed by fixtures and cases. */
export interface TestFile {
  readonly kind: "TestFile";
  /** The name of the policy under test (its `policy NAME`). */
  readonly policyName: Name;
  readonly declarations: readonly TestDeclaration[];
  readonly span: Span;
}

/** Any node of the AST. */
export type Node =
  | Name
  | TypeExpr
  | FieldDecl
  | Expr
  | RecordLiteralField
  | HistorySource
  | PolicyDeclaration
  | PolicyFile
  | TestStep
  | TestDeclaration
  | TestFile;
