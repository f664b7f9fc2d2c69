import { describe, expect, it } from "vitest";
import { expensesModule } from "./__fixtures__/expenses.js";
import { agentOf, alice, entities, officeHours, reportOf } from "./__fixtures__/people.js";
import { virtualClock } from "./clock.js";
import { createRuntime } from "./runtime.js";
import type { Session } from "./session.js";

const ask = (session: Session, action: string, resource: { type: string; id: string }) =>
  session.request({ action, resource, env: officeHours, entities });

async function summarizing() {
  const rt = createRuntime({ policy: expensesModule(), clock: virtualClock() });
  const session = await rt.openSession({ principal: agentOf("a1", alice), intent: "summarize" });
  const internal = reportOf("r1", alice);
  const read = await ask(session, "read", internal);
  expect(read.allowed).toBe(true);
  const secret = reportOf("r2", alice, "secret");
  const fired = await ask(session, "read", secret);
  return { rt, session, internal, read, fired };
}

describe("a monitor that revokes and asks for a review", () => {
  it("denies the request, revokes the session's live grants and suspends it pending review", async () => {
    const { rt, session, internal, read, fired } = await summarizing();
    expect(fired.allowed).toBe(false);
    expect(fired.decision.rules).toEqual(["summarize", "secrets_while_summarizing"]);
    expect(fired.decision.consequences.map((consequence) => consequence.type)).toEqual(["revoke", "review"]);
    expect(await rt.redeem(read.grant!.token, { action: "read", resource: internal })).toMatchObject({ ok: false, reason: "grant_revoked" });

    const [review, ...others] = await rt.reviews.pending();
    expect(others).toEqual([]);
    expect(review).toMatchObject({ session: session.id, monitors: ["secrets_while_summarizing"], reasons: ["reached for secrets while summarizing"] });
    expect(await session.state()).toEqual({ status: "suspended", review: review!.id, resume: { status: "active" } });
    const blocked = await ask(session, "read", internal);
    expect(blocked.decision.reasons).toEqual([`session suspended pending review \`${review!.id}\``]);
    const types = (await rt.audit.tail(10)).map((entry) => entry.type);
    expect(types).toContain("consequence");
  });

  it("a human rejects: the session ends for good", async () => {
    const { rt, session, internal } = await summarizing();
    const [review] = await rt.reviews.pending();
    const resolved = await rt.reviews.resolve(review!.id, "reject", { by: "dana", note: "no secrets for summaries" });
    expect(resolved).toMatchObject({ status: "rejected", resolvedBy: "dana", note: "no secrets for summaries" });
    expect(await session.state()).toEqual({ status: "ended", reason: `review \`${review!.id}\` rejected by dana` });
    expect((await ask(session, "read", internal)).decision.reasons[0]).toMatch(/^session ended: review/);
    expect(await rt.reviews.pending()).toEqual([]);
    await expect(rt.reviews.resolve(review!.id, "approve", { by: "eve" })).rejects.toMatchObject({ code: "review_already_resolved" });
    await expect(rt.reviews.resolve("review_nope", "approve", { by: "eve" })).rejects.toMatchObject({ code: "unknown_review" });
    expect((await rt.audit.tail(5)).some((entry) => entry.type === "review_resolved" && entry.data["verdict"] === "reject")).toBe(true);
  });

  it("a human approves: the session resumes", async () => {
    const { rt, session, internal } = await summarizing();
    const [review] = await rt.reviews.pending();
    await rt.reviews.resolve(review!.id, "approve", { by: "dana" });
    expect(await session.state()).toEqual({ status: "active" });
    expect((await ask(session, "read", internal)).allowed).toBe(true);
  });
});

describe("a monitor that downgrades and alerts", () => {
  it("after five reads in ten minutes only `submit` can be granted in the session", async () => {
    const rt = createRuntime({ policy: expensesModule(), clock: virtualClock() });
    const session = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    for (let i = 0; i < 5; i++) expect((await ask(session, "read", reportOf(`r${i}`, alice))).allowed).toBe(true);
    const sixth = await ask(session, "read", reportOf("r5", alice));
    expect(sixth.decision.rules).toEqual(["bulk_reads"]);
    expect(await session.state()).toEqual({ status: "downgraded", actions: ["submit"] });
    // Refused by the downgrade, and still watched: the monitor sees the agent trying again.
    const seventh = await ask(session, "read", reportOf("r6", alice));
    expect(seventh.allowed).toBe(false);
    expect(seventh.decision.reasons[0]).toBe("session downgraded: only `submit` may be granted");
    expect(seventh.decision.rules).toEqual(["bulk_reads"]);
    expect(seventh.decision.consequences.map((consequence) => consequence.type)).toEqual(["downgrade", "alert"]);
    expect((await ask(session, "submit", reportOf("r7", alice))).allowed).toBe(true);
    const alerts = (await rt.audit.tail(30)).filter((entry) => entry.type === "consequence" && entry.data["type"] === "alert");
    expect(alerts.map((alert) => alert.data)).toEqual([
      expect.objectContaining({ monitor: "bulk_reads", reason: "bulk reading", session: session.id }),
      expect.objectContaining({ monitor: "bulk_reads", reason: "bulk reading", session: session.id }),
    ]);
    // Another session of the same agent is not downgraded.
    const fresh = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    expect((await ask(fresh, "read", reportOf("r8", alice))).allowed).toBe(true);
  });
});
