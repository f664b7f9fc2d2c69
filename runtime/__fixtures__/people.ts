/**
 * Entities and environments for the expense fixture, shared by the runtime's tests.
 */
export const alice = { type: "User", id: "alice", department: "sales", approver: true };
export const bob = { type: "User", id: "bob", department: "finance", approver: true };
export const carol = { type: "User", id: "carol", manager: { type: "User", id: "alice" }, department: "sales", approver: false };
export const entities = [alice, bob, carol];

/** An agent acting for `human`. */
export function agentOf(id: string, human: { readonly id: string }) {
  return { type: "Assistant", id, onBehalfOf: { type: "User", id: human.id } };
}

/** An expense report owned by `owner`. */
export function reportOf(id: string, owner: { readonly id: string }, label = "internal") {
  return { type: "ExpenseReport", id, owner: { type: "User", id: owner.id }, amount: 420, label };
}

export const officeHours = { hour: 10, country: "FR", device: { managed: true } };
