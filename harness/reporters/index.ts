/**
 * The reporters of `agp test`, by the name `--reporter` takes.
 */
import { githubReporter } from "./github.js";
import { jsonReporter } from "./json.js";
import { junitReporter } from "./junit.js";
import { prettyReporter } from "./pretty.js";
import type { Reporter } from "./reporter.js";

export type { RenderedReport, Reporter, ReporterOptions, TestReport } from "./reporter.js";
export { coverageBelowMinimum } from "./reporter.js";

/** The names `--reporter` accepts, the default first. */
export const reporterNames = ["pretty", "json", "junit", "github"] as const;
export type ReporterName = (typeof reporterNames)[number];

/** Every reporter by name. */
export const reporters: Readonly<Record<ReporterName, Reporter>> = {
  pretty: prettyReporter,
  json: jsonReporter,
  junit: junitReporter,
  github: githubReporter,
};
