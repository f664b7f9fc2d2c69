import { describe, expect, it } from "vitest";
import { checkText, diagnose } from "../testSupport.js";
import { basePolicy } from "../testSupport.js";

describe("HistoryRule", () => {
  it("reports a `within` of zero and a query inside a query's condition", () => {
    expect(diagnose("deny d: read when count(session within 0s) > 1")).toEqual([
      { code: "AGP4007", text: "0s" },
    ]);
    expect(
      diagnose("deny d: read when exists(session where count(principal) > 1)"),
    ).toEqual([{ code: "AGP4008", text: "count(principal)" }]);
  });

  it("lists history queries in source order, with whether they read the request", () => {
    const { policy, diagnostics } =
      checkText(`${basePolicy}deny burst: * when count(session within 1m) >= 60
deny again: approve when exists(resource where event.action == submit and event.principal.onBehalfOf == principal.onBehalfOf)
monitor m: read when count(principal where event.action == read and event.resource.label >= secret within 1h) > 3 then revoke
`);
    expect(diagnostics).toEqual([]);
    expect(
      policy.historyQueries.map((q) =>
        policy.source.slice(q.span).slice(0, 12),
      ),
    ).toEqual(["count(sessio", "exists(resou", "count(princi"]);
    expect(
      policy.historyQueries.map((q) => policy.dependsOnRequest(q)),
    ).toEqual([false, true, false]);
  });

  it("counts a condition reading an entity referenced from the event as request-dependent", () => {
    const { policy } = checkText(
      `${basePolicy}deny d: read when exists(resource where event.resource.owner.approver)\n`,
    );
    const [query] = policy.historyQueries;
    expect(query && policy.dependsOnRequest(query)).toBe(true);
  });
});
