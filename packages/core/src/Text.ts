/**
 * What the desk takes as text from people and hosts, checked where it is decoded: never a NUL or another C0 control
 * character (a message may hold tabs and line breaks: tab, line feed and carriage return), never a lone UTF-16
 * surrogate (text that is not well-formed Unicode cannot be stored, sent by e-mail or shown), and never longer than a
 * documented maximum. A value that breaks one of these is refused with a message naming what is wrong; the decoder
 * names the field. So nothing a client sends reaches a store that would refuse it (PostgreSQL refuses NUL in text and
 * `\u0000` in JSON, and lone surrogates in JSON).
 *
 * The maxima are {@link maxIdLength} for ids (of people, policy entries, queues, incidents), and per field for texts
 * (`SupportDesk` inputs: a subject or title 200, a message 20,000, a reason 2,000, an order reference 100, an
 * idempotency key 200 characters). Lengths are counted in UTF-16 code units, as JavaScript counts them.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as FieldProblem from "./FieldProblem.ts"

/**
 * The longest id the desk takes (of a person, a policy entry, a queue, an incident, a case): 256 characters.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxIdLength = 256

// C0 controls but tab (U+0009), line feed (U+000A) and carriage return (U+000D); and DEL is allowed
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused
const MESSAGE_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/
// every C0 control
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused
const LINE_CONTROL = /[\u0000-\u001F]/
const ILL_FORMED = "must be well-formed Unicode (it holds a lone UTF-16 surrogate)"
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

const describeControl = (s: string, pattern: RegExp): string | undefined => {
  const found = pattern.exec(s)
  if (found === null) return undefined
  const code = found[0].charCodeAt(0)
  return code === 0
    ? "must not contain a NUL character (U+0000)"
    : `must not contain the control character U+${code.toString(16).toUpperCase().padStart(4, "0")}`
}

/**
 * What is wrong with a text a person wrote, or undefined when it is acceptable: a C0 control character other than
 * tab, line feed and carriage return, or a lone surrogate.
 *
 * @since 0.1.0
 * @category validation
 */
export const messageProblem = (s: string): string | undefined =>
  describeControl(s, MESSAGE_CONTROL) ?? (LONE_SURROGATE.test(s) ? ILL_FORMED : undefined)

/**
 * What is wrong with a one-line value (an id, a reference, a key), or undefined when it is acceptable: any C0 control
 * character, or a lone surrogate.
 *
 * @since 0.1.0
 * @category validation
 */
export const lineProblem = (s: string): string | undefined =>
  describeControl(s, LINE_CONTROL) ?? (LONE_SURROGATE.test(s) ? ILL_FORMED : undefined)

/**
 * A text a person writes (a message, a subject, a reason): not blank, without control characters but tab, line feed
 * and carriage return, well-formed, at most `max` characters. `what` names it in messages: `"a subject"`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const message = (what: string, max: number) =>
  Schema.String.check(
    Schema.makeFilter((s: string) => (s.trim().length > 0 ? undefined : `expected ${what}, got a blank text`)),
    Schema.makeFilter((s: string) => {
      const problem = messageProblem(s)
      return problem === undefined ? undefined : `${what} ${problem}`
    }),
    Schema.isMaxLength(max, { message: `expected ${what} of at most ${max} characters` })
  ).annotate({ description: `${what}: at most ${max} characters, no control characters but tab and line breaks` })

/**
 * A one-line value that may be empty (a name, an e-mail address): no control characters, well-formed, at most `max`
 * characters.
 *
 * @since 0.1.0
 * @category schemas
 */
export const line = (what: string, max: number) =>
  Schema.String.check(
    Schema.makeFilter((s: string) => {
      const problem = lineProblem(s)
      return problem === undefined ? undefined : `${what} ${problem}`
    }),
    Schema.isMaxLength(max, { message: `expected ${what} of at most ${max} characters` })
  ).annotate({ description: `${what}: at most ${max} characters on one line` })

/**
 * A non-empty one-line identifier: no control characters, well-formed, at most `max` characters (default
 * {@link maxIdLength}).
 *
 * @since 0.1.0
 * @category schemas
 */
export const identifier = (what: string, max: number = maxIdLength) =>
  Schema.String.check(
    Schema.isMinLength(1, { message: `expected ${what}, got an empty text` }),
    Schema.makeFilter((s: string) => {
      const problem = lineProblem(s)
      return problem === undefined ? undefined : `${what} ${problem}`
    }),
    Schema.isMaxLength(max, { message: `expected ${what} of at most ${max} characters` })
  ).annotate({ description: `${what}: 1 to ${max} characters on one line` })

/**
 * What no store could keep of a text, or undefined: a NUL (PostgreSQL refuses it in text and JSON) or a lone
 * surrogate (not encodable as UTF-8). Other control characters can be kept; the desk's inputs refuse them too
 * ({@link messageProblem}), a document written by a host may hold them.
 *
 * @since 0.1.0
 * @category validation
 */
export const storableProblem = (s: string): string | undefined =>
  s.includes("\u0000") ? "must not contain a NUL character (U+0000)" : LONE_SURROGATE.test(s) ? ILL_FORMED : undefined

/**
 * Every text of a document (a decoded policy, parsed JSON) that no store could keep ({@link storableProblem}), with
 * its path. For documents whose schema does not check each of its texts, and that are read back through the same
 * decoder (so what a store kept before still decodes); an empty list when all are acceptable.
 *
 * @since 0.1.0
 * @category validation
 */
export const documentProblems = (document: unknown): ReadonlyArray<FieldProblem.FieldProblem> => {
  const problems: Array<FieldProblem.FieldProblem> = []
  const visit = (value: unknown, path: Array<FieldProblem.Segment>): void => {
    if (typeof value === "string") {
      const problem = storableProblem(value)
      if (problem !== undefined) problems.push({ path: FieldProblem.formatPath(path), message: `a text ${problem}` })
    } else if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) visit(item, [...path, i])
    } else if (typeof value === "object" && value !== null) {
      for (const [key, item] of Object.entries(value)) visit(item, [...path, key])
    }
  }
  visit(document, [])
  return problems
}
