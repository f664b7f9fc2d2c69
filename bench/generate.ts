/**
 * Generated policies of a given size for benchmarks: a fixed schema and `ruleCount`
 * allow/deny rules spread over many actions, with conditions like real ones (entity paths,
 * labels, env, membership, stdlib calls, history).
 */

/** The source text of a policy with `ruleCount` rules. */
export function generatePolicy(ruleCount: number, actionCount = Math.max(3, Math.ceil(ruleCount / 20))): string {
  const actions = Array.from({ length: actionCount }, (_, i) => `act${i}`);
  const lines = [
    `policy generated_${ruleCount}`,
    "",
    "sensitivity public < internal < confidential < pii < secret",
    "",
    "entity User { manager: User?, department: string, approver: bool, groups: [string] }",
    "agent Assistant { onBehalfOf: User, trust: number }",
    "resource Document { owner: User, label: sensitivity, tags: [string], size: number }",
    "context { now: time, country: string, ip: string, device: { managed: bool } }",
    "",
    `action ${actions.join(", ")} on Document`,
    "",
    `intent work "Do the work" { actions ${actions.join(", ")} }`,
    `intent browse "Look around" { actions ${actions.slice(0, 2).join(", ")}  max internal }`,
    "",
  ];
  for (let i = 0; i < ruleCount; i++) {
    const action = actions[i % actions.length];
    lines.push(ruleText(i, action ?? "act0"));
  }
  return `${lines.join("\n")}\n`;
}

function ruleText(i: number, action: string): string {
  switch (i % 5) {
    case 0:
      return `allow r${i}: ${action} on Document\n  when resource.owner == principal.onBehalfOf and resource.size < ${100 + i}\n  grant ${1 + (i % 30)}m\n`;
    case 1:
      return `allow r${i}: ${action}\n  when has resource.owner.manager and resource.owner.manager == principal.onBehalfOf\n  grant 5m\n`;
    case 2:
      return `deny r${i}: ${action} when resource.label >= pii and not env.device.managed\n  reason "rule ${i}: pii needs a managed device"\n`;
    case 3:
      return `deny r${i}: ${action} when count(session within 1m) >= ${50 + (i % 20)}\n  reason "rule ${i}: too many requests"\n`;
    default:
      return `allow r${i}: ${action} when "team-${i % 7}" in principal.onBehalfOf.groups and hour_of(env.now, "Europe/Paris") >= 8\n`;
  }
}
