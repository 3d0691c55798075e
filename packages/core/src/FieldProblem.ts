/**
 * The one shape every validation error of the library uses for a bad field: `{ path, message }`, with paths written
 * as `requester.flags[0]` (the root as `(root)`). "Bad input everywhere gets a clear error that names the field":
 * calendar specs (`CalendarSpecError`), policies (`PolicyDecodeFailure`), desk input (`InputInvalid`), holiday sources
 * and the HTTP API's problem documents all name fields through this module, so they name them alike.
 *
 * @since 0.1.0
 */
import { Schema, SchemaIssue } from "effect"

/**
 * A bad field: where it is and what is wrong with it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const FieldProblem = Schema.Struct({ path: Schema.String, message: Schema.String })

/**
 * @since 0.1.0
 * @category models
 */
export type FieldProblem = typeof FieldProblem.Type

/**
 * A path segment as Schema issues carry them.
 *
 * @since 0.1.0
 * @category models
 */
export type Segment = PropertyKey | { readonly key: PropertyKey }

/**
 * `["requester", "flags", 0]` as `"requester.flags[0]"`; an empty path as `"(root)"`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatPath = (path: ReadonlyArray<Segment> | undefined): string => {
  let out = ""
  for (const segment of path ?? []) {
    const key = typeof segment === "object" && segment !== null ? segment.key : segment
    if (typeof key === "number") out += `[${key}]`
    else out += out === "" ? String(key) : `.${String(key)}`
  }
  return out === "" ? "(root)" : out
}

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/**
 * Every bad field of a Schema issue (decode with `{ errors: "all" }` to get them all).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromIssue = (issue: SchemaIssue.Issue): Array<FieldProblem> =>
  formatter(issue).issues.map((i) => ({ path: formatPath(i.path), message: i.message }))

/**
 * `"path: message; path: message"`, for an error's `message`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const summary = (problems: ReadonlyArray<FieldProblem>): string =>
  problems.map((p) => `${p.path}: ${p.message}`).join("; ")
