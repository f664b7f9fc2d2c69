import { describe, expect, it } from "vitest";
import { diagnose } from "../testSupport.js";

describe("UniqueNamesRule", () => {
  it("reports a type declared twice, and a built-in type name", () => {
    expect(
      diagnose("entity User { name: string }\nentity string { x: number }"),
    ).toEqual([
      { code: "AGP2002", text: "User" },
      { code: "AGP2002", text: "string" },
    ]);
  });

  it("reports a rule name reused by another rule, separation or monitor", () => {
    expect(
      diagnose(`allow a: read
deny a: read
separate a: submit, approve on Report by principal.onBehalfOf
monitor a: read then revoke`),
    ).toEqual([
      { code: "AGP2003", text: "a" },
      { code: "AGP2003", text: "a" },
      { code: "AGP2003", text: "a" },
    ]);
  });

  it("reports a rule named like an intent, whichever comes first", () => {
    expect(diagnose(`intent reads "Reading" { actions read }\nallow reads: read`)).toEqual([{ code: "AGP2003", text: "reads" }]);
    expect(diagnose(`monitor watch: read then revoke\nintent watch "Watching" { actions read }`)).toEqual([{ code: "AGP2003", text: "watch" }]);
  });

  it("reports duplicate intents, labels and fields, nested ones included", () => {
    expect(
      diagnose(
        `intent filing "again" { actions read }
entity Tag { name: string, meta: { a: number, a: bool }, name: number }`,
      ),
    ).toEqual([
      { code: "AGP2016", text: "filing" },
      { code: "AGP2010", text: "a" },
      { code: "AGP2010", text: "name" },
    ]);
    expect(diagnose("", "policy p\nsensitivity low < high < low\n")).toEqual([
      { code: "AGP2012", text: "low" },
    ]);
  });

  it("reports a second context or sensitivity declaration at its keyword", () => {
    expect(diagnose("context { country: string }\nsensitivity a < b")).toEqual([
      { code: "AGP2019", text: "context" },
      { code: "AGP2019", text: "sensitivity" },
    ]);
  });

  it("reports an action declared twice on one resource type, not on two types", () => {
    expect(
      diagnose(
        "resource Folder { owner: User }\naction read on Folder\naction read, submit on Report",
      ),
    ).toEqual([
      { code: "AGP2011", text: "read" },
      { code: "AGP2011", text: "submit" },
    ]);
  });

  it("accepts the base policy", () => {
    expect(diagnose("allow a: read")).toEqual([]);
  });
});
