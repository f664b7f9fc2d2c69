import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { expensesModule } from "./__fixtures__/expenses.js";
import { agentOf, alice, entities, officeHours, reportOf } from "./__fixtures__/people.js";
import type { VirtualClock } from "./clock.js";
import { virtualClock } from "./clock.js";
import type { Runtime } from "./runtime.js";
import { createRuntime } from "./runtime.js";
import type { Session } from "./session.js";
import { generateSigner, GRANT_TOKEN_TYPE, importSigner, signGrantToken, type GrantClaims } from "./tokens.js";

const report = reportOf("r1", alice);
const submitReport = { action: "submit", resource: report };

let clock: VirtualClock;
let rt: Runtime;
let session: Session;
let token: string;

beforeEach(async () => {
  clock = virtualClock();
  rt = createRuntime({ policy: expensesModule(), clock });
  session = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
  const outcome = await session.request({ ...submitReport, env: officeHours, entities });
  token = outcome.grant!.token;
});

describe("grant tokens", () => {
  it("carry one action on one resource, the principal, the human, the session and a unique id, verifiable offline", async () => {
    const claims = decodeJwt(token);
    const grant = (await rt.grants())[0]!;
    expect(claims).toMatchObject({
      iss: "agp",
      aud: "agp",
      sub: "Assistant:a1",
      obo: "User:alice",
      sid: session.id,
      action: "submit",
      resource: { type: "ExpenseReport", id: "r1" },
      jti: grant.id,
      pol: "sha256:fixture-expenses-v1",
    });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(claims.nbf).toBe(claims.iat);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "EdDSA", typ: "agp-grant+jwt" });
    const offline = await jwtVerify(token, createLocalJWKSet({ keys: [...(await rt.jwks()).keys] }), {
      currentDate: new Date(clock.now()),
    });
    expect(offline.payload.jti).toBe(grant.id);
  });

  it("are exactly the JWT jose's SignJWT makes of the same claims (Ed25519 signatures are deterministic)", async () => {
    const signer = await generateSigner();
    const claims = decodeJwt(token) as unknown as GrantClaims;
    const viaSignJwt = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: GRANT_TOKEN_TYPE })
      .sign(signer.privateKey);
    expect(await signGrantToken(signer, claims)).toBe(viaSignJwt);
  });

  it("redeem records the use in the grant and the audit log", async () => {
    const redeemed = await rt.redeem(token, submitReport);
    expect(redeemed).toMatchObject({ ok: true, grant: { uses: 1 } });
    expect((await rt.grants())[0]).toMatchObject({ uses: 1, lastUsedAt: clock.now() });
    expect((await rt.audit.tail(1))[0]).toMatchObject({ type: "redeem" });
  });
});

describe("redeem refuses, each failure with its own reason", () => {
  const refusedWith = async (candidate: string, expected: Parameters<Runtime["redeem"]>[1] = submitReport) => {
    const result = await rt.redeem(candidate, expected);
    expect(result.ok).toBe(false);
    return result.ok ? null : result.reason;
  };

  it("a tampered signature", async () => {
    const [header, payload, signature] = token.split(".");
    const flipped = signature!.slice(0, 10) + (signature![10] === "A" ? "B" : "A") + signature!.slice(11);
    expect(await refusedWith(`${header}.${payload}.${flipped}`)).toBe("bad_signature");
  });

  it("a tampered payload", async () => {
    const [header, , signature] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(token), action: "approve" })).toString("base64url");
    expect(await refusedWith(`${header}.${forged}.${signature}`, { action: "approve", resource: report })).toBe("bad_signature");
  });

  it("another key, unknown or posing under our key id", async () => {
    const other = createRuntime({ policy: expensesModule(), clock });
    const otherSession = await other.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    const foreign = (await otherSession.request({ ...submitReport, env: officeHours, entities })).grant!.token;
    expect(await refusedWith(foreign)).toBe("unknown_key");

    const ourKid = decodeProtectedHeader(token).kid!;
    const impostorKey = await generateSigner();
    const impostor = createRuntime({
      policy: expensesModule(),
      clock,
      signer: importSigner({ privateKey: impostorKey.privateKey, publicKey: impostorKey.publicKey, kid: ourKid }),
    });
    const impostorSession = await impostor.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    const forged = (await impostorSession.request({ ...submitReport, env: officeHours, entities })).grant!.token;
    expect(await refusedWith(forged)).toBe("bad_signature");
  });

  it("an expired token, after the clock-skew allowance", async () => {
    clock.advance("15m");
    clock.advance("4s");
    expect((await rt.redeem(token, submitReport)).ok).toBe(true);
    clock.advance("2s");
    expect(await refusedWith(token)).toBe("expired");
  });

  it("a token not yet valid", async () => {
    clock.set(clock.now() - 60_000);
    expect(await refusedWith(token)).toBe("not_yet_valid");
  });

  it("another audience", async () => {
    expect(await refusedWith(token, { ...submitReport, audience: "payments" })).toBe("wrong_audience");
  });

  it("another action or another resource", async () => {
    expect(await refusedWith(token, { action: "read", resource: report })).toBe("wrong_action");
    expect(await refusedWith(token, { action: "submit", resource: reportOf("r2", alice) })).toBe("wrong_resource");
  });

  it("a revoked grant, session or principal", async () => {
    const grant = decodeJwt(token).jti!;
    const second = (await session.request({ action: "submit", resource: reportOf("r2", alice), env: officeHours, entities })).grant!;
    await rt.revoke({ grant });
    expect(await refusedWith(token)).toBe("grant_revoked");
    const secondReport = { action: "submit", resource: reportOf("r2", alice) };
    expect((await rt.redeem(second.token, secondReport)).ok).toBe(true);

    await rt.revoke({ session: session.id });
    expect(await refusedWith(second.token, secondReport)).toBe("session_revoked");
    expect((await session.request({ ...secondReport, env: officeHours, entities })).decision.reasons[0]).toMatch(/^session ended: revoked/);

    const other = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    const third = (await other.request({ action: "submit", resource: reportOf("r3", alice), env: officeHours, entities })).grant!;
    const revoked = await rt.revoke({ principal: { type: "Assistant", id: "a1" } });
    expect(revoked.sessions).toEqual([other.id]);
    expect(await refusedWith(third.token, { action: "submit", resource: reportOf("r3", alice) })).toBe("principal_revoked");
    expect(await other.state()).toMatchObject({ status: "ended" });
    await expect(rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" })).rejects.toMatchObject({
      code: "principal_revoked",
    });
  });

  it("a malformed token, and one for a grant this runtime never issued", async () => {
    expect(await refusedWith("not.a.jwt")).toBe("malformed");
    expect(await refusedWith("")).toBe("malformed");
    const signer = await generateSigner();
    const shared = createRuntime({ policy: expensesModule(), clock, signer });
    const elsewhere = createRuntime({ policy: expensesModule(), clock, signer });
    const s = await elsewhere.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    const issuedElsewhere = (await s.request({ ...submitReport, env: officeHours, entities })).grant!.token;
    expect(await shared.redeem(issuedElsewhere, submitReport)).toMatchObject({ ok: false, reason: "unknown_grant" });
  });

  it("records every refusal in the audit log", async () => {
    await rt.redeem(token, { action: "read", resource: report });
    expect((await rt.audit.tail(1))[0]).toMatchObject({ type: "refusal", data: { reason: "wrong_action" } });
  });
});
