/**
 * The compiled form of a business calendar: open intervals in epoch milliseconds with running totals, extended
 * lazily in windows of real time, answered with binary search. Only compilation touches Temporal (for the time zone
 * offsets); queries work on numbers.
 */
import { Schema } from "effect"
import { Temporal } from "temporal-polyfill"

/** @internal */
export class CalendarNeverOpens extends Schema.TaggedError<CalendarNeverOpens>()("CalendarNeverOpens", {
  message: Schema.String,
  from: Schema.String
}) {}

/** @internal */
export class CalendarNeverCloses extends Schema.TaggedError<CalendarNeverCloses>()("CalendarNeverCloses", {
  message: Schema.String,
  from: Schema.String
}) {}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
/** How far a search goes before it gives up: ten years. */
export const HORIZON = 3653 * DAY
const HORIZON_DAYS = 3653
/** The window of real time compiled at a time. */
const CHUNK = 128 * DAY

const DAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const

type Interval = readonly [string, string]
type Hours = ReadonlyArray<Interval>

/** The decoded spec, as far as the compiler reads it. */
export interface Spec {
  readonly timeZone: string
  readonly week: { readonly [day in (typeof DAY_NAMES)[number]]?: Hours | undefined }
  readonly holidays?: ReadonlyArray<string | { readonly date: string; readonly name?: string }> | undefined
  readonly exceptions?:
    | ReadonlyArray<{ readonly date: string; readonly hours: Hours; readonly name?: string }>
    | undefined
}

// -------------------------------------------------------------------------------------------------------------------
// civil dates
// -------------------------------------------------------------------------------------------------------------------

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export const daysFromCivil = (y: number, m: number, d: number): number => {
  y -= m <= 2 ? 1 : 0
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** The proleptic Gregorian date of a day number since 1970-01-01. */
export const civilFromDays = (z: number): readonly [number, number, number] => {
  z += 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp + (mp < 10 ? 3 : -9)
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d]
}

const parseIsoDate = (s: string): number =>
  daysFromCivil(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10)))

export const isValidIsoDate = (s: string): boolean => {
  const y = Number(s.slice(0, 4))
  const m = Number(s.slice(5, 7))
  const d = Number(s.slice(8, 10))
  if (m < 1 || m > 12 || d < 1) return false
  const [y2, m2, d2] = civilFromDays(daysFromCivil(y, m, d))
  return y2 === y && m2 === m && d2 === d
}

/** Monday = 0 … Sunday = 6. 1970-01-01 was a Thursday. */
const weekdayOf = (day: number): number => (((day + 3) % 7) + 7) % 7

/** "HH:MM" / "HH:MM:SS" / "24:00" to milliseconds since local midnight. */
export const parseTimeOfDay = (s: string): number =>
  Number(s.slice(0, 2)) * HOUR + Number(s.slice(3, 5)) * MINUTE + (s.length > 5 ? Number(s.slice(6, 8)) * 1000 : 0)

// -------------------------------------------------------------------------------------------------------------------
// validation (used by the schema)
// -------------------------------------------------------------------------------------------------------------------

const zoneCache = new Map<string, boolean>()

export const isValidTimeZone = (zone: string): boolean => {
  let ok = zoneCache.get(zone)
  if (ok === undefined) {
    try {
      new Temporal.ZonedDateTime(0n, zone)
      ok = true
    } catch {
      ok = false
    }
    zoneCache.set(zone, ok)
  }
  return ok
}

type FilterIssue = { readonly path: ReadonlyArray<PropertyKey>; readonly issue: string }

export const checkDayHours = (hours: Hours): ReadonlyArray<FilterIssue> => {
  const issues: Array<FilterIssue> = []
  let previousEnd = -1
  for (let i = 0; i < hours.length; i++) {
    const [from, to] = hours[i]!
    const start = parseTimeOfDay(from)
    const end = parseTimeOfDay(to)
    if (start === DAY) {
      issues.push({ path: [i, 0], issue: '"24:00" is only valid as the end of an interval' })
    } else if (start >= end) {
      issues.push({ path: [i], issue: `the interval must start before it ends, got ${from}–${to}` })
    } else if (start < previousEnd) {
      issues.push({
        path: [i],
        issue: `intervals must be sorted and must not overlap: ${from}–${to} starts before the previous interval ends`
      })
    }
    previousEnd = Math.max(previousEnd, end)
  }
  return issues
}

export const checkSpec = (spec: Spec): ReadonlyArray<FilterIssue> => {
  const issues: Array<FilterIssue> = []
  const seen = new Map<string, number>()
  spec.exceptions?.forEach((exception, i) => {
    const first = seen.get(exception.date)
    if (first !== undefined) {
      issues.push({
        path: ["exceptions", i, "date"],
        issue: `${exception.date} already has an exception (exceptions[${first}]): give each date one exception`
      })
    } else {
      seen.set(exception.date, i)
    }
  })
  const weekOpen = DAY_NAMES.some((name) => (spec.week[name]?.length ?? 0) > 0)
  const exceptionOpen = spec.exceptions?.some((e) => e.hours.length > 0) ?? false
  if (!weekOpen && !exceptionOpen) {
    issues.push({ path: ["week"], issue: "the calendar has no open time at all: give at least one day some hours" })
  }
  return issues
}

// -------------------------------------------------------------------------------------------------------------------
// compiled calendar
// -------------------------------------------------------------------------------------------------------------------

export interface Compiled {
  readonly zone: string
  /** The offset in milliseconds when the zone is a fixed offset; undefined for IANA zones. */
  readonly fixedOffset: number | undefined
  /** Open intervals of each weekday, Monday first, as flat [start, end, start, end, …] ms since local midnight. */
  readonly week: ReadonlyArray<ReadonlyArray<number>>
  /** Dates whose hours differ from the week (holidays and exceptions), by day number. */
  readonly overrides: ReadonlyMap<number, ReadonlyArray<number>>
  /** Compiled range of real time: [lo, hi). */
  lo: number
  hi: number
  /** Merged open intervals within [lo, hi), sorted, disjoint, non-adjacent. */
  starts: Array<number>
  ends: Array<number>
  /** cum[i]: business milliseconds in intervals before i; cum[starts.length] is the total. */
  cum: Array<number>
  /** The zone's offset segments within [lo, hi): segment starts and their offsets (ms), for local ↔ real mapping. */
  segStarts: Array<number>
  segOffsets: Array<number>
}

const flatHours = (hours: Hours | undefined): ReadonlyArray<number> => {
  const out: Array<number> = []
  for (const [from, to] of hours ?? []) {
    const start = parseTimeOfDay(from)
    const end = parseTimeOfDay(to)
    // adjacent intervals of one day are one interval
    if (out.length > 0 && out[out.length - 1] === start) out[out.length - 1] = end
    else out.push(start, end)
  }
  return out
}

const fixedOffsetPattern = /^([+-])(\d{2}):?(\d{2})(?::?(\d{2}))?$/

const parseFixedOffset = (zone: string): number | undefined => {
  if (zone === "UTC" || zone === "Etc/UTC" || zone === "Z") return 0
  const m = fixedOffsetPattern.exec(zone)
  if (m === null) return undefined
  const ms = Number(m[2]) * HOUR + Number(m[3]) * MINUTE + Number(m[4] ?? 0) * 1000
  return m[1] === "-" ? -ms : ms
}

export const compile = (spec: Spec): Compiled => {
  const overrides = new Map<number, ReadonlyArray<number>>()
  for (const holiday of spec.holidays ?? []) {
    overrides.set(parseIsoDate(typeof holiday === "string" ? holiday : holiday.date), [])
  }
  for (const exception of spec.exceptions ?? []) {
    overrides.set(parseIsoDate(exception.date), flatHours(exception.hours))
  }
  return {
    zone: spec.timeZone,
    fixedOffset: parseFixedOffset(spec.timeZone),
    week: DAY_NAMES.map((name) => flatHours(spec.week[name])),
    overrides,
    lo: 0,
    hi: 0,
    starts: [],
    ends: [],
    cum: [0],
    segStarts: [],
    segOffsets: []
  }
}

const hoursOf = (c: Compiled, day: number): ReadonlyArray<number> => c.overrides.get(day) ?? c.week[weekdayOf(day)]!

/** The zone's offset segments over [from, to): pairs of (segment start, offset in ms). */
const offsetSegments = (c: Compiled, from: number, to: number): Array<number> => {
  if (c.fixedOffset !== undefined) return [from, c.fixedOffset]
  let zdt = Temporal.Instant.fromEpochMilliseconds(from).toZonedDateTimeISO(c.zone)
  const out = [from, zdt.offsetNanoseconds / 1e6]
  for (;;) {
    const next = zdt.getTimeZoneTransition("next")
    if (next === null || next.epochMilliseconds >= to) return out
    out.push(next.epochMilliseconds, next.offsetNanoseconds / 1e6)
    zdt = next
  }
}

/**
 * The open intervals in real time [from, to), as flat [start, end, …], in order. For each offset segment the
 * local time is the real time plus a constant, so the instants whose local time lies in an open interval are the
 * interval shifted back by the offset, clipped to the segment: that is the definition of business time, and it
 * covers DST gaps (the skipped local times hold no real time) and overlaps (the repeated ones count twice).
 */
const compileWindow = (c: Compiled, segments: ReadonlyArray<number>, to: number): Array<number> => {
  const out: Array<number> = []
  for (let k = 0; k < segments.length; k += 2) {
    const segStart = segments[k]!
    const segEnd = k + 2 < segments.length ? segments[k + 2]! : to
    const offset = segments[k + 1]!
    const localLo = segStart + offset
    const localHi = segEnd + offset
    const dayHi = Math.floor((localHi - 1) / DAY)
    for (let day = Math.floor(localLo / DAY); day <= dayHi; day++) {
      const hours = hoursOf(c, day)
      const base = day * DAY
      for (let i = 0; i < hours.length; i += 2) {
        const lo = Math.max(base + hours[i]!, localLo)
        const hi = Math.min(base + hours[i + 1]!, localHi)
        if (lo >= hi) continue
        const start = lo - offset
        const end = hi - offset
        if (out.length > 0 && out[out.length - 1] === start) out[out.length - 1] = end
        else out.push(start, end)
      }
    }
  }
  return out
}

const alignDown = (t: number): number => Math.floor(t / CHUNK) * CHUNK

const extendForward = (c: Compiled, to: number): void => {
  const segments = offsetSegments(c, c.hi, to)
  const flat = compileWindow(c, segments, to)
  for (let k = 0; k < segments.length; k += 2) {
    if (c.segOffsets.length > 0 && c.segOffsets[c.segOffsets.length - 1] === segments[k + 1]) continue
    c.segStarts.push(segments[k]!)
    c.segOffsets.push(segments[k + 1]!)
  }
  const { starts, ends, cum } = c
  let total = cum[starts.length]!
  for (let i = 0; i < flat.length; i += 2) {
    const start = flat[i]!
    const end = flat[i + 1]!
    const last = starts.length - 1
    if (last >= 0 && ends[last] === start) {
      ends[last] = end
    } else {
      starts.push(start)
      ends.push(end)
      cum.push(0)
    }
    total += end - start
    cum[starts.length] = total
  }
  c.hi = to
}

const extendBackward = (c: Compiled, from: number): void => {
  const segments = offsetSegments(c, from, c.lo)
  const flat = compileWindow(c, segments, c.lo)
  const segStarts: Array<number> = []
  const segOffsets: Array<number> = []
  for (let k = 0; k < segments.length; k += 2) {
    segStarts.push(segments[k]!)
    segOffsets.push(segments[k + 1]!)
  }
  for (let k = 0; k < c.segStarts.length; k++) {
    if (segOffsets[segOffsets.length - 1] === c.segOffsets[k]) continue
    segStarts.push(c.segStarts[k]!)
    segOffsets.push(c.segOffsets[k]!)
  }
  c.segStarts = segStarts
  c.segOffsets = segOffsets
  const starts: Array<number> = []
  const ends: Array<number> = []
  for (let i = 0; i < flat.length; i += 2) {
    starts.push(flat[i]!)
    ends.push(flat[i + 1]!)
  }
  let k = 0
  if (starts.length > 0 && c.starts.length > 0 && ends[ends.length - 1] === c.starts[0]) {
    ends[ends.length - 1] = c.ends[0]!
    k = 1
  }
  for (; k < c.starts.length; k++) {
    starts.push(c.starts[k]!)
    ends.push(c.ends[k]!)
  }
  const cum = new Array<number>(starts.length + 1)
  cum[0] = 0
  for (let i = 0; i < starts.length; i++) cum[i + 1] = cum[i]! + (ends[i]! - starts[i]!)
  c.starts = starts
  c.ends = ends
  c.cum = cum
  c.lo = from
}

/** Makes sure [lo, hi) contains t. */
const ensure = (c: Compiled, t: number): void => {
  if (t >= c.lo && t < c.hi) return
  if (c.lo === c.hi) {
    c.lo = c.hi = alignDown(t)
    extendForward(c, c.lo + CHUNK)
    return
  }
  if (t < c.lo) extendBackward(c, alignDown(t))
  else extendForward(c, alignDown(t) + CHUNK)
}

/** The index of the last interval starting at or before t, or -1. */
const lastStartAtOrBefore = (starts: ReadonlyArray<number>, t: number): number => {
  let lo = 0
  let hi = starts.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (starts[mid]! <= t) lo = mid + 1
    else hi = mid
  }
  return lo - 1
}

const iso = (ms: number): string => Temporal.Instant.fromEpochMilliseconds(ms).toString()

const neverOpens = (from: number): CalendarNeverOpens =>
  new CalendarNeverOpens({
    message: `The calendar has no open time within ten years after ${iso(from)}`,
    from: iso(from)
  })

// -------------------------------------------------------------------------------------------------------------------
// queries
// -------------------------------------------------------------------------------------------------------------------

export const isOpen = (c: Compiled, t: number): boolean => {
  ensure(c, t)
  const i = lastStartAtOrBefore(c.starts, t)
  return i >= 0 && t < c.ends[i]!
}

/** The index of the first interval that is open at t or opens after t (extending forward as needed). */
const openIndexAtOrAfter = (c: Compiled, t: number): number => {
  ensure(c, t)
  const i = lastStartAtOrBefore(c.starts, t)
  if (i >= 0 && t < c.ends[i]!) return i
  const j = i + 1
  while (j >= c.starts.length) {
    if (c.hi - t > HORIZON) throw neverOpens(t)
    extendForward(c, c.hi + CHUNK)
  }
  return j
}

export const nextOpening = (c: Compiled, t: number): number => {
  const i = openIndexAtOrAfter(c, t)
  return Math.max(c.starts[i]!, t)
}

export const nextClosing = (c: Compiled, t: number): number => {
  const i = openIndexAtOrAfter(c, t)
  const from = Math.max(t, c.starts[i]!)
  // an interval that reaches the end of the compiled range may go on in the next window
  while (c.ends[i] === c.hi) {
    if (c.hi - from > HORIZON) {
      throw new CalendarNeverCloses({
        message: `The calendar does not close within ten years after ${iso(from)}`,
        from: iso(from)
      })
    }
    extendForward(c, c.hi + CHUNK)
  }
  return c.ends[i]!
}

/** Business milliseconds from the start of the compiled range to t; t must be within [lo, hi]. */
const businessBefore = (c: Compiled, t: number): number => {
  const i = lastStartAtOrBefore(c.starts, t)
  if (i < 0) return 0
  return c.cum[i]! + Math.min(t, c.ends[i]!) - c.starts[i]!
}

export const businessMillisBetween = (c: Compiled, start: number, end: number): number => {
  ensure(c, start)
  ensure(c, end)
  return businessBefore(c, end) - businessBefore(c, start)
}

export const addBusinessMillis = (c: Compiled, start: number, millis: number): number => {
  ensure(c, start)
  const target = businessBefore(c, start) + millis
  // the first interval whose running total reaches the target
  let cum = c.cum
  while (cum[c.starts.length]! < target) {
    const lastEnd = c.starts.length > 0 ? Math.max(c.ends[c.starts.length - 1]!, start) : start
    if (c.hi - lastEnd > HORIZON) throw neverOpens(lastEnd)
    extendForward(c, c.hi + CHUNK)
    cum = c.cum
  }
  let lo = 0
  let hi = c.starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (cum[mid + 1]! >= target) hi = mid
    else lo = mid + 1
  }
  return c.starts[lo]! + (target - cum[lo]!)
}

// -------------------------------------------------------------------------------------------------------------------
// business days
// -------------------------------------------------------------------------------------------------------------------

/** More than any UTC offset there has been (±15 h), so a local time's instants lie within this of it. */
const OFFSET_REACH = 16 * HOUR

const offsetAt = (c: Compiled, t: number): number => {
  if (c.fixedOffset !== undefined) return c.fixedOffset
  ensure(c, t)
  return c.segOffsets[lastStartAtOrBefore(c.segStarts, t)]!
}

/** Segments that may hold instants whose local time is near `local`, as [first index, last index]. */
const segmentsNear = (c: Compiled, local: number): readonly [number, number] => {
  ensure(c, local - OFFSET_REACH)
  ensure(c, local + OFFSET_REACH)
  const first = Math.max(0, lastStartAtOrBefore(c.segStarts, local - OFFSET_REACH))
  const last = lastStartAtOrBefore(c.segStarts, local + OFFSET_REACH)
  return [first, last]
}

/**
 * The first instant whose local wall-clock time is at or after `local` (ms since 1970-01-01, local). A skipped
 * local time (DST gap) maps to the transition; a repeated one to its first occurrence.
 */
export const firstInstantAtLocal = (c: Compiled, local: number): number => {
  if (c.fixedOffset !== undefined) return local - c.fixedOffset
  const [first, last] = segmentsNear(c, local)
  let best = Number.POSITIVE_INFINITY
  for (let k = first; k <= last; k++) {
    const start = c.segStarts[k]!
    const end = k + 1 < c.segStarts.length ? c.segStarts[k + 1]! : c.hi
    // in segment k, local = t + offset: the smallest t in it whose local time is at or after `local`
    const t = Math.max(start, local - c.segOffsets[k]!)
    if (t < end && t < best) best = t
  }
  return best
}

/**
 * The end of the last stretch of real time whose local wall-clock time is before `local`: where an open interval
 * ending at `local` really closes (on a fall-back night, after the repeated hour).
 */
export const lastInstantBeforeLocal = (c: Compiled, local: number): number => {
  if (c.fixedOffset !== undefined) return local - c.fixedOffset
  const [first, last] = segmentsNear(c, local)
  let best = Number.NEGATIVE_INFINITY
  for (let k = first; k <= last; k++) {
    const start = c.segStarts[k]!
    const end = k + 1 < c.segStarts.length ? c.segStarts[k + 1]! : c.hi
    const t = Math.min(end, local - c.segOffsets[k]!)
    if (t > start && t > best) best = t
  }
  return best
}

/** Whether a local date holds any open real time (hours that fall wholly in a DST gap hold none). */
const isBusinessDay = (c: Compiled, day: number): boolean => {
  const hours = hoursOf(c, day)
  if (c.fixedOffset !== undefined) return hours.length > 0
  const base = day * DAY
  for (let i = 0; i < hours.length; i += 2) {
    if (firstInstantAtLocal(c, base + hours[i]!) < lastInstantBeforeLocal(c, base + hours[i + 1]!)) return true
  }
  return false
}

export const addBusinessDays = (c: Compiled, start: number, days: number): number => {
  if (!Number.isInteger(days) || days < 0) {
    throw new RangeError(`days: expected a whole number of business days, 0 or more, got ${days}`)
  }
  const opening = nextOpening(c, start)
  if (days === 0) return opening
  const local = opening + offsetAt(c, opening)
  const firstDay = Math.floor(local / DAY)
  const timeOfDay = local - firstDay * DAY
  let day = firstDay
  let lastBusinessDay = firstDay
  for (let counted = 0; counted < days; ) {
    day++
    if (isBusinessDay(c, day)) {
      counted++
      lastBusinessDay = day
    } else if (day - lastBusinessDay > HORIZON_DAYS) {
      throw neverOpens(firstInstantAtLocal(c, (lastBusinessDay + 1) * DAY))
    }
  }
  // that day at the same time of day, or its next opening after that time, or (past its hours) its last closing
  const hours = hoursOf(c, day)
  const base = day * DAY
  let lastClosing = Number.NaN
  for (let i = 0; i < hours.length; i += 2) {
    const opens = firstInstantAtLocal(c, base + Math.max(timeOfDay, hours[i]!))
    const closes = lastInstantBeforeLocal(c, base + hours[i + 1]!)
    if (firstInstantAtLocal(c, base + hours[i]!) >= closes) continue // an interval wholly in a DST gap
    if (hours[i + 1]! > timeOfDay && opens < closes) return opens
    lastClosing = closes
  }
  return lastClosing
}

// -------------------------------------------------------------------------------------------------------------------
// durations
// -------------------------------------------------------------------------------------------------------------------

const durationField = (value: unknown, name: string): number => {
  if (value === undefined) return 0
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`duration.${name}: expected a finite number, 0 or more, got ${String(value)}`)
  }
  return value
}

export const durationToMillis = (
  duration:
    | Temporal.Duration
    | {
        readonly hours?: number | undefined
        readonly minutes?: number | undefined
        readonly seconds?: number | undefined
        readonly milliseconds?: number | undefined
      }
): number => {
  if (typeof duration !== "object" || duration === null) {
    throw new RangeError(
      `duration: expected a Temporal.Duration or { hours, minutes, seconds }, got ${String(duration)}`
    )
  }
  const proto = Object.getPrototypeOf(duration)
  if (proto !== Object.prototype && proto !== null) {
    // a Temporal.Duration (the polyfill's or a native one)
    let ms = durationCache.get(duration)
    if (ms === undefined) {
      ms = temporalDurationToMillis(duration as Temporal.Duration)
      durationCache.set(duration as Temporal.Duration, ms)
    }
    return ms
  }
  for (const key of Object.keys(duration)) {
    if (key !== "hours" && key !== "minutes" && key !== "seconds" && key !== "milliseconds") {
      throw new RangeError(
        `duration.${key}: not a unit of business time (hours, minutes, seconds, milliseconds; use addBusinessDays for days)`
      )
    }
  }
  return Math.round(
    durationField(duration.hours, "hours") * HOUR +
      durationField(duration.minutes, "minutes") * MINUTE +
      durationField(duration.seconds, "seconds") * 1000 +
      durationField(duration.milliseconds, "milliseconds")
  )
}

/** Temporal.Duration getters are slow in the polyfill; durations are usually reused constants (policy targets). */
const durationCache = new WeakMap<object, number>()

const temporalDurationToMillis = (duration: Temporal.Duration): number => {
  if (duration.sign < 0) throw new RangeError(`duration: expected a duration of 0 or more, got ${duration}`)
  if (duration.years !== 0 || duration.months !== 0 || duration.weeks !== 0 || duration.days !== 0) {
    throw new RangeError(
      `duration: business time is counted in hours, minutes and seconds; got ${duration} (use addBusinessDays for days)`
    )
  }
  return Math.round(
    duration.hours * HOUR +
      duration.minutes * MINUTE +
      duration.seconds * 1000 +
      duration.milliseconds +
      duration.microseconds / 1e3 +
      duration.nanoseconds / 1e6
  )
}

export const millisToDuration = (ms: number): Temporal.Duration => {
  const sign = ms < 0 ? -1 : 1
  let rest = Math.abs(ms)
  const hours = Math.floor(rest / HOUR)
  rest -= hours * HOUR
  const minutes = Math.floor(rest / MINUTE)
  rest -= minutes * MINUTE
  const seconds = Math.floor(rest / 1000)
  const milliseconds = rest - seconds * 1000
  return Temporal.Duration.from({
    hours: sign * hours,
    minutes: sign * minutes,
    seconds: sign * seconds,
    milliseconds: sign * milliseconds
  })
}
