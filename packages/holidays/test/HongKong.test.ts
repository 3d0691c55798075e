import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { hongKongPublicHolidays } from "../../core/src/internal/hongKongHolidays.ts"
import * as generator from "../scripts/generate-hong-kong.ts"
import { Presets } from "@support-policy/core"
import { DateHolidays, HolidaySource, HongKong } from "../src/index.ts"

// The general holidays published on gov.hk (https://www.gov.hk/en/about/abouthk/holiday/), Sundays left out.
const gazetted: Record<number, ReadonlyArray<string>> = {
  2025: [
    "2025-01-01",
    "2025-01-29",
    "2025-01-30",
    "2025-01-31",
    "2025-04-04",
    "2025-04-18",
    "2025-04-19",
    "2025-04-21",
    "2025-05-01",
    "2025-05-05",
    "2025-05-31",
    "2025-07-01",
    "2025-10-01",
    "2025-10-07",
    "2025-10-29",
    "2025-12-25",
    "2025-12-26"
  ],
  2026: [
    "2026-01-01",
    "2026-02-17",
    "2026-02-18",
    "2026-02-19",
    "2026-04-03",
    "2026-04-04",
    "2026-04-06",
    "2026-04-07",
    "2026-05-01",
    "2026-05-25",
    "2026-06-19",
    "2026-07-01",
    "2026-09-26",
    "2026-10-01",
    "2026-10-19",
    "2026-12-25",
    "2026-12-26"
  ]
}

describe("HongKong.publicHolidays", () => {
  it.effect.each([2025, 2026])("matches the general holidays gov.hk published for %s", (year) =>
    Effect.gen(function* () {
      const list = yield* HongKong.publicHolidays([year])
      assert.deepStrictEqual(
        list.map((h) => h.date),
        gazetted[year]
      )
    })
  )

  it.effect("names the 2025 days in English, Mid-Autumn on the day following (7 October, not 6 October)", () =>
    Effect.gen(function* () {
      const list = yield* HongKong.publicHolidays({ from: 2025, to: 2025 })
      const byDate = new Map(list.map((h) => [h.date, h.name]))
      assert.strictEqual(byDate.get("2025-01-01"), "The first day of January")
      assert.strictEqual(byDate.get("2025-01-29"), "Lunar New Year’s Day")
      assert.strictEqual(byDate.get("2025-04-04"), "Ching Ming Festival")
      assert.strictEqual(byDate.get("2025-10-07"), "The day following the Chinese Mid-Autumn Festival")
      assert.isFalse(byDate.has("2025-10-06"))
      assert.strictEqual(byDate.get("2025-12-26"), "The first weekday after Christmas Day")
    })
  )

  it.effect("is the whole list: date-holidays has no other holiday types for Hong Kong", () =>
    Effect.gen(function* () {
      const others = yield* DateHolidays.holidays({
        country: "HK",
        years: generator.years,
        types: ["bank", "optional", "school", "observance"]
      })
      assert.deepStrictEqual(others, [])
      const all = yield* DateHolidays.holidays({
        country: "HK",
        years: generator.years,
        types: ["public", "bank", "optional", "school", "observance"],
        language: "en"
      })
      assert.deepStrictEqual(all, yield* HongKong.publicHolidays(generator.years))
    })
  )

  it.effect("has 17 general holidays a year, none on a Sunday", () =>
    Effect.gen(function* () {
      const list = yield* HongKong.publicHolidays(generator.years)
      for (let year = generator.years.from; year <= generator.years.to; year++) {
        assert.strictEqual(list.filter((h) => h.date.startsWith(`${year}-`)).length, 17, String(year))
      }
      assert.isTrue(list.every((h) => new Date(`${h.date}T00:00:00Z`).getUTCDay() !== 0))
    })
  )

  it.effect("holidaySource resolves to the same list", () =>
    Effect.gen(function* () {
      const resolved = yield* HolidaySource.resolve(HongKong.holidaySource({ from: 2025, to: 2026 }))
      assert.deepStrictEqual(resolved.holidays, yield* HongKong.publicHolidays({ from: 2025, to: 2026 }))
      assert.deepStrictEqual(resolved.exceptions, [])
    })
  )
})

describe("the generated core table (packages/core/src/internal/hongKongHolidays.ts)", () => {
  it.effect("the Global Sources preset's recorded holiday source resolves to exactly the preset's holidays", () =>
    Effect.gen(function* () {
      const source = Presets.globalSources.calendar.holidaySource
      assert.isDefined(source)
      const resolved = yield* HolidaySource.resolve(yield* HolidaySource.decode(source))
      const preset = (Presets.globalSources.calendar.spec.holidays ?? []).map((h) =>
        typeof h === "string" ? { date: h } : h
      )
      assert.deepStrictEqual(resolved.holidays, preset)
    })
  )

  it.effect("holds what date-holidays gives now (run the generator when this fails)", () =>
    Effect.gen(function* () {
      const current = yield* HongKong.publicHolidays(generator.years)
      assert.isAbove(current.length, 0)
      assert.deepStrictEqual(hongKongPublicHolidays, current)
    })
  )

  it.effect("is exactly the generator's output for the installed date-holidays", () =>
    Effect.gen(function* () {
      const text = yield* generator.generate
      assert.include(text, `date-holidays ${generator.dateHolidaysVersion} `)
      assert.strictEqual(readFileSync(generator.target, "utf8"), text)
    })
  )
})
