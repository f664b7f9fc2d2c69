/**
 * The key that signs grant tokens in test runs: HMAC-SHA-256 (`HS256`) with a random
 * secret made once per run. Tokens are still real JWTs, signed and verified by the same
 * runtime code (signature, type, issuer, audience, times, claims), so redeem behaves
 * exactly as with the default Ed25519 key, at a fraction of the cost per grant. Never
 * used outside tests: a shared secret would let any verifier mint tokens.
 */
import { createHmac, randomBytes, randomUUID, webcrypto } from "node:crypto";
import { importSigner, type Signer } from "../runtime/tokens.js";

/** A fresh HS256 signer for one test run. */
export async function testSigner(): Promise<Signer> {
  // A WebCrypto key, which jose uses as is (a KeyObject would be converted on every token).
  const bytes = randomBytes(32);
  const secret = await webcrypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, true, ["sign", "verify"]);
  const signer = await importSigner({ privateKey: secret, publicKey: secret, kid: `agp-test-${randomUUID()}`, alg: "HS256" });
  // Signing synchronously spares a WebCrypto job per grant; jose still verifies with `secret`.
  return { ...signer, signSync: (signingInput) => createHmac("sha256", bytes).update(signingInput).digest() };
}
