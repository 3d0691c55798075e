/**
 * When will Global Sources answer? The reply-by times of the Global Sources Support Policy v1.8 (the preset
 * `Presets.globalSources`, with its Hong Kong holidays) for a request received now or at the instant given:
 *
 *   pnpm example                                                  # received now
 *   pnpm example 2026-12-24T17:30:00+08:00                        # Christmas Eve, half an hour before closing
 *   pnpm example 2026-12-24T17:30:00+08:00 order-delivery data-security   # other categories
 *
 * The default categories are a general inquiry (`consultation`, clauses 6.1 and 6.3) and a high-priority issue
 * (`platform-bugs`, also 6.2). `GET /v1/policy/reply-by` of `@support-policy/http` gives the same instants.
 */
import { BusinessCalendar, Sla, SupportPolicy } from "@support-policy/core"
import { Temporal } from "temporal-polyfill"
import * as ReplyBy from "./ReplyBy.ts"

const [when, ...asked] = process.argv.slice(2)
const categories = asked.length > 0 ? asked : ["consultation", "platform-bugs"]

const parseInstant = (text: string): Temporal.Instant => {
  try {
    return Temporal.Instant.from(text)
  } catch {
    console.error(`Expected an instant with its offset, such as 2026-12-24T17:30:00+08:00; got "${text}"`)
    process.exit(2)
  }
}

const received = when === undefined || when === "now" ? Temporal.Now.instant() : parseInstant(when)
const calendar = SupportPolicy.calendar(ReplyBy.policy)
const zone = "+08:00"
const show = (instant: Temporal.Instant) =>
  instant.toZonedDateTimeISO(zone).toLocaleString("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short"
  })
const metricText: Record<SupportPolicy.Metric, string> = {
  firstResponse: "First response",
  progressUpdate: "Progress update",
  resolution: "Resolved or explained"
}

const open = BusinessCalendar.isOpen(calendar, received)
console.log(`${ReplyBy.policy.title} v${ReplyBy.policy.version}: a request through the online form`)
console.log(`Received:          ${show(received)}`)
console.log(
  `Support desk is:   ${open ? `open, until ${show(BusinessCalendar.nextClosing(calendar, received))}` : "closed"}`
)
if (!open) console.log(`Counting starts:   ${show(BusinessCalendar.nextOpening(calendar, received))}`)

for (const id of categories) {
  const answer = ReplyBy.replyBy(received, id)
  if (answer === undefined) {
    console.error(
      `\nUnknown category "${id}". The policy's categories: ${ReplyBy.policy.categories.map((c) => c.id).join(", ")}`
    )
    process.exit(2)
  }
  console.log(`\n${answer.category.name} (${answer.category.id}), priority ${answer.priority}:`)
  for (const target of answer.targets) {
    const what = `${metricText[target.metric]} (${target.clause}, ${Sla.formatTarget(target.target)})`
    console.log(`  ${what.padEnd(48)} ${show(target.due)}`)
  }
}
