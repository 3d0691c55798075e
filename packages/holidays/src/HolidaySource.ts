/**
 * Where a calendar's holidays come from, as data: a policy document or a host's configuration can say "Hong Kong
 * general holidays 2025–2030 from date-holidays", "this iCalendar feed" or "these dates", and the host resolves it
 * into the `holidays` and `exceptions` of a business calendar spec (clause 2.1 of the Global Sources Support Policy
 * v1.8 excludes public holidays from business time).
 *
 * @since 0.1.0
 */
import type { BusinessCalendar } from "@support-policy/core"
import { Effect, Schema } from "effect"
import * as DateHolidays from "./DateHolidays.ts"
import * as Ical from "./Ical.ts"
import * as model from "./internal/model.ts"

/**
 * A holiday source was refused; `field` names the bad field (`"years.from"`, `"holidays[2].date"`, `"text"`).
 *
 * @since 0.1.0
 * @category errors
 */
export { HolidaySourceError } from "./internal/model.ts"

// -------------------------------------------------------------------------------------------------------------------
// schemas
// -------------------------------------------------------------------------------------------------------------------

/**
 * A holiday: closed all day. The bare date `"YYYY-MM-DD"` or `{ date, name }`, as in a calendar spec.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Holiday = model.Holiday

/**
 * A dated exception: on `date` the `hours` replace the weekly hours, as in a calendar spec.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CalendarException = model.CalendarException

/**
 * Holidays computed by `date-holidays`: the options of `DateHolidays.holidays` with `kind: "date-holidays"`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DateHolidaysSource = Schema.Struct({
  kind: Schema.Literal("date-holidays"),
  ...DateHolidays.Options.fields
})

/**
 * An iCalendar text with the options of `Ical.fromText`, `kind: "ics"`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const IcsSource = Schema.Struct({
  kind: Schema.Literal("ics"),
  text: Schema.String,
  ...Ical.Options.fields
}).check(model.fromNotAfterTo)

/**
 * Holidays and exceptions listed by hand, `kind: "list"`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ListSource = Schema.Struct({
  kind: Schema.Literal("list"),
  holidays: Schema.Array(Holiday),
  exceptions: Schema.optionalKey(Schema.Array(CalendarException))
})

/**
 * A holiday source as plain JSON.
 *
 * @since 0.1.0
 * @category schemas
 */
export const HolidaySource = Schema.Union([DateHolidaysSource, IcsSource, ListSource])

/**
 * @since 0.1.0
 * @category models
 */
export type HolidaySource = typeof HolidaySource.Type

/**
 * What a source resolves to: `holidays` and `exceptions`, each sorted by date with one entry per date.
 *
 * @since 0.1.0
 * @category models
 */
export type Resolved = model.Resolved

// -------------------------------------------------------------------------------------------------------------------
// resolve
// -------------------------------------------------------------------------------------------------------------------

const decodeSource = Schema.decodeUnknownEffect(HolidaySource)

// Checked first, so an unknown kind is reported as such rather than as a mismatch with every member of the union.
const decodeKind = Schema.decodeUnknownEffect(
  Schema.Struct({ kind: Schema.Literals(["date-holidays", "ics", "list"]) })
)

/**
 * Decodes a holiday source from JSON, failing with a `HolidaySourceError` that names the bad field.
 *
 * @since 0.1.0
 * @category constructors
 */
export const decode = (u: unknown): Effect.Effect<HolidaySource, model.HolidaySourceError> =>
  decodeKind(u).pipe(
    Effect.flatMap(() => decodeSource(u)),
    Effect.mapError((error) => model.fromIssue(error.issue))
  )

/**
 * Resolves a holiday source into holidays and exceptions: runs `date-holidays`, reads the iCalendar text, or
 * checks the list. The source is decoded first, so JSON from a document may be passed as it is.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolve: (source: HolidaySource) => Effect.Effect<Resolved, model.HolidaySourceError> = Effect.fnUntraced(
  function* (input: HolidaySource) {
    const source = yield* decode(input)
    switch (source.kind) {
      case "date-holidays": {
        const { kind: _, ...options } = source
        return { holidays: yield* DateHolidays.holidays(options), exceptions: [] }
      }
      case "ics": {
        const { kind: _, text, ...options } = source
        return yield* Ical.fromText(text, options)
      }
      case "list":
        return {
          holidays: model.mergeHolidays(source.holidays.map((h) => (typeof h === "string" ? { date: h } : h))),
          exceptions: model.mergeExceptions(source.exceptions ?? [])
        }
    }
  }
)

// -------------------------------------------------------------------------------------------------------------------
// apply
// -------------------------------------------------------------------------------------------------------------------

type SpecHolidays = Pick<BusinessCalendar.CalendarSpec, "holidays" | "exceptions">

/**
 * A calendar spec with resolved holidays and exceptions added. The spec's own entries win: a resolved holiday or
 * exception on a date the spec already lists (as a holiday or as an exception) is dropped. Both lists come out
 * sorted by date.
 *
 * @since 0.1.0
 * @category combinators
 */
export const applyTo = <S extends SpecHolidays & Pick<BusinessCalendar.CalendarSpec, "timeZone">>(
  spec: S,
  resolved: Resolved
): Omit<S, "holidays" | "exceptions"> & Required<SpecHolidays> => {
  const ownHolidays = spec.holidays ?? []
  const ownExceptions = spec.exceptions ?? []
  const claimed = new Set<string>([
    ...ownHolidays.map((h) => (typeof h === "string" ? h : h.date)),
    ...ownExceptions.map((e) => e.date)
  ])
  const byDate =
    <A>(dateOf: (a: A) => string) =>
    (a: A, b: A) => {
      const x = dateOf(a)
      const y = dateOf(b)
      return x < y ? -1 : x > y ? 1 : 0
    }
  const holidays = [...ownHolidays, ...model.mergeHolidays(resolved.holidays.filter((h) => !claimed.has(h.date)))].sort(
    byDate((h) => (typeof h === "string" ? h : h.date))
  )
  const exceptions = [
    ...ownExceptions,
    ...model.mergeExceptions(resolved.exceptions.filter((e) => !claimed.has(e.date)))
  ].sort(byDate((e) => e.date))
  return { ...spec, holidays, exceptions }
}
