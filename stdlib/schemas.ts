/**
 * Building blocks of the zod schemas generated modules emit for requests: times, durations,
 * entity references and records, and the final step that indexes a request's entities.
 * Every refusal is a zod issue whose path names the field, so `agp eval` and the runtime
 * can say which part of a request is wrong.
 */
import { z } from "zod";
import type { EntityRecord, EntityRef, PolicyRequest } from "./contract.js";
import { EntityIndex, formatEntity } from "./entities.js";
import { quoteUserText } from "./errors.js";
import { ISO_TIME_EXAMPLE, parseIsoTime } from "./time.js";
import { durationFromJson, isEntityRef, recordsEqual } from "./values.js";

/** A zod schema from JSON input to `T`. */
export type JsonSchema<T> = z.ZodType<T, unknown>;

/** A time in JSON: an ISO-8601 string with an offset, turned into epoch milliseconds. */
export function zTime(): JsonSchema<number> {
  return z.unknown().transform((value, ctx) => {
    if (typeof value !== "string") {
      ctx.addIssue({
        code: "custom",
        message: `expected a time as an ISO-8601 string, like \`${ISO_TIME_EXAMPLE}\``,
      });
      return z.NEVER;
    }
    const parsed = parseIsoTime(value);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.message });
      return z.NEVER;
    }
    return parsed.ms;
  });
}

/** A duration in JSON: a string like `"15m"` or a number of seconds, turned into milliseconds. */
export function zDuration(): JsonSchema<number> {
  return z.unknown().transform((value, ctx) => {
    const ms = durationFromJson(value);
    if (ms === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `expected a duration like \`15m\` or a number of seconds, got ${describeJson(value)}`,
      });
      return z.NEVER;
    }
    return ms;
  });
}

/**
 * The schema of one entity type's records: `type` (exactly `type`), `id` and the
 * attributes of `shape`, nothing else (an unknown field is refused, naming it).
 */
export function zEntityRecord<Shape extends z.ZodRawShape>(type: string, shape: Shape) {
  return z.strictObject({ type: z.literal(type), id: z.string(), ...shape });
}

/** Finds the record schema of an entity type; lazy, so record schemas may refer to each other. */
export type EntitySchemas = (type: string) => JsonSchema<EntityRecord> | undefined;

/**
 * A record schema with fields named like members every object inherits (`toString`,
 * `constructor`, ...; see {@link isInheritedName}): it validates a copy of the input holding
 * only the input's own fields, so that an absent optional `toString` is absent, not
 * `Object.prototype.toString` refused as a string. Generated modules wrap only such records.
 */
export function zOwnFields<T>(schema: z.core.$ZodType<T>): JsonSchema<T> {
  return z.preprocess(ownFieldsOnly, schema as unknown as JsonSchema<T>);
}

function ownFieldsOnly(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  // A null prototype: nothing is inherited, and a key `__proto__` stays a key (then refused as unknown).
  return Object.assign(Object.create(null) as Record<string, unknown>, value);
}

/**
 * A field holding an entity of `types` (one, or several for a union): either a reference
 * `{ "type", "id" }`, whose attributes come from elsewhere in the request, or the record
 * inline with its attributes, validated by `schemas(type)`. Refuses another type, naming
 * the expected ones.
 */
export function zEntityRef(types: string | readonly string[], schemas?: EntitySchemas): JsonSchema<EntityRecord> {
  return zEntityField(typeof types === "string" ? [types] : types, schemas, false);
}

/**
 * A position that must hold an entity's record with its attributes (an element of
 * `entities`): like {@link zEntityRef}, but a bare reference is validated by the record
 * schema too, so missing attributes are named.
 */
export function zEntity(types: string | readonly string[], schemas: EntitySchemas): JsonSchema<EntityRecord> {
  return zEntityField(typeof types === "string" ? [types] : types, schemas, true);
}

function zEntityField(types: readonly string[], schemas: EntitySchemas | undefined, recordRequired: boolean) {
  // Built on the first refusal only: this runs for every entity of every request.
  const expected = (): string => types.map(quoteUserText).join(" or ");
  return z.unknown().transform((value, ctx): EntityRecord => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      ctx.addIssue({
        code: "custom",
        message: `expected an entity of type ${expected()}, got ${describeJson(value)}`,
      });
      return z.NEVER;
    }
    const fields = value as Readonly<Record<string, unknown>>;
    const type = fields.type;
    if (typeof type !== "string" || !types.includes(type)) {
      const got = typeof type === "string" ? quoteUserText(type) : describeJson(type);
      ctx.addIssue({
        code: "custom",
        path: ["type"],
        message: `expected an entity of type ${expected()}, got ${got}`,
      });
      return z.NEVER;
    }
    if (typeof fields.id !== "string") {
      ctx.addIssue({
        code: "custom",
        path: ["id"],
        message: `expected the entity's id as a string, got ${describeJson(fields.id)}`,
      });
      return z.NEVER;
    }
    if (!recordRequired && !isDefinition(fields)) return { type, id: fields.id };
    const schema = schemas?.(type);
    if (!schema) {
      ctx.addIssue({
        code: "custom",
        message: `${quoteUserText(type)} entities can only be referred to here, by \`type\` and \`id\``,
      });
      return z.NEVER;
    }
    // The nested parse is separate from the outer one, so it gets agp's messages here too.
    const parsed = schema.safeParse(value, { error: validationMessage });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({
          code: "custom",
          path: [...issue.path],
          message: issue.message,
        });
      }
      return z.NEVER;
    }
    return entityValue(parsed.data);
  });
}

/**
 * The entity records (with attributes) the request schema validated. Only these are indexed
 * as entity definitions: a plain record that happens to have `type`, `id` and
 * more fields (a `context` field `{ type: string, id: string, note: string }`) is data, not
 * a definition of entity `type`/`id` with unchecked attributes.
 */
// A hidden mark on the object rather than a WeakSet: a WeakSet entry per entity of every
// request made collections several times dearer. Not enumerable, so no copy, comparison or
// JSON of the record sees it.
const ENTITY_VALUE: unique symbol = Symbol("agp.entityValue");

function entityValue(record: EntityRecord): EntityRecord {
  Object.defineProperty(record, ENTITY_VALUE, { value: true });
  return record;
}

function isEntityValue(value: object): boolean {
  return (value as { [ENTITY_VALUE]?: boolean })[ENTITY_VALUE] === true;
}

/** Options of {@link buildEntityIndex} and {@link toPolicyRequest}. */
export interface EntityIndexOptions {
  /**
   * Entity types whose every attribute is optional (those declared without attributes too):
   * a bare `{ "type", "id" }` of these types is a whole record, with every attribute absent,
   * when nothing else in the request defines that entity. For every other type a bare
   * reference defines nothing: its attributes must be given somewhere.
   */
  readonly bareRecordTypes?: readonly string[];
  /**
   * @deprecated What modules compiled by agp before `bareRecordTypes` pass: the types declared
   * without attributes. Read when `bareRecordTypes` is absent, so those modules keep working.
   */
  readonly attributelessTypes?: readonly string[];
}

/** What {@link buildEntityIndex} reads: the parts of a parsed request that may hold entities. */
export interface RequestEntities {
  readonly principal?: unknown;
  readonly resource?: unknown;
  readonly env?: unknown;
  readonly entities?: readonly unknown[];
}

type Path = (string | number)[];

/** A position in the request while walking it: built as a chain, made a path only when reported. */
interface PathNode {
  readonly parent: PathNode | null;
  readonly key: string | number;
}

function pathOf(node: PathNode | null): Path {
  const path: Path = [];
  for (let at = node; at !== null; at = at.parent) path.push(at.key);
  return path.reverse();
}

// INVARIANT: JSON values nest this deep at most; deeper input is refused rather than walked.
const MAX_DEPTH = 64;

/**
 * Indexes every entity a request defines: the `entities` array, the principal, the
 * resource, and every entity record given inline (an object with `type`, `id` and other
 * attributes) anywhere inside them or in `env`. Two different definitions of one entity
 * are refused as an issue on the later one's path; identical repeats are fine. Returns
 * undefined when it added an issue.
 */
export function buildEntityIndex(
  request: RequestEntities,
  ctx: z.RefinementCtx,
  options: EntityIndexOptions = {},
): EntityIndex | undefined {
  const index = new EntityIndex();
  const definedAt = new Map<EntityRecord, PathNode>();
  const bareRecordTypes = options.bareRecordTypes ?? options.attributelessTypes ?? [];
  // Bare references of those types, defined once the walk has found every fuller definition.
  const bareRecords: { readonly record: EntityRecord; readonly at: PathNode }[] = [];
  let failed = false;

  const define = (record: EntityRecord, at: PathNode): void => {
    const existing = index.get(record.type, record.id);
    if (!existing) {
      index.add(record);
      definedAt.set(record, at);
      return;
    }
    if (existing === record || recordsEqual(existing, record)) return;
    const firstPath = pathOf(definedAt.get(existing) ?? null);
    ctx.addIssue({
      code: "custom",
      path: pathOf(at),
      message: `conflicting definitions of entity ${quoteUserText(formatEntity(record))}: it is also defined at ${quoteUserText(formatPath(firstPath))}`,
    });
    failed = true;
  };

  const walk = (value: unknown, at: PathNode, depth: number): void => {
    if (typeof value !== "object" || value === null) return;
    if (depth > MAX_DEPTH) {
      ctx.addIssue({
        code: "custom",
        path: pathOf(at),
        message: `the request nests deeper than ${MAX_DEPTH} levels`,
      });
      failed = true;
      return;
    }
    if (Array.isArray(value)) {
      for (let position = 0; position < value.length; position++) {
        walk(value[position], { parent: at, key: position }, depth + 1);
      }
      return;
    }
    const fields = value as Readonly<Record<string, unknown>>;
    // A bare `{ type, id }` carries no attribute, so only records need the schema's mark.
    if (isEntityRef(fields)) {
      if (isDefinition(fields)) {
        if (isEntityValue(fields)) define(fields as EntityRecord, at);
      } else if (bareRecordTypes.includes(fields.type)) {
        bareRecords.push({ record: fields as EntityRecord, at });
      }
    }
    for (const key in fields) {
      const field = fields[key];
      // Only objects can hold entities: skip the chain node for every string and number.
      if (typeof field === "object" && field !== null) walk(field, { parent: at, key }, depth + 1);
    }
  };

  const entities: PathNode = { parent: null, key: "entities" };
  request.entities?.forEach((entity, position) => walk(entity, { parent: entities, key: position }, 1));
  walk(request.principal, { parent: null, key: "principal" }, 1);
  walk(request.resource, { parent: null, key: "resource" }, 1);
  walk(request.env, { parent: null, key: "env" }, 1);
  for (const { record, at } of bareRecords) if (!index.has(record.type, record.id)) define(record, at);
  return failed ? undefined : index;
}

/** Whether an object has fields besides `type` and `id`: a record, not a bare reference. */
function isDefinition(fields: object): boolean {
  for (const key in fields) {
    if (key !== "type" && key !== "id") return true;
  }
  return false;
}

/** A parsed request before its entities are indexed: what a generated request object schema outputs. */
export interface ParsedRequest {
  readonly principal: EntityRecord;
  readonly action: string;
  readonly resource: EntityRecord;
  readonly intent: string;
  readonly session: string;
  readonly at: number;
  readonly env: Readonly<Record<string, unknown>>;
  readonly entities?: readonly EntityRecord[];
}

/**
 * The last step of a generated request schema (`.transform(toPolicyRequest)`): indexes the
 * request's entities ({@link buildEntityIndex}) and replaces a principal or resource given
 * by reference with its record, refusing one that no part of the request defines.
 */
export function toPolicyRequest(
  request: ParsedRequest,
  ctx: z.RefinementCtx,
  options: EntityIndexOptions = {},
): PolicyRequest {
  const index = buildEntityIndex(request, ctx, options);
  if (!index) return z.NEVER;
  const principal = index.get(request.principal.type, request.principal.id);
  const resource = index.get(request.resource.type, request.resource.id);
  for (const [field, ref, record] of [
    ["principal", request.principal, principal],
    ["resource", request.resource, resource],
  ] as const) {
    if (!record) {
      ctx.addIssue({
        code: "custom",
        path: [field],
        message: `missing entity ${quoteUserText(formatEntity(ref))}: give its attributes inline or in \`entities\``,
      });
    }
  }
  if (!principal || !resource) return z.NEVER;
  return {
    principal,
    action: request.action,
    resource,
    intent: request.intent,
    session: request.session,
    at: request.at,
    env: request.env,
    entities: index,
  };
}

/** A path as a user writes it: `resource.owner.id`, `entities[0].type`, or `request` for the root. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else text += text === "" ? String(key) : `.${String(key)}`;
  }
  return text === "" ? "request" : text;
}

/** One line per issue of a failed parse, each naming its field: `` `resource.amount`: expected a number``. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${quoteUserText(formatPath(issue.path))}: ${issue.message}`);
}

/**
 * Messages in agp's style for zod's built-in issues ("missing, expected a string", "unknown
 * field `x`"). Messages that a schema sets itself (entity references, times) take precedence.
 */
export function validationMessage(issue: Parameters<z.core.$ZodErrorMap>[0]): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined
        ? `missing, expected ${describeType(issue.expected)}`
        : `expected ${describeType(issue.expected)}, got ${describeJson(issue.input)}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => quoteUserText(String(v))).join(", ")}, got ${describeJson(issue.input)}`;
    case "unrecognized_keys":
      return `unknown field${issue.keys.length === 1 ? "" : "s"} ${issue.keys.map((k) => quoteUserText(k)).join(", ")}`;
    default:
      return undefined;
  }
}

function describeType(expected: string): string {
  switch (expected) {
    case "object":
    case "array":
      return expected === "array" ? "a list" : "an object";
    case "boolean":
      return "a bool (`true` or `false`)";
    default:
      return `a ${expected}`;
  }
}

/** The outcome of {@link validate}: the parsed value, or one line per problem naming its field. */
export type Validation<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly string[] };

/**
 * Validates JSON input with a module's schema, with agp's messages. `root` prefixes every
 * field path (`request.resource.owner`, `history[3].env.hour`). Never throws.
 */
export function validate<T>(schema: z.ZodType<T, unknown>, input: unknown, root = "request"): Validation<T> {
  const parsed = schema.safeParse(input, { error: validationMessage });
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => {
      const path = formatPath(issue.path);
      const where = path === "request" ? root : `${root}${path.startsWith("[") ? "" : "."}${path}`;
      return `${where}: ${issue.message}`;
    }),
  };
}

function describeJson(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `the string ${quoteUserText(value)}`;
  return quoteUserText(String(value));
}
