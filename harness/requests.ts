/**
 * Turning the values of a checked test file into what the runtime takes: entities as
 * request JSON (`{ type, id, ...attributes }`), and for each request the entities its
 * rules can reach, so they can follow references (`resource.owner.manager`).
 */
import type { CheckedTestFile, EntityValue } from "../compiler/check/model-test.js";

/** An entity as request JSON. */
export type EntityJson = { readonly type: string; readonly id: string; readonly [field: string]: unknown };

/** The request JSON of an entity value: its type, id and attributes inline. */
export function entityJson(entity: EntityValue): EntityJson {
  // Object.assign, not `{ ...attributes, type, id }`: V8 makes a new hidden class for every
  // such spread, which costs microseconds per entity per request.
  return Object.assign({}, entity.attributes, { type: entity.type, id: entity.id });
}

/**
 * The entities of a test file, and for a request the ones reachable from it. A rule can
 * only reach an entity through a reference, starting from the principal, the resource,
 * the env or a history event's principal and resource, so sending just the entities
 * reachable from those decides exactly as sending all of them, and the request schema
 * validates a handful of entities instead of every fixture of the file.
 * INVARIANT: the checker gives one entity one value, so an entity sent both inline and in
 * `entities` never conflicts (identical definitions are accepted).
 */
export class EntityCatalog {
  private readonly byKey = new Map<string, EntityJson>();
  private readonly closures = new Map<string, readonly string[]>();

  constructor(entities: readonly EntityJson[]) {
    for (const entity of entities) {
      const key = keyOf(entity.type, entity.id);
      if (!this.byKey.has(key)) this.byKey.set(key, entity);
    }
  }

  /** A catalog of every entity written in `test`. */
  static of(test: CheckedTestFile): EntityCatalog {
    return new EntityCatalog(test.entities.map(entityJson));
  }

  /** Every entity of the catalog. */
  all(): readonly EntityJson[] {
    return [...this.byKey.values()];
  }

  /** Adds to `found` the keys of the catalog's entities that `value` refers to directly. */
  referencesIn(value: unknown, found: Set<string>): Set<string> {
    return collectReferences(value, this.byKey, found, 0);
  }

  /** Adds to `found` the keys of the entities `entity`'s attributes refer to (not its own). */
  referencesFrom(entity: EntityJson, found: Set<string>): Set<string> {
    return collectFieldReferences(entity, this.byKey, found, 0);
  }

  /** The entities reachable from the references `keys`, each once. */
  reachable(keys: Iterable<string>): EntityJson[] {
    const seen = new Set<string>();
    const entities: EntityJson[] = [];
    for (const key of keys) {
      for (const reached of this.closureOf(key)) {
        if (seen.has(reached)) continue;
        seen.add(reached);
        const entity = this.byKey.get(reached);
        if (entity) entities.push(entity);
      }
    }
    return entities;
  }

  /** `key` and every entity reachable from it (memoized). */
  private closureOf(key: string): readonly string[] {
    const known = this.closures.get(key);
    if (known) return known;
    const seen = new Set<string>([key]);
    const queue = [key];
    for (let index = 0; index < queue.length; index++) {
      const entity = this.byKey.get(queue[index] ?? "");
      for (const next of entity === undefined ? [] : this.referencesFrom(entity, new Set())) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    this.closures.set(key, queue);
    return queue;
  }
}

/** Deeper values than any test writes are not searched (test values are checked constants). */
const MAX_DEPTH = 64;

function collectReferences(value: unknown, known: ReadonlyMap<string, EntityJson>, found: Set<string>, depth: number): Set<string> {
  if (typeof value !== "object" || value === null || depth > MAX_DEPTH) return found;
  if (Array.isArray(value)) {
    for (const element of value) collectReferences(element, known, found, depth + 1);
    return found;
  }
  const record = value as Record<string, unknown>;
  if (typeof record.type === "string" && typeof record.id === "string") {
    const key = keyOf(record.type, record.id);
    if (known.has(key)) found.add(key);
  }
  return collectFieldReferences(record, known, found, depth);
}

/** The references in the fields of `record` other than its own `type` and `id` (walked in place: this runs for every request). */
function collectFieldReferences(record: Readonly<Record<string, unknown>>, known: ReadonlyMap<string, EntityJson>, found: Set<string>, depth: number): Set<string> {
  for (const field in record) {
    if (field !== "type" && field !== "id") collectReferences(record[field], known, found, depth + 1);
  }
  return found;
}

function keyOf(type: string, id: string): string {
  return `${type}\u0000${id}`;
}
