/**
 * Property tests of `BusinessCalendar` against an independent brute-force model.
 *
 * The model knows nothing of the implementation: it walks real time minute by minute over a window of about two
 * months around the 2025 DST transitions, takes each minute's local wall-clock time from Temporal, and marks the
 * minute open when that wall-clock time lies inside an interval of that local date's hours (exception, else holiday,
 * else the weekday). Every boundary of the random calendars is on a whole local minute and every UTC offset is a whole
 * number of minutes, so the open state is constant over each real minute and counting open minutes is exact; partial
 * minutes (the generated instants carry milliseconds) are added linearly.
 */
import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { Temporal } from "temporal-polyfill"
import * as BusinessCalendar from "../src/BusinessCalendar.ts"

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

// -------------------------------------------------------------------------------------------------------------------
// windows and zones
// -------------------------------------------------------------------------------------------------------------------

interface Window {
  readonly name: string
  /** Real time covered by the model: [start, end), whole UTC days. */
  readonly start: number
  readonly end: number
  /** Epoch day of the window's first UTC date, to place holidays and exceptions. */
  readonly firstDay: number
  readonly days: number
  /** Where query instants are drawn from: the first six weeks, so results up to ~3 weeks later stay modelled. */
  readonly queryStart: number
  readonly queryEnd: number
}

const epochDayOf = (isoDate: string): number =>
  Temporal.PlainDate.from(isoDate).toZonedDateTime("UTC").epochMilliseconds / DAY

const isoDateOf = (epochDay: number): string =>
  Temporal.Instant.fromEpochMilliseconds(epochDay * DAY)
    .toZonedDateTimeISO("UTC")
    .toPlainDate()
    .toString()

const makeWindow = (name: string, firstDate: string, days: number): Window => {
  const firstDay = epochDayOf(firstDate)
  const start = firstDay * DAY
  return {
    name,
    start,
    end: start + days * DAY,
    firstDay,
    days,
    queryStart: start + 2 * DAY,
    queryEnd: start + 42 * DAY
  }
}

/**
 * Spring: New York springs forward 2025-03-09, London 2025-03-30, Lord Howe falls back (30 min) 2025-04-06.
 * Autumn: Lord Howe springs forward 2025-10-05, London falls back 2025-10-26, New York 2025-11-02.
 */
const windows: ReadonlyArray<Window> = [
  makeWindow("spring 2025", "2025-02-26", 64),
  makeWindow("autumn 2025", "2025-09-24", 64)
]

const zones = [
  "UTC",
  "+08:00",
  "-03:30",
  "Asia/Hong_Kong",
  "America/New_York",
  "Europe/London",
  "Australia/Lord_Howe",
  "America/Sao_Paulo"
] as const

/** Local wall-clock time of every real minute of a window in one zone. */
interface ZoneTable {
  readonly zone: string
  readonly window: Window
  /** Epoch day of the local date. */
  readonly localDay: Int32Array
  /** Minutes since local midnight. */
  readonly minuteOfDay: Int16Array
  /** Instants where the zone's UTC offset changes, inside the window. */
  readonly transitions: ReadonlyArray<number>
}

const offsetAt = (zone: string, epochMs: number): number =>
  Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(zone).offsetNanoseconds / 1e6

const zoneTables = new Map<string, ZoneTable>()

/**
 * Local time per minute from `toZonedDateTimeISO`. Asking Temporal for each of the ~92,000 minutes costs ~1 s per
 * zone, so the offset is asked at each whole hour and, where it differs between an hour's two ends, at every minute
 * of that hour (no zone changes its offset twice within an hour). A test below checks this against Temporal's
 * wall-clock fields minute by minute.
 */
const zoneTable = (zone: string, window: Window): ZoneTable => {
  const key = `${zone}|${window.name}`
  const cached = zoneTables.get(key)
  if (cached !== undefined) return cached
  const minutes = (window.end - window.start) / MINUTE
  const localDay = new Int32Array(minutes)
  const minuteOfDay = new Int16Array(minutes)
  const transitions: Array<number> = []
  let previousOffset = offsetAt(zone, window.start)
  let hourStartOffset = previousOffset
  for (let h = 0; h < minutes / 60; h++) {
    const hourStart = window.start + h * HOUR
    const hourEndOffset = offsetAt(zone, hourStart + HOUR)
    for (let k = 0; k < 60; k++) {
      const m = h * 60 + k
      const t = hourStart + k * MINUTE
      const offset = hourStartOffset === hourEndOffset ? hourStartOffset : offsetAt(zone, t)
      if (offset !== previousOffset) transitions.push(t)
      previousOffset = offset
      const local = t + offset
      const day = Math.floor(local / DAY)
      localDay[m] = day
      minuteOfDay[m] = (local - day * DAY) / MINUTE
    }
    hourStartOffset = hourEndOffset
  }
  const table = { zone, window, localDay, minuteOfDay, transitions }
  zoneTables.set(key, table)
  return table
}

// -------------------------------------------------------------------------------------------------------------------
// the brute-force model
// -------------------------------------------------------------------------------------------------------------------

type Interval = readonly [string, string]

interface Spec {
  readonly timeZone: string
  readonly week: { readonly [day: string]: ReadonlyArray<Interval> }
  readonly holidays?: ReadonlyArray<string | { readonly date: string; readonly name: string }>
  readonly exceptions?: ReadonlyArray<{ readonly date: string; readonly hours: ReadonlyArray<Interval> }>
}

const dayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const

/** 1970-01-01 was a Thursday. */
const weekdayOf = (epochDay: number): number => (((epochDay + 4) % 7) + 7) % 7

const minutesOf = (time: string): number => {
  const [h, m, s] = time.split(":").map(Number)
  if (s !== undefined && s !== 0) throw new Error(`model handles whole minutes only, got ${time}`)
  return h! * 60 + m!
}

interface Model {
  readonly spec: Spec
  readonly table: ZoneTable
  readonly window: Window
  readonly minutes: number
  /** open[m]: the calendar is open during minute m of the window. */
  readonly open: Uint8Array
  /** prefix[m]: open minutes before minute m. */
  readonly prefix: Int32Array
  /** Instants where the open state changes. */
  readonly changes: ReadonlyArray<number>
  /** Local dates with any open time. */
  readonly businessDays: ReadonlySet<number>
  /** The last local date whose every minute is inside the window. */
  readonly lastFullDay: number
  /** The first instant whose local date is after `lastFullDay`. */
  readonly fullDaysEnd: number
  readonly weekHasHours: boolean
}

const buildModel = (spec: Spec, window: Window): Model => {
  const table = zoneTable(spec.timeZone, window)
  const holidays = new Set((spec.holidays ?? []).map((h) => epochDayOf(typeof h === "string" ? h : h.date)))
  const exceptions = new Map((spec.exceptions ?? []).map((e) => [epochDayOf(e.date), e.hours]))
  /** Per local date, its open minutes of the day as a mask of 1,440 entries. */
  const masks = new Map<number, Uint8Array>()
  const maskOf = (day: number): Uint8Array => {
    let mask = masks.get(day)
    if (mask === undefined) {
      mask = new Uint8Array(1440)
      const hours = exceptions.get(day) ?? (holidays.has(day) ? [] : (spec.week[dayNames[weekdayOf(day)]!] ?? []))
      for (const [from, to] of hours) mask.fill(1, minutesOf(from), minutesOf(to))
      masks.set(day, mask)
    }
    return mask
  }
  const minutes = table.localDay.length
  const open = new Uint8Array(minutes)
  const prefix = new Int32Array(minutes + 1)
  const changes: Array<number> = []
  const businessDays = new Set<number>()
  let day = Number.NaN
  let mask: Uint8Array = new Uint8Array(0)
  for (let m = 0; m < minutes; m++) {
    if (table.localDay[m] !== day) {
      day = table.localDay[m]!
      mask = maskOf(day)
    }
    open[m] = mask[table.minuteOfDay[m]!]!
    prefix[m + 1] = prefix[m]! + open[m]!
    if (m > 0 && open[m] !== open[m - 1]) changes.push(window.start + m * MINUTE)
    if (open[m] === 1 && (m === 0 || open[m - 1] === 0 || table.localDay[m - 1] !== day)) businessDays.add(day)
  }
  const lastFullDay = table.localDay[minutes - 1]! - 1
  let fullDaysEnd = minutes - 1
  while (table.localDay[fullDaysEnd - 1]! > lastFullDay) fullDaysEnd--
  return {
    spec,
    table,
    window,
    minutes,
    open,
    prefix,
    changes,
    businessDays,
    lastFullDay,
    fullDaysEnd: window.start + fullDaysEnd * MINUTE,
    weekHasHours: Object.values(spec.week).some((hours) => hours.length > 0)
  }
}

const minuteIndex = (model: Model, t: number): number => Math.floor((t - model.window.start) / MINUTE)
const minuteStart = (model: Model, m: number): number => model.window.start + m * MINUTE

const modelIsOpen = (model: Model, t: number): boolean => model.open[minuteIndex(model, t)] === 1

/** Business milliseconds from the window start to `t`. */
const modelCumulative = (model: Model, t: number): number => {
  const m = minuteIndex(model, t)
  if (m >= model.minutes) return model.prefix[model.minutes]! * MINUTE
  return model.prefix[m]! * MINUTE + (model.open[m] === 1 ? t - minuteStart(model, m) : 0)
}

const modelBetween = (model: Model, a: number, b: number): number =>
  modelCumulative(model, b) - modelCumulative(model, a)

/** The earliest instant by which `d` ms of business time have passed since `a`; undefined past the window. */
const modelAdd = (model: Model, a: number, d: number): number | undefined => {
  if (d === 0) return a
  const target = modelCumulative(model, a) + d
  if (target > model.prefix[model.minutes]! * MINUTE) return undefined
  // the first minute m with prefix[m + 1] * MINUTE >= target: it is open and the result lies inside it or at its end
  let m = minuteIndex(model, a)
  while (model.prefix[m + 1]! * MINUTE < target) m++
  return minuteStart(model, m) + (target - model.prefix[m]! * MINUTE)
}

const modelNextOpening = (model: Model, t: number): number | undefined => {
  if (modelIsOpen(model, t)) return t
  for (let m = minuteIndex(model, t) + 1; m < model.minutes; m++) if (model.open[m] === 1) return minuteStart(model, m)
  return undefined
}

const modelNextClosing = (model: Model, t: number): number | undefined => {
  let m = minuteIndex(model, t)
  while (m < model.minutes && model.open[m] === 0) m++
  while (m < model.minutes && model.open[m] === 1) m++
  return m < model.minutes ? minuteStart(model, m) : undefined
}

/** The minutes of the window whose local date is `day`: [first, last]. */
const minutesOfDay = (model: Model, day: number): readonly [number, number] => {
  let first = -1
  let last = -1
  for (let m = 0; m < model.minutes; m++) {
    if (model.table.localDay[m] === day) {
      if (first < 0) first = m
      last = m
    }
  }
  return [first, last]
}

/**
 * `addBusinessDays` as its doc comment words it: the same local time of day on the `n`-th following business day
 * (a local date with any open time), counted from the next open moment; when that date is not open at that time,
 * its next opening that day, else its last closing. "That time" on a date is the first instant whose wall-clock
 * time is at or after it, as everywhere in the calendar: a time skipped by a DST gap maps to the transition, a
 * repeated one to its first occurrence. Undefined past the window.
 */
const modelAddBusinessDays = (model: Model, t: number, n: number): number | undefined => {
  const s = modelNextOpening(model, t)
  if (s === undefined) return undefined
  // zero days: the next open moment itself (docs/calendar.md), not its wall-clock time mapped again
  if (n === 0) return s
  const sm = minuteIndex(model, s)
  const timeOfDay = model.table.minuteOfDay[sm]! * MINUTE + (s - minuteStart(model, sm))
  let day = model.table.localDay[sm]!
  for (let k = n; k > 0; ) {
    day++
    if (day > model.lastFullDay) return undefined
    if (model.businessDays.has(day)) k--
  }
  const [first, last] = minutesOfDay(model, day)
  // the first instant of that date whose wall-clock time is at or after timeOfDay
  let x: number | undefined
  for (let m = first; m <= last && x === undefined; m++) {
    const local = model.table.minuteOfDay[m]! * MINUTE
    if (local + MINUTE > timeOfDay) x = minuteStart(model, m) + Math.max(0, timeOfDay - local)
  }
  if (x !== undefined && modelIsOpen(model, x)) return x
  // else the next opening that day
  if (x !== undefined) {
    for (let m = minuteIndex(model, x) + 1; m <= last; m++) if (model.open[m] === 1) return minuteStart(model, m)
  }
  // else the end of the last open minute of that date
  for (let m = last; m >= first; m--) if (model.open[m] === 1) return minuteStart(model, m + 1)
  return undefined
}

// -------------------------------------------------------------------------------------------------------------------
// generators
// -------------------------------------------------------------------------------------------------------------------

const pad = (n: number): string => String(n).padStart(2, "0")
const formatTime = (minutes: number, withSeconds: boolean): string =>
  `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}${withSeconds ? ":00" : ""}`

type MinuteHours = ReadonlyArray<readonly [number, number]>

/** Interval boundaries: mostly whole hours and half hours (where DST transitions fall), sometimes any minute. */
const arbBoundary = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 24 }).map((h) => h * 60) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 48 }).map((h) => h * 30) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 1440 }) }
)

/** Sorted boundaries paired up; equal neighbours give touching intervals (`09:00–12:00`, `12:00–18:00`). */
const arbDayHours: fc.Arbitrary<MinuteHours> = fc.array(arbBoundary, { maxLength: 6 }).map((xs) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const out: Array<readonly [number, number]> = []
  for (let i = 0; i + 1 < sorted.length; i += 2) if (sorted[i]! < sorted[i + 1]!) out.push([sorted[i]!, sorted[i + 1]!])
  return out
})

type MinuteWeek = Partial<Record<(typeof dayNames)[number], MinuteHours>>

const weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday"] as const
const everyDay = (hours: MinuteHours): MinuteWeek => Object.fromEntries(dayNames.map((d) => [d, hours]))
const workWeek = (hours: MinuteHours): MinuteWeek => Object.fromEntries(weekdays.map((d) => [d, hours]))

const arbWeek: fc.Arbitrary<MinuteWeek> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(workWeek([[540, 1080]])) },
  {
    weight: 1,
    arbitrary: fc.constant({
      ...workWeek([
        [510, 720],
        [780, 1050]
      ]),
      saturday: [[540, 720]]
    })
  },
  // overnight: 22:00–24:00 continues into 00:00–06:00 of the next date
  {
    weight: 1,
    arbitrary: fc.constant(
      everyDay([
        [0, 360],
        [1320, 1440]
      ])
    )
  },
  { weight: 1, arbitrary: fc.constant(everyDay([[0, 1440]])) },
  // the small hours, where the DST transitions are
  { weight: 1, arbitrary: fc.constant(everyDay([[0, 180]])) },
  {
    weight: 1,
    arbitrary: fc.constant(
      everyDay([
        [60, 150],
        [150, 210]
      ])
    )
  },
  // hours that a spring-forward night skips entirely (02:10–02:30 in New York and Lord Howe, 01:15–01:45 in London)
  { weight: 2, arbitrary: fc.constant({ ...everyDay([[130, 150]]), saturday: [[540, 600]] }) },
  { weight: 2, arbitrary: fc.constant({ ...everyDay([[75, 105]]), saturday: [[540, 600]] }) },
  // hours that a fall-back night repeats, and a Saturday whose time of day is later than them
  { weight: 2, arbitrary: fc.constant({ ...everyDay([[60, 90]]), saturday: [[540, 600]] }) },
  // nothing weekly: open only on exception dates
  { weight: 1, arbitrary: fc.constant({}) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(...dayNames.map(() => fc.option(arbDayHours, { freq: 3, nil: undefined })))
      .map((days) => Object.fromEntries(dayNames.flatMap((d, i) => (days[i] === undefined ? [] : [[d, days[i]]]))))
  }
)

interface Case {
  readonly window: number
  readonly spec: Spec
}

const arbCase: fc.Arbitrary<Case> = fc
  .record({
    window: fc.constantFrom(0, 1),
    // zones with DST transitions in the windows come up twice as often
    timeZone: fc.constantFrom(...zones, "America/New_York", "Europe/London", "Australia/Lord_Howe"),
    week: arbWeek,
    holidays: fc.uniqueArray(fc.record({ day: fc.nat({ max: 63 }), named: fc.boolean() }), {
      selector: (h) => h.day,
      maxLength: 8
    }),
    exceptions: fc.uniqueArray(fc.record({ day: fc.nat({ max: 63 }), hours: arbDayHours }), {
      selector: (e) => e.day,
      maxLength: 5
    }),
    withSeconds: fc.boolean()
  })
  .map((c): Case => {
    const w = windows[c.window]!
    const hours = (h: MinuteHours): ReadonlyArray<Interval> =>
      h.map(([from, to]) => [formatTime(from, c.withSeconds), formatTime(to, c.withSeconds)] as const)
    const exceptions = c.exceptions.map((e) => ({ date: isoDateOf(w.firstDay + e.day), hours: hours(e.hours) }))
    // a calendar with no open time at all is refused by design: open such a case on one exception date
    const anyOpen = Object.values(c.week).some((h) => h.length > 0) || exceptions.some((e) => e.hours.length > 0)
    if (!anyOpen) {
      if (exceptions.length === 0) exceptions.push({ date: isoDateOf(w.firstDay + 20), hours: [] })
      exceptions[0] = { date: exceptions[0]!.date, hours: hours([[540, 1020]]) }
    }
    return {
      window: c.window,
      spec: {
        timeZone: c.timeZone,
        week: Object.fromEntries(Object.entries(c.week).map(([d, h]) => [d, hours(h)])),
        holidays: c.holidays.map((h) => {
          const date = isoDateOf(w.firstDay + h.day)
          return h.named ? { date, name: `holiday ${h.day}` } : date
        }),
        exceptions
      }
    }
  })

/**
 * Where an instant is drawn: uniformly in the query range, at a change of the open state, at a DST transition
 * (nudged by a millisecond, a minute or half an hour), or one to eight days before a transition; uniform picks and
 * picks before a transition get a random sub-minute part.
 */
interface InstantPick {
  readonly kind: "uniform" | "change" | "dst" | "daysBeforeDst"
  readonly index: number
  readonly nudge: number
  readonly millis: number
}

const arbInstant: fc.Arbitrary<InstantPick> = fc.record({
  kind: fc.constantFrom("uniform", "uniform", "change", "change", "dst", "daysBeforeDst"),
  index: fc.nat(),
  nudge: fc.constantFrom(0, 0, 0, 1, -1, MINUTE, -MINUTE, 30 * MINUTE, -30 * MINUTE),
  millis: fc.oneof(fc.constant(0), fc.nat({ max: MINUTE - 1 }))
})

const resolveInstant = (model: Model, pick: InstantPick): number => {
  const w = model.window
  const list =
    pick.kind === "change"
      ? model.changes
      : pick.kind === "dst"
        ? model.table.transitions
        : // one to eight days before a transition, at any minute: business days counted across it
          pick.kind === "daysBeforeDst"
          ? model.table.transitions.map((t) => t - MINUTE * (1 + (pick.index % (8 * 1440))) + pick.millis)
          : []
  const inRange = list.filter((t) => t >= w.queryStart && t < w.queryEnd)
  const t =
    inRange.length > 0
      ? inRange[pick.index % inRange.length]! + pick.nudge
      : w.queryStart + (pick.index % ((w.queryEnd - w.queryStart) / MINUTE)) * MINUTE + pick.millis
  return Math.min(Math.max(t, w.queryStart), w.queryEnd - 1)
}

/**
 * A business duration in ms: whole minutes up to 60 h, any ms up to 60 h, a few ms, or exactly the business time
 * from the start to one of the next changes of the open state (so results land on closings).
 */
type MillisPick = { readonly ms: number } | { readonly toChange: number }

const arbMillis: fc.Arbitrary<MillisPick> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 3600 }).map((m) => ({ ms: m * MINUTE })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 60 * HOUR }).map((ms) => ({ ms })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 1500 }).map((ms) => ({ ms })) },
  { weight: 2, arbitrary: fc.nat({ max: 5 }).map((toChange) => ({ toChange })) }
)

const resolveMillis = (model: Model, a: number, pick: MillisPick): number => {
  if ("ms" in pick) return pick.ms
  const next = model.changes.findIndex((t) => t > a)
  const change = next < 0 ? undefined : model.changes[next + pick.toChange]
  return change === undefined ? 0 : modelBetween(model, a, change)
}

/** The same duration in the shapes `DurationLike` accepts. */
const asDuration = (ms: number, shape: number): BusinessCalendar.DurationLike => {
  const hours = Math.floor(ms / HOUR)
  const minutes = Math.floor(ms / MINUTE) % 60
  const seconds = Math.floor(ms / 1000) % 60
  const milliseconds = ms % 1000
  switch (shape % 4) {
    case 0:
      return { milliseconds: ms }
    case 1:
      return { hours, minutes, seconds, milliseconds }
    case 2:
      return Temporal.Duration.from({ hours, minutes, seconds, milliseconds })
    default:
      return Temporal.Duration.from({ minutes: Math.floor(ms / MINUTE), milliseconds: ms % MINUTE })
  }
}

// -------------------------------------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------------------------------------

const models = new Map<string, { readonly model: Model; readonly calendar: BusinessCalendar.BusinessCalendar }>()

/** The model and the calendar of a case, kept while fast-check shrinks around the same spec. */
const setup = (c: Case) => {
  const key = `${c.window}|${JSON.stringify(c.spec)}`
  let entry = models.get(key)
  if (entry === undefined) {
    if (models.size > 64) models.clear()
    entry = { model: buildModel(c.spec, windows[c.window]!), calendar: BusinessCalendar.makeUnsafe(c.spec) }
    models.set(key, entry)
  }
  return entry
}

const instant = (ms: number): Temporal.Instant => Temporal.Instant.fromEpochMilliseconds(ms)

/** An instant as UTC and local wall-clock time, for failure messages. */
const show = (model: Model, ms: number | undefined): string =>
  ms === undefined
    ? "(past the modelled window)"
    : `${instant(ms).toString()} = ${instant(ms).toZonedDateTimeISO(model.spec.timeZone).toPlainDateTime().toString()} local`

const describeCase = (model: Model, what: string): string =>
  `${what}\n  window ${model.window.name}, spec ${JSON.stringify(model.spec)}`

const totalMillis = (d: Temporal.Duration): number => d.total({ unit: "milliseconds" })

type Outcome<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly tag: string }

const attempt = <A>(f: () => A): Outcome<A> => {
  try {
    return { ok: true, value: f() }
  } catch (error) {
    const tag = typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : String(error)
    return { ok: false, tag }
  }
}

/**
 * When the model has no answer inside its window, the calendar must answer later than the window, or refuse with
 * `expectedTag` when the week has no hours at all (nothing left after the exceptions).
 */
const assertPastWindow = (
  model: Model,
  outcome: Outcome<number>,
  expectedTag: string,
  what: string,
  windowEnd = model.window.end
): void => {
  if (outcome.ok) {
    assert.isAtLeast(outcome.value, windowEnd, describeCase(model, `${what}: got ${show(model, outcome.value)}`))
  } else {
    assert.strictEqual(outcome.tag, expectedTag, describeCase(model, `${what}: threw`))
    assert.isFalse(model.weekHasHours, describeCase(model, `${what}: threw ${outcome.tag} although the week has hours`))
  }
}

/** `PROPERTY_RUNS=10 pnpm vitest run …` runs every property ten times as often (a soak run). */
const runsScale = Number(process.env.PROPERTY_RUNS ?? "1")

const run = <Ts>(property: fc.IProperty<Ts>, numRuns: number): void => {
  fc.assert(property, { numRuns: Math.round(numRuns * runsScale) })
}

// -------------------------------------------------------------------------------------------------------------------
// the model itself
// -------------------------------------------------------------------------------------------------------------------

describe("the brute-force model", () => {
  it("takes each minute's local wall-clock time from Temporal", () => {
    for (const zone of ["America/New_York", "Australia/Lord_Howe", "-03:30"]) {
      for (const window of windows) {
        const table = zoneTable(zone, window)
        // every 31st minute, and every minute within 3 hours of a transition
        const near = (m: number) => table.transitions.some((t) => Math.abs(window.start + m * MINUTE - t) <= 3 * HOUR)
        for (let m = 0; m < table.localDay.length; m++) {
          if (m % 31 !== 0 && !near(m)) continue
          const zdt = instant(window.start + m * MINUTE).toZonedDateTimeISO(zone)
          assert.strictEqual(isoDateOf(table.localDay[m]!), zdt.toPlainDate().toString())
          assert.strictEqual(table.minuteOfDay[m], zdt.hour * 60 + zdt.minute)
          assert.strictEqual(weekdayOf(table.localDay[m]!), zdt.dayOfWeek % 7)
        }
      }
    }
    assert.deepStrictEqual(zoneTable("America/New_York", windows[0]!).transitions, [
      Temporal.Instant.from("2025-03-09T07:00:00Z").epochMilliseconds
    ])
    assert.deepStrictEqual(zoneTable("Australia/Lord_Howe", windows[1]!).transitions, [
      Temporal.Instant.from("2025-10-04T15:30:00Z").epochMilliseconds
    ])
  })

  it("counts 00:00–03:00 as 2 real hours on a spring-forward night and 4 on a fall-back night", () => {
    const spec: Spec = { timeZone: "America/New_York", week: { sunday: [["00:00", "03:00"]] } }
    const spring = buildModel(spec, windows[0]!)
    const autumn = buildModel(spec, windows[1]!)
    const at = (s: string) => Temporal.ZonedDateTime.from(s).epochMilliseconds
    const night = (model: Model, date: string) =>
      modelBetween(model, at(`${date}T00:00[America/New_York]`), at(`${date}T12:00[America/New_York]`))
    assert.strictEqual(night(spring, "2025-03-09"), 2 * HOUR)
    assert.strictEqual(night(spring, "2025-03-16"), 3 * HOUR)
    assert.strictEqual(night(autumn, "2025-11-02"), 4 * HOUR)
    const calendar = BusinessCalendar.makeUnsafe(spec)
    const between = (date: string) =>
      totalMillis(
        BusinessCalendar.businessTimeBetween(
          calendar,
          Temporal.ZonedDateTime.from(`${date}T00:00[America/New_York]`).toInstant(),
          Temporal.ZonedDateTime.from(`${date}T12:00[America/New_York]`).toInstant()
        )
      )
    assert.strictEqual(between("2025-03-09"), 2 * HOUR)
    assert.strictEqual(between("2025-11-02"), 4 * HOUR)
  })
})

// -------------------------------------------------------------------------------------------------------------------
// agreement with the model
// -------------------------------------------------------------------------------------------------------------------

describe("BusinessCalendar agrees with the brute-force model", () => {
  it("isOpen", () => {
    run(
      fc.property(arbCase, fc.array(arbInstant, { minLength: 1, maxLength: 8 }), (c, picks) => {
        const { calendar, model } = setup(c)
        for (const pick of picks) {
          const t = resolveInstant(model, pick)
          assert.strictEqual(
            BusinessCalendar.isOpen(calendar, instant(t)),
            modelIsOpen(model, t),
            describeCase(model, `isOpen(${show(model, t)})`)
          )
        }
      }),
      300
    )
  })

  it("nextOpening", () => {
    run(
      fc.property(arbCase, fc.array(arbInstant, { minLength: 1, maxLength: 8 }), (c, picks) => {
        const { calendar, model } = setup(c)
        for (const pick of picks) {
          const t = resolveInstant(model, pick)
          const expected = modelNextOpening(model, t)
          const actual = attempt(() => BusinessCalendar.nextOpening(calendar, instant(t)).epochMilliseconds)
          const what = `nextOpening(${show(model, t)})`
          if (expected === undefined) assertPastWindow(model, actual, "CalendarNeverOpens", what)
          else {
            assert.isTrue(actual.ok, describeCase(model, `${what} threw ${actual.ok ? "" : actual.tag}`))
            if (actual.ok) {
              assert.strictEqual(show(model, actual.value), show(model, expected), describeCase(model, what))
            }
          }
        }
      }),
      300
    )
  })

  it("nextClosing", () => {
    run(
      fc.property(arbCase, fc.array(arbInstant, { minLength: 1, maxLength: 8 }), (c, picks) => {
        const { calendar, model } = setup(c)
        for (const pick of picks) {
          const t = resolveInstant(model, pick)
          const expected = modelNextClosing(model, t)
          const actual = attempt(() => BusinessCalendar.nextClosing(calendar, instant(t)).epochMilliseconds)
          const what = `nextClosing(${show(model, t)})`
          if (expected === undefined) {
            // open throughout the rest of the window (24/7) or never open again
            if (actual.ok) assert.isAtLeast(actual.value, model.window.end, describeCase(model, what))
            else assert.include(["CalendarNeverCloses", "CalendarNeverOpens"], actual.tag, describeCase(model, what))
          } else {
            assert.isTrue(actual.ok, describeCase(model, `${what} threw ${actual.ok ? "" : actual.tag}`))
            if (actual.ok) {
              assert.strictEqual(show(model, actual.value), show(model, expected), describeCase(model, what))
            }
          }
        }
      }),
      300
    )
  })

  it("businessTimeBetween", () => {
    run(
      fc.property(
        arbCase,
        arbInstant,
        fc.integer({ min: -14 * DAY, max: 14 * DAY }),
        fc.oneof(fc.constant(0), fc.nat({ max: MINUTE - 1 })),
        (c, pick, span, millis) => {
          const { calendar, model } = setup(c)
          const a = resolveInstant(model, pick)
          const b = Math.min(Math.max(a + span - (span % MINUTE) + millis, model.window.start), model.window.end - 1)
          const what = `businessTimeBetween(${show(model, a)}, ${show(model, b)})`
          const duration = BusinessCalendar.businessTimeBetween(calendar, instant(a), instant(b))
          assert.strictEqual(totalMillis(duration), modelBetween(model, a, b), describeCase(model, what))
          assert.strictEqual(BusinessCalendar.businessMillisBetween(calendar, a, b), modelBetween(model, a, b))
          // hours, minutes, seconds and milliseconds only, balanced up to hours
          const { years, months, weeks, days, microseconds, nanoseconds } = duration
          assert.deepStrictEqual([years, months, weeks, days, microseconds, nanoseconds], [0, 0, 0, 0, 0, 0], what)
          assert.isBelow(Math.abs(duration.minutes), 60, what)
          assert.isBelow(Math.abs(duration.seconds), 60, what)
          assert.isBelow(Math.abs(duration.milliseconds), 1000, what)
        }
      ),
      300
    )
  })

  it("addBusinessTime", () => {
    run(
      fc.property(arbCase, arbInstant, arbMillis, fc.nat(), (c, pick, d, shape) => {
        const { calendar, model } = setup(c)
        const a = resolveInstant(model, pick)
        const ms = resolveMillis(model, a, d)
        const expected = modelAdd(model, a, ms)
        const what = `addBusinessTime(${show(model, a)}, ${ms} ms)`
        const actual = attempt(
          () => BusinessCalendar.addBusinessTime(calendar, instant(a), asDuration(ms, shape)).epochMilliseconds
        )
        const raw = attempt(() => BusinessCalendar.addBusinessMillis(calendar, a, ms))
        assert.deepStrictEqual(raw, actual, describeCase(model, `addBusinessMillis differs from ${what}`))
        if (expected === undefined) assertPastWindow(model, actual, "CalendarNeverOpens", what)
        else {
          assert.isTrue(actual.ok, describeCase(model, `${what} threw ${actual.ok ? "" : actual.tag}`))
          if (actual.ok) assert.strictEqual(show(model, actual.value), show(model, expected), describeCase(model, what))
        }
      }),
      300
    )
  })

  it("addBusinessDays", () => {
    run(
      fc.property(arbCase, arbInstant, fc.nat({ max: 8 }), (c, pick, n) => {
        const { calendar, model } = setup(c)
        const t = resolveInstant(model, pick)
        const expected = modelAddBusinessDays(model, t, n)
        const what = `addBusinessDays(${show(model, t)}, ${n})`
        const actual = attempt(() => BusinessCalendar.addBusinessDays(calendar, instant(t), n).epochMilliseconds)
        if (expected === undefined) assertPastWindow(model, actual, "CalendarNeverOpens", what, model.fullDaysEnd)
        else {
          assert.isTrue(actual.ok, describeCase(model, `${what} threw ${actual.ok ? "" : actual.tag}`))
          if (actual.ok) assert.strictEqual(show(model, actual.value), show(model, expected), describeCase(model, what))
        }
      }),
      300
    )
  })
})

// -------------------------------------------------------------------------------------------------------------------
// laws
// -------------------------------------------------------------------------------------------------------------------

/** A case whose calendar opens again after every query instant (the week has hours). */
const arbOpenCase = arbCase.filter((c) => Object.values(c.spec.week).some((h) => h.length > 0))

describe("BusinessCalendar laws", () => {
  it("businessTimeBetween(a, addBusinessTime(a, d)) == d", () => {
    run(
      fc.property(arbOpenCase, arbInstant, arbMillis, (c, pick, d) => {
        const { calendar, model } = setup(c)
        const a = instant(resolveInstant(model, pick))
        const ms = resolveMillis(model, a.epochMilliseconds, d)
        const r = BusinessCalendar.addBusinessTime(calendar, a, { milliseconds: ms })
        const what = describeCase(model, `a = ${show(model, a.epochMilliseconds)}, d = ${ms} ms`)
        assert.strictEqual(totalMillis(BusinessCalendar.businessTimeBetween(calendar, a, r)), ms, what)
      }),
      300
    )
  })

  it("addBusinessTime ends on open time or a closing: the millisecond before the result is open", () => {
    run(
      fc.property(arbOpenCase, arbInstant, arbMillis, (c, pick, d) => {
        const { calendar, model } = setup(c)
        const a = resolveInstant(model, pick)
        const ms = resolveMillis(model, a, d) || 1
        const r = BusinessCalendar.addBusinessMillis(calendar, a, ms)
        const what = describeCase(model, `a = ${show(model, a)}, d = ${ms} ms, result ${show(model, r)}`)
        assert.isAbove(r, a, what)
        assert.isTrue(BusinessCalendar.isOpen(calendar, instant(r - 1)), what)
      }),
      300
    )
  })

  it("addBusinessTime is monotonic in the start and in the duration", () => {
    run(
      fc.property(arbOpenCase, arbInstant, arbInstant, arbMillis, arbMillis, (c, p1, p2, d1, d2) => {
        const { calendar, model } = setup(c)
        const [a1, a2] = [resolveInstant(model, p1), resolveInstant(model, p2)].sort((x, y) => x - y) as [
          number,
          number
        ]
        const [s, l] = [resolveMillis(model, a1, d1), resolveMillis(model, a1, d2)].sort((x, y) => x - y) as [
          number,
          number
        ]
        const add = (a: number, d: number) =>
          BusinessCalendar.addBusinessTime(calendar, instant(a), { milliseconds: d })
        const what = describeCase(model, `a1 = ${show(model, a1)}, a2 = ${show(model, a2)}, d = ${s}, ${l} ms`)
        assert.isTrue(Temporal.Instant.compare(add(a1, s), add(a2, s)) <= 0, `in the start: ${what}`)
        assert.isTrue(Temporal.Instant.compare(add(a1, s), add(a1, l)) <= 0, `in the duration: ${what}`)
      }),
      300
    )
  })

  it("businessTimeBetween is additive and antisymmetric", () => {
    run(
      fc.property(arbCase, arbInstant, arbInstant, arbInstant, (c, p1, p2, p3) => {
        const { calendar, model } = setup(c)
        const [a, b, t] = [p1, p2, p3].map((p) => instant(resolveInstant(model, p))) as [
          Temporal.Instant,
          Temporal.Instant,
          Temporal.Instant
        ]
        const between = (x: Temporal.Instant, y: Temporal.Instant) =>
          totalMillis(BusinessCalendar.businessTimeBetween(calendar, x, y))
        const what = describeCase(model, `a = ${a}, b = ${b}, c = ${t}`)
        assert.strictEqual(between(a, b) + between(b, t), between(a, t), what)
        assert.strictEqual(between(b, a), -between(a, b), what)
        assert.strictEqual(between(a, a), 0, what)
      }),
      300
    )
  })

  it("nextOpening is open with no business time before it; nextClosing is closed and open just before", () => {
    run(
      fc.property(arbOpenCase, arbInstant, (c, pick) => {
        const { calendar, model } = setup(c)
        const t = instant(resolveInstant(model, pick))
        const what = describeCase(model, `at ${show(model, t.epochMilliseconds)}`)
        const opening = BusinessCalendar.nextOpening(calendar, t)
        assert.isTrue(BusinessCalendar.isOpen(calendar, opening), what)
        assert.strictEqual(totalMillis(BusinessCalendar.businessTimeBetween(calendar, t, opening)), 0, what)
        const closing = attempt(() => BusinessCalendar.nextClosing(calendar, t).epochMilliseconds)
        if (closing.ok) {
          assert.isAbove(closing.value, t.epochMilliseconds, what)
          assert.isFalse(BusinessCalendar.isOpen(calendar, instant(closing.value)), what)
          assert.isTrue(BusinessCalendar.isOpen(calendar, instant(closing.value - 1)), what)
        }
      }),
      300
    )
  })

  it("addBusinessDays: open or a closing, increasing in the days, the start itself for 0 days when open", () => {
    run(
      fc.property(arbOpenCase, arbInstant, fc.nat({ max: 6 }), (c, pick, n) => {
        const { calendar, model } = setup(c)
        const t = instant(resolveInstant(model, pick))
        const add = (k: number) => BusinessCalendar.addBusinessDays(calendar, t, k)
        const what = describeCase(model, `addBusinessDays(${show(model, t.epochMilliseconds)}, ${n})`)
        const r = add(n)
        const rMs = r.epochMilliseconds
        assert.isTrue(
          BusinessCalendar.isOpen(calendar, r) || BusinessCalendar.isOpen(calendar, instant(rMs - 1)),
          `neither open nor a closing: ${show(model, rMs)}, ${what}`
        )
        assert.isBelow(rMs, add(n + 1).epochMilliseconds, what)
        assert.isTrue(Temporal.Instant.compare(r, BusinessCalendar.nextOpening(calendar, t)) >= 0, what)
        if (BusinessCalendar.isOpen(calendar, t)) assert.isTrue(add(0).equals(t), what)
      }),
      200
    )
  })
})
