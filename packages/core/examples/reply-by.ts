import { Presets, Sla, SupportPolicy } from "@support-policy/core"
import { Temporal } from "temporal-polyfill"

// A buyer reports a bug by email on Christmas Eve 2026, half an hour before the desk closes.
const policy = Presets.globalSources
const request = { category: "platform-bugs", channel: "email", audience: "buyer" }
const { priority } = SupportPolicy.triage(policy, request) // "high": the policy's priority for platform bugs
const receivedAt = Temporal.Instant.from("2026-12-24T17:30:00+08:00")

for (const target of Sla.plan(policy, { ...request, priority, receivedAt })) {
  const due = target.due.toZonedDateTimeISO("Asia/Hong_Kong").toPlainDateTime().toString()
  console.log(`${target.metric} within ${Sla.formatTarget(target.target)} (clause ${target.clause}): ${due}`)
}
// Prints (Christmas Day and the weekend are not business days):
// firstResponse within 2 business days (clause 6.1): 2026-12-29T17:30:00
// progressUpdate within 1 business day (clause 6.2): 2026-12-28T17:30:00
// resolution within 7 business days (clause 6.3): 2027-01-06T17:30:00
