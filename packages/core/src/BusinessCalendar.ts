/**
 * Business time: when a support desk is open, and arithmetic over the time it is open.
 *
 * Every promise of a support policy is business-time arithmetic: "answered within 2 business days" (Global Sources
 * Support Policy v1.8, clause 6.1), "a progress update within 1 business day" (6.2), "resolved or explained within 7
 * business days" (6.3), all counted in the hours of clause 2.1, "weekdays from 9:00 to 18:00 (GMT+8)".
 *
 * A calendar is described by a plain JSON {@link CalendarSpec} (a time zone, weekly local wall-clock hours,
 * holidays, and dated exceptions) and compiled lazily into open intervals in epoch milliseconds with running totals,
 * so every query is a binary search. Business time is the real time that passes while the local wall-clock time is
 * inside an open interval; DST follows from that definition (see `docs/calendar.md`).
 *
 * @since 0.1.0
 */
import { Effect, Result, Schema, type SchemaIssue, SchemaParser } from "effect"
import { Temporal } from "temporal-polyfill"
import * as FieldProblem from "./FieldProblem.ts"
import * as internal from "./internal/calendar.ts"

// -------------------------------------------------------------------------------------------------------------------
// spec
// -------------------------------------------------------------------------------------------------------------------

const timeOfDayPattern = /^(?:([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?|24:00(?::00)?)$/

/**
 * A local wall-clock time `"HH:MM"` or `"HH:MM:SS"`, from `"00:00"` to `"24:00"` (24:00 only as the end of an
 * interval).
 *
 * @since 0.1.0
 * @category schemas
 */
export const TimeOfDay = Schema.String.check(
  Schema.isPattern(timeOfDayPattern, {
    message: 'expected a time of day "HH:MM" or "HH:MM:SS" from 00:00 to 24:00',
    toJsonSchema: () => ({ pattern: timeOfDayPattern.source })
  })
)

/**
 * One open interval of a day, `[start, end]` in local wall-clock time, start before end.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OpenInterval = Schema.Tuple([TimeOfDay, TimeOfDay])

/**
 * The open intervals of one day: sorted, non-overlapping, each start before its end. An empty list means closed.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DayHours = Schema.Array(OpenInterval).check(
  Schema.makeFilter((hours: ReadonlyArray<readonly [string, string]>) => internal.checkDayHours(hours))
)

const isoDatePattern = /^\d{4}-\d{2}-\d{2}$/

/**
 * A calendar date `"YYYY-MM-DD"` (ISO 8601) that exists.
 *
 * @since 0.1.0
 * @category schemas
 */
export const IsoDate = Schema.String.check(
  Schema.makeFilter(
    (s: string) =>
      isoDatePattern.test(s) && internal.isValidIsoDate(s) ? undefined : 'expected an existing date "YYYY-MM-DD"',
    { toJsonSchema: () => ({ pattern: isoDatePattern.source, format: "date" }) }
  )
)

/**
 * A holiday: closed all day. Either the bare date or `{ date, name }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Holiday = Schema.Union([
  IsoDate,
  Schema.Struct({ date: IsoDate, name: Schema.optionalKey(Schema.String) })
])

/**
 * A dated exception: on `date`, the given hours replace the weekly hours (also on a weekend, for make-up workdays,
 * and over a holiday on the same date).
 *
 * @since 0.1.0
 * @category schemas
 */
export const CalendarException = Schema.Struct({
  date: IsoDate,
  hours: DayHours,
  name: Schema.optionalKey(Schema.String)
})

/**
 * The weekly hours, by day name. A missing day is closed.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WeekHours = Schema.Struct({
  monday: Schema.optionalKey(DayHours),
  tuesday: Schema.optionalKey(DayHours),
  wednesday: Schema.optionalKey(DayHours),
  thursday: Schema.optionalKey(DayHours),
  friday: Schema.optionalKey(DayHours),
  saturday: Schema.optionalKey(DayHours),
  sunday: Schema.optionalKey(DayHours)
})

/**
 * The calendar's time zone: an IANA name (`"Asia/Hong_Kong"`) or a fixed UTC offset (`"+08:00"`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const TimeZone = Schema.String.check(
  Schema.makeFilter((zone: string) =>
    internal.isValidTimeZone(zone)
      ? undefined
      : `unknown time zone "${zone}": expected an IANA name or an offset "+08:00"`
  )
)

/**
 * A business calendar as plain JSON, so hosts can keep calendars in configuration.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CalendarSpec = Schema.Struct({
  timeZone: TimeZone,
  week: WeekHours,
  holidays: Schema.optionalKey(Schema.Array(Holiday)),
  exceptions: Schema.optionalKey(Schema.Array(CalendarException))
}).check(Schema.makeFilter((spec: internal.Spec) => internal.checkSpec(spec)))

/**
 * @since 0.1.0
 * @category models
 */
export type CalendarSpec = typeof CalendarSpec.Type

/**
 * @since 0.1.0
 * @category models
 */
export type DayName = keyof typeof WeekHours.Type

// -------------------------------------------------------------------------------------------------------------------
// errors
// -------------------------------------------------------------------------------------------------------------------

/**
 * One problem found in a calendar spec: the path of the field (`"week.monday[1]"`) and what is wrong with it.
 *
 * @since 0.1.0
 * @category models
 */
export const SpecProblem = FieldProblem.FieldProblem

/**
 * A calendar spec was refused. `problems` names every bad field; `message` lists them.
 *
 * @since 0.1.0
 * @category errors
 */
export class CalendarSpecError extends Schema.TaggedError<CalendarSpecError>()("CalendarSpecError", {
  message: Schema.String,
  problems: Schema.Array(SpecProblem)
}) {}

/**
 * The calendar has no open time within ten years after the instant a query started from, so the query has no
 * answer. Thrown by the arithmetic functions instead of looping forever.
 *
 * @since 0.1.0
 * @category errors
 */
export { CalendarNeverOpens } from "./internal/calendar.ts"

/**
 * The calendar is open without a break for ten years after the instant {@link nextClosing} started from (a 24/7
 * calendar), so there is no next closing.
 *
 * @since 0.1.0
 * @category errors
 */
export { CalendarNeverCloses } from "./internal/calendar.ts"

// -------------------------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------------------------

const TypeId = "~@support-policy/core/BusinessCalendar"

/**
 * A compiled business calendar. Immutable from the outside; it caches compiled open intervals inside, so share one
 * value rather than compiling the same spec again.
 *
 * @since 0.1.0
 * @category models
 */
export interface BusinessCalendar {
  readonly [TypeId]: typeof TypeId
  /** The spec the calendar was made from, as decoded. */
  readonly spec: CalendarSpec
  /** @internal */
  readonly compiled: internal.Compiled
}

/**
 * A business duration: a `Temporal.Duration` in hours, minutes, seconds and milliseconds, or the same as a plain
 * object. Days, weeks, months and years are refused (use {@link addBusinessDays} for business days).
 *
 * @since 0.1.0
 * @category models
 */
export type DurationLike =
  | Temporal.Duration
  | {
      readonly hours?: number | undefined
      readonly minutes?: number | undefined
      readonly seconds?: number | undefined
      readonly milliseconds?: number | undefined
    }

/**
 * @since 0.1.0
 * @category guards
 */
export const isBusinessCalendar = (u: unknown): u is BusinessCalendar =>
  typeof u === "object" && u !== null && TypeId in u

// -------------------------------------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------------------------------------

const toSpecError = (issue: SchemaIssue.Issue): CalendarSpecError => {
  const problems = FieldProblem.fromIssue(issue)
  return new CalendarSpecError({
    message: `Invalid calendar spec: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`,
    problems
  })
}

const decodeSpec = SchemaParser.decodeUnknownResult(CalendarSpec)

const fromDecoded = (spec: CalendarSpec): BusinessCalendar => ({
  [TypeId]: TypeId,
  spec,
  compiled: internal.compile(spec)
})

const decodeResult = (u: unknown): Result.Result<BusinessCalendar, CalendarSpecError> => {
  const result = decodeSpec(u, { errors: "all" })
  return Result.isSuccess(result)
    ? Result.succeed(fromDecoded(result.success))
    : Result.fail(toSpecError(result.failure))
}

/**
 * Decodes and compiles a calendar spec, failing with a {@link CalendarSpecError} that names every bad field.
 *
 * @since 0.1.0
 * @category constructors
 */
export const decode = (u: unknown): Effect.Effect<BusinessCalendar, CalendarSpecError> =>
  Effect.suspend(() => Effect.fromResult(decodeResult(u)))

/**
 * Decodes and compiles a calendar spec, throwing a {@link CalendarSpecError} that names every bad field.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeUnsafe = (spec: unknown): BusinessCalendar => {
  const result = decodeResult(spec)
  if (Result.isSuccess(result)) return result.success
  throw result.failure
}

// -------------------------------------------------------------------------------------------------------------------
// queries
// -------------------------------------------------------------------------------------------------------------------

/**
 * Whether the calendar is open at `at`. Intervals are half-open: open at the opening instant, closed at the closing
 * instant.
 *
 * @since 0.1.0
 * @category queries
 */
export const isOpen = (calendar: BusinessCalendar, at: Temporal.Instant): boolean =>
  internal.isOpen(calendar.compiled, at.epochMilliseconds)

/**
 * The first instant at or after `at` when the calendar is open: `at` itself when open.
 *
 * @since 0.1.0
 * @category queries
 */
export const nextOpening = (calendar: BusinessCalendar, at: Temporal.Instant): Temporal.Instant => {
  const ms = at.epochMilliseconds
  const next = internal.nextOpening(calendar.compiled, ms)
  return next === ms ? at : Temporal.Instant.fromEpochMilliseconds(next)
}

/**
 * The first instant after `at` when the calendar closes: the end of the current open period when open, else the
 * end of the next one.
 *
 * @since 0.1.0
 * @category queries
 */
export const nextClosing = (calendar: BusinessCalendar, at: Temporal.Instant): Temporal.Instant =>
  Temporal.Instant.fromEpochMilliseconds(internal.nextClosing(calendar.compiled, at.epochMilliseconds))

/**
 * The earliest instant at which `duration` of business time has passed since `start`. Monday 09:00 + 9 h is Monday
 * 18:00 on a 09:00–18:00 calendar. A zero duration returns `start`; a start outside hours begins counting at the
 * next opening.
 *
 * @since 0.1.0
 * @category arithmetic
 */
export const addBusinessTime = (
  calendar: BusinessCalendar,
  start: Temporal.Instant,
  duration: DurationLike
): Temporal.Instant => {
  const ms = internal.durationToMillis(duration)
  if (ms === 0) return start
  return Temporal.Instant.fromEpochMilliseconds(
    internal.addBusinessMillis(calendar.compiled, start.epochMilliseconds, ms)
  )
}

/**
 * The business time between two instants, in hours, minutes, seconds and milliseconds (never days). Negative when
 * `end` is before `start`.
 *
 * @since 0.1.0
 * @category arithmetic
 */
export const businessTimeBetween = (
  calendar: BusinessCalendar,
  start: Temporal.Instant,
  end: Temporal.Instant
): Temporal.Duration =>
  internal.millisToDuration(
    internal.businessMillisBetween(calendar.compiled, start.epochMilliseconds, end.epochMilliseconds)
  )

/**
 * The same local time of day on the `days`-th following business day, counted from the next open moment when
 * `start` is outside hours. A business day is a local date with any open time. When that date is not open at that
 * time of day, the result is its next opening that day, or its last closing. See `docs/calendar.md`.
 *
 * @since 0.1.0
 * @category arithmetic
 */
export const addBusinessDays = (
  calendar: BusinessCalendar,
  start: Temporal.Instant,
  days: number
): Temporal.Instant => {
  const startMs = start.epochMilliseconds
  const result = internal.addBusinessDays(calendar.compiled, startMs, days)
  return result === startMs ? start : Temporal.Instant.fromEpochMilliseconds(result)
}

/**
 * The business time between two instants in milliseconds: the number-only form of {@link businessTimeBetween} for
 * hot paths.
 *
 * @since 0.1.0
 * @category arithmetic
 */
export const businessMillisBetween = (calendar: BusinessCalendar, startMs: number, endMs: number): number =>
  internal.businessMillisBetween(calendar.compiled, startMs, endMs)

/**
 * The number-only form of {@link addBusinessTime}: epoch milliseconds in, epoch milliseconds out.
 *
 * @since 0.1.0
 * @category arithmetic
 */
export const addBusinessMillis = (calendar: BusinessCalendar, startMs: number, millis: number): number =>
  millis === 0 ? startMs : internal.addBusinessMillis(calendar.compiled, startMs, millis)
