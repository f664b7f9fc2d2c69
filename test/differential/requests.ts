/**
 * fast-check arbitraries for JSON requests and histories fitting the schema of
 * generators.ts: a small world of users shared by a request and its history (so entity
 * definitions agree), principals of both agent types, every resource type, optional fields
 * present or absent, and sometimes a missing entity, an undeclared action or a bad IP.
 */
import fc from "fast-check";
import { actionsOn, allActions, intents, labels, type ResourceType } from "./generators.js";

const pick = <T>(values: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...values);

const BASE_MS = Date.parse("2026-01-05T10:00:00Z");
const userIds = ["alice", "bob", "carol", "dave"];
const iso = (ms: number): string => new Date(ms).toISOString();

/** A world of users that a request and its history share (so entity definitions agree). */
const usersArbitrary = fc.tuple(
  ...userIds.map((id) =>
    fc
      .record({
        manager: fc.option(pick(userIds), { nil: undefined }),
        dept: pick(["sales", "eng", "Sales"]),
        level: fc.integer({ min: 0, max: 5 }),
        tags: fc.subarray(["a", "finance", "eng"]),
        email: fc.option(pick(["x@acme.example", "é@x", ""]), {
          nil: undefined,
        }),
      })
      .map((fields) => {
        const { manager, email, ...rest } = fields;
        return {
          type: "User",
          id,
          ...rest,
          ...(manager ? { manager: { type: "User", id: manager } } : {}),
          ...(email !== undefined ? { email } : {}),
        };
      }),
  ),
);

type Json = Record<string, unknown>;
const ref = (type: string, id: string): Json => ({ type, id });

function requestArbitrary(users: readonly Json[], at: fc.Arbitrary<number>): fc.Arbitrary<Json> {
  const userRef = pick(userIds).map((id) => ref("User", id));
  const principal = fc.oneof(
    fc
      .record({
        id: pick(["a1", "a2"]),
        onBehalfOf: userRef,
        model: pick(["gpt", "gpt-preview", "Claude"]),
        trust: fc.integer({ min: 0, max: 3 }),
      })
      .map((p) => ({ type: "Bot", ...p })),
    fc
      .record({
        id: pick(["a1", "h1"]),
        onBehalfOf: userRef,
        model: pick(["human"]),
        trust: fc.integer({ min: 0, max: 3 }),
        badge: fc.option(pick(["b", "z"]), { nil: undefined }),
      })
      .map(({ badge, ...p }) => ({
        type: "Human",
        ...p,
        ...(badge ? { badge } : {}),
      })),
  );
  const doc = fc
    .record({
      id: pick(["d1", "d2"]),
      owner: userRef,
      label: pick(labels),
      amount: pick([0, 3, 100, 5000]),
      tags: fc.subarray(["a", "finance", "sales"]),
      created: fc.integer({ min: -60 * 24 * 40, max: 60 }).map((m) => iso(BASE_MS + m * 60_000)),
      reviewer: fc.option(userRef, { nil: undefined }),
    })
    .map(({ reviewer, ...d }) => ({
      type: "Doc",
      ...d,
      ...(reviewer ? { reviewer } : {}),
    }));
  const folder = fc
    .record({
      id: pick(["f1", "d1"]),
      owner: userRef,
      level: fc.option(pick(labels), { nil: undefined }),
      size: pick([0, 7]),
    })
    .map(({ level, ...f }) => ({
      type: "Folder",
      ...f,
      ...(level ? { level } : {}),
    }));
  const repo = fc
    .record({ id: pick(["r1"]), owner: userRef, name: pick(["agp", "x"]) })
    .map((r) => ({ type: "Repo", ...r }));
  const resource = fc.oneof(doc, folder, repo);
  const env = fc
    .record({
      hour: fc.integer({ min: 0, max: 23 }),
      country: pick(["FR", "sales", "IR"]),
      ip: pick(["10.1.2.3", "192.168.0.1", "not-an-ip", "::ffff:10.0.0.1"]),
      managed: fc.boolean(),
      badge: fc.option(pick(["b", "z", "sales"]), { nil: undefined }),
      ci: fc.option(
        fc.record({
          pipeline: fc.option(pick(["release", "x1"]), { nil: undefined }),
          run: fc.integer({ min: 0, max: 5 }),
        }),
        { nil: undefined },
      ),
      ttl: pick<unknown>(["15m", 60, "2h"]),
      since: fc.integer({ min: -600, max: 60 }).map((m) => iso(BASE_MS + m * 60_000)),
    })
    .map(({ badge, ci, ...rest }) => ({
      ...rest,
      ...(badge ? { badge } : {}),
      ...(ci ? { ci: ci.pipeline === undefined ? { run: ci.run } : ci } : {}),
    }));
  // Usually every user is known; sometimes one is missing, to exercise missing-entity errors.
  const entities = fc.oneof(
    { arbitrary: fc.constant(users), weight: 8 },
    { arbitrary: fc.subarray([...users]), weight: 1 },
  );
  return fc
    .tuple(principal, resource, fc.boolean(), pick(allActions), pick(intents), pick(["s1", "s2"]), at, env, entities)
    .map(([p, r, ownAction, anyAction, intent, session, time, e, known]) => ({
      principal: p,
      // Mostly an action declared on the resource's type; sometimes any action.
      action: ownAction
        ? (actionsOn[r.type as ResourceType][anyAction.length % actionsOn[r.type as ResourceType].length] ?? "read")
        : anyAction,
      resource: r,
      intent,
      session,
      at: iso(time),
      env: e,
      entities: known,
    }));
}

/** A JSON request and its history of earlier granted JSON requests, sharing one world. */
export const requestWithHistoryArbitrary: fc.Arbitrary<{
  request: Json;
  history: Json[];
}> = usersArbitrary.chain((users) =>
  fc.record({
    request: requestArbitrary(
      users,
      fc.integer({ min: 0, max: 120 }).map((m) => BASE_MS + m * 60_000),
    ),
    history: fc.array(
      requestArbitrary(
        users,
        fc.integer({ min: -180, max: 130 }).map((m) => BASE_MS + m * 60_000),
      ),
      { maxLength: 8 },
    ),
  }),
);
