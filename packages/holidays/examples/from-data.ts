import { HolidaySource } from "@support-policy/holidays"
import { Effect } from "effect"

const weekday = [["09:00", "18:00"]] as const
const mySpec = {
  timeZone: "Asia/Hong_Kong",
  week: { monday: weekday, tuesday: weekday, wednesday: weekday, thursday: weekday, friday: weekday },
  holidays: [{ date: "2026-12-24", name: "Company day" }]
}

const program = Effect.gen(function* () {
  // where the holidays come from, as data (a policy document, configuration)
  const source = {
    kind: "date-holidays",
    country: "HK",
    types: ["public"],
    language: "en",
    years: { from: 2026, to: 2026 }
  } as const
  const resolved = yield* HolidaySource.resolve(source)
  const spec = HolidaySource.applyTo(mySpec, resolved) // the spec's own entries win on the same date
  for (const holiday of spec.holidays.slice(-3)) console.log(JSON.stringify(holiday))

  // a bad source fails with a HolidaySourceError: its field ("years.to"), and a message that starts with it
  const error = yield* Effect.flip(HolidaySource.resolve({ ...source, years: { from: 2026, to: 2025 } }))
  console.log(error.message)
})

Effect.runPromise(program)
// Prints:
// {"date":"2026-12-24","name":"Company day"}
// {"date":"2026-12-25","name":"Christmas Day"}
// {"date":"2026-12-26","name":"The first weekday after Christmas Day"}
// years.to: expected a year at or after from (2026)
