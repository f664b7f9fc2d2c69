import { describe, expect, it } from "vitest";
import { check } from "../index.js";
import { generateModule } from "./index.js";
import { spanAt, typecheckGenerated, typecheckModule } from "./typecheck.js";

const text = `policy broken
agent Bot { name: string }
resource Doc { size: number }
action read on Doc
allow small: read when resource.size < 10`;

describe("typecheckModule", () => {
  it("accepts a generated module and reports a broken one as AGP9001 at the rule's span", async () => {
    const { policy } = check(text, { path: "broken.agp" });
    if (!policy) throw new Error("no policy");
    const { typescript } = await generateModule(policy, { sourcePath: "broken.agp" });
    expect(typecheckModule(typescript, policy)).toEqual([]);
    const broken = typescript.replace(`resource.size < 10`, `resource.size < "10"`);
    expect(broken).not.toBe(typescript);
    const diagnostics = typecheckModule(broken, policy);
    expect(diagnostics.map((d) => d.code)).toEqual(["AGP9001"]);
    const [first] = diagnostics;
    expect(first && policy.source.slice(first.span)).toBe("allow small: read when resource.size < 10");
  });

  it("catches an unknown import and a wrong stdlib call", () => {
    expect(typecheckGenerated(`import { nope } from "agp/stdlib"; export const x: number = nope;`).length).toBeGreaterThan(0);
    expect(typecheckGenerated(`import { hourOf } from "agp/stdlib"; export const x: string = hourOf(1, "UTC");`).length).toBeGreaterThan(0);
    expect(typecheckGenerated(`import { hourOf } from "agp/stdlib"; export const x: number = hourOf(1, "UTC");`)).toEqual([]);
  });

  it("finds the nearest span marker before an offset", () => {
    const code = "a\n// @agp-span 3:9\nb\n// @agp-span 12:20\nc";
    expect(spanAt(code, 0)).toBeUndefined();
    expect(spanAt(code, code.indexOf("b"))).toEqual({ start: 3, end: 9 });
    expect(spanAt(code, code.indexOf("c"))).toEqual({ start: 12, end: 20 });
  });
});
