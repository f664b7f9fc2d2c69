/**
 * Differential testing: for random well-typed policies, requests and histories, the compiled
 * module's `decide` (with the reference `listFacts`) must give exactly the decision of the
 * AST interpreter, the executable spec of DESIGN.md. A disagreement is a codegen bug (or a
 * spec bug): the failure prints the policy, the request, the history and both decisions.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check, compileToModule, formatDiagnostic, hasErrors } from "../../compiler/index.js";
import type { Decision, PolicyModule, PolicyRequest } from "../../stdlib/contract.js";
import { listFacts } from "../../stdlib/list-facts.js";
import { policyArbitrary, schemaText } from "./generators.js";
import { interpret } from "./interpreter.js";
import { requestWithHistoryArbitrary } from "./requests.js";
import { fuzzSeed, runs } from "./runs.js";

const POLICIES = runs(15, 200);
const REQUESTS_PER_POLICY = runs(200, 500);
const POOL_SIZE = runs(600, 3000);

/** Validates a JSON request with the module's schema; a refusal is a generator bug. */
function parse(module: PolicyModule, json: unknown): PolicyRequest {
  const parsed = module.requestSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(`generated request does not fit: ${JSON.stringify(parsed.error.issues)}\n${JSON.stringify(json)}`);
  return parsed.data;
}

/** Compiles `text`, checking it first: a generated policy that does not check is a generator bug. */
async function compileChecked(text: string) {
  const checked = check(text, { path: "diff.agp" });
  if (!checked.policy || hasErrors(checked.diagnostics)) {
    throw new Error(
      `generated policy does not check:\n${text}\n${checked.diagnostics.map((d) => formatDiagnostic(d)).join("\n")}`,
    );
  }
  const { module, diagnostics } = await compileToModule(text, {
    path: "diff.agp",
    typecheck: false,
  });
  if (!module)
    throw new Error(
      `generated policy does not compile:\n${text}\n${diagnostics.map((d) => formatDiagnostic(d)).join("\n")}`,
    );
  return { policy: checked.policy, module };
}

/** A validated request with its validated history, and the JSON they came from. */
interface Sample {
  readonly json: {
    readonly request: unknown;
    readonly history: readonly unknown[];
  };
  readonly request: PolicyRequest;
  readonly history: readonly PolicyRequest[];
}

/**
 * Validates samples once for every policy: a module's request schema depends only on the
 * declarations, which every generated policy shares, and validation costs more than deciding.
 */
function validateSamples(module: PolicyModule, count: number, seed: number): Sample[] {
  return fc.sample(requestWithHistoryArbitrary, { numRuns: count, seed }).map((json) => ({
    json,
    request: parse(module, json.request),
    history: json.history.map((entry) => parse(module, entry)),
  }));
}

/** Both decisions for one policy on many requests; the first disagreement, if any, in full. */
function firstDisagreement(
  text: string,
  compiled: Awaited<ReturnType<typeof compileChecked>>,
  samples: readonly Sample[],
): string | undefined {
  const { policy, module } = compiled;
  for (const sample of samples) {
    const compiledDecision = module.decide(sample.request, listFacts(module, sample.history));
    const specDecision = interpret(policy, sample.request, sample.history);
    if (!sameDecision(compiledDecision, specDecision)) {
      return [
        "compiled module and interpreter disagree",
        `policy:\n${text}`,
        `request: ${JSON.stringify(sample.json.request)}`,
        `history: ${JSON.stringify(sample.json.history)}`,
        `compiled:    ${JSON.stringify(compiledDecision)}`,
        `interpreter: ${JSON.stringify(specDecision)}`,
      ].join("\n");
    }
  }
  return undefined;
}

/** Same decision, grant, rules (in order) with their reasons, and consequences. */
function sameDecision(a: Decision, b: Decision): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

/**
 * The operands of one operator may be evaluated in either order (the module evaluates the
 * list of `in` first), so when two of them would fail, the messages differ: an error's
 * reason is compared up to the rule it names.
 */
function normalize(decision: Decision): unknown {
  return {
    decision: decision.decision,
    grant: decision.grant,
    rules: decision.rules,
    reasons: decision.reasons.map((reason) => /^error in rule `[^`]*`/.exec(reason)?.[0] ?? reason).sort(),
    consequences: decision.consequences.map((c) => JSON.stringify(c)).sort(),
  };
}

describe("differential: compiled module vs interpreter", () => {
  it(
    `agrees on ${POLICIES} random policies x ${REQUESTS_PER_POLICY} requests with histories`,
    async () => {
      let pool: Sample[] | undefined;
      let decisions = 0;
      await fc.assert(
        fc.asyncProperty(policyArbitrary, fc.nat(), async (text, offset) => {
          const compiled = await compileChecked(text);
          pool ??= validateSamples(compiled.module, POOL_SIZE, fuzzSeed ?? 42);
          // Each policy meets a different window of the pool.
          const start = offset % (POOL_SIZE - REQUESTS_PER_POLICY + 1);
          const samples = pool.slice(start, start + REQUESTS_PER_POLICY);
          const disagreement = firstDisagreement(text, compiled, samples);
          decisions += samples.length;
          expect(disagreement).toBeUndefined();
        }),
        {
          numRuns: POLICIES,
          endOnFailure: true,
          ...(fuzzSeed === undefined ? {} : { seed: fuzzSeed }),
        },
      );
      expect(decisions).toBe(POLICIES * REQUESTS_PER_POLICY);
    },
    runs(60_000, 3_600_000),
  );
});

describe("differential: a history `where` on events of another resource type", () => {
  // In a rule `on Doc`, `event.resource` is typed `Doc`, but a session's events may be on a
  // Folder. docs/language.md: such an event never matches a `where` that reads fields of
  // `event.resource`, as a whole, so `not (...)` cannot turn it into a match; comparing
  // `event.resource` itself needs no type. Both sides must implement exactly that.
  const base = {
    principal: {
      type: "Bot",
      id: "a1",
      onBehalfOf: { type: "User", id: "alice" },
      model: "m",
      trust: 1,
    },
    intent: "work",
    session: "s1",
    env: {
      hour: 3,
      country: "FR",
      ip: "1.2.3.4",
      managed: true,
      ttl: 60,
      since: "2026-01-05T10:00:00Z",
    },
    entities: [{ type: "User", id: "alice", dept: "x", level: 1, tags: [] }],
  };
  const folder = { type: "Folder", id: "f1", owner: { type: "User", id: "alice" }, size: 1 };
  const doc = (id: string, amount: number) => ({
    type: "Doc",
    id,
    owner: { type: "User", id: "alice" },
    label: "public",
    amount,
    tags: [],
    created: "2026-01-05T10:00:00Z",
  });
  const request = { ...base, action: "read", resource: doc("d1", 1), at: "2026-01-05T10:00:00Z" };
  const earlier = (resource: object) => ({ ...base, action: "read", resource, at: "2026-01-05T09:00:00Z" });

  it.each([
    ["`not (...)` over a field: a Folder event is no match", "not (event.resource.amount > 3)", [folder], "deny"],
    ["`not (...)` over a field: a small Doc event matches", "not (event.resource.amount > 3)", [doc("d2", 1)], "allow"],
    ["a field under `or`: a Folder event is no match", "event.resource.amount > 3 or true", [folder], "deny"],
    ["`!=` over a field: a Folder event is no match", "event.resource.amount != 3", [folder], "deny"],
    ["identity needs no type: a Folder event matches", "event.resource != resource", [folder], "allow"],
    [
      "identity or a field: a Folder event is no match",
      "event.resource != resource or event.resource.amount > 0",
      [folder],
      "deny",
    ],
  ])("%s", async (_, where, history, decision) => {
    const text = `${schemaText}allow odd: read on Doc when exists(session where ${where})\n`;
    const compiled = await compileChecked(text);
    const events = history.map(earlier);
    const sample: Sample = {
      json: { request, history: events },
      request: parse(compiled.module, request),
      history: events.map((event) => parse(compiled.module, event)),
    };
    expect(firstDisagreement(text, compiled, [sample])).toBeUndefined();
    expect(compiled.module.decide(sample.request, listFacts(compiled.module, sample.history)).decision).toBe(decision);
  });
});
