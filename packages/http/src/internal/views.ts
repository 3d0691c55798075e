/**
 * From the desk's values to the API's response bodies (`HttpViews`). The texts a requester reads are the desk's
 * (`SupportDesk.promiseText`, `SupportDesk.intakeSentences`), in the reader's time zone.
 *
 * The bodies are built field by field, each object with exactly the keys of its `HttpViews` schema, out of values
 * that are JSON already (numbers, strings, arrays, null). So the views of a case and of a submission, the largest and
 * most frequent answers, are answered with {@link json}: written once with `JSON.stringify`, instead of walked again
 * through their schemas on every request. Tests decode such answers with the schemas and compare them with the
 * schema-encoded ones (`HttpSupportApi.encoding.test.ts`).
 */
import type { Actor, SupportPolicy } from "@support-policy/core"
import { Sla, SupportDesk } from "@support-policy/core"
import type { Schema } from "effect"
import { HttpServerResponse } from "effect/http"
import * as HttpViews from "../HttpViews.ts"

/**
 * An answer of `schema`'s type written as JSON once, without encoding it through the schema: for bodies built by this
 * module, whose values are their own JSON encoding (an optional key left out rather than `null`).
 */
export const json = <S extends Schema.Top>(
  _schema: S,
  body: S["Type"],
  status = 200
): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.text(JSON.stringify(body), { status, contentType: "application/json" })

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
  startsAt: target.startsAtMs,
  dueAt: target.dueAt,
  warningsAt: target.warningsAt,
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
        dueAt: first.dueAt,
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
  const sla = view.sla
  return {
    case: view.case,
    events: view.events,
    eventsBefore: view.eventsBefore,
    sla: {
      policy: { id: sla.policy.id, version: sla.policy.version },
      asOf: sla.asOf,
      status: sla.status,
      cycle: sla.cycle,
      ...(sla.priority === undefined ? {} : { priority: sla.priority }),
      ...(sla.category === undefined ? {} : { category: sla.category }),
      holds: sla.holds,
      clocks: sla.clocks.map((c) => clockView(c, staff)),
      ...(sla.nextChangeAt === undefined ? {} : { nextChangeAt: sla.nextChangeAt })
    },
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
 * The answer of a case as `actor` may see it (with the display names of the people it names, when given), written
 * once as JSON.
 */
export const caseViewResponse = (
  actor: Actor.Actor,
  view: SupportDesk.CaseView,
  names?: Readonly<Record<string, string>>
): HttpServerResponse.HttpServerResponse =>
  json(HttpViews.CaseView, names === undefined ? caseView(actor, view) : { ...caseView(actor, view), names })

/** The answer of a submission (201), written once as JSON. */
export const submissionResponse = (
  policy: SupportPolicy.SupportPolicy,
  actor: Actor.Actor,
  result: SupportDesk.Submission,
  timeZone: string,
  language: Sla.TextLanguage = "en"
): HttpServerResponse.HttpServerResponse =>
  json(HttpViews.Submission, submission(policy, actor, result, timeZone, language), 201)

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
