/**
 * From the desk's values to the API's response bodies (`HttpViews`). The texts a requester reads are the desk's
 * (`SupportDesk.promiseText`, `SupportDesk.intakeSentences`), in the reader's time zone.
 */
import type { Actor, SupportPolicy } from "@support-policy/core"
import { Sla, SupportDesk } from "@support-policy/core"
import type * as HttpViews from "../HttpViews.ts"

export const policyZone = (policy: SupportPolicy.SupportPolicy): string => policy.calendar.spec.timeZone

export const plannedTarget = (
  target: Sla.PlannedTarget,
  timeZone: string,
  language: Sla.TextLanguage = "en"
): HttpViews.PlannedTarget => ({
  metric: target.metric,
  rule: target.rule,
  clause: target.clause,
  target: target.target,
  targetText: Sla.formatTarget(target.target, language),
  recurring: target.recurring,
  startsAt: target.startsAt.epochMilliseconds,
  dueAt: target.due.epochMilliseconds,
  warningsAt: target.warnings.map((w) => w.epochMilliseconds),
  text: SupportDesk.promiseText(target, timeZone, language),
  plainText: SupportDesk.promisePlain(target, timeZone, language),
  clauseText: SupportDesk.clauseText(target.clause, language)
})

export const replyBy = (
  plan: ReadonlyArray<Sla.PlannedTarget>,
  timeZone: string,
  language: Sla.TextLanguage = "en"
): HttpViews.ReplyBy | null => {
  const first = plan.find((t) => t.metric === "firstResponse")
  return first === undefined
    ? null
    : {
        dueAt: first.due.epochMilliseconds,
        timeZone,
        text: SupportDesk.promiseText(first, timeZone, language),
        plainText: SupportDesk.promisePlain(first, timeZone, language),
        clause: first.clause,
        clauseText: SupportDesk.clauseText(first.clause, language)
      }
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
    mediation: view.mediation,
    satisfaction: view.satisfaction
  }
}

export const submission = (
  policy: SupportPolicy.SupportPolicy,
  actor: Actor.Actor,
  result: SupportDesk.Submission,
  timeZone: string,
  language: Sla.TextLanguage = "en"
): HttpViews.Submission => {
  const c = result.view.case
  return {
    created: result.created,
    trackingNumber: c.trackingNumber,
    caseId: c.id,
    priority: c.priority,
    status: c.status,
    channel: result.channel,
    replyBy: replyBy(result.plan, timeZone, language),
    plan: result.plan.map((t) => plannedTarget(t, timeZone, language)),
    message: SupportDesk.intakeSentences(
      policy,
      c.trackingNumber,
      result.channel,
      result.plan,
      timeZone,
      language
    ).join(language === "zh" ? "" : " "),
    language,
    view: caseView(actor, result.view)
  }
}

/**
 * The ids of staff a case view names: the actors of its events, the people its SLA alerts were addressed to, its
 * assignee and the requester's account manager.
 */
export const staffIdsOf = (view: SupportDesk.CaseView): ReadonlyArray<string> => {
  const ids = new Set<string>()
  for (const e of view.events) {
    if (e.actor.role !== "requester" && e.actor.role !== "system") ids.add(e.actor.id)
    if (e.type === "slaWarning" || e.type === "slaBreached" || e.type === "slaEscalated") {
      for (const to of e.to) if (to.id !== undefined) ids.add(to.id)
    }
  }
  if (view.case.assignee?.id !== undefined) ids.add(view.case.assignee.id)
  if (view.case.requester.accountManagerId !== undefined) ids.add(view.case.requester.accountManagerId)
  return [...ids]
}
