/**
 * The pieces every holiday source shares: the error, the date and hours schemas (mirroring the calendar spec of
 * `@support-policy/core`, which this package only imports types from), and small date helpers.
 */
import { FieldProblem } from "@support-policy/core"
import { Schema, type SchemaIssue } from "effect"
import { Temporal } from "temporal-polyfill"

// -------------------------------------------------------------------------------------------------------------------
// error
// -------------------------------------------------------------------------------------------------------------------

/**
 * A holiday source was refused: bad options, an unknown country, or a malformed iCalendar text. `field` names the
 * option or field at fault (`"years.from"`, `"country"`, `"text"`); `message` says what is wrong with it.
 */
export class HolidaySourceError extends Schema.TaggedError<HolidaySourceError>()("HolidaySourceError", {
  field: Schema.String,
  message: Schema.String
}) {}

/** Fails for `field` with a message that starts with the field name. */
export const sourceError = (field: string, message: string): HolidaySourceError =>
  new HolidaySourceError({ field, message: `${field}: ${message}` })

/** Turns a schema issue into a {@link HolidaySourceError} naming the first bad field and listing every problem. */
export const fromIssue = (issue: SchemaIssue.Issue, prefix?: string): HolidaySourceError => {
  const problems = FieldProblem.fromIssue(issue).map((i) => {
    const path = i.path
    return { path: prefix === undefined ? path : path === "(root)" ? prefix : `${prefix}.${path}`, message: i.message }
  })
  return new HolidaySourceError({
    field: problems[0]?.path ?? prefix ?? "(root)",
    message: problems.map((p) => `${p.path}: ${p.message}`).join("; ")
  })
}

// -------------------------------------------------------------------------------------------------------------------
// dates and times
// -------------------------------------------------------------------------------------------------------------------

const isoDatePattern = /^\d{4}-\d{2}-\d{2}$/

/** Parses an existing date `"YYYY-MM-DD"`, or returns `undefined`. */
export const parseIsoDate = (s: string): Temporal.PlainDate | undefined => {
  if (!isoDatePattern.test(s)) return undefined
  try {
    return Temporal.PlainDate.from(s, { overflow: "reject" })
  } catch {
    return undefined
  }
}

/** Whether Temporal knows the time zone (an IANA name or a fixed offset such as `"+08:00"`). */
export const isValidTimeZone = (zone: string): boolean => {
  try {
    Temporal.PlainDate.from("2000-01-01").toZonedDateTime({ timeZone: zone })
    return true
  } catch {
    return false
  }
}

const timeOfDayPattern = /^(?:([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?|24:00(?::00)?)$/

/** Seconds since midnight of a valid `"HH:MM"` / `"HH:MM:SS"` (24:00 is 86 400). */
export const secondsOfDay = (time: string): number => {
  const [h, m, s] = time.split(":")
  return Number(h) * 3600 + Number(m) * 60 + Number(s ?? 0)
}

/** `"HH:MM"`, or `"HH:MM:SS"` when the seconds are not zero; 86 400 is `"24:00"`. */
export const formatSecondsOfDay = (seconds: number): string => {
  const pad = (n: number) => String(n).padStart(2, "0")
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  return s === 0 ? `${pad(h)}:${pad(m)}` : `${pad(h)}:${pad(m)}:${pad(s)}`
}

// -------------------------------------------------------------------------------------------------------------------
// schemas (the shapes of the core calendar spec's `holidays` and `exceptions`)
// -------------------------------------------------------------------------------------------------------------------

/** A calendar date `"YYYY-MM-DD"` that exists. */
export const IsoDate = Schema.String.check(
  Schema.makeFilter((s: string) => (parseIsoDate(s) ? undefined : 'expected an existing date "YYYY-MM-DD"'))
)

/** An IANA time zone name or a fixed offset. */
export const TimeZone = Schema.String.check(
  Schema.makeFilter((zone: string) =>
    isValidTimeZone(zone) ? undefined : `unknown time zone "${zone}": expected an IANA name or an offset "+08:00"`
  )
)

/** A local wall-clock time from `"00:00"` to `"24:00"`. */
export const TimeOfDay = Schema.String.check(
  Schema.isPattern(timeOfDayPattern, { message: 'expected a time of day "HH:MM" or "HH:MM:SS" from 00:00 to 24:00' })
)

/** The open intervals of a day: each start before its end, sorted, not overlapping. */
export const DayHours = Schema.Array(Schema.Tuple([TimeOfDay, TimeOfDay])).check(
  Schema.makeFilter((hours: ReadonlyArray<readonly [string, string]>) => {
    let previousEnd = -1
    for (let i = 0; i < hours.length; i++) {
      const start = secondsOfDay(hours[i][0])
      const end = secondsOfDay(hours[i][1])
      if (start >= end) return { path: [i], issue: "expected the start of an interval before its end" }
      if (start < previousEnd) return { path: [i], issue: "expected intervals sorted and not overlapping" }
      previousEnd = end
    }
    return undefined
  })
)

/** Refuses `to` before `from` (both optional `"YYYY-MM-DD"`). */
export const fromNotAfterTo = Schema.makeFilter((o: { readonly from?: string; readonly to?: string }) =>
  o.from !== undefined && o.to !== undefined && o.from > o.to
    ? { path: ["to"], issue: `expected a date at or after from (${o.from})` }
    : undefined
)

/** A holiday: the bare date or `{ date, name }`. */
export const Holiday = Schema.Union([
  IsoDate,
  Schema.Struct({ date: IsoDate, name: Schema.optionalKey(Schema.String) })
])

/** A dated exception: on `date` the `hours` replace the weekly hours. */
export const CalendarException = Schema.Struct({
  date: IsoDate,
  hours: DayHours,
  name: Schema.optionalKey(Schema.String)
})

/** A holiday as a source produces it: always an object. */
export interface DatedHoliday {
  readonly date: string
  readonly name?: string
}

/** A dated exception as a source produces it. */
export type CalendarException = typeof CalendarException.Type

/** What a holiday source resolves to: the `holidays` and `exceptions` of a calendar spec. */
export interface Resolved {
  readonly holidays: ReadonlyArray<DatedHoliday>
  readonly exceptions: ReadonlyArray<CalendarException>
}

// -------------------------------------------------------------------------------------------------------------------
// merging
// -------------------------------------------------------------------------------------------------------------------

const joinNames = (names: ReadonlyArray<string>): string | undefined => {
  const unique = [...new Set(names.filter((n) => n !== ""))]
  return unique.length === 0 ? undefined : unique.join(" / ")
}

/** One holiday per date, sorted by date; names of the same date joined with `" / "`. */
export const mergeHolidays = (
  entries: Iterable<{ readonly date: string; readonly name?: string | undefined }>
): Array<DatedHoliday> => {
  const byDate = new Map<string, Array<string>>()
  for (const { date, name } of entries) {
    const names = byDate.get(date) ?? []
    if (name !== undefined) names.push(name)
    byDate.set(date, names)
  }
  return [...byDate.keys()].sort().map((date) => {
    const name = joinNames(byDate.get(date)!)
    return name === undefined ? { date } : { date, name }
  })
}

/** One exception per date, sorted by date; intervals of the same date sorted and overlapping ones joined. */
export const mergeExceptions = (
  entries: Iterable<{
    readonly date: string
    readonly hours: ReadonlyArray<readonly [string, string]>
    readonly name?: string | undefined
  }>
): Array<CalendarException> => {
  const byDate = new Map<string, { intervals: Array<[number, number]>; names: Array<string> }>()
  for (const { date, hours, name } of entries) {
    const entry = byDate.get(date) ?? { intervals: [], names: [] }
    for (const [start, end] of hours) entry.intervals.push([secondsOfDay(start), secondsOfDay(end)])
    if (name !== undefined) entry.names.push(name)
    byDate.set(date, entry)
  }
  return [...byDate.keys()].sort().map((date) => {
    const { intervals, names } = byDate.get(date)!
    intervals.sort((a, b) => a[0] - b[0] || a[1] - b[1])
    const merged: Array<[number, number]> = []
    for (const [start, end] of intervals) {
      const last = merged[merged.length - 1]
      if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end)
      else merged.push([start, end])
    }
    const hours = merged.map(([s, e]) => [formatSecondsOfDay(s), formatSecondsOfDay(e)] as const)
    const name = joinNames(names)
    return name === undefined ? { date, hours } : { date, hours, name }
  })
}
