import { assert, describe, it } from "@effect/vitest"
import Holidays from "date-holidays"
import { Effect } from "effect"
import { DateHolidays } from "../src/index.ts"

const datesOf = (list: ReadonlyArray<{ readonly date: string }>) => list.map((h) => h.date)

const failureOf = (options: unknown) => Effect.flip(DateHolidays.holidays(options as DateHolidays.Options))

/** Runs `f` with the host time zone set to `zone`, and checks that the switch took effect. */
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

describe("DateHolidays.holidays", () => {
  it.effect("emits every date of a multi-day holiday (Russian New Year holidays, 1–8 January)", () =>
    Effect.gen(function* () {
      const list = yield* DateHolidays.holidays({ country: "RU", years: [2025] })
      const dates = new Set(datesOf(list))
      for (let day = 1; day <= 8; day++) assert.isTrue(dates.has(`2025-01-0${day}`), `2025-01-0${day}`)
      assert.isFalse(dates.has("2025-01-09"))
    })
  )

  it.effect("reads a holiday that starts at sunset as the date written, not the evening before (Eid al-Fitr)", () =>
    Effect.gen(function* () {
      const raw = new Holidays("AE").getHolidays(2025, "en").find((h) => h.name.includes("Eid al-Fitr"))!
      // The source's own view: starts the evening before (-0600) and lasts three days.
      assert.strictEqual(raw.date, "2025-03-30 00:00:00 -0600")
      assert.strictEqual((raw.end.getTime() - raw.start.getTime()) / 86_400_000, 3)

      const list = yield* DateHolidays.holidays({ country: "AE", years: [2025], language: "en" })
      const eid = list.filter((h) => h.name.includes("Eid al-Fitr"))
      assert.deepStrictEqual(datesOf(eid), ["2025-03-30", "2025-03-31", "2025-04-01"])
      // Three whole days: none of them is partial.
      const whole = yield* DateHolidays.holidays({
        country: "AE",
        years: [2025],
        language: "en",
        partialDays: "exclude"
      })
      assert.deepStrictEqual(datesOf(whole.filter((h) => h.name.includes("Eid al-Fitr"))), datesOf(eid))
    })
  )

  it.effect("keeps substitute days", () =>
    Effect.gen(function* () {
      // Christmas Day 2022 was a Sunday and Boxing Day a Monday: England moved Christmas to Tuesday 27 December.
      const raw = new Holidays("GB").getHolidays(2022, "en").find((h) => h.date.startsWith("2022-12-27"))!
      assert.isTrue(raw.substitute)
      const list = yield* DateHolidays.holidays({ country: "GB", years: [2022], language: "en" })
      assert.deepStrictEqual(
        list.find((h) => h.date === "2022-12-27"),
        {
          date: "2022-12-27",
          name: "Christmas Day (substitute day)"
        }
      )
    })
  )

  it.effect("keeps Hong Kong's days following a holiday on a Sunday, and leaves out the Sunday", () =>
    Effect.gen(function* () {
      // 1 January 2023 was a Sunday; Hong Kong observed 2 January instead.
      const list = yield* DateHolidays.holidays({ country: "HK", years: [2023], language: "en" })
      assert.deepStrictEqual(
        list.find((h) => h.date === "2023-01-02"),
        {
          date: "2023-01-02",
          name: "The day following the first day of January"
        }
      )
      assert.isUndefined(list.find((h) => h.date === "2023-01-01"))
    })
  )

  it.effect("joins the names of two holidays on one date", () =>
    Effect.gen(function* () {
      // In 2008 Ascension Day fell on 1 May, Labour Day, in Germany.
      const list = yield* DateHolidays.holidays({ country: "DE", years: [2008], language: "en" })
      const mayDay = list.filter((h) => h.date === "2008-05-01")
      assert.strictEqual(mayDay.length, 1)
      assert.include(mayDay[0].name, "Labour Day")
      assert.include(mayDay[0].name, "Ascension")
      assert.include(mayDay[0].name, " / ")
    })
  )

  it.effect("returns only dates inside the requested years, including days of a holiday begun the year before", () =>
    Effect.gen(function* () {
      // Eswatini's Incwala runs from late December into January.
      const raw = new Holidays("SZ").getHolidays(2025).find((h) => h.name === "Incwala")!
      assert.strictEqual(raw.date.slice(0, 4), "2025")
      assert.strictEqual(new Date(raw.end.getTime() - 1).toISOString().slice(0, 4), "2026")

      const y2025 = yield* DateHolidays.holidays({ country: "SZ", years: [2025] })
      const y2026 = yield* DateHolidays.holidays({ country: "SZ", years: { from: 2026, to: 2026 } })
      assert.isTrue(y2025.every((h) => h.date.startsWith("2025-")))
      assert.isTrue(y2026.every((h) => h.date.startsWith("2026-")))
      assert.isTrue(y2025.some((h) => h.date === "2025-12-31" && h.name.includes("Incwala")))
      assert.isTrue(y2026.some((h) => h.date === "2026-01-01" && h.name.includes("Incwala")))
    })
  )

  it.effect("returns sorted dates without duplicates, for a list of years in any order", () =>
    Effect.gen(function* () {
      const list = yield* DateHolidays.holidays({ country: "HK", years: [2026, 2024, 2026] })
      const dates = datesOf(list)
      assert.deepStrictEqual(dates, [...new Set(dates)].sort())
      assert.deepStrictEqual([...new Set(dates.map((d) => d.slice(0, 4)))], ["2024", "2026"])
    })
  )

  it.effect("includes partial days by default and drops them with partialDays: exclude", () =>
    Effect.gen(function* () {
      // Austria: Christmas Eve is a bank holiday from 14:00.
      const raw = new Holidays("AT").getHolidays(2025).find((h) => h.date.startsWith("2025-12-24"))!
      assert.strictEqual(raw.date, "2025-12-24 14:00:00")
      const included = yield* DateHolidays.holidays({ country: "AT", years: [2025], types: ["public", "bank"] })
      const excluded = yield* DateHolidays.holidays({
        country: "AT",
        years: [2025],
        types: ["public", "bank"],
        partialDays: "exclude"
      })
      assert.isTrue(datesOf(included).includes("2025-12-24"))
      assert.isFalse(datesOf(excluded).includes("2025-12-24"))
      assert.isTrue(datesOf(excluded).includes("2025-12-25"))
    })
  )

  it.effect("filters by type and picks the language of names", () =>
    Effect.gen(function* () {
      const publicOnly = yield* DateHolidays.holidays({ country: "AT", years: [2025] })
      assert.isFalse(datesOf(publicOnly).includes("2025-12-24"))
      const zh = yield* DateHolidays.holidays({ country: "HK", years: [2025] })
      const en = yield* DateHolidays.holidays({ country: "HK", years: [2025], language: "en" })
      assert.strictEqual(zh[0].name, "一月一日")
      assert.strictEqual(en[0].name, "The first day of January")
    })
  )

  it.effect("gives the same dates whatever the host's time zone", () =>
    Effect.gen(function* () {
      const options = { country: "AE", years: [2025] } as const
      const reference = yield* DateHolidays.holidays(options)
      for (const zone of ["Pacific/Kiritimati", "America/Los_Angeles"]) {
        const other = withHostZone(zone, () => Effect.runSync(DateHolidays.holidays(options)))
        assert.deepStrictEqual(other, reference, zone)
      }
    })
  )

  it.effect("every whole-day holiday of the source appears on its date, in every country", () =>
    Effect.gen(function* () {
      const countries = Object.keys(new Holidays().getCountries())
      assert.isAbove(countries.length, 150)
      for (const country of countries) {
        const raw = new Holidays(country, { types: ["public"] }).getHolidays(2025)
        const dates = new Set(datesOf(yield* DateHolidays.holidays({ country, years: [2025] })))
        for (const h of raw) {
          if (!/^\d{4}-\d{2}-\d{2} 00:00:00/.test(h.date) || !h.date.startsWith("2025")) continue
          assert.isTrue(dates.has(h.date.slice(0, 10)), `${country} ${h.date} ${h.name}`)
        }
      }
    })
  )

  describe("refuses bad options, naming the field", () => {
    it.effect.each([
      { options: { country: "XX", years: [2025] }, field: "country" },
      { options: { country: "", years: [2025] }, field: "country" },
      { options: { country: "HK" }, field: "years" },
      { options: { country: "HK", years: [] }, field: "years" },
      { options: { country: "HK", years: [2025.5] }, field: "years[0]" },
      { options: { country: "HK", years: [2025, 99999] }, field: "years[1]" },
      { options: { country: "HK", years: "2025" }, field: "years" },
      { options: { country: "HK", years: { from: 2026, to: 2025 } }, field: "years.to" },
      { options: { country: "HK", years: { from: 1900, to: 2100 } }, field: "years.to" },
      { options: { country: "HK", years: { from: 2025 } }, field: "years.to" },
      { options: { country: "HK", years: [2025], types: ["holiday"] }, field: "types[0]" },
      { options: { country: "HK", years: [2025], types: [] }, field: "types" },
      { options: { country: "HK", years: [2025], partialDays: "half" }, field: "partialDays" },
      { options: { country: "DE", state: "XX", years: [2025] }, field: "state" },
      { options: { country: "DE", state: "BY", region: "XX", years: [2025] }, field: "region" },
      { options: { country: "HK", region: "A", years: [2025] }, field: "region" }
    ])("$field: %#", ({ options, field }) =>
      Effect.gen(function* () {
        const error = yield* failureOf(options)
        assert.strictEqual(error._tag, "HolidaySourceError")
        assert.strictEqual(error.field, field)
        assert.isTrue(error.message.startsWith(`${field}: `), error.message)
      })
    )
  })

  it.effect("accepts a state and a region date-holidays knows", () =>
    Effect.gen(function* () {
      // Augsburg (Bavaria) keeps the Augsburg Peace Festival on 8 August; the rest of Bavaria does not.
      const bavaria = yield* DateHolidays.holidays({ country: "DE", state: "BY", years: [2025] })
      const augsburg = yield* DateHolidays.holidays({ country: "DE", state: "BY", region: "A", years: [2025] })
      assert.isFalse(datesOf(bavaria).includes("2025-08-08"))
      assert.isTrue(datesOf(augsburg).includes("2025-08-08"))
    })
  )
})
