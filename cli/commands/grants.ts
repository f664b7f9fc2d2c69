/**
 * `agp grants list|revoke --store FILE`: the grants a service issued, with their status
 * now, and revoking a grant, a session or a principal at once (as `rt.revoke` does).
 */
import type { RevokeTarget } from "../../runtime/index.js";
import { entityKey } from "../../runtime/index.js";
import { ExitCode, UsageError, type CliIO } from "../io.js";
import type { ListFormat } from "../operator-store.js";
import { isoTime, principalArgument, printJson, printTable, withOperatorView } from "../operator-store.js";

/** Arguments of `agp grants list`. */
export interface GrantsListArguments {
  readonly store: string;
  readonly session: string | undefined;
  readonly principal: string | undefined;
  readonly live: boolean;
  readonly format: ListFormat;
}

/** Lists grants, oldest first, with their status. */
export async function runGrantsList(io: CliIO, args: GrantsListArguments): Promise<ExitCode> {
  const principal = args.principal === undefined ? undefined : principalArgument(args.principal);
  return withOperatorView(io, args.store, async (view) => {
    const grants = await view.grants({
      ...(args.session === undefined ? {} : { session: args.session }),
      ...(principal === undefined ? {} : { principal }),
      live: args.live,
    });
    if (args.format === "json") {
      printJson(io, grants);
      return ExitCode.ok;
    }
    printTable(
      io,
      ["GRANT", "ACTION", "RESOURCE", "PRINCIPAL", "SESSION", "EXPIRES", "USES", "STATUS"],
      grants.map((grant) => [
        grant.id,
        grant.action,
        entityKey(grant.resource),
        entityKey(grant.principal),
        grant.session,
        isoTime(grant.expiresAt),
        String(grant.uses),
        grant.status,
      ]),
      args.live ? "no live grants" : "no grants",
    );
    return ExitCode.ok;
  });
}

/** Arguments of `agp grants revoke`: exactly one of grant, session, principal. */
export interface GrantsRevokeArguments {
  readonly store: string;
  readonly grant: string | undefined;
  readonly session: string | undefined;
  readonly principal: string | undefined;
  readonly by: string;
}

/** Revokes one grant, a session or a principal; exit 1 when there was nothing to revoke. */
export async function runGrantsRevoke(io: CliIO, args: GrantsRevokeArguments): Promise<ExitCode> {
  const given = [args.grant, args.session, args.principal].filter((value) => value !== undefined);
  if (given.length !== 1) throw new UsageError("name exactly one of --grant, --session or --principal");
  const target: RevokeTarget =
    args.grant !== undefined ? { grant: args.grant } : args.session !== undefined ? { session: args.session } : { principal: principalArgument(args.principal ?? "") };
  return withOperatorView(io, args.store, async (view) => {
    const result = await view.revoke(target, { by: args.by });
    if ("grant" in target) {
      if (result.grants.length === 0) {
        io.err(`agp: no live grant \`${target.grant}\` to revoke (unknown or already revoked)\n`);
        return ExitCode.failure;
      }
      io.out(`revoked grant ${target.grant}\n`);
    } else if ("session" in target) {
      io.out(`revoked session ${target.session}: its grants no longer redeem\n`);
    } else {
      const ended = result.sessions.length;
      io.out(`revoked principal ${String(target.principal)}: ${ended} open session${ended === 1 ? "" : "s"} ended, new sessions refused\n`);
    }
    return ExitCode.ok;
  });
}
