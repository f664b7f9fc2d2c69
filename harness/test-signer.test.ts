import { describe, expect, it } from "vitest";
import { signGrantToken, verifyGrantToken, type GrantClaims } from "../runtime/tokens.js";
import { testSigner } from "./test-signer.js";

const claims: GrantClaims = {
  iss: "agp", aud: "svc", sub: "Agent:a", sid: "s1", action: "read",
  resource: { type: "Doc", id: "d1" }, pol: "h", iat: 1_000, nbf: 1_000, exp: 2_000, jti: "g1",
} as unknown as GrantClaims;

describe("testSigner", () => {
  it("signs synchronously a JWT that jose verifies with the signer's key", async () => {
    const signer = await testSigner();
    expect(signer.signSync).toBeDefined();
    const token = await signGrantToken(signer, claims);
    const verified = await verifyGrantToken(token, { keys: [signer], issuer: "agp", audience: "svc", now: 1_500_000, skewSeconds: 0 });
    expect(verified, JSON.stringify(verified)).toMatchObject({ ok: true, claims: { jti: "g1", action: "read" } });
  });

  it("makes tokens that another signer's key rejects", async () => {
    const token = await signGrantToken(await testSigner(), claims);
    const other = await testSigner();
    const verified = await verifyGrantToken(token, { keys: [{ ...other, kid: JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()).kid }], issuer: "agp", audience: "svc", now: 1_500_000, skewSeconds: 0 });
    expect(verified.ok).toBe(false);
  });
});
