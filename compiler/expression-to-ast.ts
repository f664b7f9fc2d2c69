/**
 * Expression CST → AST. The grammar keeps operands and operators flat (see parser.ts); this
 * module rebuilds the tree by precedence climbing, checks what a flat grammar cannot (chained
 * comparisons, `not` in an operand), and converts primaries.
 */
import type { IToken } from "chevrotain";
import type * as ast from "./ast.js";
import type * as cst from "./cst.generated.js";
import {
  IncompleteSyntax,
  join,
  name,
  nodeSpan,
  optional,
  report,
  required,
  spanOf,
  stringLiteral,
  durationLiteral,
  withIncompleteAsUndefined,
  written,
  type ConversionContext,
} from "./cst-reading.js";
import { DurationLiteral, NumberLiteral } from "./lexer.js";

/** Binding strength of each binary operator; `not` sits between `and` and comparisons. */
const precedence: Readonly<Record<ast.BinaryOperator, number>> = {
  or: 1,
  and: 2,
  "==": 4,
  "!=": 4,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  in: 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
};
const notPrecedence = 3;
const comparisonPrecedence = 4;
const unaryMinusPrecedence = 7;

function binaryOperator(token: IToken): ast.BinaryOperator {
  const text = written(token).image;
  if (!Object.hasOwn(precedence, text)) throw new IncompleteSyntax();
  return text as ast.BinaryOperator;
}

/** Converts an expression CST (exported for tests of single expressions). */
export function expressionToAst(node: cst.ExpressionCstNode, context: ConversionContext): ast.Expr | undefined {
  return withIncompleteAsUndefined(() => expression(node, context));
}

/**
 * Converts an expression, raising {@link IncompleteSyntax} when it is incomplete (for the
 * declaration converters). expr := operand (op operand)*, read by precedence climbing into the tree that LANGUAGE.md's
 * layered grammar describes: or < and < not < comparison (non-associative) < additive <
 * multiplicative < unary minus < postfix. Recursion depth is bounded by the number of
 * precedence levels plus prefix operators, not by the length of an operator chain.
 */
export function expression(node: cst.ExpressionCstNode, context: ConversionContext): ast.Expr {
  const operands = node.children.operand ?? [];
  const operators = node.children.BinaryOperator ?? [];
  if (operands.length === 0 || operators.length !== operands.length - 1) throw new IncompleteSyntax();
  let operandIndex = 0;
  let prefixIndex = 0;

  const climb = (minimum: number): ast.Expr => {
    let left = prefixed(minimum);
    let leftIsComparison = false;
    // INVARIANT: after an operand is read, operandIndex points past it, so the operator that
    // follows it is operators[operandIndex - 1].
    for (let operator = operators[operandIndex - 1]; operator !== undefined; operator = operators[operandIndex - 1]) {
      const text = binaryOperator(operator);
      const strength = precedence[text];
      if (strength < minimum) break;
      if (strength === comparisonPrecedence && leftIsComparison) {
        report(
          context,
          operator,
          `comparisons do not chain, found \`${text}\` after a comparison`,
          "write `a < b and b < c`",
        );
      }
      const right = climb(strength + 1);
      left = {
        kind: "Binary",
        operator: text,
        operatorSpan: spanOf(operator),
        left,
        right,
        span: join(left.span, right.span),
      };
      leftIsComparison = strength === comparisonPrecedence;
    }
    return left;
  };

  const prefixed = (minimum: number): ast.Expr => {
    const operand = required(operands, operandIndex);
    const prefix = optional(operand.children.PrefixOperator, prefixIndex);
    if (prefix === undefined) {
      operandIndex++;
      prefixIndex = 0;
      return postfix(required(operand.children.postfix), context);
    }
    prefixIndex++;
    if (written(prefix).image === "-") {
      const inner = climb(unaryMinusPrecedence);
      return { kind: "Unary", operator: "-", operand: inner, span: join(spanOf(prefix), inner.span) };
    }
    if (minimum > notPrecedence) {
      const previous =
        prefixIndex > 1 ? optional(operand.children.PrefixOperator, prefixIndex - 2) : operators[operandIndex - 1];
      const after = previous ? ` after \`${previous.image}\`` : "";
      report(
        context,
        prefix,
        `expected an expression${after}, found \`not\``,
        "`not` binds loosely: write `not (...)` in parentheses",
      );
    }
    const inner = climb(notPrecedence);
    return { kind: "Unary", operator: "not", operand: inner, span: join(spanOf(prefix), inner.span) };
  };

  return climb(0);
}

// postfix := primary ("." FieldName)*
function postfix(node: cst.PostfixCstNode, context: ConversionContext): ast.Expr {
  let result = primary(required(node.children.primary), context);
  for (const property of node.children.property ?? []) {
    const propertyName = name(property);
    result = { kind: "Member", object: result, property: propertyName, span: join(result.span, propertyName.span) };
  }
  return result;
}

// primary := Number | Duration | String | "true" | "false" | list | "(" expr ")" | "has" postfix
//          | history | Name ("(" args ")" | "{" recordFields? "}")? | "{" recordFields? "}" | root keyword
function primary(node: cst.PrimaryCstNode, context: ConversionContext): ast.Expr {
  const c = node.children;
  const number = optional(c.number);
  if (number) {
    if (number.tokenType === DurationLiteral) return durationLiteral(number);
    if (number.tokenType !== NumberLiteral) throw new IncompleteSyntax();
    return { kind: "NumberLiteral", value: Number(written(number).image), span: spanOf(number) };
  }
  const string = optional(c.string);
  if (string) return stringLiteral(string);
  const bool = optional(c.bool);
  if (bool) return { kind: "BoolLiteral", value: written(bool).image === "true", span: spanOf(bool) };
  const nameToken = optional(c.name);
  if (nameToken) return nameExpression(nameToken, c, context);
  const root = optional(c.root);
  if (root) return identifier(root);
  const parenthesized = optional(c.parenthesized);
  if (parenthesized) {
    written(required(c.RParen));
    return { kind: "Paren", inner: expression(parenthesized, context), span: nodeSpan(node) };
  }
  const list = optional(c.listLiteral);
  if (list) {
    return {
      kind: "ListLiteral",
      elements: (list.children.element ?? []).map((e) => expression(e, context)),
      span: nodeSpan(list),
    };
  }
  const has = optional(c.hasExpression);
  if (has) return { kind: "Has", path: postfix(required(has.children.postfix), context), span: nodeSpan(has) };
  const history = optional(c.historyExpression);
  if (history) return historyExpression(history, context);
  return recordLiteral(undefined, required(c.untypedRecord), context);
}

function identifier(token: IToken): ast.Identifier {
  const identifierName = name(token);
  return { kind: "Identifier", name: identifierName, span: identifierName.span };
}

// history := ("count" | "exists") "(" source ("where" expr)? ("within" Duration)? ")"
function historyExpression(node: cst.HistoryExpressionCstNode, context: ConversionContext): ast.HistoryExpr {
  const c = node.children;
  const sourceToken = written(required(c.source));
  const where = optional(c.where);
  const within = optional(c.within);
  return {
    kind: "History",
    function: written(required(c.function)).image === "exists" ? "exists" : "count",
    source: {
      kind: "HistorySource",
      source:
        sourceToken.image === "principal" ? "principal" : sourceToken.image === "resource" ? "resource" : "session",
      span: spanOf(sourceToken),
    },
    where: where ? expression(where, context) : undefined,
    within: within ? durationLiteral(within) : undefined,
    span: nodeSpan(node),
  };
}

// Name | Name "(" args ")" | Name "{" recordFields? "}"
function nameExpression(nameToken: IToken, c: cst.PrimaryCstChildren, context: ConversionContext): ast.Expr {
  const args = optional(c.callArguments);
  if (args) {
    written(required(args.children.RParen));
    return {
      kind: "Call",
      callee: name(nameToken),
      args: (args.children.argument ?? []).map((argument) => expression(argument, context)),
      span: join(spanOf(nameToken), nodeSpan(args)),
    };
  }
  const record = optional(c.recordBody);
  return record ? recordLiteral(nameToken, record, context) : identifier(nameToken);
}

function recordLiteral(
  typeToken: IToken | undefined,
  body: cst.RecordBodyCstNode,
  context: ConversionContext,
): ast.RecordLiteral {
  const bodySpan = nodeSpan(body);
  return {
    kind: "RecordLiteral",
    typeName: typeToken ? name(typeToken) : undefined,
    fields: (body.children.recordField ?? []).map((field) => {
      const value = expression(required(field.children.value), context);
      const fieldName = name(required(field.children.name));
      return { kind: "RecordLiteralField", name: fieldName, value, span: join(fieldName.span, value.span) };
    }),
    span: typeToken ? join(spanOf(typeToken), bodySpan) : bodySpan,
  };
}
