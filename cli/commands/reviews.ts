/**
 * `agp reviews list|approve|reject --store FILE`: the sessions monitors suspended, waiting
 * for a human; approving resumes a session, rejecting ends it (as `rt.reviews.resolve`).
 */
import type { ResolvedReview } from "../../runtime/index.js";
import { ExitCode, type CliIO } from "../io.js";
import type { ListFormat } from "../operator-store.js";
import { isoTime, printJson, printTable, withOperatorView } from "../operator-store.js";

/** Arguments of `agp reviews list`. */
export interface ReviewsListArguments {
  readonly store: string;
  readonly format: ListFormat;
}

/** Lists the pending reviews, oldest first. */
export async function runReviewsList(io: CliIO, args: ReviewsListArguments): Promise<ExitCode> {
  return withOperatorView(io, args.store, async (view) => {
    const pending = await view.reviews.pending();
    if (args.format === "json") {
      printJson(io, pending);
      return ExitCode.ok;
    }
    printTable(
      io,
      ["REVIEW", "SESSION", "PRINCIPAL", "SINCE", "MONITORS", "WHY"],
      pending.map((review) => [review.id, review.session, review.principal, isoTime(review.createdAt), review.monitors.join(", "), review.reasons.join("; ")]),
      "no pending reviews",
    );
    return ExitCode.ok;
  });
}

/** Arguments of `agp reviews approve|reject`. */
export interface ReviewsResolveArguments {
  readonly store: string;
  readonly id: string;
  readonly verdict: "approve" | "reject";
  readonly by: string;
  readonly note: string | undefined;
}

/** Resolves a pending review; exit 1 for an unknown or already resolved review. */
export async function runReviewsResolve(io: CliIO, args: ReviewsResolveArguments): Promise<ExitCode> {
  return withOperatorView(io, args.store, async (view) => {
    const review = await view.reviews.resolve(args.id, args.verdict, { by: args.by, ...(args.note === undefined ? {} : { note: args.note }) });
    io.out(`${review.status} review ${review.id} by ${args.by}: session ${review.session} ${sessionEffect(review, args.verdict)}\n`);
    return ExitCode.ok;
  });
}

/** What the verdict did to the session, from its state afterwards: a session revoked or ended meanwhile stays so. */
function sessionEffect(review: ResolvedReview, verdict: "approve" | "reject"): string {
  const state = review.sessionState;
  if (state === undefined) return "is no longer in the store";
  if (state.status === "ended") return verdict === "reject" && state.reason.startsWith(`review \`${review.id}\` rejected`) ? "ended" : `stays ended (${state.reason})`;
  if (verdict === "approve" && state.status !== "suspended") return "resumed";
  return `is ${state.status}`;
}
