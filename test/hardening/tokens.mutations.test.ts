/**
 * Tokens presented to `redeem` are untrusted: every random mutation of a valid grant token
 * (signature, header, claims, another key, garbage, huge) is refused with a typed reason by
 * the signature check itself, never accepted and never thrown; the unmodified token still
 * redeems, so the property is not vacuous.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { expensesModule } from "../../runtime/__fixtures__/expenses.js";
import { agentOf, alice, entities, officeHours, reportOf } from "../../runtime/__fixtures__/people.js";
import { virtualClock } from "../../runtime/clock.js";
import type { RedeemFailureReason } from "../../runtime/errors.js";
import type { Runtime } from "../../runtime/runtime.js";
import { createRuntime } from "../../runtime/runtime.js";
import type { Signer } from "../../runtime/tokens.js";
import { generateSigner } from "../../runtime/tokens.js";
import { checkParameters, fuzzing } from "./runs.js";
import type { Mutation } from "./token-mutations.js";
import { tokenMutation } from "./token-mutations.js";

const report = reportOf("r1", alice);
const submitReport = { action: "submit", resource: report };

/** The refusals a forged token may get: it must fail before any grant is looked up. */
const FORGERY_REASONS: readonly RedeemFailureReason[] = ["malformed", "bad_signature", "unknown_key"];

let rt: Runtime;
let trusted: Signer;
let other: Signer;
let token: string;

beforeAll(async () => {
  [trusted, other] = await Promise.all([generateSigner({ kid: "trusted" }), generateSigner({ kid: "other" })]);
  rt = createRuntime({
    policy: expensesModule(),
    clock: virtualClock(),
    signer: trusted,
  });
  const session = await rt.openSession({
    principal: agentOf("a1", alice),
    intent: "file_expenses",
  });
  token = (await session.request({ ...submitReport, env: officeHours, entities })).grant!.token;
});

/** Redeems `candidate`, turning a throw into a failed expectation with the mutation named. */
async function redeemForged(mutation: Mutation, candidate: string) {
  try {
    return await rt.redeem(candidate, submitReport);
  } catch (error) {
    throw new Error(`redeem threw on ${mutation.kind}: ${String(error)}`);
  }
}

describe("redeem refuses every mutation of a valid token", () => {
  it("the unmodified token redeems, before and after the mutations", async () => {
    expect(await rt.redeem(token, submitReport)).toMatchObject({ ok: true });
  });

  it("refuses random mutations with a forgery reason", { timeout: fuzzing ? 600_000 : 30_000 }, async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(tokenMutation({ trusted, other }), async (mutation) => {
        const candidate = await mutation.apply(token);
        if (candidate === token) return;
        const result = await redeemForged(mutation, candidate);
        if (result.ok) throw new Error(`accepted a forged token (${mutation.kind}): ${candidate.slice(0, 400)}`);
        if (!FORGERY_REASONS.includes(result.reason)) {
          throw new Error(`${mutation.kind}: refused as \`${result.reason}\` (${result.message}), not as a forgery`);
        }
        seen.set(mutation.family, (seen.get(mutation.family) ?? 0) + 1);
      }),
      checkParameters(300, 5_000),
    );
    expect([...seen.keys()].sort()).toEqual(["claims", "garbage", "header", "key", "signature"]);
    expect(await rt.redeem(token, submitReport)).toMatchObject({ ok: true });
  });

  it("refuses every other spelling of the same signature bytes (unused trailing bits, padding, whitespace)", async () => {
    const cut = token.lastIndexOf(".");
    const [signed, signature] = [token.slice(0, cut), token.slice(cut + 1)];
    const spellings = [
      ...[..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"].map(
        (last) => `${signature.slice(0, -1)}${last}`,
      ),
      `${signature}==`,
      `${signature.slice(0, 40)} ${signature.slice(40)}`,
    ].filter((spelling) => spelling !== signature);
    const sameBytes = spellings.filter((spelling) =>
      Buffer.from(spelling, "base64url").equals(Buffer.from(signature, "base64url")),
    );
    expect(sameBytes.length).toBeGreaterThanOrEqual(15);
    for (const spelling of spellings) {
      expect(await rt.redeem(`${signed}.${spelling}`, submitReport), spelling).toMatchObject({ ok: false });
    }
  });

  it("refuses values that are not strings, without throwing", async () => {
    for (const candidate of [undefined, null, 42, {}, ["a.b.c"], Buffer.from(token)]) {
      const result = await rt.redeem(candidate as unknown as string, submitReport);
      expect(result, String(candidate)).toMatchObject({
        ok: false,
        reason: "malformed",
      });
    }
  });

  it("refuses a valid token presented with a malformed expectation, without throwing", async () => {
    for (const expected of [
      undefined,
      null,
      {},
      { action: "submit" },
      { action: "submit", resource: null },
      { action: 1, resource: "r1" },
    ]) {
      const result = await rt.redeem(token, expected as unknown as typeof submitReport);
      expect(result, JSON.stringify(expected)).toMatchObject({
        ok: false,
        reason: "invalid_expectation",
      });
    }
    const hostile = {
      get action(): string {
        throw new Error("a getter that throws");
      },
      resource: report,
    };
    expect(await rt.redeem(token, hostile)).toMatchObject({ ok: false });
  });
});
