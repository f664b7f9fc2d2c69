/**
 * The README is part of the product: its diagnostic table lists every code with the
 * severity the compiler uses, so it cannot drift from compiler/codes.ts.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diagnosticCodes } from "../../compiler/codes.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

describe("README", () => {
  it.each(Object.entries(diagnosticCodes))("lists %s with its severity and meaning", (code, { severity, title }) => {
    expect(readme).toContain(`| ${code} | ${severity} | ${title} |`);
  });

  it("has a Quick start of two commands", () => {
    const quickStart = /## Quick start\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    expect(quickStart.trim().split("\n")).toEqual(["npm ci && npm run examples", "npm test"]);
  });
});
