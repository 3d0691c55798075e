/**
 * Writes `packages/core/src/internal/hongKongHolidays.ts`: Hong Kong's general holidays for the years core ships
 * with, taken from date-holidays through `HongKong.publicHolidays`, so core keeps a plain table without depending on
 * this package. Run from the repository root:
 *
 *   node --conditions=@support-policy/source packages/holidays/scripts/generate-hong-kong.ts
 *
 * `test/HongKong.test.ts` renders the file again in memory and fails when the committed one has drifted.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { type HolidaySource, HongKong } from "../src/index.ts"

/** The years the generated table covers. */
export const years = { from: 2024, to: 2035 } as const

/** The generated file. */
export const target = fileURLToPath(new URL("../../core/src/internal/hongKongHolidays.ts", import.meta.url))

/** The installed version of date-holidays, named in the generated header. */
export const dateHolidaysVersion: string = createRequire(import.meta.url)("date-holidays/package.json").version

/** The text of the generated file for the given holidays. */
export const render = (
  holidays: ReadonlyArray<{ readonly date: string; readonly name: string }>,
  version: string = dateHolidaysVersion
): string =>
  [
    "/**",
    ` * Hong Kong general holidays ${years.from}–${years.to} (Sundays, all general holidays anyway, are not listed), with`,
    " * English names.",
    " *",
    ` * GENERATED FILE, do not edit. Generated from date-holidays ${version} (country HK, type public) by`,
    " * packages/holidays/scripts/generate-hong-kong.ts (package @support-policy/holidays). To regenerate, run from the",
    " * repository root:",
    " *",
    " *   node --conditions=@support-policy/source packages/holidays/scripts/generate-hong-kong.ts",
    " *",
    " * packages/holidays/test/HongKong.test.ts fails when this table no longer matches date-holidays. Years after the",
    " * latest gov.hk list known to date-holidays are computed from its rules and may miss ad hoc changes.",
    " */",
    "export const hongKongPublicHolidays: ReadonlyArray<{ readonly date: string; readonly name: string }> = [",
    holidays.map((h) => `  { date: ${JSON.stringify(h.date)}, name: ${JSON.stringify(h.name)} }`).join(",\n"),
    "]",
    ""
  ].join("\n")

/** The generated file's text as date-holidays gives it now. */
export const generate: Effect.Effect<string, HolidaySource.HolidaySourceError> = HongKong.publicHolidays(years).pipe(
  Effect.map((holidays) => render(holidays))
)

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)

if (isMain) {
  const text = Effect.runSync(generate)
  const before = (() => {
    try {
      return readFileSync(target, "utf8")
    } catch {
      return undefined
    }
  })()
  if (before === text) {
    console.log(`${target} is up to date (date-holidays ${dateHolidaysVersion}).`)
  } else {
    writeFileSync(target, text)
    console.log(`Wrote ${target} (date-holidays ${dateHolidaysVersion}).`)
  }
}
