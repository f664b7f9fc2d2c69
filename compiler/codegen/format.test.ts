import { describe, expect, it } from "vitest";
import { check } from "../index.js";
import { formatInBackground, formatTypescript } from "./format.js";
import { generateCheckedModule, generateModule } from "./index.js";

const text = `policy small
agent Bot { name: string }
resource Doc { size: number }
action read on Doc
allow small: read when resource.size < 10`;

describe("formatInBackground", () => {
  it("formats in the worker exactly as on this thread", async () => {
    const code = "const  a =  [1,2,  3]\nfunction f( x : number ) { return x*2 }";
    expect(await formatInBackground(code)).toBe(await formatTypescript(code));
  });

  it("rejects code that does not parse instead of hanging", async () => {
    await expect(formatInBackground("const = ;")).rejects.toThrow();
  });

  it("generateCheckedModule gives generateModule's text and no type errors for a sound module", async () => {
    const { policy } = check(text, { path: "small.agp" });
    if (!policy) throw new Error("no policy");
    const checked = await generateCheckedModule(policy, { sourcePath: "small.agp" });
    expect(checked.typeErrors).toEqual([]);
    expect(checked.typescript).toBe((await generateModule(policy, { sourcePath: "small.agp" })).typescript);
  });
});
