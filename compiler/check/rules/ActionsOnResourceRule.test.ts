import { describe, expect, it } from "vitest";
import { checkText, diagnose } from "../testSupport.js";

describe("ActionsOnResourceRule", () => {
  it("reports unknown actions in rules, separations, monitors and downgrades, with a suggestion", () => {
    const { diagnostics } =
      checkText(`${"policy p\nagent A { x: string }\nresource R { y: string }\naction submit, read on R\nintent i \"i\" { actions submit, read }\n"}allow a: sumbit
separate s: submit, raed on R by principal.x
monitor m: read then downgrade to reed`);
    expect(
      diagnostics.map((d) => [d.code, d.source.slice(d.span), d.help]),
    ).toEqual([
      ["AGP2004", "sumbit", "did you mean `submit`?"],
      ["AGP2004", "raed", "did you mean `read`?"],
      ["AGP2004", "reed", "did you mean `read`?"],
    ]);
  });

  it("reports an action not declared on the rule's resource type", () => {
    expect(
      diagnose(
        "resource Folder { owner: User }\naction share on Folder\nallow a: share, read on Report",
      ),
    ).toEqual([{ code: "AGP2014", text: "share" }]);
    expect(
      diagnose("separate s: submit, approve on Report by principal.onBehalfOf"),
    ).toEqual([]);
  });

  it("reports `on` naming an entity or agent type, once", () => {
    expect(diagnose("allow a: read on User\naction poke on Assistant")).toEqual(
      [
        { code: "AGP2015", text: "User" },
        { code: "AGP2015", text: "Assistant" },
      ],
    );
  });
});
