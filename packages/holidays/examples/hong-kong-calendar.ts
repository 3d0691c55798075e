import { BusinessCalendar } from "@support-policy/core"
import { HolidaySource, HongKong } from "@support-policy/holidays"
import { Effect } from "effect"
import { Temporal } from "temporal-polyfill"

const weekday = [["09:00", "18:00"]] as const

const program = Effect.gen(function* () {
  const holidays = yield* HongKong.publicHolidays({ from: 2025, to: 2030 })
  const spec = HolidaySource.applyTo(
    {
      timeZone: "Asia/Hong_Kong",
      week: { monday: weekday, tuesday: weekday, wednesday: weekday, thursday: weekday, friday: weekday }
    },
    { holidays, exceptions: [] }
  )
  const calendar = yield* BusinessCalendar.decode(spec)
  const christmas = Temporal.Instant.from("2026-12-25T10:00:00+08:00")
  const next = BusinessCalendar.nextOpening(calendar, christmas).toZonedDateTimeISO("Asia/Hong_Kong")
  console.log(`Open at 10:00 on Christmas Day 2026: ${BusinessCalendar.isOpen(calendar, christmas)}`)
  console.log(`Opens again: ${next.toPlainDateTime().toString()}`)
})

Effect.runPromise(program)
// Prints:
// Open at 10:00 on Christmas Day 2026: false
// Opens again: 2026-12-28T09:00:00
