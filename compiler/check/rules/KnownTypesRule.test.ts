import { describe, expect, it } from "vitest";
import { checkText, diagnose } from "../testSupport.js";

describe("KnownTypesRule", () => {
  it("reports unknown field types with a suggestion, inside lists, optionals and records too", () => {
    const { diagnostics } = checkText(
      "policy p\nagent A { name: Strin, tags: [Usr]?, meta: { at: tiem } }\nentity User { a: string }\n",
    );
    expect(
      diagnostics.map((d) => [d.code, d.source.slice(d.span), d.help]),
    ).toEqual([
      ["AGP2001", "Strin", "did you mean `string`?"],
      ["AGP2001", "Usr", "did you mean `User`?"],
      ["AGP2001", "tiem", "did you mean `time`?"],
    ]);
  });

  it("reports unknown types after `on`", () => {
    expect(
      diagnose(
        "action share on Folder\nallow a: read on Reprt\nseparate s: submit, approve on Reprot by principal.onBehalfOf",
      ),
    ).toEqual([
      { code: "AGP2001", text: "Folder" },
      { code: "AGP2001", text: "Reprt" },
      { code: "AGP2001", text: "Reprot" },
    ]);
  });

  it("reports the type `sensitivity` when no labels are declared", () => {
    expect(diagnose("", "policy p\nagent A { level: sensitivity? }\n")).toEqual(
      [{ code: "AGP4004", text: "sensitivity" }],
    );
  });

  it("lets fields refer to types declared later", () => {
    expect(
      diagnose(
        "",
        "policy p\nagent A { team: Team }\nentity Team { lead: A? }\n",
      ),
    ).toEqual([]);
  });
});
