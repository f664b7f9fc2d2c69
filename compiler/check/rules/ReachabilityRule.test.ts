import { describe, expect, it } from "vitest";
import { checkText, diagnose } from "../testSupport.js";

describe("ReachabilityRule", () => {
  it("warns about an allow for an action no intent allows", () => {
    const { diagnostics } = checkText(
      `policy p\nagent A { x: string }\nresource R { y: string }\naction read, archive on R\nintent i "i" { actions read }\nallow a: read, archive\ndeny d: archive\n`,
    );
    expect(
      diagnostics.map((d) => [d.code, d.severity, d.source.slice(d.span)]),
    ).toEqual([["AGP4001", "warning", "archive"]]);
  });

  it("says nothing without intents", () => {
    expect(
      diagnose(
        "",
        "policy p\nagent A { x: string }\nresource R { y: string }\naction archive on R\nallow a: archive\n",
      ),
    ).toEqual([]);
  });
});
