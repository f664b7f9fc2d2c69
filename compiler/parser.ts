/**
 * The agp grammar as one Chevrotain `CstParser` (a pure grammar: no actions, no AST). The
 * file-level productions (`policyFile := "policy" Name declaration*`, `testFile := "test" Name
 * (letDecl | caseDecl)*`) are driven by parse.ts, which parses each declaration on its own; this file holds every production below them. CST types: cst.generated.d.ts.
 */
import { chevrotain } from "./chevrotain.js";
import {
  allTokens,
  AnyName,
  BinaryOperator,
  DurationLiteral,
  Identifier,
  keyword as kw,
  NumberLike,
  PrefixOperator,
  punct,
  RootName,
  StringLiteral,
} from "./lexer.js";
import { parserErrorMessages } from "./parser-messages.js";

const { CstParser, tokenMatcher } = chevrotain;

/** The agp grammar. Use the shared {@link agpParser}; building one costs a grammar analysis. */

export class AgpParser extends CstParser {
  /**
   * @param options.validateGrammar run Chevrotain's grammar validations (ambiguities, left
   * recursion...). Off for the shared instance, where they would cost every command ~0.1 s
   * of start-up for a grammar that does not change at run time; `parser.test.ts` builds a
   * parser with them on, so a grammar change that breaks them fails the tests.
   */
  constructor(options: { readonly validateGrammar?: boolean } = {}) {
    super([...allTokens], {
      // No in-rule recovery: parse.ts reports a declaration's first syntax error and drops the
      // declaration, so nothing would read what recovering past that error produced.
      recoveryEnabled: false,
      // Spans are offsets (the lexer tracks only offsets too); lines come from `Source`.
      nodeLocationTracking: "onlyOffset",
      maxLookahead: 3,
      errorMessageProvider: parserErrorMessages,
      skipValidations: options.validateGrammar !== true,
    });
    this.performSelfAnalysis();
  }

  /** declaration := sensitivity | entityDecl | contextDecl | actionDecl | intentDecl | ruleDecl | separateDecl | monitorDecl */
  declaration = this.RULE("declaration", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.sensitivityDecl) },
      { ALT: () => this.SUBRULE(this.entityDecl) },
      { ALT: () => this.SUBRULE(this.contextDecl) },
      { ALT: () => this.SUBRULE(this.actionDecl) },
      { ALT: () => this.SUBRULE(this.intentDecl) },
      { ALT: () => this.SUBRULE(this.ruleDecl) },
      { ALT: () => this.SUBRULE(this.separateDecl) },
      { ALT: () => this.SUBRULE(this.monitorDecl) },
    ]);
  });

  /** sensitivity := "sensitivity" Name ("<" Name)* */
  sensitivityDecl = this.RULE("sensitivityDecl", () => {
    this.CONSUME(kw.sensitivity);
    this.CONSUME(Identifier, { LABEL: "label" });
    this.MANY(() => {
      this.CONSUME(punct.Less);
      this.CONSUME2(Identifier, { LABEL: "label" });
    });
  });

  /** entityDecl := ("entity" | "agent" | "resource") Name "{" fields? "}" */
  entityDecl = this.RULE("entityDecl", () => {
    this.OR([
      { ALT: () => this.CONSUME(kw.entity, { LABEL: "entityKind" }) },
      { ALT: () => this.CONSUME(kw.agent, { LABEL: "entityKind" }) },
      { ALT: () => this.CONSUME(kw.resource, { LABEL: "entityKind" }) },
    ]);
    this.CONSUME(Identifier, { LABEL: "name" });
    this.SUBRULE(this.fieldBlock);
  });

  /** fieldBlock := "{" (field ("," field)* ","?)? "}" */
  fieldBlock = this.RULE("fieldBlock", () => {
    this.CONSUME(punct.LBrace);
    this.OPTION(() => {
      this.SUBRULE(this.field);
      this.MANY(() => {
        this.CONSUME(punct.Comma);
        this.SUBRULE2(this.field);
      });
      this.OPTION2(() => this.CONSUME2(punct.Comma));
    });
    this.CONSUME(punct.RBrace);
  });

  /** field := FieldName ":" type */
  field = this.RULE("field", () => {
    this.CONSUME(AnyName, { LABEL: "name" });
    this.CONSUME(punct.Colon);
    this.SUBRULE(this.type);
  });

  /** type := primaryType "?"? */
  type = this.RULE("type", () => {
    this.SUBRULE(this.primaryType);
    this.OPTION(() => this.CONSUME(punct.Question));
  });

  /** primaryType := Name | "[" type "]" | "{" fields? "}"   (`sensitivity` is a type name too) */
  primaryType = this.RULE("primaryType", () => {
    this.OR([
      { ALT: () => this.CONSUME(Identifier, { LABEL: "typeName" }) },
      { ALT: () => this.CONSUME(kw.sensitivity, { LABEL: "typeName" }) },
      {
        ALT: () => {
          this.CONSUME(punct.LBracket);
          this.SUBRULE(this.type, { LABEL: "element" });
          this.CONSUME(punct.RBracket);
        },
      },
      { ALT: () => this.SUBRULE(this.fieldBlock) },
    ]);
  });

  /** contextDecl := "context" "{" fields? "}" */
  contextDecl = this.RULE("contextDecl", () => {
    this.CONSUME(kw.context);
    this.SUBRULE(this.fieldBlock);
  });

  /** actionDecl := "action" Name ("," Name)* "on" Name */
  actionDecl = this.RULE("actionDecl", () => {
    this.CONSUME(kw.action);
    this.SUBRULE(this.nameList, { LABEL: "actions" });
    this.CONSUME(kw.on);
    this.CONSUME(Identifier, { LABEL: "resourceType" });
  });

  /** nameList := Name ("," Name)*   (a `,` not followed by a name ends the list: `downgrade to a, b, revoke`) */
  nameList = this.RULE("nameList", () => {
    this.CONSUME(Identifier, { LABEL: "name" });
    this.MANY({
      GATE: () => tokenMatcher(this.LA(2), Identifier),
      DEF: () => {
        this.CONSUME(punct.Comma);
        this.CONSUME2(Identifier, { LABEL: "name" });
      },
    });
  });

  /** intentDecl := "intent" Name String "{" "actions" Name ("," Name)* ("max" Name)? "}" */
  intentDecl = this.RULE("intentDecl", () => {
    this.CONSUME(kw.intent);
    this.CONSUME(Identifier, { LABEL: "name" });
    this.CONSUME(StringLiteral, { LABEL: "description" });
    this.CONSUME(punct.LBrace);
    this.CONSUME(kw.actions);
    this.SUBRULE(this.nameList, { LABEL: "actions" });
    this.OPTION(() => {
      this.CONSUME(kw.max);
      this.CONSUME2(Identifier, { LABEL: "max" });
    });
    this.CONSUME(punct.RBrace);
  });

  /** ruleDecl := ("allow" | "deny") Name ":" actions ("on" Name)? ("when" expr)? ("grant" Duration)? ("reason" String)? */
  ruleDecl = this.RULE("ruleDecl", () => {
    this.OR([
      { ALT: () => this.CONSUME(kw.allow, { LABEL: "effect" }) },
      { ALT: () => this.CONSUME(kw.deny, { LABEL: "effect" }) },
    ]);
    this.CONSUME(Identifier, { LABEL: "name" });
    this.CONSUME(punct.Colon);
    this.SUBRULE(this.actionSelector);
    this.OPTION(() => {
      this.CONSUME(kw.on);
      this.CONSUME2(Identifier, { LABEL: "resourceType" });
    });
    this.OPTION2(() => {
      this.CONSUME(kw.when);
      this.SUBRULE(this.expression, { LABEL: "when" });
    });
    this.OPTION3(() => {
      this.CONSUME(kw.grant);
      this.CONSUME(DurationLiteral, { LABEL: "grant" });
    });
    this.OPTION4(() => {
      this.CONSUME(kw.reason);
      this.CONSUME(StringLiteral, { LABEL: "reason" });
    });
  });

  /** actions := "*" | Name ("," Name)* */
  actionSelector = this.RULE("actionSelector", () => {
    this.OR([{ ALT: () => this.CONSUME(punct.Star) }, { ALT: () => this.SUBRULE(this.nameList) }]);
  });

  /** separateDecl := "separate" Name ":" Name ("," Name)+ "on" Name "by" expr ("reason" String)?   (one action is the checker's AGP4006) */
  separateDecl = this.RULE("separateDecl", () => {
    this.CONSUME(kw.separate);
    this.CONSUME(Identifier, { LABEL: "name" });
    this.CONSUME(punct.Colon);
    this.SUBRULE(this.nameList, { LABEL: "actions" });
    this.CONSUME(kw.on);
    this.CONSUME2(Identifier, { LABEL: "resourceType" });
    this.CONSUME(kw.by);
    this.SUBRULE(this.expression, { LABEL: "key" });
    this.OPTION(() => {
      this.CONSUME(kw.reason);
      this.CONSUME(StringLiteral, { LABEL: "reason" });
    });
  });

  /** monitorDecl := "monitor" Name ":" actions ("on" Name)? ("when" expr)? "then" consequence ("," consequence)* */
  monitorDecl = this.RULE("monitorDecl", () => {
    this.CONSUME(kw.monitor);
    this.CONSUME(Identifier, { LABEL: "name" });
    this.CONSUME(punct.Colon);
    this.SUBRULE(this.actionSelector);
    this.OPTION2(() => {
      this.CONSUME(kw.on);
      this.CONSUME2(Identifier, { LABEL: "resourceType" });
    });
    this.OPTION(() => {
      this.CONSUME(kw.when);
      this.SUBRULE(this.expression, { LABEL: "when" });
    });
    this.CONSUME(kw.then);
    this.SUBRULE(this.consequence);
    this.MANY(() => {
      this.CONSUME(punct.Comma);
      this.SUBRULE2(this.consequence);
    });
  });

  /** consequence := "revoke" | "downgrade" "to" Name ("," Name)* | "review" String | "alert" String */
  consequence = this.RULE("consequence", () => {
    this.OR([
      { ALT: () => this.CONSUME(kw.revoke) },
      {
        ALT: () => {
          this.CONSUME(kw.downgrade);
          this.CONSUME(kw.to);
          this.SUBRULE(this.nameList, { LABEL: "actions" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw.review);
          this.CONSUME(StringLiteral, { LABEL: "reason" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw.alert);
          this.CONSUME2(StringLiteral, { LABEL: "reason" });
        },
      },
    ]);
  });

  /**
   * expr := operand (op operand)*   with op one of `or and == != < <= > >= in + - * /`.
   * The grammar of LANGUAGE.md (or < and < not < comparison < additive < multiplicative < unary
   * < postfix) is applied by cst-to-ast's precedence climbing: a flat CST is several times
   * faster to build than ten nested rules per operand, and nests ten times less deeply.
   */
  expression = this.RULE("expression", () => {
    this.SUBRULE(this.operand);
    this.MANY(() => {
      this.CONSUME(BinaryOperator);
      this.SUBRULE2(this.operand);
    });
  });

  /** operand := ("not" | "-")* postfix */
  operand = this.RULE("operand", () => {
    this.MANY(() => this.CONSUME(PrefixOperator));
    this.SUBRULE(this.postfix);
  });

  /** postfix := primary ("." FieldName)* */
  postfix = this.RULE("postfix", () => {
    this.SUBRULE(this.primary);
    this.MANY(() => {
      this.CONSUME(punct.Dot);
      this.CONSUME(AnyName, { LABEL: "property" });
    });
  });

  /**
   * primary := Number | Duration | String | "true" | "false" | list | "(" expr ")" | "has" postfix
   *          | history | Name ("(" args ")" | "{" recordFields? "}")? | "{" recordFields? "}" | root keyword
   */
  primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(NumberLike, { LABEL: "number" }) },
      { ALT: () => this.CONSUME(StringLiteral, { LABEL: "string" }) },
      { ALT: () => this.CONSUME(kw.true, { LABEL: "bool" }) },
      { ALT: () => this.CONSUME(kw.false, { LABEL: "bool" }) },
      {
        ALT: () => {
          this.CONSUME(Identifier, { LABEL: "name" });
          this.OPTION(() => {
            this.OR2([{ ALT: () => this.SUBRULE(this.callArguments) }, { ALT: () => this.SUBRULE(this.recordBody) }]);
          });
        },
      },
      { ALT: () => this.CONSUME(RootName, { LABEL: "root" }) },
      {
        ALT: () => {
          this.CONSUME(punct.LParen);
          this.SUBRULE(this.expression, { LABEL: "parenthesized" });
          this.CONSUME(punct.RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.listLiteral) },
      { ALT: () => this.SUBRULE(this.hasExpression) },
      { ALT: () => this.SUBRULE(this.historyExpression) },
      { ALT: () => this.SUBRULE2(this.recordBody, { LABEL: "untypedRecord" }) },
    ]);
  });

  /** list := "[" (expr ("," expr)* ","?)? "]" */
  listLiteral = this.RULE("listLiteral", () => {
    this.CONSUME(punct.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression, { LABEL: "element" });
      this.MANY(() => {
        this.CONSUME(punct.Comma);
        this.SUBRULE2(this.expression, { LABEL: "element" });
      });
      this.OPTION2(() => this.CONSUME2(punct.Comma));
    });
    this.CONSUME(punct.RBracket);
  });

  /** has := "has" postfix */
  hasExpression = this.RULE("hasExpression", () => {
    this.CONSUME(kw.has);
    this.SUBRULE(this.postfix);
  });

  /** history := ("count" | "exists") "(" ("session" | "principal" | "resource") ("where" expr)? ("within" Duration)? ")" */
  historyExpression = this.RULE("historyExpression", () => {
    this.OR([
      { ALT: () => this.CONSUME(kw.count, { LABEL: "function" }) },
      { ALT: () => this.CONSUME(kw.exists, { LABEL: "function" }) },
    ]);
    this.CONSUME(punct.LParen);
    this.OR2([
      { ALT: () => this.CONSUME(kw.session, { LABEL: "source" }) },
      { ALT: () => this.CONSUME(kw.principal, { LABEL: "source" }) },
      { ALT: () => this.CONSUME(kw.resource, { LABEL: "source" }) },
    ]);
    this.OPTION(() => {
      this.CONSUME(kw.where);
      this.SUBRULE(this.expression, { LABEL: "where" });
    });
    this.OPTION2(() => {
      this.CONSUME(kw.within);
      this.CONSUME(DurationLiteral, { LABEL: "within" });
    });
    this.CONSUME(punct.RParen);
  });

  /** args := "(" (expr ("," expr)*)? ")" */
  callArguments = this.RULE("callArguments", () => {
    this.CONSUME(punct.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.expression, { LABEL: "argument" });
      this.MANY(() => {
        this.CONSUME(punct.Comma);
        this.SUBRULE2(this.expression, { LABEL: "argument" });
      });
    });
    this.CONSUME(punct.RParen);
  });

  /** "{" (FieldName ":" expr ("," FieldName ":" expr)* ","?)? "}" */
  recordBody = this.RULE("recordBody", () => {
    this.CONSUME(punct.LBrace);
    this.OPTION(() => {
      this.SUBRULE(this.recordField);
      this.MANY(() => {
        this.CONSUME(punct.Comma);
        this.SUBRULE2(this.recordField);
      });
      this.OPTION2(() => this.CONSUME2(punct.Comma));
    });
    this.CONSUME(punct.RBrace);
  });

  /** recordField := FieldName ":" expr */
  recordField = this.RULE("recordField", () => {
    this.CONSUME(AnyName, { LABEL: "name" });
    this.CONSUME(punct.Colon);
    this.SUBRULE(this.expression, { LABEL: "value" });
  });

  /** testDeclaration := letDecl | caseDecl */
  testDeclaration = this.RULE("testDeclaration", () => {
    this.OR([{ ALT: () => this.SUBRULE(this.letDecl) }, { ALT: () => this.SUBRULE(this.caseDecl) }]);
  });

  /** letDecl := "let" Name "=" expr */
  letDecl = this.RULE("letDecl", () => {
    this.CONSUME(kw.let);
    this.CONSUME(Identifier, { LABEL: "name" });
    this.CONSUME(punct.Equals);
    this.SUBRULE(this.expression, { LABEL: "value" });
  });

  /** caseDecl := "case" String "{" step* "}" */
  caseDecl = this.RULE("caseDecl", () => {
    this.CONSUME(kw.case);
    this.CONSUME(StringLiteral, { LABEL: "title" });
    this.CONSUME(punct.LBrace);
    this.MANY(() => this.SUBRULE(this.step));
    this.CONSUME(punct.RBrace);
  });

  /** step := sessionStep | expectStep | advanceStep | redeemStep | revokeStep | resolveStep */
  step = this.RULE("step", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.sessionStep) },
      { ALT: () => this.SUBRULE(this.expectStep) },
      { ALT: () => this.SUBRULE(this.advanceStep) },
      { ALT: () => this.SUBRULE(this.redeemStep) },
      { ALT: () => this.SUBRULE(this.revokeStep) },
      { ALT: () => this.SUBRULE(this.resolveStep) },
    ]);
  });

  /** sessionStep := "session" expr "intent" Name ("env" expr)? */
  sessionStep = this.RULE("sessionStep", () => {
    this.CONSUME(kw.session);
    this.SUBRULE(this.expression, { LABEL: "principal" });
    this.CONSUME(kw.intent);
    this.CONSUME(Identifier, { LABEL: "intent" });
    this.OPTION(() => {
      this.CONSUME(kw.env);
      this.SUBRULE2(this.expression, { LABEL: "env" });
    });
  });

  /**
   * expectStep := "expect" ("allow" | "deny") Name expr ("env" expr)? ("grant" Duration)? ("by" Name ("," Name)*)? ("reason" String)? ("matches" String)?
   *             | "expect" "session" State ("to" Name ("," Name)*)?  |  "expect" "grant" State
   */
  expectStep = this.RULE("expectStep", () => {
    this.CONSUME(kw.expect);
    this.OR([
      { ALT: () => this.SUBRULE(this.expectDecision) },
      {
        ALT: () => {
          this.CONSUME(kw.session, { LABEL: "subject" });
          this.CONSUME(Identifier, { LABEL: "state" });
          this.OPTION(() => {
            this.CONSUME(kw.to);
            this.SUBRULE(this.nameList, { LABEL: "downgradedTo" });
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw.grant, { LABEL: "subject" });
          this.CONSUME2(Identifier, { LABEL: "state" });
        },
      },
    ]);
  });

  /**
   * ("allow" | "deny") Name expr ("env" expr)? ("grant" Duration)? ("by" Name ("," Name)*)? ("reason" String)? ("matches" String)?
   * `matches` is a contextual word, not a keyword, so policies may still use it as a name.
   */
  expectDecision = this.RULE("expectDecision", () => {
    this.OR([
      { ALT: () => this.CONSUME(kw.allow, { LABEL: "effect" }) },
      { ALT: () => this.CONSUME(kw.deny, { LABEL: "effect" }) },
    ]);
    this.CONSUME(Identifier, { LABEL: "action" });
    this.SUBRULE(this.expression, { LABEL: "resource" });
    this.OPTION(() => {
      this.CONSUME(kw.env);
      this.SUBRULE2(this.expression, { LABEL: "env" });
    });
    this.OPTION2(() => {
      this.CONSUME(kw.grant);
      this.CONSUME(DurationLiteral, { LABEL: "grant" });
    });
    this.OPTION3(() => {
      this.CONSUME(kw.by);
      this.SUBRULE(this.nameList, { LABEL: "by" });
    });
    this.OPTION4(() => {
      this.CONSUME(kw.reason);
      this.CONSUME(StringLiteral, { LABEL: "reason" });
    });
    this.OPTION5({
      GATE: () => this.LA(1).image === "matches",
      DEF: () => {
        this.CONSUME2(Identifier, { LABEL: "matchesKeyword" });
        this.CONSUME2(StringLiteral, { LABEL: "matches" });
      },
    });
  });

  /** advanceStep := "advance" Duration */
  advanceStep = this.RULE("advanceStep", () => {
    this.CONSUME(kw.advance);
    this.CONSUME(DurationLiteral, { LABEL: "duration" });
  });

  /** redeemStep := "redeem" ("refused" String?)? */
  redeemStep = this.RULE("redeemStep", () => {
    this.CONSUME(kw.redeem);
    this.OPTION(() => {
      this.CONSUME(kw.refused);
      this.OPTION2(() => this.CONSUME(StringLiteral, { LABEL: "refusal" }));
    });
  });

  /** revokeStep := "revoke" ("grant" | "session" | "principal") */
  revokeStep = this.RULE("revokeStep", () => {
    this.CONSUME(kw.revoke);
    this.OR([
      { ALT: () => this.CONSUME(kw.grant, { LABEL: "target" }) },
      { ALT: () => this.CONSUME(kw.session, { LABEL: "target" }) },
      { ALT: () => this.CONSUME(kw.principal, { LABEL: "target" }) },
    ]);
  });

  /** resolveStep := "resolve" "review" ("approve" | "reject")   (the verdict is checked in cst-to-ast) */
  resolveStep = this.RULE("resolveStep", () => {
    this.CONSUME(kw.resolve);
    this.CONSUME(kw.review);
    this.CONSUME(Identifier, { LABEL: "verdict" });
  });
}

// INVARIANT: one instance for the process; `performSelfAnalysis` runs once, and every parse
// only resets its input. Parsing is synchronous, so sharing it is safe.
/** The shared parser instance. */
export const agpParser = new AgpParser();
