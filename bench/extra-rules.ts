/**
 * The extra rules of the policy-size variants: `count` rules for OTHER actions than the
 * corpus's (`other0`, `other1`, ..., ten rules per action), described once here and
 * written by each engine in its own language, so every engine gets the same rules. None can
 * apply to a corpus request; they show what each engine pays for rules it does not need.
 */

/** One extra rule, engine-neutral. */
export type ExtraRule =
  | { readonly kind: "own_small"; readonly name: string; readonly action: string; readonly maxAmount: number; readonly grantMinutes: number }
  | { readonly kind: "manager"; readonly name: string; readonly action: string }
  | { readonly kind: "pii_unmanaged"; readonly name: string; readonly action: string }
  | { readonly kind: "department_large"; readonly name: string; readonly action: string; readonly department: string; readonly minAmount: number };

/** The extra rules of a variant with `count` of them. */
export function extraRules(count: number): readonly ExtraRule[] {
  const rules: ExtraRule[] = [];
  for (let i = 0; i < count; i++) {
    const name = `extra${i}`;
    const action = `other${Math.floor(i / 10)}`;
    switch (i % 4) {
      case 0:
        rules.push({ kind: "own_small", name, action, maxAmount: 100 + i, grantMinutes: 1 + (i % 30) });
        break;
      case 1:
        rules.push({ kind: "manager", name, action });
        break;
      case 2:
        rules.push({ kind: "pii_unmanaged", name, action });
        break;
      default:
        rules.push({ kind: "department_large", name, action, department: `dept-${i % 12}`, minAmount: 1000 + i });
    }
  }
  return rules;
}

/** The distinct actions of `rules`, in order. */
export function extraActions(rules: readonly ExtraRule[]): readonly string[] {
  return [...new Set(rules.map((rule) => rule.action))];
}
