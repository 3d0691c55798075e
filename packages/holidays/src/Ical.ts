/**
 * Holidays and dated exceptions from an iCalendar (RFC 5545, `.ics`) text: the format in which governments, HR
 * systems and shared calendars publish days off. Parsed with `node-ical`.
 *
 * How events are read:
 *
 * - An all-day `VEVENT` (`DTSTART;VALUE=DATE`) is a holiday on each date from `DTSTART` up to, not including,
 *   `DTEND` (one day without `DTEND`). Its `SUMMARY` is the holiday's name.
 * - `RRULE` recurrences are expanded, with `EXDATE` and `RECURRENCE-ID` overrides applied. A rule without `COUNT` or
 *   `UNTIL` repeats forever, so it needs `to`.
 * - Working time is marked with `CATEGORIES:WORKDAY` (among other categories, any case). A timed event so marked is
 *   an exception: on its date the calendar is open exactly from `DTSTART` to `DTEND` (split at midnight if it runs
 *   over). An all-day event so marked is a make-up workday with the hours given as the `workdayHours` option. Several
 *   working-time events on one date add up.
 * - Timed events without `CATEGORIES:WORKDAY` (meetings, reminders) are ignored, and so are `STATUS:CANCELLED`
 *   events and components other than `VEVENT`.
 * - The hours of a timed event are its local wall-clock time: in `timeZone` when given, else in the event's own
 *   `TZID` (UTC for times written with `Z`). Floating times (no `TZID`, no `Z`) are taken as written.
 * - `from` and `to` (inclusive) keep only the dates between them.
 *
 * The text must be a well-formed calendar: `BEGIN:VCALENDAR` first, every `BEGIN` closed by its `END`, each line a
 * property `NAME[;PARAMS]:VALUE`, every `VEVENT` with a valid `DTSTART`, known time zones.
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import ical from "node-ical"
import type { VEvent } from "node-ical"
import { Temporal } from "temporal-polyfill"
import * as model from "./internal/model.ts"

/**
 * A holiday source was refused; `field` names the bad option, or `"text"` for a malformed calendar.
 *
 * @since 0.1.0
 * @category errors
 */
export { HolidaySourceError } from "./internal/model.ts"

/**
 * The `CATEGORIES` value that marks an event as working time.
 *
 * @since 0.1.0
 * @category constants
 */
export const workdayCategory = "WORKDAY"

/**
 * The options of {@link fromText}: the dates to keep (`from`, `to`, inclusive), the calendar's `timeZone` for timed
 * events, and the `workdayHours` of all-day `WORKDAY` events.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Options = Schema.Struct({
  from: Schema.optionalKey(model.IsoDate),
  to: Schema.optionalKey(model.IsoDate),
  timeZone: Schema.optionalKey(model.TimeZone),
  workdayHours: Schema.optionalKey(model.DayHours)
}).check(model.fromNotAfterTo)

/**
 * @since 0.1.0
 * @category models
 */
export type Options = typeof Options.Type

/**
 * What a calendar text gives: `holidays` (closed all day) and `exceptions` (the hours of working-time events),
 * each sorted by date with one entry per date.
 *
 * @since 0.1.0
 * @category models
 */
export type Resolved = model.Resolved

// -------------------------------------------------------------------------------------------------------------------
// structure
// -------------------------------------------------------------------------------------------------------------------

const propertyLine = /^[A-Za-z0-9-]+[;:]/

/** The first structural problem of an iCalendar text, or `undefined`. node-ical itself accepts almost anything. */
const structureProblem = (text: string): string | undefined => {
  const physical = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/)
  const lines: Array<{ readonly number: number; readonly content: string }> = []
  physical.forEach((line, i) => {
    if ((line.startsWith(" ") || line.startsWith("\t")) && lines.length > 0) {
      const last = lines[lines.length - 1]!
      lines[lines.length - 1] = { number: last.number, content: last.content + line.slice(1) }
    } else if (line.trim() !== "") {
      lines.push({ number: i + 1, content: line })
    }
  })
  if (lines.length === 0) return "is empty: expected an iCalendar text starting with BEGIN:VCALENDAR"
  const open: Array<{ readonly name: string; readonly line: number }> = []
  for (const { number, content } of lines) {
    if (!propertyLine.test(content) || !content.includes(":")) {
      return `line ${number} is not an iCalendar property NAME:VALUE: ${JSON.stringify(content.slice(0, 60))}`
    }
    const colon = content.indexOf(":")
    const name = content.slice(0, colon).toUpperCase()
    const value = content
      .slice(colon + 1)
      .trim()
      .toUpperCase()
    if (open.length === 0 && !(name === "BEGIN" && value === "VCALENDAR")) {
      return `line ${number}: expected BEGIN:VCALENDAR, got ${JSON.stringify(content.slice(0, 60))}`
    }
    if (name === "BEGIN") open.push({ name: value, line: number })
    else if (name === "END") {
      const top = open.pop()
      if (top?.name !== value)
        return `line ${number}: END:${value} does not close BEGIN:${top?.name} of line ${top?.line}`
    }
  }
  const unclosed = open[open.length - 1]
  return unclosed === undefined
    ? undefined
    : `ends inside BEGIN:${unclosed.name} of line ${unclosed.line}: END:${unclosed.name} is missing`
}

// -------------------------------------------------------------------------------------------------------------------
// events
// -------------------------------------------------------------------------------------------------------------------

type DateWithTimeZone = Date & { tz?: string; dateOnly?: true }

const isValidDate = (d: unknown): d is DateWithTimeZone => d instanceof Date && !Number.isNaN(d.getTime())

const textOf = (value: unknown): string | undefined =>
  typeof value === "string"
    ? value
    : typeof value === "object" && value !== null && "val" in value && typeof value.val === "string"
      ? value.val
      : undefined

const nameOf = (summary: unknown): string | undefined => {
  const name = textOf(summary)?.trim()
  return name === undefined || name === "" ? undefined : name
}

const isWorkday = (event: { readonly categories?: unknown }): boolean => {
  const categories: ReadonlyArray<unknown> = Array.isArray(event.categories) ? event.categories : [event.categories]
  return categories.some((c) =>
    (textOf(c) ?? "").split(",").some((part) => part.trim().toUpperCase() === workdayCategory)
  )
}

const labelOf = (event: { readonly uid?: unknown; readonly summary?: unknown }): string => {
  const name = nameOf(event.summary)
  const uid = textOf(event.uid)
  return `event ${name === undefined ? "" : `${JSON.stringify(name)} `}(UID ${uid ?? "none"})`
}

/** The date a date-only value stands for: node-ical builds it at local midnight of the host's time zone. */
const localDate = (d: Date): Temporal.PlainDate =>
  Temporal.PlainDate.from({ year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate() })

const localDateTime = (d: Date): Temporal.PlainDateTime =>
  Temporal.PlainDateTime.from({
    year: d.getFullYear(),
    month: d.getMonth() + 1,
    day: d.getDate(),
    hour: d.getHours(),
    minute: d.getMinutes(),
    second: d.getSeconds()
  })

const isUnbounded = (rrule: { readonly options: Record<string, unknown> }): boolean =>
  rrule.options.count == null && rrule.options.until == null

const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e))

const datesBetween = function* (
  start: Temporal.PlainDate,
  endExclusive: Temporal.PlainDate,
  from: Temporal.PlainDate | undefined,
  to: Temporal.PlainDate | undefined
): Generator<Temporal.PlainDate> {
  let date = from !== undefined && Temporal.PlainDate.compare(start, from) < 0 ? from : start
  while (
    Temporal.PlainDate.compare(date, endExclusive) < 0 &&
    (to === undefined || Temporal.PlainDate.compare(date, to) <= 0)
  ) {
    yield date
    date = date.add({ days: 1 })
  }
}

const decodeOptions = Schema.decodeUnknownEffect(Options)

/**
 * Reads the holidays and working-time exceptions of an iCalendar text (see the module documentation for the
 * rules). Fails with a `HolidaySourceError`: field `"text"` for a malformed calendar, or the option at fault.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromText: (text: string, options?: Options) => Effect.Effect<Resolved, model.HolidaySourceError> =
  Effect.fnUntraced(function* (text: string, input?: Options) {
    if (typeof text !== "string") return yield* model.sourceError("text", "expected the iCalendar text as a string")
    const options = yield* decodeOptions(input ?? {}).pipe(Effect.mapError((error) => model.fromIssue(error.issue)))
    const problem = structureProblem(text)
    if (problem !== undefined) return yield* model.sourceError("text", problem)
    const parsed = yield* Effect.try({
      try: () => ical.sync.parseICS(text),
      catch: (e) => model.sourceError("text", `could not be parsed: ${errorMessage(e)}`)
    })

    const from = options.from === undefined ? undefined : Temporal.PlainDate.from(options.from)
    const to = options.to === undefined ? undefined : Temporal.PlainDate.from(options.to)
    // node-ical compares in the host's local time; widen the window and filter by date afterwards.
    const window = {
      from:
        from === undefined
          ? new Date(Date.UTC(1000, 0, 1))
          : new Date(Date.UTC(from.year, from.month - 1, from.day - 2)),
      to: to === undefined ? new Date(Date.UTC(9999, 11, 31)) : new Date(Date.UTC(to.year, to.month - 1, to.day + 2))
    }

    const holidays: Array<{ date: string; name?: string }> = []
    const exceptions: Array<{ date: string; hours: ReadonlyArray<readonly [string, string]>; name?: string }> = []
    const named = <A extends { date: string }>(entry: A, name: string | undefined): A & { name?: string } =>
      name === undefined ? entry : { ...entry, name }

    for (const component of Object.values(parsed)) {
      if (component === undefined || component.type !== "VEVENT") continue
      const event = component as VEvent
      const label = labelOf(event)
      if (textOf(event.status)?.toUpperCase() === "CANCELLED") continue
      if (!isValidDate(event.start)) {
        return yield* model.sourceError("text", `${label}: DTSTART is missing or not a valid date`)
      }
      if (event.end !== undefined && !isValidDate(event.end)) {
        return yield* model.sourceError("text", `${label}: DTEND is not a valid date`)
      }
      if (event.rrule !== undefined && to === undefined && isUnbounded(event.rrule)) {
        return yield* model.sourceError(
          "to",
          `${label} repeats without end (RRULE without COUNT or UNTIL): give the last date to list as to`
        )
      }
      const instances = yield* Effect.try({
        try: () => ical.expandRecurringEvent(event, { from: window.from, to: window.to, expandOngoing: true }),
        catch: (e) => model.sourceError("text", `${label}: could not expand its recurrences: ${errorMessage(e)}`)
      })

      for (const instance of instances) {
        const source = instance.event
        if (textOf(source.status)?.toUpperCase() === "CANCELLED") continue
        const name = nameOf(instance.summary) ?? nameOf(source.summary)
        const workday = isWorkday(source)

        if (instance.isFullDay) {
          const start = localDate(instance.start)
          const end = localDate(instance.end)
          const endExclusive = Temporal.PlainDate.compare(end, start) > 0 ? end : start.add({ days: 1 })
          const dates = [...datesBetween(start, endExclusive, from, to)]
          if (!workday) {
            for (const date of dates) holidays.push(named({ date: date.toString() }, name))
            continue
          }
          const hours = options.workdayHours
          if (hours === undefined && dates.length > 0) {
            return yield* model.sourceError(
              "workdayHours",
              `${label} is an all-day ${workdayCategory} event: give its hours as workdayHours`
            )
          }
          for (const date of dates) exceptions.push(named({ date: date.toString(), hours: hours! }, name))
          continue
        }

        if (!workday) continue
        const zone = instance.start.tz ?? event.start.tz
        if (zone !== undefined && !model.isValidTimeZone(zone)) {
          return yield* model.sourceError("text", `${label}: unknown time zone "${zone}"`)
        }
        const wallClock = (d: Date): Temporal.PlainDateTime =>
          zone === undefined
            ? localDateTime(d)
            : Temporal.Instant.fromEpochMilliseconds(d.getTime())
                .toZonedDateTimeISO(options.timeZone ?? zone)
                .toPlainDateTime()
        const start = wallClock(instance.start)
        const end = wallClock(instance.end)
        if (Temporal.PlainDateTime.compare(end, start) <= 0) {
          return yield* model.sourceError(
            "text",
            `${label}: a timed ${workdayCategory} event needs DTEND after DTSTART`
          )
        }
        const startDate = start.toPlainDate()
        const endDate = end.toPlainDate()
        for (const date of datesBetween(startDate, endDate.add({ days: 1 }), from, to)) {
          const first = Temporal.PlainDate.compare(date, startDate) === 0
          const last = Temporal.PlainDate.compare(date, endDate) === 0
          const open = first ? start.hour * 3600 + start.minute * 60 + start.second : 0
          const close = last ? end.hour * 3600 + end.minute * 60 + end.second : 86_400
          if (open >= close) continue
          const hours = [[model.formatSecondsOfDay(open), model.formatSecondsOfDay(close)] as const]
          exceptions.push(named({ date: date.toString(), hours }, name))
        }
      }
    }
    return { holidays: model.mergeHolidays(holidays), exceptions: model.mergeExceptions(exceptions) }
  })
