/**
 * Random mutations of a valid grant token, as an attacker holding one token could make them:
 * signature bytes and text, header (algorithm `none`, HS256 keyed with the public key,
 * kid, typ, crit), claims (changed, removed, re-encoded with the original signature), a
 * signature by another EdDSA key, garbage, wrong segment counts and huge tokens. Each
 * arbitrary yields a {@link Mutation}: a name for the failure report and a function that
 * turns the valid token into the forged one.
 */
import { createPublicKey } from "node:crypto";
import fc from "fast-check";
import type { JWTPayload } from "jose";
import { SignJWT } from "jose";
import type { Signer } from "../../runtime/tokens.js";

/** A forged token recipe. */
export interface Mutation {
  readonly kind: string;
  /** Which family of mutation; decides which refusal reasons are acceptable. */
  readonly family: "signature" | "header" | "claims" | "key" | "garbage";
  apply(token: string): Promise<string>;
}

/** What the mutations need besides the token: keys the runtime does not trust. */
export interface MutationKeys {
  /** The runtime's own signer; only its public half is used (as an HMAC secret). */
  readonly trusted: Signer;
  /** Another EdDSA key pair. */
  readonly other: Signer;
}

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const encodeJson = (value: unknown, space?: number): string =>
  Buffer.from(JSON.stringify(value, null, space)).toString("base64url");
const decodeJson = (segment: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(segment, "base64url").toString("utf8")) as Record<string, unknown>;

function segmentsOf(token: string): [string, string, string] {
  const [header = "", payload = "", signature = ""] = token.split(".");
  return [header, payload, signature];
}

const mutation = (
  family: Mutation["family"],
  kind: string,
  apply: (token: string) => string | Promise<string>,
): Mutation => ({
  family,
  kind,
  apply: async (token) => apply(token),
});

/** JSON values a claim or header member may be replaced with. */
const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(4_102_444_800),
  fc.record({
    type: fc.string({ maxLength: 8 }),
    id: fc.string({ maxLength: 8 }),
  }),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
);

/** The same JSON members in a shuffled order. */
function reordered(record: Record<string, unknown>, order: readonly number[]): Record<string, unknown> {
  const entries = Object.entries(record);
  const keyed = entries.map((entry, i) => ({
    entry,
    rank: order[i % Math.max(1, order.length)] ?? i,
  }));
  keyed.sort((a, b) => a.rank - b.rank);
  return Object.fromEntries(keyed.map(({ entry }) => entry));
}

const signatureMutations: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(([at, bit]) =>
    mutation("signature", `flip bit ${bit} of signature byte ${at}`, (token) => {
      const [header, payload, signature] = segmentsOf(token);
      const bytes = Buffer.from(signature, "base64url");
      const index = at % bytes.length;
      bytes[index] = (bytes[index] ?? 0) ^ (1 << bit);
      return `${header}.${payload}.${bytes.toString("base64url")}`;
    }),
  ),
  fc.nat().map((keep) =>
    mutation("signature", `truncate the signature bytes to ${keep % 64}`, (token) => {
      const [header, payload, signature] = segmentsOf(token);
      return `${header}.${payload}.${Buffer.from(signature, "base64url")
        .subarray(0, keep % 64)
        .toString("base64url")}`;
    }),
  ),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((extra) =>
    mutation("signature", `extend the signature by ${extra.length} bytes`, (token) => {
      const [header, payload, signature] = segmentsOf(token);
      return `${header}.${payload}.${Buffer.concat([Buffer.from(signature, "base64url"), extra]).toString("base64url")}`;
    }),
  ),
  fc.tuple(fc.nat(), fc.constantFrom(...BASE64URL)).map(([at, char]) =>
    mutation("signature", `replace signature character ${at} with \`${char}\``, (token) => {
      const [header, payload, signature] = segmentsOf(token);
      const index = at % signature.length;
      return `${header}.${payload}.${signature.slice(0, index)}${char}${signature.slice(index + 1)}`;
    }),
  ),
  fc.constantFrom("=", "==", " ", "\n", "\t", "+", "/", ".", "%3D").chain((text) =>
    fc.nat().map((at) =>
      mutation("signature", `insert \`${JSON.stringify(text)}\` in the signature at ${at}`, (token) => {
        const [header, payload, signature] = segmentsOf(token);
        const index = at % (signature.length + 1);
        return `${header}.${payload}.${signature.slice(0, index)}${text}${signature.slice(index)}`;
      }),
    ),
  ),
  fc.constant(mutation("signature", "empty signature", (token) => `${segmentsOf(token).slice(0, 2).join(".")}.`)),
);

function headerMutations(keys: MutationKeys): fc.Arbitrary<Mutation> {
  const withHeader = (kind: string, change: (header: Record<string, unknown>) => Record<string, unknown>) =>
    mutation("header", kind, (token) => {
      const [header, payload, signature] = segmentsOf(token);
      return `${encodeJson(change(decodeJson(header)))}.${payload}.${signature}`;
    });
  const publicBytes = Buffer.from(String(keys.trusted.publicJwk.x), "base64url");
  const publicPem = Buffer.from(
    createPublicKey({
      key: { kty: "OKP", crv: "Ed25519", x: String(keys.trusted.publicJwk.x) },
      format: "jwk",
    })
      .export({ type: "spki", format: "pem" })
      .toString(),
  );
  const hmacSigned = (kind: string, secret: Uint8Array, alg: "HS256" | "HS384" | "HS512") =>
    mutation("header", kind, async (token) => {
      const [header, payload] = segmentsOf(token);
      return new SignJWT(decodeJson(payload) as JWTPayload)
        .setProtectedHeader({ ...decodeJson(header), alg })
        .sign(secret);
    });
  return fc.oneof(
    fc.constantFrom("none", "None", "NONE", "nOnE").chain((alg) =>
      fc.constantFrom("", "AAAA").map((signature) =>
        mutation("header", `alg \`${alg}\` with signature \`${signature}\``, (token) => {
          const [header, payload] = segmentsOf(token);
          return `${encodeJson({ ...decodeJson(header), alg })}.${payload}.${signature}`;
        }),
      ),
    ),
    fc
      .constantFrom<["HS256" | "HS384" | "HS512", string, Uint8Array]>(
        ["HS256", "raw public key", publicBytes],
        ["HS256", "public key PEM", publicPem],
        ["HS256", "public key x text", Buffer.from(String(keys.trusted.publicJwk.x))],
        ["HS512", "raw public key", publicBytes],
      )
      .map(([alg, secret, bytes]) => hmacSigned(`${alg} keyed with the ${secret}`, bytes, alg)),
    fc.oneof(fc.string({ maxLength: 40 }), jsonValue).map((kid) =>
      withHeader(`kid ${JSON.stringify(kid)}`, (header) => ({
        ...header,
        kid,
      })),
    ),
    fc.constantFrom("JWT", "jwt", "at+jwt", "agp-grant+JWT", "", null).map((typ) =>
      withHeader(`typ ${JSON.stringify(typ)}`, (header) => ({
        ...header,
        typ,
      })),
    ),
    fc.constant(withHeader("typ removed", ({ typ: _typ, ...header }) => header)),
    fc.constantFrom<unknown>(["exp"], ["b64"], ["agp"], [], "exp", [1]).map((crit) =>
      withHeader(`crit ${JSON.stringify(crit)}`, (header) => ({
        ...header,
        crit,
        ...(Array.isArray(crit) && crit[0] === "b64" ? { b64: false } : {}),
      })),
    ),
    fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), jsonValue).map(([name, value]) =>
      withHeader(`extra header member ${JSON.stringify(name)}`, (header) => ({
        ...header,
        [name]: value,
      })),
    ),
    fc.tuple(fc.array(fc.nat(9), { minLength: 3, maxLength: 3 }), fc.constantFrom(0, 1, 2)).map(([order, space]) =>
      mutation("header", `header re-encoded (order ${order.join("")}, indent ${space})`, (token) => {
        const [header, payload, signature] = segmentsOf(token);
        return `${encodeJson(reordered(decodeJson(header), order), space)}.${payload}.${signature}`;
      }),
    ),
  );
}

const CLAIMS = ["iss", "aud", "sub", "obo", "sid", "action", "resource", "pol", "iat", "nbf", "exp", "jti"] as const;

const claimsMutations: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.constantFrom(...CLAIMS), jsonValue).map(([claim, value]) =>
    mutation("claims", `claim \`${claim}\` set to ${JSON.stringify(value)}`, (token) => {
      const [header, payload, signature] = segmentsOf(token);
      return `${header}.${encodeJson({ ...decodeJson(payload), [claim]: value })}.${signature}`;
    }),
  ),
  fc.constantFrom(...CLAIMS).map((claim) =>
    mutation("claims", `claim \`${claim}\` removed`, (token) => {
      const [header, payload, signature] = segmentsOf(token);
      const { [claim]: _removed, ...rest } = decodeJson(payload);
      return `${header}.${encodeJson(rest)}.${signature}`;
    }),
  ),
  fc.tuple(fc.array(fc.nat(99), { minLength: 12, maxLength: 12 }), fc.constantFrom(0, 1, 2, 4)).map(([order, space]) =>
    mutation(
      "claims",
      `claims re-encoded with the same meaning (order ${order.join(",")}, indent ${space})`,
      (token) => {
        const [header, payload, signature] = segmentsOf(token);
        return `${header}.${encodeJson(reordered(decodeJson(payload), order), space)}.${signature}`;
      },
    ),
  ),
  fc.constant(
    mutation("claims", "claims with a byte-order mark", (token) => {
      const [header, payload, signature] = segmentsOf(token);
      return `${header}.${Buffer.from(`\uFEFF${Buffer.from(payload, "base64url").toString()}`).toString("base64url")}.${signature}`;
    }),
  ),
  fc.constant(
    mutation("claims", "claims with a duplicated `action` member", (token) => {
      const [header, payload, signature] = segmentsOf(token);
      const text = Buffer.from(payload, "base64url").toString();
      return `${header}.${Buffer.from(`${text.slice(0, -1)},"action":"approve"}`).toString("base64url")}.${signature}`;
    }),
  ),
);

function keyMutations(keys: MutationKeys): fc.Arbitrary<Mutation> {
  const signedByOther = (
    kind: string,
    kid: (ours: unknown) => unknown,
    change: (claims: Record<string, unknown>) => Record<string, unknown>,
  ) =>
    mutation("key", kind, async (token) => {
      const [header, payload] = segmentsOf(token);
      const ours = decodeJson(header);
      return new SignJWT(change(decodeJson(payload)) as JWTPayload)
        .setProtectedHeader({
          ...ours,
          alg: "EdDSA",
          kid: kid(ours["kid"]) as string,
        })
        .sign(keys.other.privateKey);
    });
  return fc.oneof(
    fc.constant(
      signedByOther(
        "same claims signed by another key under our kid",
        (ours) => ours,
        (claims) => claims,
      ),
    ),
    fc.constant(
      signedByOther(
        "same claims signed by another key under its own kid",
        () => keys.other.kid,
        (claims) => claims,
      ),
    ),
    fc.constant(
      signedByOther(
        "same claims signed by another key without kid",
        () => undefined,
        (claims) => claims,
      ),
    ),
    fc.tuple(fc.constantFrom(...CLAIMS), jsonValue).map(([claim, value]) =>
      signedByOther(
        `claim \`${claim}\` changed, signed by another key under our kid`,
        (ours) => ours,
        (claims) => ({ ...claims, [claim]: value }),
      ),
    ),
  );
}

const garbageMutations: fc.Arbitrary<Mutation> = fc.oneof(
  fc
    .string({ maxLength: 200 })
    .map((text) => mutation("garbage", `string ${JSON.stringify(text.slice(0, 20))}`, () => text)),
  fc
    .array(fc.string({ unit: fc.constantFrom(...BASE64URL), maxLength: 60 }), {
      minLength: 1,
      maxLength: 6,
    })
    .map((segments) => mutation("garbage", `${segments.length} base64url segments`, () => segments.join("."))),
  fc
    .nat(4)
    .map((keep) =>
      mutation("garbage", `the token cut to ${keep} segments`, (token) => token.split(".").slice(0, keep).join(".")),
    ),
  fc
    .integer({ min: 1, max: 3 })
    .map((extra) =>
      mutation("garbage", `the token with ${extra} extra segments`, (token) =>
        [token, ...Array.from({ length: extra }, () => segmentsOf(token)[1])].join("."),
      ),
    ),
  fc.constantFrom(64 * 1024, 1024 * 1024, 4 * 1024 * 1024).map((size) =>
    mutation("garbage", `a ${size}-byte padded claim`, (token) => {
      const [header, payload, signature] = segmentsOf(token);
      return `${header}.${encodeJson({ ...decodeJson(payload), pad: "x".repeat(size) })}.${signature}`;
    }),
  ),
  fc
    .constantFrom(64 * 1024, 2 * 1024 * 1024)
    .map((size) =>
      mutation(
        "garbage",
        `a ${size}-character signature`,
        (token) => `${segmentsOf(token).slice(0, 2).join(".")}.${"A".repeat(size)}`,
      ),
    ),
  fc.constant(
    mutation("garbage", "a token cut in the middle", (token) => token.slice(0, Math.floor(token.length / 2))),
  ),
  fc.constant(mutation("garbage", "the token with surrounding whitespace", (token) => ` ${token}\n`)),
);

/** Every mutation family, weighted so that each gets a fair share of runs. */
export function tokenMutation(keys: MutationKeys): fc.Arbitrary<Mutation> {
  return fc.oneof(signatureMutations, headerMutations(keys), claimsMutations, keyMutations(keys), garbageMutations);
}
