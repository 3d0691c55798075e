/**
 * From the desk's values to the API's response bodies (`HttpViews`). The texts a requester reads are the desk's
 * (`SupportDesk.promiseText`, `SupportDesk.intakeSentences`), in the reader's time zone.
 */
import type { Actor, SupportPolicy } from "@support-policy/core"
import { Sla, SupportDesk } from "@support-policy/core"
import type * as HttpViews from "../HttpViews.ts"

export const policyZone = (policy: SupportPolicy.SupportPolicy): string => policy.calendar.spec.timeZone

export const plannedTarget = (target: Sla.PlannedTarget, timeZone: string): HttpViews.PlannedTarget => ({
  metric: target.metric,
  rule: target.rule,
  clause: target.clause,
  target: target.target,
  targetText: Sla.formatTarget(target.target),
  recurring: target.recurring,
  startsAt: target.startsAt.epochMilliseconds,
  dueAt: target.due.epochMilliseconds,
  warningsAt: target.warnings.map((w) => w.epochMilliseconds),
  text: SupportDesk.promiseText(target, timeZone)
})

export const replyBy = (plan: ReadonlyArray<Sla.PlannedTarget>, timeZone: string): HttpViews.ReplyBy | null => {
  const first = plan.find((t) => t.metric === "firstResponse")
  return first === undefined
    ? null
    : { dueAt: first.due.epochMilliseconds, timeZone, text: SupportDesk.promiseText(first, timeZone) }
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
 * A case as the actor may see it. The desk already chose what of the case and its record they may read
 * (`Authorization`); requesters also get clocks without their traces.
 */
export const caseView = (actor: Actor.Actor, view: SupportDesk.CaseView): HttpViews.CaseView => {
  const staff = actor.role !== "requester"
  return {
    case: view.case,
    events: view.events,
    eventsBefore: view.eventsBefore,
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
    message: SupportDesk.intakeSentences(policy, c.trackingNumber, result.channel, result.plan, timeZone).join(" "),
    view: caseView(actor, result.view)
  }
}
