/**
 * A case as an actor reads it (`SupportDesk.CaseView`): the part of the record they may see, its clocks, until when
 * the requester may reopen it (clause 6.3), the clocks of the parties of a mediation (4.5), and the satisfaction
 * question with the rating given or until when it may be (7.4). Also the earliest due instant of the running clocks,
 * which orders the agents' queue.
 */
import type * as Actor from "../../Actor.ts"
import * as Authorization from "../../Authorization.ts"
import * as BusinessCalendar from "../../BusinessCalendar.ts"
import type * as CaseEvent from "../../CaseEvent.ts"
import type * as CaseLifecycle from "../../CaseLifecycle.ts"
import type * as CaseStore from "../../CaseStore.ts"
import * as Sla from "../../Sla.ts"
import type * as SupportPolicy from "../../SupportPolicy.ts"
import type { CaseView, MediationView, PartyClock, SatisfactionView } from "../../SupportDesk.ts"

/**
 * The earliest due instant of the running (or breached, still open) clocks of an evaluation, or null: the order of
 * the agents' queue.
 */
export const nextDueAt = (evaluation: Sla.Evaluation): number | null => {
  let min: number | null = null
  for (const clock of evaluation.clocks) {
    if (clock.outcome !== "open" || (clock.state !== "running" && clock.state !== "breached")) continue
    if (min === null || clock.dueAt < min) min = clock.dueAt
  }
  return min
}

/**
 * The last instant a case answered at `answeredAt` may be reopened by its requester (clause 6.3: the policy's
 * `lifecycle.reopenWithinBusinessDays`), or null when the policy allows no reopening.
 */
export const reopenDeadline = (
  policy: SupportPolicy.SupportPolicy,
  calendar: BusinessCalendar.BusinessCalendar,
  answeredAt: number
): number | null =>
  policy.lifecycle.reopenWithinBusinessDays > 0
    ? BusinessCalendar.addBusinessDays(calendar, Sla.instant(answeredAt), policy.lifecycle.reopenWithinBusinessDays)
        .epochMilliseconds
    : null

/** While a case is resolved or explained: the last instant its requester may reopen it. */
export const reopenableUntil = (
  policy: SupportPolicy.SupportPolicy,
  calendar: BusinessCalendar.BusinessCalendar,
  facts: CaseLifecycle.Facts
): number | null =>
  (facts.status === "resolved" || facts.status === "explained") && facts.answeredAt !== undefined
    ? reopenDeadline(policy, calendar, facts.answeredAt)
    : null

/** The mediation of a case and the clock of each party: statements posted, and business time waited for them. */
export const mediationOf = (
  calendar: BusinessCalendar.BusinessCalendar,
  facts: CaseLifecycle.Facts,
  now: number
): MediationView | null => {
  if (facts.counterpartyId === undefined) return null
  const requesterId = facts.parties[0]
  const counterpartyId = facts.counterpartyId
  const clock = (partyId: string, side: "requester" | "counterparty"): PartyClock => {
    const s = facts.mediation[side]
    return {
      partyId,
      side,
      statements: s.statements,
      lastStatementAt: s.lastStatementAt,
      awaitingSince: s.awaitingSince,
      waitedBusinessMs:
        s.awaitingSince === null
          ? 0
          : Math.max(0, BusinessCalendar.businessMillisBetween(calendar, s.awaitingSince, now))
    }
  }
  return {
    counterpartyId,
    active: facts.inMediation,
    outcome: facts.mediation.outcome,
    parties: [clock(requesterId, "requester"), clock(counterpartyId, "counterparty")]
  }
}

/**
/**
 * When the requester may rate the case (the policy's `satisfaction`): from the answer of the current cycle (a
 * resolution or an explanation), or from the closing of a case closed unanswered, for `withinBusinessDays` business
 * days. None while the case is not answered, when its answer was a refusal, or when the policy asks nothing.
 */
export const ratingWindow = (
  policy: SupportPolicy.SupportPolicy,
  calendar: BusinessCalendar.BusinessCalendar,
  facts: CaseLifecycle.Facts
): { readonly from: number; readonly until: number } | null => {
  const satisfaction = policy.satisfaction
  if (satisfaction === undefined) return null
  const from = facts.answeredAt ?? facts.closedAt
  if (from === undefined || facts.answer === "refused") return null
  return { from, until: ratingWindowEnd(policy, calendar, from) ?? from }
}

/** The end of the rating window of an answer given at `from`, or null when the policy asks nothing. */
export const ratingWindowEnd = (
  policy: SupportPolicy.SupportPolicy,
  calendar: BusinessCalendar.BusinessCalendar,
  from: number
): number | null =>
  policy.satisfaction === undefined
    ? null
    : BusinessCalendar.addBusinessDays(calendar, Sla.instant(from), policy.satisfaction.withinBusinessDays)
        .epochMilliseconds

/** The requester's rating of a case from its whole record, if they gave one (one per case). */
export const ratingOf = (record: CaseEvent.Record): CaseEvent.Of<"satisfactionRated"> | undefined =>
  record.find((e): e is CaseEvent.Of<"satisfactionRated"> => e.type === "satisfactionRated")

/** The satisfaction question of the case's version of the policy, with the rating given or until when it may be. */
export const satisfactionOf = (
  policy: SupportPolicy.SupportPolicy,
  calendar: BusinessCalendar.BusinessCalendar,
  facts: CaseLifecycle.Facts
): SatisfactionView | null => {
  const satisfaction = policy.satisfaction
  if (satisfaction === undefined) return null
  const rated = facts.rating
  return {
    question: satisfaction.question,
    scale: satisfaction.scale,
    comment: satisfaction.comment,
    openUntil: rated === undefined ? (ratingWindow(policy, calendar, facts)?.until ?? null) : null,
    rating: rated === undefined ? null : rated
  }
}

/**
 * A case as `actor` may read it at `now`: its state as they may see it, the page of its record they asked for (read
 * by the caller with `Authorization.recordQuery`), and its evaluation at `now` (made once, for the write and the view
 * alike), under the rules of its version of the policy (`written.rules`).
 */
export const viewOf = (
  actor: Actor.Actor,
  written: {
    readonly stored: CaseStore.Stored
    readonly evaluation: Sla.Evaluation
    readonly rules: {
      readonly policy: SupportPolicy.SupportPolicy
      readonly calendar: BusinessCalendar.BusinessCalendar
    }
  },
  events: CaseEvent.Record,
  eventsBefore: number | null,
  now: number
): CaseView => ({
  case: Authorization.visibleCase(actor, written.stored.case),
  events,
  eventsBefore,
  sla: written.evaluation,
  asOf: now,
  reopenableUntil: reopenableUntil(written.rules.policy, written.rules.calendar, written.stored.facts),
  mediation: mediationOf(written.rules.calendar, written.stored.facts, now),
  // the rating is the requester's and the desk's: the other party of a mediation does not see it
  satisfaction:
    actor.role === "requester" && actor.id !== written.stored.case.requester.id
      ? null
      : satisfactionOf(written.rules.policy, written.rules.calendar, written.stored.facts)
})
