/**
 * Rule coverage for `agp test --coverage`: for every `allow`, `deny`, `separate` and
 * `monitor` of the policies under test, whether some case made it decide, i.e. named it in
 * a decision's `rules`. A rule that only ever evaluated to false is not covered: a test
 * has not shown that it does anything.
 */
import type { CheckedPolicy } from "../compiler/check/model.js";
import { pointAt, type SourcePoint } from "./results.js";

/** One rule and whether it decided. */
export interface CoverageEntry {
  readonly policy: string;
  readonly rule: string;
  readonly kind: "allow" | "deny" | "separate" | "monitor";
  readonly at: SourcePoint;
  readonly covered: boolean;
}

/** Coverage over every policy under test. */
export interface CoverageReport {
  /** Every rule, separation and monitor, policy by policy in source order. */
  readonly entries: readonly CoverageEntry[];
  readonly covered: number;
  readonly total: number;
  /** `covered / total` as a percentage; 100 when there is nothing to cover. */
  readonly percent: number;
}

/** Collects, per policy, the names that appeared in some decision's `rules`. */
export class CoverageRecorder {
  private readonly decided = new Map<CheckedPolicy, Set<string>>();

  /** Notes that `rules` decided a request against `policy`. */
  record(policy: CheckedPolicy, rules: readonly string[]): void {
    let names = this.decided.get(policy);
    if (!names) {
      names = new Set();
      this.decided.set(policy, names);
    }
    for (const rule of rules) names.add(rule);
  }

  /** The names that decided some request against `policy`. */
  decidedBy(policy: CheckedPolicy): ReadonlySet<string> {
    return this.decided.get(policy) ?? new Set();
  }

  /** The report over `policies` (each counted once, in the order given). */
  report(policies: readonly CheckedPolicy[]): CoverageReport {
    const entries: CoverageEntry[] = [];
    for (const policy of new Set(policies)) {
      const decided = this.decidedBy(policy);
      const entry = (rule: string, kind: CoverageEntry["kind"], span: CoverageEntry["at"]["span"]): CoverageEntry => ({
        policy: policy.name,
        rule,
        kind,
        at: pointAt(policy.source, span),
        covered: decided.has(rule),
      });
      const declared = [
        ...policy.rules.map((rule) => entry(rule.name.text, rule.effect, rule.name.span)),
        ...policy.separations.map((separation) => entry(separation.name.text, "separate", separation.name.span)),
        ...policy.monitors.map((monitor) => entry(monitor.name.text, "monitor", monitor.name.span)),
      ];
      entries.push(...declared.sort((a, b) => a.at.span.start - b.at.span.start));
    }
    const covered = entries.filter((entry) => entry.covered).length;
    const total = entries.length;
    return { entries, covered, total, percent: total === 0 ? 100 : (covered / total) * 100 };
  }
}

/** The percentage as printed: one decimal, without a trailing `.0` (`87.5%`, `100%`). */
export function formatPercent(percent: number): string {
  const rounded = Math.floor(percent * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}%`;
}
