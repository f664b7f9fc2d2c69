import type { EmitTarget } from "./context.js";

/**
 * The one import collector of a generated module: emitters ask for a name from `agp/stdlib`
 * (a value or a type) or for zod as they use it, and the header renders exactly what was
 * asked, sorted, so output is deterministic and has no unused imports.
 */
export class ImportCollector {
  constructor(private readonly target: EmitTarget = "typescript") {}

  private readonly values = new Set<string>();
  private readonly types = new Set<string>();
  private zod = false;

  /** A value export of `agp/stdlib`; returns the name to use in code. */
  value(name: string): string {
    this.values.add(name);
    return name;
  }

  /** A type export of `agp/stdlib`; returns the name to use in code. */
  type(name: string): string {
    this.types.add(name);
    return name;
  }

  /** zod's `z`; returns the name to use in code. */
  z(): string {
    this.zod = true;
    return "z";
  }

  /** The import declarations, sorted (in a function body, `require` calls; types only in TypeScript). */
  render(): string {
    const lines: string[] = [];
    const values = [...this.values].sort().join(", ");
    if (this.target === "function") {
      if (this.zod) lines.push(`const { z } = require("zod");`);
      if (this.values.size > 0) lines.push(`const { ${values} } = require("agp/stdlib");`);
      return lines.join("\n");
    }
    if (this.zod) lines.push(`import { z } from "zod";`);
    if (this.values.size > 0) lines.push(`import { ${values} } from "agp/stdlib";`);
    if (this.types.size > 0 && this.target === "typescript") lines.push(`import type { ${[...this.types].sort().join(", ")} } from "agp/stdlib";`);
    return lines.join("\n");
  }
}
