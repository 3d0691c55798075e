/**
 * From the desk's values to the API's response bodies (`HttpViews`), and the texts a requester reads.
 */
import type { Actor, Sla, SupportDesk, SupportPolicy } from "@support-policy/core"
import { Sla as SlaModule } from "@support-policy/core"
import { Temporal } from "temporal-polyfill"
import type * as HttpViews from "../HttpViews.ts"

const pad = (n: number) => String(n).padStart(2, "0")
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

/** `"Tue 15 Apr 2025, 17:30 (Asia/Hong_Kong, UTC+08:00)"`, in `timeZone`. */
export const formatWhen = (ms: number, timeZone: string): string => {
  const z = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timeZone)
  const offset = `UTC${z.offset}`
  const zone = /^[+-]\d/.test(timeZone) || timeZone === "UTC" ? offset : `${timeZone}, ${offset}`
  return `${WEEKDAYS[z.dayOfWeek - 1]} ${z.day} ${MONTHS[z.month - 1]} ${z.year}, ${pad(z.hour)}:${pad(z.minute)} (${zone})`
}

export const policyZone = (policy: SupportPolicy.SupportPolicy): string => policy.calendar.spec.timeZone

/** The promise of a planned target, in words. */
export const promiseText = (target: Sla.PlannedTarget, timeZone: string): string => {
  const within = SlaModule.formatTarget(target.target)
  const by = formatWhen(target.due.epochMilliseconds, timeZone)
  switch (target.metric) {
    case "firstResponse":
      return `We will reply within ${within}, by ${by} (clause ${target.clause}).`
    case "progressUpdate":
      return (
        `You will get a progress update within ${within}, by ${by}, and then at least every ${within} ` +
        `until your request is resolved (clause ${target.clause}).`
      )
    case "resolution":
      return `Your request will be resolved or explained within ${within}, by ${by} (clause ${target.clause}).`
  }
}

export const plannedTarget = (target: Sla.PlannedTarget, timeZone: string): HttpViews.PlannedTarget => ({
  metric: target.metric,
  rule: target.rule,
  clause: target.clause,
  target: target.target,
  targetText: SlaModule.formatTarget(target.target),
  recurring: target.recurring,
  startsAt: target.startsAt.epochMilliseconds,
  dueAt: target.due.epochMilliseconds,
  warningsAt: target.warnings.map((w) => w.epochMilliseconds),
  text: promiseText(target, timeZone)
})

export const replyBy = (plan: ReadonlyArray<Sla.PlannedTarget>, timeZone: string): HttpViews.ReplyBy | null => {
  const first = plan.find((t) => t.metric === "firstResponse")
  return first === undefined
    ? null
    : { dueAt: first.due.epochMilliseconds, timeZone, text: promiseText(first, timeZone) }
}

const channelName = (policy: SupportPolicy.SupportPolicy, id: string) =>
  policy.channels.find((c) => c.id === id)?.name ?? id

/** What a requester reads after submitting: tracking number, the channel that took it, every promise. */
export const submissionMessage = (
  policy: SupportPolicy.SupportPolicy,
  trackingNumber: string,
  channel: HttpViews.Submission["channel"],
  plan: ReadonlyArray<Sla.PlannedTarget>,
  timeZone: string
): string => {
  const lines = [
    `Your tracking number is ${trackingNumber}; please quote it whenever you contact us about this request ` +
      `(clause ${policy.tracking.clause}).`
  ]
  if (channel.requested !== channel.taken) {
    lines.push(
      `${channelName(policy, channel.requested)} is staffed during our service hours only; your message was taken as ` +
        `a request through ${channelName(policy, channel.taken)}` +
        (channel.nextOpening === null ? "." : `. Our team is back on ${formatWhen(channel.nextOpening, timeZone)}.`)
    )
  }
  for (const target of plan) lines.push(promiseText(target, timeZone))
  return lines.join(" ")
}

/** A clock as plain data (the engine's clocks are computed on read), with its trace for staff. */
const clockView = (c: Sla.Clock, withTrace: boolean): HttpViews.Clock => ({
  rule: c.rule,
  clause: c.clause,
  metric: c.metric,
  instance: c.instance,
  cycle: c.cycle,
  state: c.state,
  outcome: c.outcome,
  target: c.target,
  targetMs: c.targetMs,
  startedAt: c.startedAt,
  dueAt: c.dueAt,
  warningsAt: c.warningsAt,
  usedMs: c.usedMs,
  leftMs: c.leftMs,
  carriedMs: c.carriedMs,
  ...(c.breachedAt === undefined ? {} : { breachedAt: c.breachedAt }),
  ...(c.metAt === undefined ? {} : { metAt: c.metAt }),
  ...(c.stoppedAt === undefined ? {} : { stoppedAt: c.stoppedAt }),
  ...(c.pausedSince === undefined ? {} : { pausedSince: c.pausedSince }),
  ...(withTrace ? { trace: c.trace } : {})
})

/**
 * A case as the actor may see it. The desk already filtered the record; requesters also get clocks without their
 * traces, and the other party of a mediation does not see the requester's contact details or flags.
 */
export const caseView = (actor: Actor.Actor, view: SupportDesk.CaseView): HttpViews.CaseView => {
  const staff = actor.role !== "requester"
  const supportCase =
    staff || view.case.requester.id === actor.id
      ? view.case
      : { ...view.case, requester: { id: view.case.requester.id, audience: view.case.requester.audience, flags: [] } }
  return {
    case: supportCase,
    events: view.events,
    sla: { ...view.sla, clocks: view.sla.clocks.map((c) => clockView(c, staff)) },
    asOf: view.asOf,
    reopenableUntil: view.reopenableUntil,
    mediation: view.mediation
  }
}

export const submission = (
  policy: SupportPolicy.SupportPolicy,
  actor: Actor.Actor,
  result: SupportDesk.Submission,
  timeZone: string
): HttpViews.Submission => {
  const c = result.view.case
  return {
    created: result.created,
    trackingNumber: c.trackingNumber,
    caseId: c.id,
    priority: c.priority,
    status: c.status,
    channel: result.channel,
    replyBy: replyBy(result.plan, timeZone),
    plan: result.plan.map((t) => plannedTarget(t, timeZone)),
    message: submissionMessage(policy, c.trackingNumber, result.channel, result.plan, timeZone),
    view: caseView(actor, result.view)
  }
}
