/**
 * `agp/stdlib`: everything a compiled policy module imports at run time (the built-in
 * functions, entity and value helpers, zod schema helpers), the contract types of a
 * compiled module, and the signature table the checker types stdlib calls with. It
 * imports nothing from the compiler or the runtime.
 */
export type * from "./contract.js";
export * from "./functions.js";
export {
  formatSignature,
  stdlibFunctionNames,
  stdlibSignature,
  stdlibSignatures,
  validateCidr,
  validateIsoTime,
  validateTimeZone,
  type ConstantValidator,
  type StdlibExportName,
  type StdlibParameter,
  type StdlibSignature,
  type StdlibType,
} from "./signatures.js";
export { EntityIndex, entityKey, formatEntity, resolveEntity, sameEntity } from "./entities.js";
export { EvaluationError, isEvaluationError, quoteUserText } from "./errors.js";
export {
  DURATION_UNITS,
  ISO_TIME_EXAMPLE,
  durationFromJson,
  epochMsToIso,
  formatDuration,
  isEntityRef,
  isInheritedName,
  isoToEpochMs,
  listContains,
  ownField,
  parseDuration,
  parseIsoTime,
  recordsEqual,
  valuesEqual,
  type IsoTimeResult,
} from "./values.js";
export {
  buildEntityIndex,
  describeIssues,
  formatPath,
  toPolicyRequest,
  validate,
  validationMessage,
  zDuration,
  zEntity,
  zEntityRecord,
  zEntityRef,
  zOwnFields,
  zTime,
  type EntityIndexOptions,
  type EntitySchemas,
  type JsonSchema,
  type ParsedRequest,
  type RequestEntities,
  type Validation,
} from "./schemas.js";
export { eventOf, listFacts } from "./list-facts.js";
export {
  cidrRange,
  ipAddress,
  parseCidr,
  parseIpAddress,
  rangeContains,
  type CidrRange,
  type CidrResult,
  type IpAddress,
} from "./cidr.js";
export * from "./codegen-support.js";
