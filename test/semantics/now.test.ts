/**
 * `now`: the request's own time, so time-of-day rules and history windows read one clock.
 */
import { describe, expect, it } from "vitest";
import { compileToModule, check } from "../../compiler/index.js";
import { listFacts } from "../../stdlib/list-facts.js";

const policy = `policy clock
agent Bot { name: string }
resource Doc { created: time }
action read on Doc
intent reading "Read documents" { actions read }
allow office_hours: read when hour_of(now, "Europe/Paris") >= 9 and hour_of(now, "Europe/Paris") < 18
deny too_old: read when now - resource.created > 30d reason "documents older than 30 days are archived"
`;

function request(at: string, created = "2026-03-01T00:00:00Z"): unknown {
  return {
    principal: { type: "Bot", id: "b", name: "bot" },
    action: "read",
    resource: { type: "Doc", id: "d", created },
    intent: "reading",
    session: "s",
    at,
    env: {},
  };
}

describe("now", () => {
  it("is the request's time, typed `time`", async () => {
    expect(check(policy, { path: "clock.agp" }).diagnostics).toEqual([]);
    const { module, diagnostics } = await compileToModule(policy, { path: "clock.agp" });
    expect(diagnostics).toEqual([]);
    if (!module) throw new Error("no module");
    const decide = (at: string, created?: string) => {
      const parsed = module.requestSchema.safeParse(request(at, created));
      if (!parsed.success) throw new Error(parsed.error.message);
      return module.decide(parsed.data, listFacts(module, []));
    };
    expect(decide("2026-03-02T09:30:00Z").decision).toBe("allow"); // 10:30 in Paris
    expect(decide("2026-03-02T17:30:00Z").decision).toBe("deny"); // 18:30 in Paris
    expect(decide("2026-06-02T10:00:00Z").rules).toEqual(["too_old"]);
  });

  it("cannot be compared with a number", () => {
    const bad = policy.replace('hour_of(now, "Europe/Paris") >= 9', "now >= 9");
    expect(check(bad, { path: "clock.agp" }).diagnostics.map((d) => d.code)).toContain("AGP3001");
  });
});
