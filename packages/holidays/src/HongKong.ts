/**
 * Hong Kong's general holidays, the days the Global Sources support desk (clause 2.1 of the Global Sources Support
 * Policy v1.8: weekdays 9:00–18:00, GMT+8) treats as public holidays.
 *
 * Hong Kong has two lists. The general holidays (General Holidays Ordinance, Cap. 149) are the days banks,
 * schools and government offices close: every Sunday plus 17 days a year, published on gov.hk. The statutory
 * holidays (Employment Ordinance, Cap. 57) are the 13–17 days every employee gets, a subset that is catching up
 * with the general holidays year by year. Offices follow the general holidays, and so does this module.
 *
 * `date-holidays` lists Hong Kong's general holidays (from gov.hk) all with type `public`; it has no `bank`,
 * `optional`, `school` or `observance` days for Hong Kong, so `types: ["public"]` is the whole list (a test checks
 * that the other types stay empty). A holiday on a Sunday is not listed, since every Sunday is a general holiday;
 * its substitute day ("the day following ...") is.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import * as DateHolidays from "./DateHolidays.ts"
import type * as model from "./internal/model.ts"

/**
 * Hong Kong's time zone.
 *
 * @since 0.1.0
 * @category constants
 */
export const timeZone = "Asia/Hong_Kong"

/**
 * The `date-holidays` options of Hong Kong's general holidays: country `HK`, type `public`, English names.
 *
 * @since 0.1.0
 * @category constants
 */
export const options = { country: "HK", types: ["public"], language: "en" } as const

/**
 * Hong Kong's general holidays (excluding Sundays) in the given years, with English names, sorted by date.
 *
 * @since 0.1.0
 * @category constructors
 */
export const publicHolidays = (
  years: DateHolidays.Years
): Effect.Effect<ReadonlyArray<DateHolidays.NamedHoliday>, model.HolidaySourceError> =>
  DateHolidays.holidays({ ...options, years })

/**
 * Hong Kong's general holidays as a holiday source, for a policy document or configuration.
 *
 * @since 0.1.0
 * @category constructors
 */
export const holidaySource = (years: { readonly from: number; readonly to: number }) =>
  ({ kind: "date-holidays", ...options, years }) as const
