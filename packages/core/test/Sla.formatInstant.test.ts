/**
 * `Sla.formatInstant` against a reference written with Temporal: the same text for any instant of 2000–2099 in
 * fixed-offset zones and in named zones with daylight saving time, half-hour and quarter-hour offsets.
 */
import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { Temporal } from "temporal-polyfill"
import * as Sla from "../src/Sla.ts"

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
const pad = (n: number) => String(n).padStart(2, "0")

const reference = (ms: number, timeZone: string): string => {
  const z = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timeZone)
  const offset = `UTC${z.offset}`
  const zone = /^[+-]\d/.test(timeZone) || timeZone === "UTC" ? offset : `${timeZone}, ${offset}`
  return `${WEEKDAYS[z.dayOfWeek - 1]} ${z.day} ${MONTHS[z.month - 1]} ${z.year}, ${pad(z.hour)}:${pad(z.minute)} (${zone})`
}

const zones = [
  "+08:00",
  "-05:30",
  "+00:00",
  "UTC",
  "Asia/Hong_Kong",
  "Asia/Shanghai",
  "Europe/London",
  "America/New_York",
  "Australia/Lord_Howe",
  "Asia/Kathmandu",
  "America/St_Johns",
  "Pacific/Chatham",
  "Etc/UTC"
]

describe("Sla.formatInstant", () => {
  it("writes what Temporal would, in every zone, for any instant of 2000–2099", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 946_684_800_000, max: 4_102_444_799_999 }),
        fc.constantFrom(...zones),
        (ms, zone) => {
          assert.strictEqual(Sla.formatInstant(ms, zone), reference(ms, zone))
        }
      ),
      { numRuns: 3000 }
    )
  })

  it("writes the instants around daylight-saving changes as Temporal does", () => {
    // London 2025-03-30 01:00 UTC (clocks forward) and 2025-10-26 01:00 UTC (clocks back), minute by minute
    for (const change of [Date.UTC(2025, 2, 30, 1), Date.UTC(2025, 9, 26, 1)]) {
      for (let m = -90; m <= 90; m++) {
        const ms = change + m * 60_000 + 59_999
        assert.strictEqual(Sla.formatInstant(ms, "Europe/London"), reference(ms, "Europe/London"))
      }
    }
    assert.strictEqual(Sla.formatInstant(Date.UTC(2025, 5, 11, 2), "+08:00"), "Wed 11 Jun 2025, 10:00 (UTC+08:00)")
  })
  it("writes Chinese for the requester page, and reads Accept-Language", () => {
    assert.strictEqual(
      Sla.formatInstant(Date.UTC(2025, 5, 11, 2), "+08:00", "zh"),
      "2025年6月11日（周三）10:00（UTC+08:00）"
    )
    assert.strictEqual(
      Sla.formatInstant(Date.UTC(2025, 5, 15, 2), "Asia/Hong_Kong", "zh"),
      "2025年6月15日（周日）10:00（Asia/Hong_Kong, UTC+08:00）"
    )
    assert.strictEqual(Sla.textLanguage("zh-CN,zh;q=0.9,en;q=0.8"), "zh")
    assert.strictEqual(Sla.textLanguage("fr-FR, en-GB;q=0.8, zh;q=0.5"), "en")
    assert.strictEqual(Sla.textLanguage(undefined), "en")
  })
})
