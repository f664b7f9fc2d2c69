import { describe, expect, it } from "vitest";
import { KeyedMutex } from "./locks.js";

/** A task that records when it starts and ends, and yields a few times while holding its keys. */
function recorder() {
  const log: string[] = [];
  const held = new Set<string>();
  const task = (name: string, keys: readonly string[]) => async () => {
    for (const key of keys) {
      expect(held.has(key), `${name} holds ${key} while another task does`).toBe(false);
      held.add(key);
    }
    log.push(`${name}+`);
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    log.push(`${name}-`);
    for (const key of keys) held.delete(key);
    return name;
  };
  return { log, task };
}

describe("KeyedMutex", () => {
  it("runs tasks on one key one at a time, in arrival order, and tasks on other keys alongside", async () => {
    const mutex = new KeyedMutex();
    const { log, task } = recorder();
    await Promise.all([mutex.run("a", task("1", ["a"])), mutex.run("a", task("2", ["a"])), mutex.run("b", task("3", ["b"]))]);
    expect(log.indexOf("1-")).toBeLessThan(log.indexOf("2+"));
    expect(log.indexOf("3+")).toBeLessThan(log.indexOf("1-"));
  });

  it("holds several keys at once; tasks sharing any key never overlap and never deadlock", async () => {
    const mutex = new KeyedMutex();
    const { log, task } = recorder();
    const sets = [["a", "b"], ["b", "a"], ["b", "c"], ["c", "a"], ["a"], ["c"], ["d"], ["a", "b", "c", "d"], ["d", "a"]];
    const names = await Promise.all(sets.map((keys, i) => mutex.runAll(keys, task(String(i), keys))));
    expect(names).toEqual(sets.map((_, i) => String(i)));
    expect(log).toHaveLength(sets.length * 2);
  });

  it("releases the keys when a task fails, and ignores a key listed twice", async () => {
    const mutex = new KeyedMutex();
    await expect(mutex.runAll(["a", "a"], () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await mutex.runAll(["a", "b"], async () => "next")).toBe("next");
  });
});
