/**
 * The one instant formatter of the desk's texts (`Sla.formatInstant`), on numbers: a fixed offset is arithmetic on a
 * `Date`, a named zone one cached `Intl.DateTimeFormat` per zone. Creating a Temporal `ZonedDateTime` for the same
 * answer costs about twenty times more in temporal-polyfill; a property test checks both agree.
 */

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
const MINUTE = 60_000

const pad = (n: number) => (n < 10 ? `0${n}` : String(n))

/** The offset of a fixed-offset zone in minutes (`"+08:00"`, `"-05:30"`, `"UTC"`), or undefined for a named zone. */
const fixedOffset = (timeZone: string): number | undefined => {
  if (timeZone === "UTC") return 0
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(timeZone)
  if (m === null) return undefined
  const minutes = Number(m[2]) * 60 + Number(m[3])
  return m[1] === "-" ? -minutes : minutes
}

const formatOffset = (minutes: number): string => {
  const abs = Math.abs(minutes)
  return `${minutes < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

interface Fields {
  readonly year: number
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly minute: number
  readonly weekday: number
  readonly offset: string
}

const inFixedOffset = (epochMillis: number, minutes: number): Fields => {
  // the local time of the zone is the UTC time shifted by the offset; seconds are truncated as Temporal does
  const local = new Date(Math.floor(epochMillis / MINUTE) * MINUTE + minutes * MINUTE)
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    weekday: local.getUTCDay(),
    offset: formatOffset(minutes)
  }
}

const formats = new Map<string, Intl.DateTimeFormat>()

const formatOf = (timeZone: string): Intl.DateTimeFormat => {
  let format = formats.get(timeZone)
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
      hourCycle: "h23",
      timeZoneName: "longOffset"
    })
    formats.set(timeZone, format)
  }
  return format
}

const inNamedZone = (epochMillis: number, timeZone: string): Fields => {
  let year = 0
  let month = 0
  let day = 0
  let hour = 0
  let minute = 0
  let weekday = 0
  let offset = "+00:00"
  for (const part of formatOf(timeZone).formatToParts(epochMillis)) {
    switch (part.type) {
      case "year":
        year = Number(part.value)
        break
      case "month":
        month = Number(part.value)
        break
      case "day":
        day = Number(part.value)
        break
      case "hour":
        hour = Number(part.value)
        break
      case "minute":
        minute = Number(part.value)
        break
      case "weekday":
        weekday = WEEKDAYS.indexOf(part.value)
        break
      case "timeZoneName":
        // "GMT+08:00", "GMT-03:30", or "GMT" for a zero offset
        offset = part.value.length > 3 ? part.value.slice(3) : "+00:00"
        break
    }
  }
  return { year, month, day, hour, minute, weekday, offset }
}

const WEEKDAYS_ZH = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"]

/**
 * `"Tue 15 Apr 2025, 17:30 (Asia/Hong_Kong, UTC+08:00)"`, or `"… (UTC+08:00)"` in a fixed-offset zone; in Chinese
 * `"2025年4月15日（周二）17:30（UTC+08:00）"`.
 */
export const formatInstant = (epochMillis: number, timeZone: string, language: "en" | "zh" = "en"): string => {
  const fixed = fixedOffset(timeZone)
  const z = fixed === undefined ? inNamedZone(epochMillis, timeZone) : inFixedOffset(epochMillis, fixed)
  const zone = fixed === undefined ? `${timeZone}, UTC${z.offset}` : `UTC${z.offset}`
  if (language === "zh") {
    return `${z.year}年${z.month}月${z.day}日（${WEEKDAYS_ZH[z.weekday]}）${pad(z.hour)}:${pad(z.minute)}（${zone}）`
  }
  return `${WEEKDAYS[z.weekday]} ${z.day} ${MONTHS[z.month - 1]} ${z.year}, ${pad(z.hour)}:${pad(z.minute)} (${zone})`
}
