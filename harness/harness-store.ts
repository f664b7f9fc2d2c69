/**
 * The store behind each test case: the runtime's in-memory store, minus the cost of the
 * audit log's hash chain. Cases never read the audit log, and nothing the runtime decides
 * reads it either, so skipping the hashing changes no decision, grant or refusal; it only
 * saves a SHA-256 over canonical JSON per runtime event, which `agp test` would otherwise
 * pay thousands of times.
 */
import { MemoryStore } from "../runtime/stores/memory.js";
import type { AuditDraft, AuditEntry } from "../runtime/stores/store.js";

/** A {@link MemoryStore} whose audit log keeps entries unchained (no hashes). */
export class HarnessStore extends MemoryStore {
  private auditSeq = 0;

  // INVARIANT: no harness step reads the audit log; a test that verifies it uses a plain memoryStore().
  override async appendAudit(draft: AuditDraft): Promise<AuditEntry> {
    this.auditSeq++;
    return { seq: this.auditSeq, at: draft.at, type: draft.type, data: draft.data, prev: "", hash: "" };
  }
}
