import { describe, expect, it } from "vitest";
import { diagnose, diagnoseTest } from "../testSupport.js";

describe("AgentRule", () => {
  it("reports a policy that decides without any agent type, at its name", () => {
    expect(
      diagnose(
        "",
        "policy docs\nresource Doc { name: string }\naction read on Doc\nintent work \"w\" { actions read }\nallow a: read\n",
      ),
    ).toEqual([{ code: "AGP4005", text: "docs" }]);
    expect(diagnose("", "policy labels\nsensitivity low < high\n")).toEqual([]);
  });

  it("reports a test session whose principal is not an agent", () => {
    expect(
      diagnoseTest(
        `case "x" {\n  session alice intent filing\n  session report intent filing\n  session bot intent filing\n}`,
      ),
    ).toEqual([
      { code: "AGP2020", text: "alice" },
      { code: "AGP2020", text: "report" },
    ]);
  });
});
