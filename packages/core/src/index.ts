/**
 * @since 0.1.0
 */
export * as BusinessCalendar from "./BusinessCalendar.ts"
