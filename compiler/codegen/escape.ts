/**
 * THE one place where policy names and strings become TypeScript code. Every string literal,
 * comment text, property key and identifier derived from policy text goes through here, so
 * no policy text can change what the generated code does beyond its meaning.
 */

/**
 * A TypeScript string literal whose value is exactly `value`. JSON.stringify escapes quotes,
 * backslashes and control characters; U+2028/U+2029 are escaped too so the literal stays on
 * one line for every tool, and a `<` before `/` or `!` so `</script>` or `<!--` never appear
 * in the output.
 */
export function stringLiteral(value: string): string {
  return JSON.stringify(value).replace(/[\u2028\u2029]|<(?=[/!])/g, unicodeEscape);
}

function unicodeEscape(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * Text safe inside a `//` or `/* *\/` comment: one line, no comment terminator, no
 * characters that end a line in JavaScript.
 */
export function commentText(text: string): string {
  return text
    .replace(/\*\//g, "* /")
    .replace(/[\r\n\u2028\u2029]+/g, " ")
    .replace(/[\u0000-\u001f\u007f]/g, " ");
}

/**
 * A property key for an object literal or an interface member. Quoted always; `__proto__`
 * becomes a computed key so that an object literal defines an own property instead of
 * setting the prototype.
 */
export function propertyKey(name: string): string {
  return name === "__proto__" ? `[${stringLiteral(name)}]` : stringLiteral(name);
}

const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Reading a property named by policy text: `object.name` when the name is a plain identifier
 * (policy field names always are; a dot reads exactly what brackets read, reserved words
 * included), else `object["name"]`.
 */
export function propertyAccess(object: string, name: string): string {
  return identifierPattern.test(name) ? `${object}.${name}` : `${object}[${stringLiteral(name)}]`;
}

/**
 * Names the generated code itself uses at the top level or as types, plus TypeScript's
 * reserved words and the global names generated code refers to. A policy type name equal to
 * one of them gets a `$` suffix; policy names can never contain `$`, so that cannot collide.
 */
const reservedNames: ReadonlySet<string> = new Set([
  // JavaScript/TypeScript reserved and contextual words
  ...`break case catch class const continue debugger default delete do else enum export extends
  false finally for function if import in instanceof new null return super switch this throw
  true try typeof var void while with as implements interface let package private protected
  public static yield any boolean constructor declare get module require number set string
  symbol type from of unknown never object bigint undefined keyof readonly infer is asserts
  abstract async await global namespace out override satisfies accessor unique arguments eval
  NaN Infinity`.split(/\s+/),
  // globals and lib types generated code may name
  ...`Array ReadonlyArray Map ReadonlyMap Set ReadonlySet Record Readonly Partial Required Pick
  Omit Exclude Extract NonNullable ReturnType Parameters Error TypeError RangeError String
  Number Boolean Object Function Symbol Math JSON Date Promise Iterable Iterator RegExp
  globalThis console`.split(/\s+/),
  // names the generated module declares or imports
  ...`z Request Event Env Principal Resource Action Intent Label PolicyRequest EntityRecord
  EntityRef EntityLookup Facts Decision HistoryEvent HistoryQuery SeparationSpec RuleMetadata
  RuleTrace MonitorConsequence Trace TraceEntry Verdict Verdicts`.split(/\s+/),
]);

/**
 * A TypeScript type name for a declared entity, agent or resource type: the name itself when
 * it is safe, else the name with a `$` suffix.
 */
export function typeName(name: string): string {
  if (!identifierPattern.test(name)) throw new Error(`not a policy identifier: ${JSON.stringify(name)}`);
  return reservedNames.has(name) ? `${name}$` : name;
}

/**
 * A generated identifier for a policy-named thing, e.g. `check$file_own` or `decide$submit`.
 * The `$` separates a fixed generator prefix from the policy name, so two different
 * (prefix, name) pairs never give the same identifier and none is a reserved word.
 */
export function namedIdentifier(prefix: string, name: string): string {
  if (!identifierPattern.test(name)) throw new Error(`not a policy identifier: ${JSON.stringify(name)}`);
  if (!/^[a-z][A-Za-z]*$/.test(prefix)) throw new Error(`not a generator prefix: ${prefix}`);
  return `${prefix}$${name}`;
}

/** A finite number as a TypeScript literal (negative numbers parenthesised). */
export function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  const text = String(value);
  return value < 0 || Object.is(value, -0) ? `(${text})` : text;
}
