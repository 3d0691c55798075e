import { BusinessCalendar } from "@support-policy/core"
import { HolidaySource } from "@support-policy/holidays"
import { Effect } from "effect"
import { Temporal } from "temporal-polyfill"

const weekday = [["09:00", "18:00"]] as const
const chinaSpec = {
  timeZone: "Asia/Shanghai",
  week: { monday: weekday, tuesday: weekday, wednesday: weekday, thursday: weekday, friday: weekday }
}

const program = Effect.gen(function* () {
  const statutory = yield* HolidaySource.resolve({
    kind: "date-holidays",
    country: "CN",
    years: { from: 2025, to: 2025 },
    partialDays: "exclude"
  })
  const arrangement2025 = yield* HolidaySource.resolve({
    kind: "list",
    holidays: [
      { date: "2025-01-31", name: "Spring Festival (bridging day)" },
      { date: "2025-02-03", name: "Spring Festival (bridging day)" },
      { date: "2025-02-04", name: "Spring Festival (bridging day)" }
    ],
    exceptions: [
      { date: "2025-01-26", hours: weekday, name: "Make-up workday (Spring Festival)" }, // a Sunday
      { date: "2025-02-08", hours: weekday, name: "Make-up workday (Spring Festival)" } // a Saturday
    ]
  })
  const spec = HolidaySource.applyTo(HolidaySource.applyTo(chinaSpec, statutory), arrangement2025)
  const calendar = yield* BusinessCalendar.decode(spec)
  for (const at of ["2025-01-26T10:00:00+08:00", "2025-02-03T10:00:00+08:00", "2025-02-08T10:00:00+08:00"]) {
    console.log(
      `${at.slice(0, 10)}: ${BusinessCalendar.isOpen(calendar, Temporal.Instant.from(at)) ? "open" : "closed"}`
    )
  }
})

Effect.runPromise(program)
// Prints:
// 2025-01-26: open
// 2025-02-03: closed
// 2025-02-08: open
