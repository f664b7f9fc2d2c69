/**
 * Syntax error messages in agp's style ("expected `:` after the rule name"), replacing
 * Chevrotain's defaults. The provider builds only the "expected ..." clause: parse.ts adds
 * ", found `x`" because only it knows which real token follows a declaration's end.
 */
import type { IParserErrorMessageProvider, IToken, TokenType } from "chevrotain";

/** What a rule expects when none of its alternatives fit, by rule name. */
const ruleExpectations: Readonly<Record<string, string>> = {
  declaration:
    "a declaration (`allow`, `deny`, `separate`, `monitor`, `entity`, `agent`, `resource`, `action`, `intent`, `context` or `sensitivity`)",
  testDeclaration: "`let` or `case`",
  primaryType: "a type",
  primary: "an expression",
  actionSelector: "`*` or an action name",
  consequence: "a consequence (`revoke`, `downgrade to`, `review` or `alert`)",
  step: "a test step (`session`, `expect`, `advance`, `redeem`, `revoke` or `resolve`)",
  expectStep: "`allow`, `deny`, `session` or `grant` after `expect`",
  historyExpression: "`session`, `principal` or `resource`",
  revokeStep: "`grant`, `session` or `principal` after `revoke`",
};

/** What precedes an expected token, for a clearer "after ..." than the previous token's text. */
const afterWhat: Readonly<Record<string, string>> = {
  "ruleDecl Colon": "the rule name",
  "separateDecl Colon": "the separation name",
  "monitorDecl Colon": "the monitor name",
  "intentDecl StringLiteral": "the intent name (its description)",
};

/**
 * The closing brackets of comma-separated lists, by rule: after an element, either a comma
 * or the bracket may come next, and a missing comma is the likelier mistake.
 */
const listClosers: ReadonlySet<string> = new Set(["fieldBlock RBrace", "recordBody RBrace", "listLiteral RBracket", "callArguments RParen"]);
/** After these only the closing bracket can come: an opening bracket, or a (trailing) comma. */
const listOpeners: ReadonlySet<string> = new Set(["{", "[", "(", ","]);

/** How a token type is named in messages: its label (`` `:` ``, "a name") or its name. */
export function describeTokenType(tokenType: TokenType): string {
  return tokenType.LABEL ?? tokenType.name;
}

/** True for a token that was really written (not the end-of-input token). */
export function isRealToken(token: IToken | undefined): token is IToken {
  return token !== undefined && !Number.isNaN(token.startOffset);
}

function after(previous: IToken | undefined, ruleName: string, expected: TokenType | undefined): string {
  const known = expected ? afterWhat[`${ruleName} ${expected.name}`] : undefined;
  if (known && isRealToken(previous)) return ` after ${known}`;
  return isRealToken(previous) ? ` after \`${previous.image}\`` : "";
}

function firstTokens(paths: readonly (readonly TokenType[])[]): string {
  const names = [
    ...new Set(
      paths
        .map((path) => path[0])
        .filter((t): t is TokenType => t !== undefined)
        .map(describeTokenType),
    ),
  ];
  if (names.length === 0) return "something else";
  if (names.length === 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} or ${names[names.length - 1] ?? ""}`;
}

/** The provider given to the shared parser. */
export const parserErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, previous, ruleName }) {
    const afterElement = listClosers.has(`${ruleName} ${expected.name}`) && isRealToken(previous) && !listOpeners.has(previous.image);
    return `expected ${afterElement ? "`,` or " : ""}${describeTokenType(expected)}${after(previous, ruleName, expected)}`;
  },
  buildNotAllInputParsedMessage({ ruleName }) {
    return ruleName === "testDeclaration"
      ? "expected `let`, `case` or the end of the file"
      : "expected a new declaration";
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, previous, ruleName }) {
    const expectation = ruleExpectations[ruleName] ?? firstTokens(expectedPathsPerAlt.flat());
    const isTopLevel = ruleName === "declaration" || ruleName === "testDeclaration";
    return `expected ${expectation}${isTopLevel ? "" : after(previous, ruleName, undefined)}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, previous, ruleName }) {
    const expectation = ruleExpectations[ruleName] ?? firstTokens(expectedIterationPaths);
    return `expected ${expectation}${after(previous, ruleName, undefined)}`;
  },
};
