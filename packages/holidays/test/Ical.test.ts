import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Ical } from "../src/index.ts"

/** A calendar around the given VEVENT bodies (each a list of property lines). */
const calendar = (...events: ReadonlyArray<ReadonlyArray<string>>): string =>
  [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//support-policy//holidays test//EN",
    ...events.flatMap((lines, i) => [
      "BEGIN:VEVENT",
      `UID:event-${i}@test`,
      "DTSTAMP:20250101T000000Z",
      ...lines,
      "END:VEVENT"
    ]),
    "END:VCALENDAR",
    ""
  ].join("\r\n")

const failureOf = (text: string, options?: Ical.Options) => Effect.flip(Ical.fromText(text, options))

const withHostZone = <A>(zone: string, f: () => A): A => {
  const before = process.env.TZ
  const probe = new Date(Date.UTC(2025, 0, 1))
  const offsetBefore = probe.getTimezoneOffset()
  process.env.TZ = zone
  try {
    assert.notStrictEqual(probe.getTimezoneOffset(), offsetBefore, `host time zone did not switch to ${zone}`)
    return f()
  } finally {
    if (before === undefined) delete process.env.TZ
    else process.env.TZ = before
  }
}

const newYear = ["DTSTART;VALUE=DATE:20250101", "DTEND;VALUE=DATE:20250102", "SUMMARY:New Year's Day"]
const lunarNewYear = ["DTSTART;VALUE=DATE:20250129", "DTEND;VALUE=DATE:20250201", "SUMMARY;LANGUAGE=en:Lunar New Year"]
const christmas = ["DTSTART;VALUE=DATE:20241225", "RRULE:FREQ=YEARLY", "SUMMARY:Christmas Day"]

describe("Ical.fromText", () => {
  it.effect("reads all-day events as holidays, each date of a multi-day event, DTEND exclusive", () =>
    Effect.gen(function* () {
      const result = yield* Ical.fromText(
        calendar(lunarNewYear, newYear, ["DTSTART;VALUE=DATE:20250404", "SUMMARY:Ching Ming"])
      )
      assert.deepStrictEqual(result, {
        holidays: [
          { date: "2025-01-01", name: "New Year's Day" },
          { date: "2025-01-29", name: "Lunar New Year" },
          { date: "2025-01-30", name: "Lunar New Year" },
          { date: "2025-01-31", name: "Lunar New Year" },
          { date: "2025-04-04", name: "Ching Ming" }
        ],
        exceptions: []
      })
    })
  )

  it.effect("expands a yearly RRULE within from and to", () =>
    Effect.gen(function* () {
      const result = yield* Ical.fromText(calendar(christmas), { from: "2025-01-01", to: "2028-12-31" })
      assert.deepStrictEqual(result.holidays, [
        { date: "2025-12-25", name: "Christmas Day" },
        { date: "2026-12-25", name: "Christmas Day" },
        { date: "2027-12-25", name: "Christmas Day" },
        { date: "2028-12-25", name: "Christmas Day" }
      ])
    })
  )

  it.effect("applies EXDATE and RECURRENCE-ID, and expands a bounded RRULE without from and to", () =>
    Effect.gen(function* () {
      const text = [
        "BEGIN:VCALENDAR",
        "BEGIN:VEVENT",
        "UID:boxing@test",
        "DTSTART;VALUE=DATE:20241226",
        "RRULE:FREQ=YEARLY;COUNT=4",
        "EXDATE;VALUE=DATE:20261226",
        "SUMMARY:Boxing Day",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:boxing@test",
        "RECURRENCE-ID;VALUE=DATE:20251226",
        "DTSTART;VALUE=DATE:20251229",
        "SUMMARY:Boxing Day (moved)",
        "END:VEVENT",
        "END:VCALENDAR"
      ].join("\n")
      const result = yield* Ical.fromText(text)
      assert.deepStrictEqual(result.holidays, [
        { date: "2024-12-26", name: "Boxing Day" },
        { date: "2025-12-29", name: "Boxing Day (moved)" },
        { date: "2027-12-26", name: "Boxing Day" }
      ])
    })
  )

  it.effect("keeps only dates between from and to, also of a multi-day event across the boundary", () =>
    Effect.gen(function* () {
      const result = yield* Ical.fromText(calendar(lunarNewYear, newYear), { from: "2025-01-30", to: "2025-12-31" })
      assert.deepStrictEqual(
        result.holidays.map((h) => h.date),
        ["2025-01-30", "2025-01-31"]
      )
    })
  )

  it.effect("reads a timed CATEGORIES:WORKDAY event as an exception with its hours", () =>
    Effect.gen(function* () {
      const text = calendar(
        [
          "DTSTART;TZID=Asia/Shanghai:20250126T090000",
          "DTEND;TZID=Asia/Shanghai:20250126T180000",
          "CATEGORIES:Holidays,workday",
          "SUMMARY:Make-up workday (Spring Festival)"
        ],
        ["DTSTART;TZID=Asia/Shanghai:20250126T100000", "DTEND;TZID=Asia/Shanghai:20250126T110000", "SUMMARY:Meeting"]
      )
      const asWritten = yield* Ical.fromText(text)
      assert.deepStrictEqual(asWritten, {
        holidays: [],
        exceptions: [{ date: "2025-01-26", hours: [["09:00", "18:00"]], name: "Make-up workday (Spring Festival)" }]
      })
      const inUtc = yield* Ical.fromText(text, { timeZone: "UTC" })
      assert.deepStrictEqual(inUtc.exceptions[0].hours, [["01:00", "10:00"]])
    })
  )

  it.effect("reads UTC times in timeZone and floating times as written", () =>
    Effect.gen(function* () {
      const text = calendar(
        ["DTSTART:20250208T010000Z", "DTEND:20250208T043000Z", "CATEGORIES:WORKDAY", "SUMMARY:Saturday morning"],
        ["DTSTART:20250208T140000", "DTEND:20250208T173015", "CATEGORIES:WORKDAY", "SUMMARY:Saturday afternoon"]
      )
      const result = yield* Ical.fromText(text, { timeZone: "+08:00" })
      assert.deepStrictEqual(result.exceptions, [
        {
          date: "2025-02-08",
          hours: [
            ["09:00", "12:30"],
            ["14:00", "17:30:15"]
          ],
          name: "Saturday morning / Saturday afternoon"
        }
      ])
    })
  )

  it.effect("splits a working-time event that runs past midnight, and joins overlapping ones", () =>
    Effect.gen(function* () {
      const text = calendar(
        ["DTSTART:20250301T200000", "DTEND:20250302T020000", "CATEGORIES:WORKDAY", "SUMMARY:Night shift"],
        ["DTSTART:20250301T180000", "DTEND:20250301T210000", "CATEGORIES:WORKDAY", "SUMMARY:Evening shift"]
      )
      const result = yield* Ical.fromText(text)
      assert.deepStrictEqual(result.exceptions, [
        { date: "2025-03-01", hours: [["18:00", "24:00"]], name: "Night shift / Evening shift" },
        { date: "2025-03-02", hours: [["00:00", "02:00"]], name: "Night shift" }
      ])
    })
  )

  it.effect("reads an all-day WORKDAY event with workdayHours, and refuses it without them", () =>
    Effect.gen(function* () {
      const text = calendar(["DTSTART;VALUE=DATE:20250208", "CATEGORIES:WORKDAY", "SUMMARY:Make-up workday"])
      const result = yield* Ical.fromText(text, {
        workdayHours: [
          ["09:00", "12:00"],
          ["13:00", "18:00"]
        ]
      })
      assert.deepStrictEqual(result.exceptions, [
        {
          date: "2025-02-08",
          hours: [
            ["09:00", "12:00"],
            ["13:00", "18:00"]
          ],
          name: "Make-up workday"
        }
      ])
      const error = yield* failureOf(text)
      assert.strictEqual(error.field, "workdayHours")
      assert.include(error.message, "Make-up workday")
    })
  )

  it.effect("ignores cancelled events and other components", () =>
    Effect.gen(function* () {
      const text = [
        "BEGIN:VCALENDAR",
        "BEGIN:VTODO",
        "UID:todo@test",
        "DTSTART;VALUE=DATE:20250301",
        "SUMMARY:A task",
        "END:VTODO",
        "BEGIN:VEVENT",
        "UID:cancelled@test",
        "DTSTART;VALUE=DATE:20250302",
        "STATUS:CANCELLED",
        "SUMMARY:Cancelled holiday",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:folded@test",
        "DTSTART;VALUE=DATE:20250303",
        "SUMMARY:A name folded ",
        " over two lines",
        "END:VEVENT",
        "END:VCALENDAR"
      ].join("\r\n")
      const result = yield* Ical.fromText(text)
      assert.deepStrictEqual(result.holidays, [{ date: "2025-03-03", name: "A name folded over two lines" }])
    })
  )

  it.effect("gives the same result whatever the host's time zone", () =>
    Effect.gen(function* () {
      const text = calendar(newYear, lunarNewYear, christmas, [
        "DTSTART;TZID=Asia/Hong_Kong:20250208T090000",
        "DTEND;TZID=Asia/Hong_Kong:20250208T180000",
        "CATEGORIES:WORKDAY"
      ])
      const options = { from: "2024-01-01", to: "2026-12-31" }
      const reference = yield* Ical.fromText(text, options)
      assert.strictEqual(reference.holidays.length, 7)
      for (const zone of ["Pacific/Kiritimati", "America/Los_Angeles"]) {
        const other = withHostZone(zone, () => Effect.runSync(Ical.fromText(text, options)))
        assert.deepStrictEqual(other, reference, zone)
      }
    })
  )

  describe("refuses a malformed calendar", () => {
    it.effect.each([
      { name: "empty", text: "", expected: "empty" },
      { name: "not iCalendar", text: "hello world", expected: "line 1" },
      { name: "no VCALENDAR", text: "BEGIN:VEVENT\nEND:VEVENT\n", expected: "expected BEGIN:VCALENDAR" },
      {
        name: "unclosed",
        text: "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20250101\n",
        expected: "END:VEVENT"
      },
      {
        name: "mismatched END",
        text: "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20250101\nEND:VTODO\nEND:VCALENDAR\n",
        expected: "END:VTODO does not close BEGIN:VEVENT"
      },
      { name: "bad DTSTART", text: calendar(["DTSTART;VALUE=DATE:2025XX01", "SUMMARY:x"]), expected: "DTSTART" },
      { name: "no DTSTART", text: calendar(["SUMMARY:x"]), expected: "DTSTART" },
      { name: "bad RRULE", text: calendar(["DTSTART;VALUE=DATE:20250101", "RRULE:FREQ=SOMETIMES"]), expected: "FREQ" },
      {
        name: "unknown TZID",
        text: calendar([
          "DTSTART;TZID=Mars/Olympus:20250101T090000",
          "DTEND;TZID=Mars/Olympus:20250101T100000",
          "CATEGORIES:WORKDAY"
        ]),
        expected: "Mars/Olympus"
      },
      {
        name: "WORKDAY event without DTEND",
        text: calendar(["DTSTART:20250101T090000", "CATEGORIES:WORKDAY"]),
        expected: "DTEND"
      }
    ])("$name", ({ text, expected }) =>
      Effect.gen(function* () {
        const error = yield* failureOf(text)
        assert.strictEqual(error._tag, "HolidaySourceError")
        assert.strictEqual(error.field, "text")
        assert.include(error.message, expected)
      })
    )
  })

  describe("refuses bad options, naming the field", () => {
    it.effect.each([
      { options: { from: "2025-13-01" }, field: "from" },
      { options: { from: "2025-02-01", to: "2025-01-01" }, field: "to" },
      { options: { timeZone: "Mars/Olympus" }, field: "timeZone" },
      { options: { workdayHours: [["18:00", "09:00"]] }, field: "workdayHours[0]" }
    ])("$field", ({ options, field }) =>
      Effect.gen(function* () {
        const error = yield* failureOf(calendar(newYear), options as Ical.Options)
        assert.strictEqual(error.field, field)
      })
    )

    it.effect("an RRULE without end needs to", () =>
      Effect.gen(function* () {
        const error = yield* failureOf(calendar(christmas))
        assert.strictEqual(error.field, "to")
        assert.include(error.message, "Christmas Day")
      })
    )
  })
})
