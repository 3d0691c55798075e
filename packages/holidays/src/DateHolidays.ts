/**
 * Holidays from the `date-holidays` package (public holiday rules for about 200 countries, kept up to date by its
 * maintainers), as the `holidays` of a business calendar spec. Clause 2.1 of the Global Sources Support Policy v1.8
 * counts business time on weekdays "excluding public holidays"; this module is where those holidays come from when
 * they are not typed by hand.
 *
 * How `date-holidays` reports a holiday, and how it is read here:
 *
 * - `date` is the local calendar date and time the holiday starts, `"YYYY-MM-DD hh:mm:ss"`, in the country's time
 *   zone (the first one `date-holidays` lists for it). Islamic and Jewish holidays start at sunset the evening
 *   before; `date-holidays` writes them as `"YYYY-MM-DD 00:00:00 -0600"` with `start` six hours before midnight. The
 *   calendar day of such a holiday is the date written, not the evening before.
 * - `start` and `end` are instants (`Date`); `end` is exclusive and may be several days after `start` (Eid for three
 *   days, Korean Seollal, Russian New Year holidays). Every local date the holiday covers is emitted.
 * - A holiday may cover only part of a day (Christmas Eve from 14:00 in Austria, half days in mainland China). Such
 *   a date is emitted by default (`partialDays: "include"`) and dropped with `partialDays: "exclude"`; a calendar
 *   that keeps half days open should add an `exception` with the hours instead.
 * - Substitute days (`substitute: true`, e.g. "the day following the first day of January" when it falls on a
 *   Sunday) are holidays like any other.
 *
 * Only dates inside the requested years are returned, including days of a holiday that started in the year before.
 *
 * @since 0.1.0
 */
import Holidays from "date-holidays"
import { Effect, Schema } from "effect"
import { Temporal } from "temporal-polyfill"
import * as model from "./internal/model.ts"

/**
 * A holiday source was refused; `field` names the bad option.
 *
 * @since 0.1.0
 * @category errors
 */
export { HolidaySourceError } from "./internal/model.ts"

// -------------------------------------------------------------------------------------------------------------------
// options
// -------------------------------------------------------------------------------------------------------------------

/**
 * The holiday types of `date-holidays`: `public` (days off by law), `bank` (banks and often offices closed),
 * `school`, `optional` (a day off some may take) and `observance` (a day that is marked but not off).
 *
 * @since 0.1.0
 * @category schemas
 */
export const HolidayType = Schema.Literals(["public", "bank", "school", "optional", "observance"])

/**
 * @since 0.1.0
 * @category models
 */
export type HolidayType = typeof HolidayType.Type

/**
 * A year from 1000 to 9999.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Year = Schema.Int.check(Schema.isBetween({ minimum: 1000, maximum: 9999 }))

/**
 * The most years one request may span.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxYears = 100

/**
 * Years as an inclusive range `{ from, to }`, at most {@link maxYears} of them.
 *
 * @since 0.1.0
 * @category schemas
 */
export const YearRange = Schema.Struct({ from: Year, to: Year }).check(
  Schema.makeFilter((range: { readonly from: number; readonly to: number }) =>
    range.from > range.to
      ? { path: ["to"], issue: `expected a year at or after from (${range.from})` }
      : range.to - range.from >= maxYears
        ? { path: ["to"], issue: `expected at most ${maxYears} years from ${range.from}` }
        : undefined
  )
)

/**
 * The years to list: a non-empty list of years or an inclusive range.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Years = Schema.Union([
  Schema.Array(Year).check(Schema.isBetweenLength(1, maxYears, { message: `expected 1 to ${maxYears} years` })),
  YearRange
])

/**
 * @since 0.1.0
 * @category models
 */
export type Years = typeof Years.Type

/**
 * The options of {@link holidays}. `country` is an ISO 3166-1 alpha-2 code (`"HK"`); `state` and `region` are the
 * subdivision codes `date-holidays` uses (`"BY"` then `"A"` for Augsburg in Germany); `types` defaults to
 * `["public"]`; `language` (ISO 639-1) picks the names, by default the country's first language.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Options = Schema.Struct({
  country: Schema.NonEmptyString,
  state: Schema.optionalKey(Schema.NonEmptyString),
  region: Schema.optionalKey(Schema.NonEmptyString),
  years: Years,
  types: Schema.optionalKey(
    Schema.Array(HolidayType).check(Schema.isMinLength(1, { message: "expected at least one holiday type" }))
  ),
  language: Schema.optionalKey(Schema.NonEmptyString),
  partialDays: Schema.optionalKey(Schema.Literals(["include", "exclude"]))
})

/**
 * @since 0.1.0
 * @category models
 */
export type Options = typeof Options.Type

/**
 * A holiday of a date-holidays list: a date and its name (the names of several holidays on one date joined with
 * `" / "`).
 *
 * @since 0.1.0
 * @category models
 */
export interface NamedHoliday {
  readonly date: string
  readonly name: string
}

// -------------------------------------------------------------------------------------------------------------------
// holidays
// -------------------------------------------------------------------------------------------------------------------

const decodeOptions = Schema.decodeUnknownEffect(Options)

const yearsOf = (years: Years): ReadonlyArray<number> => {
  if ("from" in years) {
    const out: Array<number> = []
    for (let y = years.from; y <= years.to; y++) out.push(y)
    return out
  }
  return [...new Set(years)].sort((a, b) => a - b)
}

const startPattern = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?: ([+-])(\d{2})(\d{2}))?$/

interface CoveredDate {
  readonly date: string
  readonly partial: boolean
}

/**
 * The local dates a `date-holidays` holiday covers, read as described in the module documentation.
 */
const coveredDates = (holiday: { readonly date: string; readonly end: Date }, zone: string): Array<CoveredDate> => {
  const match = startPattern.exec(holiday.date)
  if (match === null) throw new Error(`date-holidays returned an unexpected date "${holiday.date}"`)
  const [, day, time, sign, offsetHours, offsetMinutes] = match
  // The holiday's calendar day starts at `date` (without the evening offset); its end moves by the same offset.
  const startMs = Temporal.PlainDateTime.from(`${day}T${time}`).toZonedDateTime(zone).epochMilliseconds
  const offsetMs =
    sign === undefined ? 0 : (sign === "-" ? 1 : -1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000
  const endMs = holiday.end.getTime() + offsetMs
  const out: Array<CoveredDate> = []
  let date = Temporal.PlainDate.from(day!)
  let dayStart = date.toZonedDateTime(zone).epochMilliseconds
  while (dayStart < endMs) {
    const next = date.add({ days: 1 })
    const nextStart = next.toZonedDateTime(zone).epochMilliseconds
    if (Math.min(endMs, nextStart) > Math.max(startMs, dayStart)) {
      out.push({ date: date.toString(), partial: startMs > dayStart || endMs < nextStart })
    }
    date = next
    dayStart = nextStart
  }
  return out
}

const unknownCode = (field: string, code: string, known: Record<string, string> | undefined, what: string) => {
  const codes = Object.keys(known ?? {})
  const hint =
    codes.length === 0
      ? `date-holidays has no ${what}s here`
      : codes.length <= 40
        ? `expected one of ${codes.join(", ")}`
        : `expected a ${what} code date-holidays knows`
  return model.sourceError(field, `unknown ${what} "${code}": ${hint}`)
}

/**
 * The holidays of a country (and optionally a state and region) in the given years, from `date-holidays`: sorted
 * by date, one entry per date. Fails with a `HolidaySourceError` naming the bad option.
 *
 * @since 0.1.0
 * @category constructors
 */
export const holidays: (options: Options) => Effect.Effect<ReadonlyArray<NamedHoliday>, model.HolidaySourceError> =
  Effect.fnUntraced(function* (input: Options) {
    const options = yield* decodeOptions(input).pipe(Effect.mapError((error) => model.fromIssue(error.issue)))
    const country = options.country.toUpperCase()
    const registry = new Holidays()
    if (!(country in registry.getCountries())) {
      return yield* model.sourceError(
        "country",
        `unknown country "${options.country}": expected an ISO 3166-1 alpha-2 code that date-holidays knows, such as "HK"`
      )
    }
    if (options.state !== undefined && !(options.state in (registry.getStates(country) ?? {}))) {
      return yield* unknownCode("state", options.state, registry.getStates(country), "state")
    }
    if (options.region !== undefined) {
      if (options.state === undefined) {
        return yield* model.sourceError("region", "a region needs its state: give state as well")
      }
      const regions = registry.getRegions(country, options.state)
      if (!(options.region in (regions ?? {}))) return yield* unknownCode("region", options.region, regions, "region")
    }

    const calendar = new Holidays(
      {
        country,
        ...(options.state === undefined ? {} : { state: options.state }),
        ...(options.region === undefined ? {} : { region: options.region })
      },
      {
        types: [...(options.types ?? ["public"])],
        ...(options.language === undefined ? {} : { languages: options.language })
      }
    )
    // date-holidays uses the country's first time zone; with none, its dates would be in the host's zone.
    const zone = calendar.getTimezones()[0] ?? "UTC"
    calendar.setTimezone(zone)

    const years = yearsOf(options.years)
    const wanted = new Set(years)
    // A holiday of the year before may run into a requested year.
    const queried = [...new Set(years.flatMap((y) => [y - 1, y]))].sort((a, b) => a - b)
    const excludePartial = options.partialDays === "exclude"
    const found: Array<{ date: string; name: string }> = []
    for (const year of queried) {
      for (const holiday of calendar.getHolidays(year, options.language)) {
        for (const covered of coveredDates(holiday, zone)) {
          if (excludePartial && covered.partial) continue
          if (!wanted.has(Number(covered.date.slice(0, 4)))) continue
          found.push({ date: covered.date, name: holiday.name })
        }
      }
    }
    return model.mergeHolidays(found).map(({ date, name }) => ({ date, name: name ?? "" }))
  })
