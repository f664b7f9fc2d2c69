import { describe, expect, it } from "vitest";
import {
  aboveIntentMax,
  addVerdict,
  allowDecision,
  attributesOf,
  denyDecision,
  outsideIntent,
  unknownLabel,
  verdict,
} from "./codegen-support.js";
import type { Verdict, Verdicts } from "./codegen-support.js";
import { EntityIndex } from "./entities.js";
import { EvaluationError } from "./errors.js";

const night = verdict("night", "outside working hours");
const watched = verdict("watch", "reached for secrets", Infinity, [{ type: "revoke", monitor: "watch" }]);
const fileOwn = verdict("file_own", "allowed by rule `file_own`", 900);
const readTeam = verdict("read_team", "allowed by rule `read_team`", 600);

function collect(...applied: Verdict[]): Verdict | Verdict[] {
  let verdicts: Verdicts = null;
  for (const one of applied) verdicts = addVerdict(verdicts, one);
  if (verdicts === null) throw new Error("nothing applied");
  return verdicts;
}

describe("verdicts and decisions", () => {
  it("returns one shared, frozen decision when a single rule applies", () => {
    const decision = denyDecision(collect(night));
    expect(decision).toEqual({
      decision: "deny",
      grant: null,
      rules: ["night"],
      reasons: ["outside working hours"],
      consequences: [],
    });
    expect(denyDecision(collect(night))).toBe(decision);
    expect(Object.isFrozen(decision)).toBe(true);
    expect(Object.isFrozen(decision.rules)).toBe(true);
    expect(allowDecision(collect(fileOwn))).toEqual({
      decision: "allow",
      grant: { ttl_seconds: 900 },
      rules: ["file_own"],
      reasons: ["allowed by rule `file_own`"],
      consequences: [],
    });
    expect(Object.isFrozen(allowDecision(collect(fileOwn)).grant)).toBe(true);
  });

  it("names every rule in order, with every monitor consequence, when several apply", () => {
    expect(denyDecision(collect(night, watched))).toEqual({
      decision: "deny",
      grant: null,
      rules: ["night", "watch"],
      reasons: ["outside working hours", "reached for secrets"],
      consequences: [{ type: "revoke", monitor: "watch" }],
    });
    expect(denyDecision(collect(watched)).consequences).toEqual([{ type: "revoke", monitor: "watch" }]);
  });

  it("grants the smallest TTL of the allow rules that applied", () => {
    const decision = allowDecision(collect(fileOwn, readTeam));
    expect(decision.grant).toEqual({ ttl_seconds: 600 });
    expect(decision.rules).toEqual(["file_own", "read_team"]);
    // The shared single-rule decisions are untouched by a combined one.
    expect(allowDecision(collect(fileOwn)).rules).toEqual(["file_own"]);
  });

  it("builds each intent refusal once, quoting the names", () => {
    const outside = outsideIntent("approve", "file_expenses");
    expect(outside.reason).toBe("action `approve` is outside intent `file_expenses`");
    expect(outside.rule).toBe("file_expenses");
    expect(outsideIntent("approve", "file_expenses")).toBe(outside);
    expect(outsideIntent("submit", "file_expenses")).not.toBe(outside);
    const above = aboveIntentMax("summarize", "confidential");
    expect(above.alone.reasons).toEqual([
      "the resource's sensitivity is above `confidential`, the most intent `summarize` may touch",
    ]);
    expect(aboveIntentMax("summarize", "confidential")).toBe(above);
  });

  it("makes an undeclared label an evaluation error", () => {
    expect(() => unknownLabel("top`secret")).toThrow(EvaluationError);
    expect(() => unknownLabel("top`secret")).toThrow("unknown sensitivity label `top\\`secret`");
  });
});

describe("attributesOf", () => {
  const index = new EntityIndex();
  const alice = { type: "User", id: "alice", department: "sales" };
  index.add(alice);

  it("reads the record a reference points to, from an index or any other lookup", () => {
    expect(attributesOf(index, { type: "User", id: "alice" }, "User")).toBe(alice);
    const lookup = { get: (type: string, id: string) => index.get(type, id) };
    expect(attributesOf(lookup, { type: "User", id: "alice" }, ["Admin", "User"])).toBe(alice);
  });

  it("fails with the entity named when it is missing, absent or of another type", () => {
    expect(() => attributesOf(index, { type: "User", id: "bob" }, "User")).toThrow('missing entity `User::"bob"`');
    expect(() => attributesOf(index, { type: "Admin", id: "alice" }, "User")).toThrow("expected a `User`");
  });
});
