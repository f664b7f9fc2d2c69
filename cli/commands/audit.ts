/**
 * `agp audit verify|tail --store FILE`: check the hash chain of the audit log (exit 1 with
 * the first broken entry) and show its last entries.
 */
import { canonicalJson } from "../../runtime/index.js";
import { ExitCode, type CliIO } from "../io.js";
import type { ListFormat } from "../operator-store.js";
import { isoTime, printJson, printTable, withOperatorView } from "../operator-store.js";

/** Verifies the whole audit chain. */
export async function runAuditVerify(io: CliIO, args: { readonly store: string }): Promise<ExitCode> {
  return withOperatorView(io, args.store, async (view) => {
    const verdict = await view.audit.verify();
    if (verdict.ok) {
      io.out(`audit log ok: ${verdict.entries} entries, chain intact\n`);
      return ExitCode.ok;
    }
    io.out(`audit log broken at entry ${verdict.brokenAt}: ${verdict.problem} (${verdict.entries} entries verified before it)\n`);
    return ExitCode.failure;
  });
}

/** Arguments of `agp audit tail`. */
export interface AuditTailArguments {
  readonly store: string;
  readonly lines: number;
  readonly format: ListFormat;
}

const SUMMARY_WIDTH = 100;

/** Prints the last entries, oldest first. */
export async function runAuditTail(io: CliIO, args: AuditTailArguments): Promise<ExitCode> {
  return withOperatorView(io, args.store, async (view) => {
    const entries = await view.audit.tail(Math.max(0, Math.floor(args.lines)));
    if (args.format === "json") {
      printJson(io, entries);
      return ExitCode.ok;
    }
    printTable(
      io,
      ["SEQ", "AT", "TYPE", "DATA"],
      entries.map((entry) => {
        const data = canonicalJson(entry.data);
        return [String(entry.seq), isoTime(entry.at), entry.type, data.length > SUMMARY_WIDTH ? `${data.slice(0, SUMMARY_WIDTH - 1)}…` : data];
      }),
      "the audit log is empty",
    );
    return ExitCode.ok;
  });
}
