/**
 * Request schemas are wrapped with zod's `z.compile` (stdlib `exportedSchema` and
 * `recordSchemaOf`): a generated fast path that hands anything it doubts to the runtime
 * parser. A fast path that accepted what the runtime parser refuses would let an invalid
 * request reach `decide`, so this runs random mutations of valid requests through the
 * compiled schemas and through the same schemas uncompiled: both must accept the same
 * inputs, with the same values, and refuse the rest with the same messages.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import vm from "node:vm";
import fc from "fast-check";
import * as zod from "zod";
import { describe, expect, it } from "vitest";
import { emitModule } from "../../compiler/codegen/index.js";
import { check } from "../../compiler/index.js";
import { loadPolicyModule } from "../../compiler/load.js";
import type { PolicyModule, PolicyRequest } from "../../stdlib/contract.js";
import * as stdlib from "../../stdlib/index.js";
import { validationMessage } from "../../stdlib/schemas.js";
import { formatIssues } from "../../runtime/validation.js";
import { repositoryRoot } from "../e2e/cli-harness.js";

const RUNS = process.env.AGP_FUZZ ? 2_000 : 200;

/** The module's function target evaluated with schemas left as built (no `z.compile`). */
function uncompiledModule(body: string): PolicyModule {
  const identity = <T>(schema: T): T => schema;
  const modules = new Map<string, unknown>([
    ["agp/stdlib", { ...stdlib, exportedSchema: identity, recordSchemaOf: identity }],
    ["zod", { ...zod }],
  ]);
  const factory = vm.runInThisContext(`(function (require) {"use strict";\n${body}\n})`) as (require: (name: string) => unknown) => unknown;
  return factory((name) => modules.get(name)) as PolicyModule;
}

/** What a parse says: accepted (with the request as `decide` reads it) or the issues. */
function outcome(module: PolicyModule, input: unknown) {
  const parsed = module.requestSchema.safeParse(input, { error: validationMessage });
  if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error.issues) };
  const request: PolicyRequest = parsed.data;
  return { ok: true, principal: request.principal, action: request.action, resource: request.resource, at: request.at, env: request.env };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A replacement that keeps a leaf's JSON type (a number plus one, a string with a suffix, a bool flipped). */
const BUMP = Symbol("bump");
type Replacement = Json | undefined | typeof BUMP;

function bumped(value: Json): Json {
  if (typeof value === "number") return value + 1;
  if (typeof value === "string") return `${value}x`;
  if (typeof value === "boolean") return !value;
  return value;
}

/** `value` with the node at `path` replaced (or bumped), deleted (`undefined`) or given an extra key. */
function mutate(value: Json, route: readonly number[], replacement: Replacement, extraKey: string | null): Json | undefined {
  if (replacement === BUMP && (route.length === 0 || value === null || typeof value !== "object")) return bumped(value);
  if (replacement === BUMP && extraKey !== null) return mutate(value, route, null, extraKey);
  if (route.length === 0 || value === null || typeof value !== "object") {
    if (extraKey !== null && value !== null && typeof value === "object" && !Array.isArray(value)) return { ...value, [extraKey]: replacement === BUMP ? null : (replacement ?? null) };
    return replacement === BUMP ? value : replacement;
  }
  const [step = 0, ...rest] = route;
  if (Array.isArray(value)) {
    if (value.length === 0) return replacement === BUMP ? value : replacement;
    const index = step % value.length;
    const copy = [...value];
    const changed = mutate(copy[index] as Json, rest, replacement, extraKey);
    if (changed === undefined) copy.splice(index, 1);
    else copy[index] = changed;
    return copy;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement === BUMP ? value : replacement;
  const key = keys[step % keys.length] as string;
  const copy: { [key: string]: Json } = { ...value };
  const changed = mutate(copy[key] as Json, rest, replacement, extraKey);
  if (changed === undefined) delete copy[key];
  else copy[key] = changed;
  return copy;
}

const policyPath = "examples/expenses/expenses.agp";
const requestsDir = path.join(repositoryRoot, "examples/expenses/requests");
const requests = readdirSync(requestsDir)
  .filter((name) => name.endsWith(".json") && name !== "history.json")
  .sort()
  .map((name) => JSON.parse(readFileSync(path.join(requestsDir, name), "utf8")) as Json);

describe("compiled request schemas", () => {
  const { policy } = check(readFileSync(path.join(repositoryRoot, policyPath), "utf8"), { path: policyPath });
  if (!policy) throw new Error(`${policyPath} does not check`);
  const body = emitModule(policy, { sourcePath: policyPath, target: "function" });
  const compiled = loadPolicyModule(body, policyPath);
  const plain = uncompiledModule(body);
  // The two really differ in how they parse: the compiled one carries zod's generated parser.
  expect(compiled.requestSchema).not.toBe(plain.requestSchema);

  it("accept the example requests as the uncompiled schemas do", () => {
    for (const request of requests) {
      expect(outcome(compiled, request)).toEqual(outcome(plain, request));
      expect(outcome(compiled, request).ok).toBe(true);
    }
  });

  it("agree with the uncompiled schemas on random mutations of valid requests", () => {
    const seen = { accepted: 0, refused: 0 };
    const replacement: fc.Arbitrary<Replacement> = fc.oneof(fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>, fc.constant(undefined), fc.constant(BUMP));
    const mutation = fc.tuple(fc.array(fc.nat(20), { maxLength: 5 }), replacement, fc.option(fc.constantFrom("type", "id", "extra", "__proto__", "label")));
    fc.assert(
      fc.property(
        fc.constantFrom(...requests),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (request, mutations) => {
          let input: Json | undefined = request;
          for (const [route, value, extraKey] of mutations) input = mutate(input ?? null, route, value, extraKey);
          const compiledOutcome = outcome(compiled, input);
          expect(compiledOutcome).toEqual(outcome(plain, input));
          seen[compiledOutcome.ok ? "accepted" : "refused"]++;
        },
      ),
      {
        numRuns: RUNS,
        // Always run one mutation each way: an hour bumped from 10 to 11 (accepted) and the
        // whole request replaced by null (refused).
        examples: [
          [requests[0] as Json, [[[6, 0], BUMP, null]]],
          [requests[0] as Json, [[[], null, null]]],
        ],
      },
    );
    // Not vacuous: the mutations give both outcomes.
    expect(seen.accepted).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });
});
