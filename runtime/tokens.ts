/**
 * Grant tokens: JWTs signed with `jose` (EdDSA over Ed25519 by default) that name exactly
 * one action on one resource, so any service can verify them offline with the public keys
 * of `rt.jwks()`. Verification maps every failure to its own {@link RedeemFailureReason}.
 */
// jose's entry point loads all of jose (JWE, remote JWKS...: 46 modules); these five are what
// grant tokens use, and the subpaths are part of jose's public exports.
import { CompactSign } from "jose/jws/compact/sign";
import * as errors from "jose/errors";
import { exportJWK } from "jose/key/export";
import { generateKeyPair } from "jose/key/generate/keypair";
import { jwtVerify } from "jose/jwt/verify";
import type { JWK, JWTPayload } from "jose";
import type { EntityRef } from "../stdlib/contract.js";
import type { RedeemFailureReason } from "./errors.js";
import { messageOf } from "./errors.js";

/** The `typ` header of grant tokens, so they are not mistaken for other JWTs. */
export const GRANT_TOKEN_TYPE = "agp-grant+jwt";

/** A key as `jose` takes it: a WebCrypto `CryptoKey` or a Node `KeyObject`. */
export type TokenKey = Parameters<typeof exportJWK>[0];

/** A key pair that signs grant tokens. */
export interface Signer {
  /** The key id, written in each token's header and in the JWKS. */
  readonly kid: string;
  /** The JWS algorithm, `EdDSA` by default. */
  readonly alg: string;
  readonly privateKey: TokenKey;
  readonly publicKey: TokenKey;
  /** The public key as a JWK (with `kid`, `alg`, `use: "sig"`), for `rt.jwks()`. */
  readonly publicJwk: JWK;
  /**
   * Optional: signs a JWS signing input (`header.payload`) synchronously with `privateKey`
   * under `alg`, sparing an asynchronous WebCrypto job per token (test signers use it).
   */
  readonly signSync?: (signingInput: string) => Uint8Array;
}

/** Generates a fresh Ed25519 signer; the runtime's default when none is given. */
export async function generateSigner(options: { readonly kid?: string } = {}): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  return importSigner({ privateKey, publicKey, kid: options.kid ?? `agp-${crypto.randomUUID()}`, alg: "EdDSA" });
}

/** A signer from an existing key pair (e.g. loaded from a secret store). */
export async function importSigner(options: {
  readonly privateKey: TokenKey;
  readonly publicKey: TokenKey;
  readonly kid: string;
  readonly alg?: string;
}): Promise<Signer> {
  const alg = options.alg ?? "EdDSA";
  const publicJwk: JWK = { ...(await exportJWK(options.publicKey)), kid: options.kid, alg, use: "sig" };
  return { kid: options.kid, alg, privateKey: options.privateKey, publicKey: options.publicKey, publicJwk };
}

/** The claims of a grant token. */
export interface GrantClaims {
  readonly iss: string;
  readonly aud: string;
  /** The principal (agent), as `Type:id`. */
  readonly sub: string;
  /** On behalf of: the human the agent acts for, as `Type:id`, when the principal names one. */
  readonly obo?: string;
  /** The session id. */
  readonly sid: string;
  /** The one action the grant allows. */
  readonly action: string;
  /** The one resource it allows it on. */
  readonly resource: EntityRef;
  /** The `sourceHash` of the policy that decided. */
  readonly pol: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  /** The grant id. */
  readonly jti: string;
}

const utf8 = new TextEncoder();

/**
 * Signs a grant token. jose's `CompactSign` over the JSON of the claims, not `SignJWT`: the
 * claims are complete and typed already, so SignJWT's claims builder (a copy and checks of
 * every time claim) would only repeat work; the token is the same, byte for byte.
 */
export async function signGrantToken(signer: Signer, claims: GrantClaims): Promise<string> {
  const payload = JSON.stringify(claims);
  if (signer.signSync) {
    const signingInput = `${encodedHeaderOf(signer)}.${Buffer.from(payload).toString("base64url")}`;
    return `${signingInput}.${Buffer.from(signer.signSync(signingInput)).toString("base64url")}`;
  }
  return new CompactSign(utf8.encode(payload))
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: GRANT_TOKEN_TYPE })
    .sign(signer.privateKey);
}

/** The base64url protected header of a signer's tokens, made once per signer: it is the same for every token. */
const encodedHeaders = new WeakMap<Signer, string>();

function encodedHeaderOf(signer: Signer): string {
  let header = encodedHeaders.get(signer);
  if (header === undefined) {
    header = Buffer.from(JSON.stringify({ alg: signer.alg, kid: signer.kid, typ: GRANT_TOKEN_TYPE })).toString("base64url");
    encodedHeaders.set(signer, header);
  }
  return header;
}

/** The outcome of {@link verifyGrantToken}. */
export type TokenVerification =
  | { readonly ok: true; readonly claims: GrantClaims }
  | { readonly ok: false; readonly reason: RedeemFailureReason; readonly message: string };

/** What a token is checked against. */
export interface TokenExpectations {
  readonly keys: readonly Signer[];
  readonly audience: string;
  readonly issuer: string;
  readonly skewSeconds: number;
  readonly now: number;
}

class UnknownKeyError extends Error {}

/** The longest token `verifyGrantToken` reads: grant tokens are well under 2 KiB, so a longer one is refused unparsed. */
export const MAX_TOKEN_LENGTH = 8192;

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Why `token` is not one canonical compact JWS, or null. jose decodes base64url leniently
 * (whitespace, `=` padding and set trailing bits are accepted), so without this check one
 * grant would have many token strings that all verify.
 */
function nonCanonical(token: unknown): string | null {
  if (typeof token !== "string") return "the token is not a string";
  if (token.length > MAX_TOKEN_LENGTH) return `the token is longer than ${MAX_TOKEN_LENGTH} characters`;
  if (!COMPACT_JWS.test(token)) return "the token is not three base64url segments separated by `.`";
  // INVARIANT: header and payload are signed as text, so only the signature segment can vary
  // without breaking the signature; it must be the one canonical encoding of its bytes.
  const signature = token.slice(token.lastIndexOf(".") + 1);
  if (Buffer.from(signature, "base64url").toString("base64url") !== signature) return "the token's signature is not canonical base64url";
  return null;
}

/** Verifies the token's form, signature, type, issuer, audience and validity times, and the claims' shape. */
export async function verifyGrantToken(token: string, expected: TokenExpectations): Promise<TokenVerification> {
  const formProblem = nonCanonical(token);
  if (formProblem !== null) return { ok: false, reason: "malformed", message: formProblem };
  let payload: JWTPayload;
  try {
    const verified = await jwtVerify(
      token,
      (header) => {
        const signer = expected.keys.find((key) => key.kid === header.kid);
        if (!signer) throw new UnknownKeyError(`no key with id \`${header.kid ?? ""}\``);
        return signer.publicKey;
      },
      {
        algorithms: [...new Set(expected.keys.map((key) => key.alg))],
        audience: expected.audience,
        issuer: expected.issuer,
        typ: GRANT_TOKEN_TYPE,
        clockTolerance: expected.skewSeconds,
        currentDate: new Date(expected.now),
        requiredClaims: ["exp", "nbf", "iat", "jti", "sub"],
      },
    );
    payload = verified.payload;
  } catch (error) {
    return { ok: false, reason: failureReason(error), message: messageOf(error) };
  }
  const claims = grantClaimsOf(payload);
  if (!claims) return { ok: false, reason: "malformed", message: "the token does not carry grant claims" };
  return { ok: true, claims };
}

function failureReason(error: unknown): RedeemFailureReason {
  if (error instanceof UnknownKeyError) return "unknown_key";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "bad_signature";
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "nbf") return "not_yet_valid";
    if (error.claim === "aud") return "wrong_audience";
    if (error.claim === "iss") return "wrong_issuer";
    return "malformed";
  }
  return "malformed";
}

function grantClaimsOf(payload: JWTPayload): GrantClaims | null {
  const { iss, aud, sub, obo, sid, action, resource, pol, iat, nbf, exp, jti } = payload as Record<string, unknown>;
  const strings = [iss, aud, sub, sid, action, pol, jti].every((value) => typeof value === "string");
  const numbers = [iat, nbf, exp].every((value) => typeof value === "number");
  if (!strings || !numbers || (obo !== undefined && typeof obo !== "string")) return null;
  if (typeof resource !== "object" || resource === null) return null;
  const { type, id } = resource as Record<string, unknown>;
  if (typeof type !== "string" || typeof id !== "string") return null;
  return payload as unknown as GrantClaims;
}
