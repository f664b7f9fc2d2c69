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

  it("warns about a `*` rule that covers no declared action", () => {
    const { diagnostics } = checkText(
      `policy p\nagent A { x: string }\nresource R { y: string }\nresource S { z: string }\naction read on R\nintent i "i" { actions read }\nallow a: read\ndeny none: * on S\ndeny all: *\n`,
    );
    expect(diagnostics.map((d) => [d.code, d.severity, d.message])).toEqual([
      ["AGP4001", "warning", "rule `none` can never apply: `*` covers no action, since none is declared on `S`"],
    ]);
    const empty = checkText(`policy p\nagent A { x: string }\nallow a: * when principal.x == "y"\n`);
    expect(empty.diagnostics.map((d) => [d.code, d.source.slice(d.span)])).toEqual([["AGP4009", "p"], ["AGP4001", "*"]]);
  });

  it("without intents, says only that none is declared (AGP4009): no session could be opened", () => {
    expect(
      diagnose(
        "",
        "policy p\nagent A { x: string }\nresource R { y: string }\naction archive on R\nallow a: archive\n",
      ),
    ).toEqual([{ code: "AGP4009", text: "p" }]);
  });
});
