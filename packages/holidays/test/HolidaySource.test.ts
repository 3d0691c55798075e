import { assert, describe, it } from "@effect/vitest"
import { BusinessCalendar } from "@support-policy/core"
import { Effect } from "effect"
import { Temporal } from "temporal-polyfill"
import { DateHolidays, HolidaySource } from "../src/index.ts"

const weekday = [["09:00", "18:00"]] as const

const chinaSpec: BusinessCalendar.CalendarSpec = {
  timeZone: "Asia/Shanghai",
  week: { monday: weekday, tuesday: weekday, wednesday: weekday, thursday: weekday, friday: weekday }
}

// The State Council's 2025 Spring Festival arrangement: closed 28 January – 4 February, and two weekend days
// worked to make up for it. date-holidays knows only the three statutory days (28–30 January).
const springFestival2025: HolidaySource.HolidaySource = {
  kind: "list",
  holidays: [
    { date: "2025-01-31", name: "Spring Festival (bridging day)" },
    { date: "2025-02-03", name: "Spring Festival (bridging day)" },
    { date: "2025-02-04", name: "Spring Festival (bridging day)" }
  ],
  exceptions: [
    { date: "2025-01-26", hours: weekday, name: "Make-up workday (Spring Festival)" },
    { date: "2025-02-08", hours: weekday, name: "Make-up workday (Spring Festival)" }
  ]
}

const failureOf = (source: unknown) => Effect.flip(HolidaySource.resolve(source as HolidaySource.HolidaySource))

describe("HolidaySource.resolve", () => {
  it.effect("resolves a date-holidays source like DateHolidays.holidays", () =>
    Effect.gen(function* () {
      const resolved = yield* HolidaySource.resolve({
        kind: "date-holidays",
        country: "HK",
        years: { from: 2025, to: 2025 }
      })
      assert.deepStrictEqual(resolved.holidays, yield* DateHolidays.holidays({ country: "HK", years: [2025] }))
      assert.deepStrictEqual(resolved.exceptions, [])
    })
  )

  it.effect("resolves an ics source with its options", () =>
    Effect.gen(function* () {
      const text = [
        "BEGIN:VCALENDAR",
        "BEGIN:VEVENT",
        "UID:a@test",
        "DTSTART;VALUE=DATE:20250101",
        "RRULE:FREQ=YEARLY",
        "SUMMARY:New Year",
        "END:VEVENT",
        "END:VCALENDAR"
      ].join("\r\n")
      const resolved = yield* HolidaySource.resolve({ kind: "ics", text, from: "2025-01-01", to: "2026-12-31" })
      assert.deepStrictEqual(resolved.holidays, [
        { date: "2025-01-01", name: "New Year" },
        { date: "2026-01-01", name: "New Year" }
      ])
    })
  )

  it.effect("resolves a list: bare dates become objects, one entry per date, sorted", () =>
    Effect.gen(function* () {
      const resolved = yield* HolidaySource.resolve({
        kind: "list",
        holidays: ["2025-05-01", { date: "2025-01-01", name: "New Year" }, { date: "2025-05-01", name: "Labour Day" }],
        exceptions: [
          { date: "2025-02-08", hours: [["13:00", "18:00"]] },
          { date: "2025-02-08", hours: [["09:00", "12:00"]], name: "Make-up" }
        ]
      })
      assert.deepStrictEqual(resolved, {
        holidays: [
          { date: "2025-01-01", name: "New Year" },
          { date: "2025-05-01", name: "Labour Day" }
        ],
        exceptions: [
          {
            date: "2025-02-08",
            hours: [
              ["09:00", "12:00"],
              ["13:00", "18:00"]
            ],
            name: "Make-up"
          }
        ]
      })
    })
  )

  it.effect("decodes JSON: a policy document can hold a source", () =>
    Effect.gen(function* () {
      const json = JSON.parse(JSON.stringify(springFestival2025))
      const decoded = yield* HolidaySource.decode(json)
      assert.deepStrictEqual(decoded, springFestival2025)
    })
  )

  describe("refuses a bad source, naming the field", () => {
    it.effect.each([
      { source: { kind: "calendar" }, field: "kind" },
      { source: "HK", field: "(root)" },
      { source: { kind: "date-holidays", country: "HK", years: { from: 2025, to: "2026" } }, field: "years.to" },
      { source: { kind: "date-holidays", country: "ZZ", years: { from: 2025, to: 2026 } }, field: "country" },
      { source: { kind: "ics" }, field: "text" },
      { source: { kind: "ics", text: "nonsense" }, field: "text" },
      { source: { kind: "list", holidays: ["2025-02-30"] }, field: "holidays[0]" },
      { source: { kind: "list", holidays: [{ date: "2025-1-1" }] }, field: "holidays[0].date" },
      { source: { kind: "list", holidays: [], exceptions: [{ date: "2025-01-26" }] }, field: "exceptions[0].hours" },
      {
        source: { kind: "list", holidays: [], exceptions: [{ date: "2025-01-26", hours: [["09:00", "25:00"]] }] },
        field: "exceptions[0].hours[0][1]"
      }
    ])("$field: %#", ({ source, field }) =>
      Effect.gen(function* () {
        const error = yield* failureOf(source)
        assert.strictEqual(error._tag, "HolidaySourceError")
        assert.strictEqual(error.field, field)
      })
    )
  })
})

describe("HolidaySource.applyTo", () => {
  it("adds resolved entries, keeps the spec's own on the same date, and sorts", () => {
    const spec = {
      ...chinaSpec,
      holidays: ["2025-10-01", { date: "2025-01-01", name: "Our New Year" }],
      exceptions: [{ date: "2025-01-28", hours: [["09:00", "12:00"]] as const, name: "Half day" }]
    }
    const merged = HolidaySource.applyTo(spec, {
      holidays: [
        { date: "2025-01-01", name: "New Year's Day" },
        { date: "2025-01-28", name: "Spring Festival" },
        { date: "2025-01-29", name: "Spring Festival" },
        { date: "2025-01-29", name: "Duplicate" }
      ],
      exceptions: [
        { date: "2025-10-01", hours: [["09:00", "18:00"]] },
        { date: "2025-02-08", hours: [["09:00", "18:00"]] }
      ]
    })
    assert.deepStrictEqual(merged.holidays, [
      { date: "2025-01-01", name: "Our New Year" },
      { date: "2025-01-29", name: "Spring Festival / Duplicate" },
      "2025-10-01"
    ])
    assert.deepStrictEqual(merged.exceptions, [
      { date: "2025-01-28", hours: [["09:00", "12:00"]], name: "Half day" },
      { date: "2025-02-08", hours: [["09:00", "18:00"]] }
    ])
    assert.strictEqual(merged.timeZone, "Asia/Shanghai")
  })

  it.effect("mainland China: make-up workdays round-trip into a calendar that is open on them", () =>
    Effect.gen(function* () {
      const statutory = yield* HolidaySource.resolve({
        kind: "date-holidays",
        country: "CN",
        years: { from: 2025, to: 2025 },
        partialDays: "exclude"
      })
      // date-holidays has no make-up workdays for mainland China.
      assert.deepStrictEqual(statutory.exceptions, [])
      const arrangement = yield* HolidaySource.resolve(springFestival2025)
      const spec = HolidaySource.applyTo(HolidaySource.applyTo(chinaSpec, statutory), arrangement)

      assert.deepStrictEqual(spec.exceptions, springFestival2025.exceptions)
      const holidayDates = spec.holidays.map((h) => (typeof h === "string" ? h : h.date))
      for (const date of ["2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-03", "2025-02-04"]) {
        assert.include(holidayDates, date)
      }

      const calendar = yield* BusinessCalendar.decode(spec)
      const at = (local: string) => Temporal.PlainDateTime.from(local).toZonedDateTime("Asia/Shanghai").toInstant()
      assert.isTrue(BusinessCalendar.isOpen(calendar, at("2025-01-26T10:00"))) // Sunday, worked
      assert.isTrue(BusinessCalendar.isOpen(calendar, at("2025-02-08T10:00"))) // Saturday, worked
      assert.isFalse(BusinessCalendar.isOpen(calendar, at("2025-01-29T10:00"))) // Spring Festival
      assert.isFalse(BusinessCalendar.isOpen(calendar, at("2025-02-04T10:00"))) // bridging day
      assert.isFalse(BusinessCalendar.isOpen(calendar, at("2025-02-09T10:00"))) // an ordinary Sunday
      assert.isTrue(BusinessCalendar.isOpen(calendar, at("2025-02-05T10:00"))) // back to work
    })
  )
})
