/**
 * `agp eval POLICY --request REQ.json [--history HIST.json] [--explain]`: compile a policy
 * in memory and print the decision JSON of DESIGN.md for one request.
 */
import path from "node:path";
import { compileToModule } from "../../compiler/index.js";
import { listFacts } from "../../stdlib/list-facts.js";
import type { PolicyModule, PolicyRequest } from "../../stdlib/contract.js";
import { readSource } from "../files.js";
import { ExitCode, type CliIO } from "../io.js";
import { printDiagnostics } from "../report.js";
import { InputError, readJsonFile } from "../validation.js";
import { validate } from "../../stdlib/schemas.js";

/** Arguments of `agp eval`. */
export interface EvalArguments {
  readonly policy: string;
  readonly request: string;
  readonly history: string | undefined;
  readonly explain: boolean;
}

/** Decides one request and prints the decision; bad input is exit code 1 with a message. */
export async function runEval(io: CliIO, args: EvalArguments): Promise<ExitCode> {
  const file = readSource(path.resolve(io.cwd, args.policy), io.cwd);
  const { module, diagnostics } = await compileToModule(file.text, { path: file.displayPath });
  if (!module) {
    printDiagnostics(io, diagnostics, "pretty", 1);
    return ExitCode.failure;
  }
  try {
    const request = parseRequest(module.requestSchema, readJsonFile(path.resolve(io.cwd, args.request), io.cwd), "request");
    const history = args.history ? readHistory(module.requestSchema, path.resolve(io.cwd, args.history), io.cwd) : [];
    const facts = listFacts(module, history);
    if (args.explain) {
      const { decision, trace } = module.explain(request, facts);
      io.out(`${JSON.stringify({ ...decision, explanation: trace }, null, 2)}\n`);
    } else {
      io.out(`${JSON.stringify(module.decide(request, facts), null, 2)}\n`);
    }
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof InputError) {
      io.err(`${error.message}\n`);
      return ExitCode.failure;
    }
    throw error;
  }
}

type RequestSchema = PolicyModule["requestSchema"];

function parseRequest(schema: RequestSchema, input: { value: unknown; displayPath: string }, root: string): PolicyRequest {
  const result = validate(schema, input.value, root);
  if (!result.ok) {
    const what = root.startsWith("history") ? "a history entry" : "the request";
    throw new InputError(`${input.displayPath}: ${what} does not fit the policy:\n  ${result.issues.join("\n  ")}`);
  }
  return result.value;
}

function readHistory(schema: RequestSchema, absolutePath: string, cwd: string): PolicyRequest[] {
  const input = readJsonFile(absolutePath, cwd);
  if (!Array.isArray(input.value)) {
    throw new InputError(`${input.displayPath}: history must be a JSON array of granted requests`);
  }
  return input.value.map((entry: unknown, index) =>
    parseRequest(schema, { value: entry, displayPath: input.displayPath }, `history[${index}]`),
  );
}
