import { describe, expect, it } from "vitest";
import { diagnose } from "../testSupport.js";

describe("IntentsRule", () => {
  it("reports unknown actions and `max` labels of an intent", () => {
    expect(
      diagnose(`intent summarize "Summarize" { actions raed max secrett }`),
    ).toEqual([
      { code: "AGP2004", text: "raed" },
      { code: "AGP2006", text: "secrett" },
    ]);
  });

  it("accepts a declared `max` label", () => {
    expect(
      diagnose(`intent summarize "Summarize" { actions read max internal }`),
    ).toEqual([]);
  });

  it("reports `max` without sensitivity labels", () => {
    const policy =
      "policy p\nagent A { x: string }\nresource R { y: string }\naction read on R\n";
    expect(
      diagnose(
        `intent summarize "Summarize" { actions read max secret }`,
        policy,
      ),
    ).toEqual([{ code: "AGP4004", text: "secret" }]);
  });
});
