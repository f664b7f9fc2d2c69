/**
 * The stdlib functions as the checker sees them: parameter and return {@link Type}s and the
 * validators of constant arguments (AGP3013), built from the stdlib's signature table so
 * that functions are typed once.
 */
import {
  formatSignature,
  stdlibSignatures,
  type StdlibType,
} from "../../stdlib/signatures.js";
import type { Type } from "../types.js";

/** What a parameter accepts, and how to show it in messages. */
export interface ParameterType {
  readonly text: string;
  accepts(type: Type): boolean;
}

/** A stdlib function, typed for the checker. */
export interface FunctionType {
  readonly name: string;
  readonly parameters: readonly ParameterType[];
  readonly returns: Type;
  /** How to call it, e.g. `hour_of(time: time, tz: string): number`. */
  readonly signature: string;
  /** The problem with constant argument `value` at position `index`, or undefined when fine. */
  validateConstant(index: number, value: string): string | undefined;
}

/** Every stdlib function by name. */
export const stdlibFunctions: ReadonlyMap<string, FunctionType> = new Map(
  stdlibSignatures.map((signature) => {
    const fn: FunctionType = {
      name: signature.name,
      parameters: signature.parameters.map((parameter) => ({
        text: parameter.types.join(" | "),
        accepts: (type: Type) =>
          type.kind === "error" ||
          parameter.types.some((t) => accepts(t, type)),
      })),
      returns: toType(signature.returns),
      signature: formatSignature(signature),
      validateConstant(index, value) {
        return signature.parameters[index]?.validateConstant?.(value);
      },
    };
    return [signature.name, fn] as const;
  }),
);

function accepts(parameter: StdlibType, type: Type): boolean {
  if (parameter === "[any]")
    return type.kind === "list" || type.kind === "emptyList";
  return type.kind === parameter;
}

function toType(type: StdlibType): Type {
  return type === "[any]"
    ? { kind: "list", element: { kind: "error" } }
    : { kind: type };
}
