/**
 * Every diagnostic code agp can report. A code is stable: once released it keeps its
 * meaning and is never reused. Ranges: AGP1xxx syntax, AGP2xxx names, AGP3xxx types,
 * AGP4xxx policy structure, AGP9xxx internal errors (compiler bugs).
 *
 * Each code has a sample in `test/diagnostics/` whose test asserts the underlined text.
 */
export const diagnosticCodes = {
  // Syntax
  AGP1001: { severity: "error", title: "unexpected character" },
  AGP1002: { severity: "error", title: "unterminated string literal" },
  AGP1003: { severity: "error", title: "invalid escape sequence in a string" },
  AGP1004: { severity: "error", title: "unterminated block comment" },
  AGP1005: { severity: "error", title: "unexpected token" },
  AGP1006: { severity: "error", title: "missing file header" },
  AGP1007: { severity: "error", title: "invalid number or duration literal" },
  AGP1008: { severity: "error", title: "expression nested too deeply" },

  // Names
  AGP2001: { severity: "error", title: "unknown type" },
  AGP2002: { severity: "error", title: "duplicate type declaration" },
  AGP2003: { severity: "error", title: "duplicate rule name" },
  AGP2004: { severity: "error", title: "unknown action" },
  AGP2005: { severity: "error", title: "unknown intent" },
  AGP2006: { severity: "error", title: "unknown sensitivity label" },
  AGP2007: { severity: "error", title: "unknown field" },
  AGP2008: { severity: "error", title: "unknown function" },
  AGP2009: { severity: "error", title: "unknown name" },
  AGP2010: { severity: "error", title: "duplicate field" },
  AGP2011: { severity: "error", title: "action declared twice on a resource type" },
  AGP2012: { severity: "error", title: "duplicate sensitivity label" },
  AGP2013: { severity: "error", title: "unknown rule" },
  AGP2014: { severity: "error", title: "action not declared on the resource type" },
  AGP2015: { severity: "error", title: "not a resource type" },
  AGP2016: { severity: "error", title: "duplicate intent" },
  AGP2017: { severity: "error", title: "`event` outside a history condition" },
  AGP2018: { severity: "error", title: "duplicate fixture name" },
  AGP2019: { severity: "error", title: "declaration may appear only once" },
  AGP2020: { severity: "error", title: "not an agent type" },
  AGP2021: { severity: "error", title: "unknown policy under test" },
  AGP2022: { severity: "error", title: "reserved name" },
  AGP2023: { severity: "error", title: "expected decision file is missing or not a decision" },
  AGP2024: { severity: "error", title: "fixture used before its declaration" },

  // Types
  AGP3001: { severity: "error", title: "operand types do not fit the operator" },
  AGP3002: { severity: "error", title: "condition is not a bool" },
  AGP3003: { severity: "error", title: "optional field used without a `has` guard" },
  AGP3004: { severity: "error", title: "wrong number of arguments" },
  AGP3005: { severity: "error", title: "argument has the wrong type" },
  AGP3006: { severity: "error", title: "`has` needs an optional field" },
  AGP3007: { severity: "error", title: "values of this type are not ordered" },
  AGP3008: { severity: "error", title: "`in` needs a list of the same type" },
  AGP3009: { severity: "error", title: "invalid separation key" },
  AGP3010: { severity: "error", title: "list elements of different types" },
  AGP3011: { severity: "error", title: "record value does not fit its type" },
  AGP3012: { severity: "error", title: "record values are only allowed in tests" },
  AGP3013: { severity: "error", title: "invalid constant argument" },
  AGP3014: { severity: "error", title: "type nested too deeply" },

  // Policy structure
  AGP4001: { severity: "warning", title: "rule can never apply" },
  AGP4002: { severity: "error", title: "`grant` on a deny rule" },
  AGP4003: { severity: "error", title: "grant duration must be positive" },
  AGP4004: { severity: "error", title: "sensitivity labels are not declared" },
  AGP4005: { severity: "error", title: "no agent type is declared" },
  AGP4006: { severity: "error", title: "a separation needs two different actions" },
  AGP4007: { severity: "error", title: "`within` duration must be positive" },
  AGP4008: { severity: "error", title: "history query inside a history condition" },
  AGP4009: { severity: "warning", title: "no intent is declared" },

  // Internal
  AGP9001: { severity: "error", title: "generated code failed to type-check" },
  AGP9002: { severity: "error", title: "internal compiler error" },
} as const satisfies Record<string, { severity: "error" | "warning"; title: string }>;

/** A diagnostic code such as `AGP2003`. */
export type DiagnosticCode = keyof typeof diagnosticCodes;
