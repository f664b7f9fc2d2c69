/**
 * Entities at run time: the index a validated request carries, resolving a reference to
 * its record, comparing entities, and turning one into a string key. Entities are written
 * in messages the way Cedar writes them, `User::"alice"`: the id is a JSON string, so an
 * id containing `::` or quotes stays unambiguous.
 */
import type { EntityLookup, EntityRecord, EntityRef } from "./contract.js";
import { EvaluationError, quoteUserText } from "./errors.js";

/** The entities of one request, by type and id. */
export class EntityIndex implements EntityLookup {
  private readonly byType = new Map<string, Map<string, EntityRecord>>();
  private count = 0;
  // The last two references resolved, by identity: rules of one decision follow the same few
  // references (`principal.onBehalfOf`, `resource.owner`) again and again.
  private recentRef: EntityRef | undefined;
  private recentRecord: EntityRecord | undefined;
  private olderRef: EntityRef | undefined;
  private olderRecord: EntityRecord | undefined;

  /** Adds `record`, replacing any record of the same type and id; returns the replaced one. */
  add(record: EntityRecord): EntityRecord | undefined {
    let ofType = this.byType.get(record.type);
    if (!ofType) {
      ofType = new Map();
      this.byType.set(record.type, ofType);
    }
    const previous = ofType.get(record.id);
    ofType.set(record.id, record);
    this.recentRef = this.olderRef = undefined;
    if (!previous) this.count++;
    return previous;
  }

  /** The record of entity `type`/`id`, or undefined when the request does not know it. */
  get(type: string, id: string): EntityRecord | undefined {
    return this.byType.get(type)?.get(id);
  }

  /** The record `ref` points to, or undefined; repeated references cost no lookup. */
  resolve(ref: EntityRef): EntityRecord | undefined {
    if (ref === this.recentRef) return this.recentRecord;
    if (ref === this.olderRef) return this.olderRecord;
    const record = this.get(ref.type, ref.id);
    this.olderRef = this.recentRef;
    this.olderRecord = this.recentRecord;
    this.recentRef = ref;
    this.recentRecord = record;
    return record;
  }

  /** Whether the request knows entity `type`/`id`. */
  has(type: string, id: string): boolean {
    return this.byType.get(type)?.has(id) ?? false;
  }

  /** The number of entities indexed. */
  get size(): number {
    return this.count;
  }

  /** Every record, grouped by type in insertion order. */
  *records(): IterableIterator<EntityRecord> {
    for (const ofType of this.byType.values()) yield* ofType.values();
  }
}

/** How an entity is written in messages: `User::"alice"`. */
export function formatEntity(ref: EntityRef): string {
  return `${ref.type}::${JSON.stringify(ref.id)}`;
}

/**
 * The record (with attributes) of the entity `ref` points to, looked up in `lookup`, so
 * `resource.owner.manager` can follow references. `expectedType` names the type (or
 * types, for a union) the checker gave the reference. Throws {@link EvaluationError}
 * `missing entity \`User::"bob"\`` when the request does not define it, and also for an
 * absent reference or one of an unexpected type.
 */
export function resolveEntity(
  lookup: EntityLookup,
  ref: EntityRef | null | undefined,
  expectedType: string | readonly string[],
): EntityRecord {
  if (ref === null || ref === undefined) {
    throw new EvaluationError(`missing entity reference where a ${describeTypes(expectedType)} was expected`);
  }
  if (typeof expectedType === "string" ? ref.type !== expectedType : !expectedType.includes(ref.type)) {
    throw new EvaluationError(`expected a ${describeTypes(expectedType)}, got ${quoteUserText(formatEntity(ref))}`);
  }
  const record = lookup instanceof EntityIndex ? lookup.resolve(ref) : lookup.get(ref.type, ref.id);
  if (!record) throw new EvaluationError(`missing entity ${quoteUserText(formatEntity(ref))}`);
  return record;
}

function describeTypes(expectedType: string | readonly string[]): string {
  if (typeof expectedType === "string") return quoteUserText(expectedType);
  return expectedType.map(quoteUserText).join(" or ");
}

/**
 * Entity equality of the language: same type and same id. An absent side (an unset
 * optional) is never equal to anything, itself included, so `==` on it is false.
 */
export function sameEntity(a: EntityRef | null | undefined, b: EntityRef | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  return a.type === b.type && a.id === b.id;
}

/**
 * A string that identifies entity `ref`, for separation keys and history indexes:
 * `4:User:alice`. The type's length comes first, so the key is unambiguous whatever the type
 * and id contain; it is a plain concatenation because decisions compute it on the hot path
 * (JSON.stringify cost a quarter of a decision).
 */
export function entityKey(ref: EntityRef): string {
  return `${ref.type.length}:${ref.type}:${ref.id}`;
}
