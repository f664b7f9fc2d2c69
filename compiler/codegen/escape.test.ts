import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { commentText, namedIdentifier, numberLiteral, propertyAccess, propertyKey, stringLiteral, typeName } from "./escape.js";

const nasty = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.constantFrom('"', "'", "`", "${x}", "*/", "/*", "\u2028", "\u2029", "</script>", "<!--", "\\", "\n", "\r\n", "\0"),
  fc.array(fc.constantFrom('"', "`", "${", "*/", "\u2028", "</script>", "\\u0041", "a"), { maxLength: 8 }).map((parts) => parts.join("")),
);

describe("stringLiteral", () => {
  it("evaluates to exactly the value, on one line, with no script or comment terminators", () => {
    fc.assert(
      fc.property(nasty, (value) => {
        const literal = stringLiteral(value);
        expect(new Function(`return ${literal};`)()).toBe(value);
        expect(JSON.parse(literal)).toBe(value);
        expect(literal).not.toMatch(/[\n\r\u2028\u2029]/);
        expect(literal).not.toContain("</");
        expect(literal).not.toContain("<!--");
      }),
    );
  });
});

describe("commentText", () => {
  it("never ends a comment or a line", () => {
    fc.assert(
      fc.property(nasty, (text) => {
        const safe = commentText(text);
        expect(safe).not.toContain("*/");
        expect(safe).not.toMatch(/[\n\r\u2028\u2029]/);
        expect(new Function(`/* ${safe} */ // ${safe}\nreturn 1;`)()).toBe(1);
      }),
    );
  });
});

describe("names", () => {
  const policyName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/);

  it("keeps safe type names and suffixes reserved ones with `$`", () => {
    expect(typeName("ExpenseReport")).toBe("ExpenseReport");
    expect(typeName("Request")).toBe("Request$");
    expect(typeName("Set")).toBe("Set$");
    expect(typeName("class")).toBe("class$");
    expect(() => typeName("a-b")).toThrow();
  });

  it("reserves every type name the generated module imports, so no entity type can shadow one", () => {
    const emitters = readdirSync(new URL("./emit/", import.meta.url)).filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"));
    const imported = new Set(emitters.flatMap((name) => [...readFileSync(new URL(`./emit/${name}`, import.meta.url), "utf8").matchAll(/imports\.type\("([A-Za-z]+)"\)/g)].map((match) => match[1]!)));
    expect(imported.size).toBeGreaterThan(10);
    for (const name of imported) expect(typeName(name), name).toBe(`${name}$`);
  });

  it("gives distinct prefix/name pairs distinct identifiers", () => {
    fc.assert(
      fc.property(fc.constantFrom("check", "decide", "entry"), policyName, fc.constantFrom("check", "decide", "entry"), policyName, (p1, n1, p2, n2) => {
        const same = p1 === p2 && n1 === n2;
        expect(namedIdentifier(p1, n1) === namedIdentifier(p2, n2)).toBe(same);
        expect(namedIdentifier(p1, n1)).toMatch(/^[A-Za-z_$][\w$]*$/);
      }),
    );
  });

  it("reads and defines properties as data, `__proto__` included", () => {
    fc.assert(
      fc.property(fc.oneof(policyName, fc.constant("__proto__"), nasty), (name) => {
        const object = new Function(`return { ${propertyKey(name)}: 1 };`)() as Record<string, number>;
        expect(Object.getOwnPropertyNames(object)).toEqual([name]);
        expect(new Function("o", `return ${propertyAccess("o", name)};`)(object)).toBe(1);
      }),
    );
  });

  it("writes numbers that read back", () => {
    expect(numberLiteral(1.5)).toBe("1.5");
    expect(numberLiteral(-2)).toBe("(-2)");
    expect(() => numberLiteral(Number.NaN)).toThrow();
  });
});
