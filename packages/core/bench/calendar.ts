/**
 * Business-calendar arithmetic against two popular peers, moment-business-time and dayjs-business-time, on the same
 * calendar: Monday to Friday 09:00–18:00 with the Hong Kong general holidays of 2025–2027.
 *
 * Neither peer knows time zones (they work in the process's local time or, as here, in UTC mode), so ours runs in
 * "UTC" too. Every contender first answers the benchmark inputs and the answers are compared; a difference is
 * printed loudly and fails the run unless it is a documented difference of semantics.
 */
import { createRequire } from "node:module"
import dayjs from "dayjs"
import dayjsUtc from "dayjs/plugin/utc.js"
import dayjsBusinessTime from "dayjs-business-time"
import { Temporal } from "temporal-polyfill"
import { BusinessCalendar } from "../src/index.ts"
import { hongKongPublicHolidays } from "../src/internal/hongKongHolidays.ts"
import {
  type BenchContext,
  type BenchModule,
  formatInteger,
  formatOps,
  formatRatio,
  formatSpread,
  heading,
  type Measurement,
  measure,
  table
} from "./harness.ts"

/** The part of moment, as patched by moment-business-time, that the bench uses (the package ships no types). */
interface BusinessMoment {
  clone(): BusinessMoment
  valueOf(): number
  addWorkingTime(amount: number, unit: "hours" | "minutes"): BusinessMoment
  isWorkingTime(): boolean
  workingDiff(other: BusinessMoment, unit: "milliseconds"): number
}

interface MomentBusinessTime {
  utc(epochMs: number): BusinessMoment
  updateLocale(locale: string, spec: object): unknown
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

// -------------------------------------------------------------------------------------------------------------------
// the calendar, three times
// -------------------------------------------------------------------------------------------------------------------

/** Hong Kong public holidays 2025–2027: the table core generates from date-holidays (the Global Sources preset's). */
const hongKongHolidays = hongKongPublicHolidays.filter((h) => h.date >= "2025-01-01" && h.date <= "2027-12-31")

const holidayDates = hongKongHolidays.map((h) => h.date)
const office: ReadonlyArray<readonly [string, string]> = [["09:00", "18:00"]]

const ours = BusinessCalendar.makeUnsafe({
  timeZone: "UTC",
  week: { monday: office, tuesday: office, wednesday: office, thursday: office, friday: office },
  holidays: hongKongHolidays
})

// moment-business-time patches the moment it requires and exports it; it ships no types
const moment = createRequire(import.meta.url)("moment-business-time") as MomentBusinessTime
moment.updateLocale("en", {
  workinghours: {
    0: null,
    1: ["09:00:00", "18:00:00"],
    2: ["09:00:00", "18:00:00"],
    3: ["09:00:00", "18:00:00"],
    4: ["09:00:00", "18:00:00"],
    5: ["09:00:00", "18:00:00"],
    6: null
  },
  holidays: holidayDates
})

dayjs.extend(dayjsUtc)
dayjs.extend(dayjsBusinessTime)
const dayjsOffice = [{ start: "09:00:00", end: "18:00:00" }]
dayjs.setBusinessTime({
  sunday: null,
  monday: dayjsOffice,
  tuesday: dayjsOffice,
  wednesday: dayjsOffice,
  thursday: dayjsOffice,
  friday: dayjsOffice,
  saturday: null
})
dayjs.setHolidays(holidayDates)

// -------------------------------------------------------------------------------------------------------------------
// inputs
// -------------------------------------------------------------------------------------------------------------------

/** A fixed pseudo-random sequence (xorshift32), so every run measures the same inputs. */
const random = (() => {
  let x = 0x9e3779b9
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 2 ** 32
  }
})()

const from = Temporal.Instant.from("2025-01-02T00:00:00Z").epochMilliseconds
const until = Temporal.Instant.from("2026-06-30T00:00:00Z").epochMilliseconds

/** 64 start instants on whole minutes, 2025-01-02 to 2026-06-30 (so a 2,000 h add stays within the holidays). */
const INPUTS = 64
const MASK = INPUTS - 1
const starts: ReadonlyArray<number> = Array.from(
  { length: INPUTS },
  () => from + Math.floor((random() * (until - from)) / MINUTE) * MINUTE
)

/** The same instants in each library's own type, made once. */
const inputsOf = (ms: ReadonlyArray<number>) => ({
  ms,
  instants: ms.map((t) => Temporal.Instant.fromEpochMilliseconds(t)),
  moments: ms.map((t) => moment.utc(t)),
  dayjses: ms.map((t) => dayjs.utc(t))
})

const startInputs = inputsOf(starts)
const twoWeeksLater = inputsOf(starts.map((t) => t + 14 * DAY))
const aYearLater = inputsOf(starts.map((t) => t + 365 * DAY))

/** Boundary instants for the answer check only: opening and closing instants, a minute either side, holidays. */
const checkExtra: ReadonlyArray<number> = (() => {
  const out: Array<number> = []
  for (const day of ["2025-03-03", "2025-03-07", "2025-03-08", "2025-04-18", "2025-12-24", "2026-02-16"]) {
    const midnight = Temporal.Instant.from(`${day}T00:00:00Z`).epochMilliseconds
    for (const minutes of [0, 539, 540, 541, 1079, 1080, 1081]) out.push(midnight + minutes * MINUTE)
  }
  return out
})()

// -------------------------------------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------------------------------------

interface Contender {
  readonly name: string
  /** The answer for input i, as epoch ms, ms of business time or a boolean, for the answer check. */
  readonly answer: (i: number) => number | boolean
  /** The timed call: cycles through the inputs. */
  readonly bench: () => () => unknown
  /** A number-only API of ours: measured, not compared with the peers. */
  readonly raw?: boolean
}

interface Operation {
  readonly name: string
  readonly contenders: ReadonlyArray<Contender>
  /** Documented differences of semantics: a reason for a mismatch, or undefined when it is unexplained. */
  readonly explain?: (
    startMs: number,
    peer: string,
    ours: number | boolean,
    theirs: number | boolean
  ) => string | undefined
}

const isClosingInstant = (t: number): boolean =>
  !BusinessCalendar.isOpen(ours, Temporal.Instant.fromEpochMilliseconds(t)) &&
  BusinessCalendar.isOpen(ours, Temporal.Instant.fromEpochMilliseconds(t - 1))

const add = (hours: number): Operation => {
  const ms = hours * HOUR
  const duration = { hours }
  return {
    name: `add ${formatInteger(hours)} h`,
    contenders: [
      {
        name: "ours (addBusinessTime)",
        answer: (i) =>
          BusinessCalendar.addBusinessTime(ours, Temporal.Instant.fromEpochMilliseconds(checkStarts[i]!), duration)
            .epochMilliseconds,
        bench: () => {
          let i = 0
          const xs = startInputs.instants
          return () => BusinessCalendar.addBusinessTime(ours, xs[i++ & MASK]!, duration)
        }
      },
      {
        name: "ours, numbers (addBusinessMillis)",
        raw: true,
        answer: (i) => BusinessCalendar.addBusinessMillis(ours, checkStarts[i]!, ms),
        bench: () => {
          let i = 0
          const xs = startInputs.ms
          return () => BusinessCalendar.addBusinessMillis(ours, xs[i++ & MASK]!, ms)
        }
      },
      {
        name: "moment-business-time",
        answer: (i) => moment.utc(checkStarts[i]!).addWorkingTime(hours, "hours").valueOf(),
        bench: () => {
          let i = 0
          const xs = startInputs.moments
          // addWorkingTime mutates its moment: work on a copy, as a caller keeping the start must
          return () => xs[i++ & MASK]!.clone().addWorkingTime(hours, "hours")
        }
      },
      {
        name: "dayjs-business-time",
        answer: (i) => dayjs.utc(checkStarts[i]!).addBusinessHours(hours).valueOf(),
        bench: () => {
          let i = 0
          const xs = startInputs.dayjses
          return () => xs[i++ & MASK]!.addBusinessHours(hours)
        }
      }
    ]
  }
}

const between = (label: string, span: number, ends: ReturnType<typeof inputsOf>): Operation => ({
  name: `between, ${label} apart`,
  contenders: [
    {
      name: "ours (businessTimeBetween)",
      answer: (i) =>
        BusinessCalendar.businessTimeBetween(
          ours,
          Temporal.Instant.fromEpochMilliseconds(checkStarts[i]!),
          Temporal.Instant.fromEpochMilliseconds(checkStarts[i]! + span)
        ).total({ unit: "milliseconds" }),
      bench: () => {
        let i = 0
        const xs = startInputs.instants
        const ys = ends.instants
        return () => {
          const k = i++ & MASK
          return BusinessCalendar.businessTimeBetween(ours, xs[k]!, ys[k]!)
        }
      }
    },
    {
      name: "ours, numbers (businessMillisBetween)",
      raw: true,
      answer: (i) => BusinessCalendar.businessMillisBetween(ours, checkStarts[i]!, checkStarts[i]! + span),
      bench: () => {
        let i = 0
        const xs = startInputs.ms
        const ys = ends.ms
        return () => {
          const k = i++ & MASK
          return BusinessCalendar.businessMillisBetween(ours, xs[k]!, ys[k]!)
        }
      }
    },
    {
      name: "moment-business-time",
      answer: (i) => moment.utc(checkStarts[i]! + span).workingDiff(moment.utc(checkStarts[i]!), "milliseconds"),
      bench: () => {
        let i = 0
        const xs = startInputs.moments
        const ys = ends.moments
        return () => {
          const k = i++ & MASK
          return ys[k]!.workingDiff(xs[k]!, "milliseconds")
        }
      }
    },
    {
      name: "dayjs-business-time",
      // whole minutes only: every input is on a whole minute, so nothing is lost
      answer: (i) => dayjs.utc(checkStarts[i]!).businessMinutesDiff(dayjs.utc(checkStarts[i]! + span)) * MINUTE,
      bench: () => {
        let i = 0
        const xs = startInputs.dayjses
        const ys = ends.dayjses
        return () => {
          const k = i++ & MASK
          return xs[k]!.businessMinutesDiff(ys[k]!)
        }
      }
    }
  ]
})

const isOpen: Operation = {
  name: "isOpen",
  contenders: [
    {
      name: "ours (isOpen)",
      answer: (i) => BusinessCalendar.isOpen(ours, Temporal.Instant.fromEpochMilliseconds(checkStarts[i]!)),
      bench: () => {
        let i = 0
        const xs = startInputs.instants
        return () => BusinessCalendar.isOpen(ours, xs[i++ & MASK]!)
      }
    },
    {
      name: "moment-business-time",
      answer: (i) => moment.utc(checkStarts[i]!).isWorkingTime(),
      bench: () => {
        let i = 0
        const xs = startInputs.moments
        return () => xs[i++ & MASK]!.isWorkingTime()
      }
    },
    {
      name: "dayjs-business-time",
      answer: (i) => dayjs.utc(checkStarts[i]!).isBusinessTime(),
      bench: () => {
        let i = 0
        const xs = startInputs.dayjses
        return () => xs[i++ & MASK]!.isBusinessTime()
      }
    }
  ],
  explain: (t, _peer, oursAnswer, theirs) =>
    oursAnswer === false && theirs === true && isClosingInstant(t)
      ? "at the closing instant (18:00:00.000) the peers count the desk as open: their hours are the closed interval " +
        "[09:00, 18:00]; ours are half-open [09:00, 18:00), so a deadline at 18:00 is already missed"
      : undefined
}

/** The inputs the answers are compared on: the benchmark inputs and the boundary instants. */
const checkStarts: ReadonlyArray<number> = [...starts, ...checkExtra]

const operations: ReadonlyArray<Operation> = [
  add(18),
  add(63),
  add(2000),
  between("2 weeks", 14 * DAY, twoWeeksLater),
  between("1 year", 365 * DAY, aYearLater),
  isOpen
]

// -------------------------------------------------------------------------------------------------------------------
// run
// -------------------------------------------------------------------------------------------------------------------

const show = (value: number | boolean, kind: "instant" | "span" | "boolean"): string =>
  typeof value === "boolean"
    ? String(value)
    : kind === "instant"
      ? Temporal.Instant.fromEpochMilliseconds(value).toString()
      : `${value / HOUR} h`

/** Compares every peer's answers with ours on every check input; an unexplained difference fails the run. */
const checkAnswers = (context: BenchContext): void => {
  const rows: Array<Array<string>> = []
  const explained = new Map<string, number>()
  for (const op of operations) {
    const [reference, ...others] = op.contenders
    const kind = op.name.startsWith("add") ? "instant" : op.name.startsWith("between") ? "span" : "boolean"
    for (const other of others) {
      let same = 0
      let unexplained = 0
      for (let i = 0; i < checkStarts.length; i++) {
        const expected = reference!.answer(i)
        const actual = other.answer(i)
        if (expected === actual) {
          same++
          continue
        }
        const reason = op.explain?.(checkStarts[i]!, other.name, expected, actual)
        if (reason !== undefined) {
          const key = `${op.name}, ${other.name}: ${reason}`
          explained.set(key, (explained.get(key) ?? 0) + 1)
          continue
        }
        unexplained++
        context.fail(
          `MISMATCH ${op.name} from ${show(checkStarts[i]!, "instant")}: ours ${show(expected, kind)}, ` +
            `${other.name} ${show(actual, kind)}`
        )
      }
      rows.push([op.name, other.name, `${same}/${checkStarts.length}`, String(unexplained)])
    }
  }
  console.log(
    `\nAnswers compared with ours on ${checkStarts.length} inputs (the 64 benchmark inputs and boundaries):\n`
  )
  console.log(table(["operation", "contender", " same answer", " unexplained"], rows))
  for (const [reason, count] of explained) console.log(`\n  ${count} explained difference(s): ${reason}`)
}

const run = (context: BenchContext): void => {
  console.log(heading("Business calendar: ours vs moment-business-time and dayjs-business-time"))
  console.log(
    [
      "Calendar: Monday–Friday 09:00–18:00, Hong Kong general holidays 2025–2027.",
      'Time zone: neither peer knows time zones, so all three compute in UTC: ours with timeZone "UTC",',
      "moment-business-time through moment.utc(), dayjs-business-time through dayjs.utc() (its utc plugin).",
      `Inputs: ${INPUTS} start instants on whole minutes between 2025-01-02 and 2026-06-30, cycled through.`,
      "Ours takes and returns Temporal.Instant (and Temporal.Duration); the peers take their own date objects.",
      "moment's addWorkingTime mutates its moment, so its loop adds to a clone of the start."
    ].join("\n")
  )
  checkAnswers(context)

  const rows: Array<Array<string>> = []
  const goals: Array<string> = []
  for (const op of operations) {
    const results = op.contenders.map((c) => ({ contender: c, m: measure(c.bench(), context.settings) }))
    const reference = results[0]!.m
    for (const { contender, m } of results) {
      const isPeer = !contender.name.startsWith("ours")
      rows.push([
        op.name,
        contender.name,
        formatInteger(m.opsPerSecond),
        formatSpread(m),
        isPeer ? formatRatio(reference.opsPerSecond / m.opsPerSecond) : ""
      ])
    }
    if (op.name === "add 18 h") {
      const byName = (name: string): Measurement => results.find((r) => r.contender.name === name)!.m
      const momentOps = byName("moment-business-time").opsPerSecond
      const raw = byName("ours, numbers (addBusinessMillis)").opsPerSecond
      const verdict = (ok: boolean) => (ok ? "MET" : "NOT MET")
      goals.push(
        `≥ 1,000× moment-business-time on "add 18 h": ${formatRatio(reference.opsPerSecond / momentOps)} with ` +
          `Temporal.Instant (${verdict(reference.opsPerSecond >= 1000 * momentOps)}), ` +
          `${formatRatio(raw / momentOps)} with numbers (${verdict(raw >= 1000 * momentOps)})`,
        `≥ 1 million adds/s on one core: ${formatOps(reference.opsPerSecond)}/s with Temporal.Instant ` +
          `(${verdict(reference.opsPerSecond >= 1e6)}), ${formatOps(raw)}/s with numbers (${verdict(raw >= 1e6)})`
      )
    }
    rows.push(["", "", "", "", ""])
  }
  rows.pop()
  console.log(
    `\nMedian of ${context.settings.samples} samples of ~${context.settings.sampleMs} ms ` +
      `after ${context.settings.warmupMs} ms of warm-up, one core:\n`
  )
  console.log(table(["operation", "contender", " ops/s", " spread", " ours is"], rows))
  console.log("\n(ours is: ours with Temporal objects, ops/s divided by the peer's)")
  console.log("\nGoals:")
  for (const goal of goals) console.log(`  ${goal}`)
}

const bench: BenchModule = { name: "calendar", run }
export default bench
