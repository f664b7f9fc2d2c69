/**
 * Grants issued per second by the runtime (`createRuntime` + `memoryStore`,
 * `session.request`, each grant a signed EdDSA token) against bare `jose` signing of the
 * same claims: how much of a grant's cost is the signature. Blocks of each alternate.
 */
import { decodeJwt, SignJWT } from "jose";
import { createRuntime, generateSigner, GRANT_TOKEN_TYPE, memoryStore, virtualClock } from "../runtime/index.js";
import type { PolicyModule } from "../stdlib/contract.js";

/** Grants and signatures per second. */
export interface GrantsResult {
  readonly runtimeGrantsPerSecond: number;
  readonly joseSignaturesPerSecond: number;
  /** Runtime time per grant over jose time per signature. */
  readonly ratio: number;
  readonly grants: number;
  readonly signatures: number;
}

const OWNER = { type: "User", id: "alice" };

/** Measures for `rounds` alternating blocks of `blockMs` each. */
export async function runGrants(module: PolicyModule, rounds: number, blockMs: number): Promise<GrantsResult> {
  const signer = await generateSigner({ kid: "bench" });
  const clock = virtualClock("2026-01-05T10:00:00Z");
  const runtime = createRuntime({ policy: module, store: memoryStore(), signer, clock });
  await runtime.ready();
  const session = await runtime.openSession({
    principal: { type: "Assistant", id: "alices-assistant", onBehalfOf: OWNER },
    intent: "file_expenses",
  });
  let next = 0;
  const grant = async (): Promise<string | null> => {
    // Five seconds apart, so the session stays under the policy's 20 requests a minute.
    clock.advance(5000);
    const outcome = await session.request({
      action: "read",
      resource: { type: "ExpenseReport", id: `report-${next++ % 500}`, owner: OWNER, amount: 120, label: "internal" },
      env: { hour: 10, country: "FR", device: { managed: true } },
      entities: [{ ...OWNER, department: "sales", approver: true }],
    });
    return outcome.grant?.token ?? null;
  };
  const token = await grant();
  if (token === null) throw new Error("the grants benchmark request was not granted");
  const claims = decodeJwt(token);
  const sign = (): Promise<string> =>
    new SignJWT({ ...claims }).setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: GRANT_TOKEN_TYPE }).sign(signer.privateKey);

  let grants = 0;
  let grantNs = 0;
  let signatures = 0;
  let signNs = 0;
  const block = async (run: () => Promise<unknown>): Promise<{ count: number; ns: number }> => {
    const started = process.hrtime.bigint();
    const deadline = started + BigInt(blockMs * 1e6);
    let count = 0;
    let now = started;
    while (now < deadline) {
      if ((await run()) === null) throw new Error("a grants benchmark request was denied");
      count++;
      now = process.hrtime.bigint();
    }
    return { count, ns: Number(now - started) };
  };
  await block(grant);
  await block(sign);
  for (let round = 0; round < rounds; round++) {
    const first = round % 2 === 0;
    for (const which of first ? ["runtime", "jose"] : ["jose", "runtime"]) {
      if (which === "runtime") {
        const { count, ns } = await block(grant);
        grants += count;
        grantNs += ns;
      } else {
        const { count, ns } = await block(sign);
        signatures += count;
        signNs += ns;
      }
    }
  }
  await runtime.close();
  const runtimeGrantsPerSecond = (grants / grantNs) * 1e9;
  const joseSignaturesPerSecond = (signatures / signNs) * 1e9;
  return { runtimeGrantsPerSecond, joseSignaturesPerSecond, ratio: joseSignaturesPerSecond / runtimeGrantsPerSecond, grants, signatures };
}
