/**
 * The zod schemas of a module: one strict record schema per entity type, `Env`, and the
 * exported `requestSchema` (the JSON request of DESIGN.md, indexed into a PolicyRequest)
 * and `principalSchema`. Schemas are compared with the generated interfaces through zod's
 * small core `$ZodType`, never its classic `ZodType`, whose comparison costs seconds.
 */
import type { Type } from "../../types.js";
import { namedIdentifier, propertyKey, stringLiteral } from "../escape.js";
import type { EmitContext } from "./context.js";
import { agentTypeNames, resourceTypeNames } from "./types.js";
import { isInheritedName } from "../../../stdlib/values.js";

/** The schema declarations of the module. */
export function emitSchemas(context: EmitContext): string {
  const { policy, imports } = context;
  const typed = (text: string) => context.typed(text);
  const z = imports.z();
  const record = imports.type("EntityRecord");
  const parts: string[] = [];
  if (policy.labels.length > 0) {
    parts.push(`const labelSchema = ${z}.enum([${policy.labels.map(stringLiteral).join(", ")}]);`);
  }
  parts.push(`/** The record schema of an entity type, looked up lazily so records may refer to each other. */
function recordSchema(type${typed(": string")})${typed(`: ${z}.ZodType<${record}, unknown> | undefined`)} {
  return RECORD_SCHEMAS.get(type);
}`);
  const entries: string[] = [];
  const recordSchemaOf = imports.value("recordSchemaOf");
  for (const entity of policy.entities.values()) {
    const name = namedIdentifier("schema", entity.name);
    const fields = [`type: ${z}.literal(${stringLiteral(entity.name)})`, `id: ${z}.string()`];
    for (const [field, type] of entity.fields) fields.push(`${propertyKey(field)}: ${fieldSchema(context, type)}`);
    parts.push(`const ${name} = ${strictRecord(context, entity.fields.keys(), `{\n${fields.join(",\n")}\n}`)};`);
    entries.push(`[${stringLiteral(entity.name)}, ${recordSchemaOf}${typed(`<${context.entityTypeName(entity.name)}>`)}(${name})]`);
  }
  parts.push(
    `const RECORD_SCHEMAS${typed(`: ReadonlyMap<string, ${z}.ZodType<${record}, unknown>>`)} = new Map${typed(`<string, ${z}.ZodType<${record}, unknown>>`)}([\n${entries.join(",\n")}\n]);`,
  );
  const envFields = [...policy.context].map(([field, type]) => `${propertyKey(field)}: ${fieldSchema(context, type)}`);
  parts.push(`const envSchema = ${strictRecord(context, policy.context.keys(), `{\n${envFields.join(",\n")}\n}`)};`);

  const list = (names: readonly string[]): string => `[${names.map(stringLiteral).join(", ")}]`;
  const enumOf = (names: readonly string[]): string => (names.length === 0 ? `${z}.never()` : `${z}.enum(${list(names)})`);
  const agents = agentTypeNames(context);
  // Types a bare reference fully describes: no attribute of theirs is required.
  const bareRecordTypes = [...policy.entities.values()].filter((e) => [...e.fields.values()].every((type) => type.kind === "optional")).map((e) => e.name);
  const zEntity = imports.value("zEntity");
  const zEntityRef = imports.value("zEntityRef");
  const intentSchema = policy.intents.size === 0 ? `${z}.string()` : enumOf([...policy.intents.keys()]);
  parts.push(`/** Validates a JSON request (DESIGN.md) and indexes its entities; issues name the field path. */
${context.exportKeyword("requestSchema")}const requestSchema${typed(`: ${z}.ZodType<${imports.type("PolicyRequest")}, unknown>`)} = ${imports.value("exportedSchema")}${typed(`<${imports.type("PolicyRequest")}>`)}(${z}
  .strictObject({
    principal: ${zEntityRef}(${list(agents)}, recordSchema),
    action: ${enumOf([...policy.actions.keys()])},
    resource: ${zEntityRef}(${list(resourceTypeNames(context))}, recordSchema),
    intent: ${intentSchema},
    session: ${z}.string(),
    at: ${imports.value("zTime")}(),
    env: envSchema,
    entities: ${z}.array(${zEntity}(${list([...policy.entities.keys()])}, recordSchema)).optional(),
  })
  .transform((request, ctx) => ${imports.value("toPolicyRequest")}(request, ctx, { bareRecordTypes: ${list(bareRecordTypes)} })));`);
  parts.push(`/** Validates a principal (an agent record) for opening a session. */
${context.exportKeyword("principalSchema")}const principalSchema${typed(`: ${z}.ZodType<${record}, unknown>`)} = ${zEntity}(${list(agents)}, recordSchema);`);
  parts.push(`/** Proves that the context schema outputs \`Env\`. */
const envSchemaOutputsEnv${typed(`: ${z}.core.$ZodType<Env>`)} = envSchema;`);
  return parts.join("\n\n");
}

function fieldSchema(context: EmitContext, type: Type): string {
  const z = context.imports.z();
  switch (type.kind) {
    case "string":
      return `${z}.string()`;
    case "number":
      return `${z}.number()`;
    case "bool":
      return `${z}.boolean()`;
    case "time":
      return `${context.imports.value("zTime")}()`;
    case "duration":
      return `${context.imports.value("zDuration")}()`;
    case "sensitivity":
      return "labelSchema";
    case "entity":
      return `${context.imports.value("zEntityRef")}(${stringLiteral(type.name)}, recordSchema)`;
    case "entityUnion":
      return `${context.imports.value("zEntityRef")}([${type.names.map(stringLiteral).join(", ")}], recordSchema)`;
    case "optional":
      return `${fieldSchema(context, type.inner)}.optional()`;
    case "list":
      return `${z}.array(${fieldSchema(context, type.element)})`;
    case "record":
      return strictRecord(context, type.fields.keys(), `{ ${[...type.fields].map(([f, t]) => `${propertyKey(f)}: ${fieldSchema(context, t)}`).join(", ")} }`);
    default:
      throw new Error(`a field cannot have type ${type.kind}`);
  }
}

/**
 * `z.strictObject(shape)`, reading only the input's own fields when a field is named like a
 * member every object inherits (`toString`, `constructor`, ...): otherwise an absent one
 * would be read as that member and refused.
 */
function strictRecord(context: EmitContext, names: Iterable<string>, shape: string): string {
  const record = `${context.imports.z()}.strictObject(${shape})`;
  return [...names].some(isInheritedName) ? `${context.imports.value("zOwnFields")}(${record})` : record;
}
