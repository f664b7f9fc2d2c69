/**
 * `agp audit verify|tail --store FILE`: check the hash chain of the audit log (exit 1 with
 * the first broken entry) and show its last entries.
 */
import { canonicalJson, type AuditAnchor } from "../../runtime/index.js";
import { ExitCode, UsageError, type CliIO } from "../io.js";
import type { ListFormat } from "../operator-store.js";
import { isoTime, printJson, printTable, withOperatorView } from "../operator-store.js";

/** Verifies the whole audit chain, and that it still holds `--anchor SEQ:HASH` when given. */
export async function runAuditVerify(io: CliIO, args: { readonly store: string; readonly anchor?: string | undefined }): Promise<ExitCode> {
  const anchor = args.anchor === undefined ? undefined : anchorArgument(args.anchor);
  return withOperatorView(io, args.store, async (view) => {
    const verdict = await view.audit.verify(anchor ? { anchor } : {});
    if (verdict.ok) {
      const held = anchor ? `, entry ${anchor.seq} as anchored` : "";
      io.out(`audit log ok: ${verdict.entries} entries, chain intact${held}\n`);
      // The store's own head cannot catch a cut made by someone who also rewrote it: an anchor kept elsewhere can.
      if (verdict.head.seq > 0) io.out(`head: ${verdict.head.seq}:${verdict.head.hash} (keep it outside the store; verify --anchor it later)\n`);
      return ExitCode.ok;
    }
    io.out(`audit log broken at entry ${verdict.brokenAt}: ${verdict.problem} (${verdict.entries} entries verified before it)\n`);
    return ExitCode.failure;
  });
}

/** `SEQ:HASH` as `agp audit verify` prints a head; anything else is a usage error. */
function anchorArgument(text: string): AuditAnchor {
  const match = /^([1-9]\d*):([0-9a-f]{64})$/.exec(text.trim());
  const seq = Number(match?.[1]);
  if (!match || !Number.isSafeInteger(seq)) {
    throw new UsageError(`--anchor is \`SEQ:HASH\` as \`agp audit verify\` prints its head (a 64-digit hex sha256), not \`${text}\``);
  }
  return { seq, hash: match[2] ?? "" };
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
    const entries = await view.audit.tail(args.lines);
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
