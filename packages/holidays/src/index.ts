/**
 * @since 0.1.0
 */
export * as DateHolidays from "./DateHolidays.ts"

/**
 * @since 0.1.0
 */
export * as HolidaySource from "./HolidaySource.ts"

/**
 * @since 0.1.0
 */
export * as HongKong from "./HongKong.ts"

/**
 * @since 0.1.0
 */
export * as Ical from "./Ical.ts"
