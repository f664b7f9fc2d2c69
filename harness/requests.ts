/**
 * Turning the values of a checked test file into what the runtime takes: entities as
 * request JSON (`{ type, id, ...attributes }`), and the list of every entity of the file,
 * sent with each request so rules can follow references (`resource.owner.manager`).
 */
import type { CheckedTestFile, EntityValue } from "../compiler/check/model-test.js";

/** An entity as request JSON. */
export type EntityJson = { readonly type: string; readonly id: string; readonly [field: string]: unknown };

/** The request JSON of an entity value: its type, id and attributes inline. */
export function entityJson(entity: EntityValue): EntityJson {
  return { ...entity.attributes, type: entity.type, id: entity.id };
}

/**
 * Every entity written in the file, as request JSON, once per type and id.
 * INVARIANT: the checker gives one entity one value, so sending the principal and the
 * resource both inline and here never conflicts (identical definitions are accepted).
 */
export function fileEntities(test: CheckedTestFile): readonly EntityJson[] {
  const seen = new Set<string>();
  const entities: EntityJson[] = [];
  for (const entity of test.entities) {
    const key = `${entity.type}\u0000${entity.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    entities.push(entityJson(entity));
  }
  return entities;
}
