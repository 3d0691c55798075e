/**
 * The reply-by times of the Global Sources Support Policy v1.8 for a request received now (or at the instant given as
 * the first argument): general inquiries within 2 business days (6.1), high-priority progress updates within 1
 * business day (6.2), resolution or explanation within 7 business days (6.3), in the hours of clause 2.1.
 *
 *   pnpm example                              # received now
 *   pnpm example 2025-12-24T17:30:00+08:00    # received on Christmas Eve, after the half day closed
 */
import { BusinessCalendar } from "@support-policy/core"
import { Temporal } from "temporal-polyfill"

const nineToSix = [["09:00", "18:00"]] as const

const calendar = BusinessCalendar.makeUnsafe({
  timeZone: "+08:00",
  week: { monday: nineToSix, tuesday: nineToSix, wednesday: nineToSix, thursday: nineToSix, friday: nineToSix },
  holidays: [
    { date: "2025-12-25", name: "Christmas Day" },
    { date: "2025-12-26", name: "The first weekday after Christmas Day" },
    { date: "2026-01-01", name: "The first day of January" }
  ],
  exceptions: [{ date: "2025-12-24", hours: [["09:00", "13:00"]], name: "Christmas Eve, half day" }]
})

const received = process.argv[2] ? Temporal.Instant.from(process.argv[2]) : Temporal.Now.instant()
const show = (instant: Temporal.Instant) =>
  instant.toZonedDateTimeISO("+08:00").toLocaleString("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short"
  })

console.log(`Received:            ${show(received)}`)
console.log(`Support desk is:     ${BusinessCalendar.isOpen(calendar, received) ? "open" : "closed"}`)
console.log(`Counting starts:     ${show(BusinessCalendar.nextOpening(calendar, received))}`)
console.log(
  `First response (6.1, 2 business days):       ${show(BusinessCalendar.addBusinessDays(calendar, received, 2))}`
)
console.log(
  `Progress update (6.2, 1 business day):       ${show(BusinessCalendar.addBusinessDays(calendar, received, 1))}`
)
console.log(
  `Resolved or explained (6.3, 7 business days): ${show(BusinessCalendar.addBusinessDays(calendar, received, 7))}`
)
