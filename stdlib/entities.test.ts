import { describe, expect, it } from "vitest";
import { EntityIndex, entityKey, formatEntity, resolveEntity, sameEntity } from "./entities.js";
import { EvaluationError } from "./errors.js";

const alice = { type: "User", id: "alice", department: "sales" };
const bob = { type: "User", id: "bob", department: "ops" };
const report = { type: "ExpenseReport", id: "alice", owner: { type: "User", id: "alice" } };

describe("EntityIndex", () => {
  it("finds records by type and id, keeping equal ids of different types apart", () => {
    const index = new EntityIndex();
    index.add(alice);
    index.add(report);
    expect(index.get("User", "alice")).toBe(alice);
    expect(index.get("ExpenseReport", "alice")).toBe(report);
    expect(index.get("User", "bob")).toBeUndefined();
    expect(index.get("Admin", "alice")).toBeUndefined();
    expect(index.has("User", "alice")).toBe(true);
    expect(index.size).toBe(2);
    expect([...index.records()]).toEqual([alice, report]);
  });

  it("replaces a record of the same entity and returns the one replaced", () => {
    const index = new EntityIndex();
    expect(index.add(alice)).toBeUndefined();
    const renamed = { ...alice, department: "legal" };
    expect(index.add(renamed)).toBe(alice);
    expect(index.get("User", "alice")).toBe(renamed);
    expect(index.size).toBe(1);
  });

  it("resolves repeated references by identity, and forgets them when a record is replaced", () => {
    const index = new EntityIndex();
    index.add(alice);
    index.add(bob);
    const toAlice = { type: "User", id: "alice" };
    const toBob = { type: "User", id: "bob" };
    const toNobody = { type: "User", id: "carol" };
    expect(index.resolve(toAlice)).toBe(alice);
    expect(index.resolve(toBob)).toBe(bob);
    expect(index.resolve(toAlice)).toBe(alice);
    expect(index.resolve(toNobody)).toBeUndefined();
    expect(index.resolve(toBob)).toBe(bob);
    const moved = { ...alice, department: "legal" };
    index.add(moved);
    expect(index.resolve(toAlice)).toBe(moved);
  });
});

describe("resolveEntity", () => {
  const index = new EntityIndex();
  index.add(alice);
  index.add(report);

  it("returns the record with its attributes for a reference", () => {
    expect(resolveEntity(index, { type: "User", id: "alice" }, "User")).toBe(alice);
    expect(resolveEntity(index, report.owner, ["Admin", "User"])).toBe(alice);
  });

  it("throws a Cedar-style error for a missing entity", () => {
    expect(() => resolveEntity(index, { type: "User", id: "bob" }, "User")).toThrow(
      new EvaluationError('missing entity `User::"bob"`'),
    );
  });

  it("throws for an absent reference or one of another type", () => {
    expect(() => resolveEntity(index, undefined, "User")).toThrow(
      new EvaluationError("missing entity reference where a `User` was expected"),
    );
    expect(() => resolveEntity(index, { type: "ExpenseReport", id: "alice" }, "User")).toThrow(
      new EvaluationError('expected a `User`, got `ExpenseReport::"alice"`'),
    );
    expect(() => resolveEntity(index, alice, ["Admin", "Group"])).toThrow(/expected a `Admin` or `Group`/);
  });
});

describe("sameEntity", () => {
  it("compares type and id, ignoring attributes", () => {
    expect(sameEntity(alice, { type: "User", id: "alice" })).toBe(true);
    expect(sameEntity(alice, bob)).toBe(false);
    expect(sameEntity(alice, { type: "Admin", id: "alice" })).toBe(false);
  });

  it("is false whenever a side is absent, even both", () => {
    expect(sameEntity(undefined, alice)).toBe(false);
    expect(sameEntity(alice, null)).toBe(false);
    expect(sameEntity(undefined, undefined)).toBe(false);
  });
});

describe("entityKey and formatEntity", () => {
  it("keeps keys distinct when ids contain the separators", () => {
    const keys = [
      entityKey({ type: "A", id: "b::c" }),
      entityKey({ type: "A::b", id: "c" }),
      entityKey({ type: "A", id: 'b","c' }),
      entityKey({ type: 'A","b', id: "c" }),
      entityKey({ type: "A:1", id: "b" }),
      entityKey({ type: "A", id: "1:b" }),
      entityKey({ type: "1", id: "A:b" }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(entityKey({ type: "User", id: "alice" })).toBe(entityKey({ ...alice }));
  });

  it("writes entities the way Cedar does, the id as a JSON string", () => {
    expect(formatEntity({ type: "User", id: "alice" })).toBe('User::"alice"');
    expect(formatEntity({ type: "User", id: 'a"b' })).toBe('User::"a\\"b"');
  });
});
