import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { EntityRecord, PolicyRequest } from "./contract.js";
import {
  buildEntityIndex,
  describeIssues,
  formatPath,
  toPolicyRequest,
  validate,
  zDuration,
  zEntity,
  zEntityRecord,
  zEntityRef,
  zTime,
  type EntitySchemas,
  type JsonSchema,
} from "./schemas.js";

function issuesOf(schema: z.ZodType, value: unknown): { path: string; message: string }[] {
  const result = schema.safeParse(value);
  if (result.success) throw new Error("expected the parse to fail");
  return result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

describe("zTime", () => {
  const schema = z.object({ env: z.object({ now: zTime() }) });

  it("turns an ISO time into epoch ms", () => {
    expect(schema.parse({ env: { now: "2026-01-05T11:00:00+01:00" } })).toEqual({
      env: { now: Date.UTC(2026, 0, 5, 10) },
    });
  });

  it("names the field and says what is wrong", () => {
    expect(issuesOf(schema, { env: { now: "2026-01-05T10:00:00" } })).toEqual([
      {
        path: "env.now",
        message: "invalid time `2026-01-05T10:00:00`: add a time zone offset such as `Z` or `+01:00`",
      },
    ]);
    expect(issuesOf(schema, { env: { now: 1767607200000 } })).toEqual([
      { path: "env.now", message: "expected a time as an ISO-8601 string, like `2026-01-05T10:00:00Z`" },
    ]);
  });
});

describe("zDuration", () => {
  const schema = z.object({ limits: z.array(zDuration()) });

  it("takes strings like `15m` and numbers of seconds", () => {
    expect(schema.parse({ limits: ["15m", 90] })).toEqual({ limits: [900_000, 90_000] });
  });

  it("names the element that is wrong", () => {
    expect(issuesOf(schema, { limits: ["15m", "15 minutes", -3] })).toEqual([
      {
        path: "limits[1]",
        message: "expected a duration like `15m` or a number of seconds, got the string `15 minutes`",
      },
      { path: "limits[2]", message: "expected a duration like `15m` or a number of seconds, got `-3`" },
    ]);
  });
});

// The schemas a generated module would emit for:
//   entity User { manager: User?, department: string }
//   agent Assistant { onBehalfOf: User }
//   resource Report { owner: User, amount: number }
//   resource Tag { }
//   resource Note { text: string? }
const schemas: EntitySchemas = (type) => entitySchemas[type];
const entitySchemas: Record<string, JsonSchema<EntityRecord>> = {
  User: zEntityRecord("User", { manager: zEntityRef("User", schemas).optional(), department: z.string() }),
  Assistant: zEntityRecord("Assistant", { onBehalfOf: zEntityRef("User", schemas) }),
  Report: zEntityRecord("Report", { owner: zEntityRef("User", schemas), amount: z.number() }),
  Tag: zEntityRecord("Tag", {}),
  Note: zEntityRecord("Note", { text: z.string().optional() }),
};
const requestSchema: JsonSchema<PolicyRequest> = z
  .object({
    principal: zEntityRef("Assistant", schemas),
    action: z.string(),
    resource: zEntityRef(["Report", "Tag", "Note"], schemas),
    intent: z.string(),
    session: z.string(),
    at: zTime(),
    env: z.object({ approvers: z.array(zEntityRef("User", schemas)).optional() }),
    entities: z.array(zEntity(["User", "Assistant", "Report", "Tag", "Note"], schemas)).optional(),
  })
  .transform((request, ctx) => toPolicyRequest(request, ctx, { bareRecordTypes: ["Tag", "Note"] }));

const baseRequest = {
  principal: { type: "Assistant", id: "a1", onBehalfOf: { type: "User", id: "alice" } },
  action: "submit",
  resource: { type: "Report", id: "r1", owner: { type: "User", id: "carol" }, amount: 420 },
  intent: "file_expenses",
  session: "s1",
  at: "2026-01-05T10:00:00Z",
  env: {},
  entities: [{ type: "User", id: "alice", department: "sales" }],
};

describe("entity references and records", () => {
  it("indexes entities from `entities`, the principal, the resource and inline records inside them", () => {
    const request = requestSchema.parse({
      ...baseRequest,
      resource: {
        ...baseRequest.resource,
        owner: { type: "User", id: "carol", department: "sales", manager: { type: "User", id: "alice" } },
      },
    });
    expect(request.at).toBe(Date.UTC(2026, 0, 5, 10));
    expect(request.principal).toMatchObject({ type: "Assistant", id: "a1" });
    expect(request.entities.get("Assistant", "a1")).toBe(request.principal);
    expect(request.entities.get("Report", "r1")).toBe(request.resource);
    expect(request.entities.get("User", "alice")).toMatchObject({ department: "sales" });
    expect(request.entities.get("User", "carol")).toMatchObject({ manager: { type: "User", id: "alice" } });
  });

  it("resolves a principal or resource given by reference from `entities`", () => {
    const request = requestSchema.parse({
      ...baseRequest,
      principal: { type: "Assistant", id: "a1" },
      entities: [...baseRequest.entities, { type: "Assistant", id: "a1", onBehalfOf: { type: "User", id: "alice" } }],
    });
    expect(request.principal).toEqual({ type: "Assistant", id: "a1", onBehalfOf: { type: "User", id: "alice" } });
  });

  it("takes a bare reference to an attributeless type as its whole record", () => {
    const request = requestSchema.parse({ ...baseRequest, resource: { type: "Tag", id: "t1" } });
    expect(request.resource).toEqual({ type: "Tag", id: "t1" });
  });

  it("takes a bare reference to a type whose attributes are all optional as a record with none set", () => {
    const request = requestSchema.parse({ ...baseRequest, resource: { type: "Note", id: "n1" } });
    expect(request.resource).toEqual({ type: "Note", id: "n1" });
    expect(request.entities.get("Note", "n1")).toBe(request.resource);
  });

  it("reads `attributelessTypes`, which modules compiled by earlier versions pass, when `bareRecordTypes` is absent", () => {
    const earlier = z
      .object({ resource: zEntityRef(["Tag"], schemas), entities: z.array(zEntity(["Tag"], schemas)).optional() })
      .transform((request, ctx) => buildEntityIndex(request, ctx, { attributelessTypes: ["Tag"] }));
    expect(earlier.parse({ resource: { type: "Tag", id: "t1" } })?.get("Tag", "t1")).toEqual({ type: "Tag", id: "t1" });
  });

  it("prefers a fuller definition of such an entity anywhere in the request to its bare reference", () => {
    const note = { type: "Note", id: "n1", text: "hello" };
    const request = requestSchema.parse({ ...baseRequest, resource: { type: "Note", id: "n1" }, entities: [...baseRequest.entities, note] });
    expect(request.resource).toEqual(note);
  });

  it("refuses a principal or resource that nothing defines", () => {
    expect(issuesOf(requestSchema, { ...baseRequest, principal: { type: "Assistant", id: "ghost" } })).toEqual([
      {
        path: "principal",
        message: 'missing entity `Assistant::"ghost"`: give its attributes inline or in `entities`',
      },
    ]);
  });

  it("refuses an entity of the wrong type, naming the field", () => {
    expect(
      issuesOf(requestSchema, {
        ...baseRequest,
        resource: { ...baseRequest.resource, owner: { type: "Group", id: "g" } },
      }),
    ).toEqual([{ path: "resource.owner.type", message: "expected an entity of type `User`, got `Group`" }]);
    expect(issuesOf(requestSchema, { ...baseRequest, resource: { type: "Assistant", id: "x" } })).toEqual([
      { path: "resource.type", message: "expected an entity of type `Report` or `Tag` or `Note`, got `Assistant`" },
    ]);
    expect(issuesOf(requestSchema, { ...baseRequest, principal: "a1" })).toEqual([
      { path: "principal", message: "expected an entity of type `Assistant`, got the string `a1`" },
    ]);
    expect(issuesOf(requestSchema, { ...baseRequest, principal: { type: "Assistant", id: 7 } })).toEqual([
      { path: "principal.id", message: "expected the entity's id as a string, got `7`" },
    ]);
  });

  it("names the field of an inline record that is wrong, at any depth", () => {
    const issues = issuesOf(requestSchema, {
      ...baseRequest,
      resource: {
        ...baseRequest.resource,
        owner: { type: "User", id: "carol", department: 3, manager: { type: "User", id: "alice", departement: "x" } },
      },
    });
    expect(issues.map((issue) => issue.path)).toEqual([
      "resource.owner.manager.department",
      "resource.owner.manager",
      "resource.owner.department",
    ]);
    expect(issues[1]?.message).toMatch(/departement/);
  });

  it("requires the attributes of every element of `entities`", () => {
    const issues = issuesOf(requestSchema, { ...baseRequest, entities: [{ type: "User", id: "alice" }] });
    expect(issues).toEqual([{ path: "entities[0].department", message: "missing, expected a string" }]);
  });

  it("refuses two different definitions of one entity, pointing at both", () => {
    expect(
      issuesOf(requestSchema, {
        ...baseRequest,
        resource: { ...baseRequest.resource, owner: { type: "User", id: "alice", department: "legal" } },
      }),
    ).toEqual([
      {
        path: "resource.owner",
        message: 'conflicting definitions of entity `User::"alice"`: it is also defined at `entities[0]`',
      },
    ]);
  });

  it("accepts the same definition given twice", () => {
    const request = requestSchema.parse({
      ...baseRequest,
      resource: { ...baseRequest.resource, owner: { type: "User", id: "alice", department: "sales" } },
    });
    expect(request.entities.get("User", "alice")).toMatchObject({ department: "sales" });
  });

  it("indexes entities given inline in env", () => {
    const request = requestSchema.parse({
      ...baseRequest,
      env: { approvers: [{ type: "User", id: "dave", department: "finance" }] },
    });
    expect(request.entities.get("User", "dave")).toMatchObject({ department: "finance" });
  });
});

describe("buildEntityIndex", () => {
  it("refuses input nested deeper than any real request", () => {
    let nested: unknown = { type: "User", id: "deep", department: "x" };
    for (let level = 0; level < 100; level++) nested = { inner: nested };
    const schema = z.unknown().transform((value, ctx) => buildEntityIndex({ env: value }, ctx));
    expect(issuesOf(schema, nested)[0]?.message).toBe("the request nests deeper than 64 levels");
  });
});

describe("describeIssues", () => {
  it("gives one line per issue, naming its field", () => {
    const result = requestSchema.safeParse({ ...baseRequest, at: "yesterday", session: 3 });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(describeIssues(result.error)).toEqual([
      "`session`: Invalid input: expected string, received number",
      "`at`: invalid time `yesterday`: expected an ISO-8601 time with an offset, like `2026-01-05T10:00:00Z`",
    ]);
  });

  it("calls the root `request`", () => {
    expect(formatPath([])).toBe("request");
    expect(formatPath(["entities", 0, "type"])).toBe("entities[0].type");
  });
});

describe("validate", () => {
  const schema = z.strictObject({ name: z.string(), mode: z.enum(["a", "b"]), nested: z.object({ on: z.boolean() }) });

  it("names every field with agp's messages, under the given root", () => {
    const result = validate(schema, { mode: "c", nested: { on: 1 }, extra: true }, "history[2]");
    expect(result).toEqual({
      ok: false,
      issues: [
        "history[2].name: missing, expected a string",
        "history[2].mode: expected one of `a`, `b`, got the string `c`",
        "history[2].nested.on: expected a bool (`true` or `false`), got `1`",
        "history[2]: unknown field `extra`",
      ],
    });
  });

  it("returns the parsed value when the input fits", () => {
    expect(validate(schema, { name: "x", mode: "a", nested: { on: true } })).toEqual({
      ok: true,
      value: { name: "x", mode: "a", nested: { on: true } },
    });
  });
});
