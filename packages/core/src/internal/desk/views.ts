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
import * as Sla from "../../Sla.ts"
import type * as SupportCase from "../../SupportCase.ts"
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
  record: CaseEvent.Record,
  facts: CaseLifecycle.Facts,
  now: number
): MediationView | null => {
  if (facts.counterpartyId === undefined) return null
  const requesterId = facts.parties[0]
  const counterpartyId = facts.counterpartyId
  const sides = {
    requester: { statements: 0, last: null as number | null, awaiting: null as number | null },
    counterparty: { statements: 0, last: null as number | null, awaiting: null as number | null }
  }
  let started = false
  let outcome: MediationView["outcome"] = null
  for (const e of record) {
    switch (e.type) {
      case "mediationRequested":
        started = true
        outcome = null
        sides.requester.statements++
        sides.requester.last = e.at
        break
      case "requesterResponded":
        sides.requester.awaiting = null
        if (started) {
          sides.requester.statements++
          sides.requester.last = e.at
        }
        break
      case "informationRequested":
        sides.requester.awaiting = e.at
        break
      case "counterpartyContacted":
        if (sides.counterparty.awaiting === null) sides.counterparty.awaiting = e.at
        break
      case "counterpartyResponded":
        sides.counterparty.awaiting = null
        sides.counterparty.statements++
        sides.counterparty.last = e.at
        break
      case "mediationConcluded":
        outcome = e.outcome
        sides.requester.awaiting = null
        sides.counterparty.awaiting = null
        break
      default:
        break
    }
  }
  const clock = (partyId: string, side: "requester" | "counterparty"): PartyClock => {
    const s = sides[side]
    return {
      partyId,
      side,
      statements: s.statements,
      lastStatementAt: s.last,
      awaitingSince: s.awaiting,
      waitedBusinessMs:
        s.awaiting === null ? 0 : Math.max(0, BusinessCalendar.businessMillisBetween(calendar, s.awaiting, now))
    }
  }
  return {
    counterpartyId,
    active: facts.inMediation,
    outcome,
    parties: [clock(requesterId, "requester"), clock(counterpartyId, "counterparty")]
  }
}

/**
 * When the requester may rate the case (the policy's `satisfaction`): from the answer of the current cycle (a
 * resolution or an explanation), or from the closing of a case closed unanswered, for `withinBusinessDays` business
 * days. None while the case is not answered, when its answer was a refusal, or when the policy asks nothing.
 */
export const ratingWindow = (
  policy: SupportPolicy.SupportPolicy,
  calendar: BusinessCalendar.BusinessCalendar,
  record: CaseEvent.Record
): { readonly from: number; readonly until: number } | null => {
  const satisfaction = policy.satisfaction
  if (satisfaction === undefined) return null
  let answeredAt: number | undefined
  let refused = false
  let closedAt: number | undefined
  for (const e of record) {
    switch (e.type) {
      case "resolved":
      case "explained":
      case "refused":
        if (answeredAt === undefined) {
          answeredAt = e.at
          refused = e.type === "refused"
        }
        break
      case "withdrawn":
      case "merged":
      case "closed":
        closedAt ??= e.at
        break
      case "reopened":
        answeredAt = undefined
        refused = false
        closedAt = undefined
        break
      default:
        break
    }
  }
  const from = answeredAt ?? closedAt
  if (from === undefined || refused) return null
  const until = BusinessCalendar.addBusinessDays(calendar, Sla.instant(from), satisfaction.withinBusinessDays)
  return { from, until: until.epochMilliseconds }
}

/** The requester's rating of the case, if they gave one (one per case). */
export const ratingOf = (record: CaseEvent.Record): CaseEvent.Of<"satisfactionRated"> | undefined =>
  record.find((e): e is CaseEvent.Of<"satisfactionRated"> => e.type === "satisfactionRated")

/** The satisfaction question of the case's version of the policy, with the rating given or until when it may be. */
export const satisfactionOf = (
  policy: SupportPolicy.SupportPolicy,
  calendar: BusinessCalendar.BusinessCalendar,
  record: CaseEvent.Record
): SatisfactionView | null => {
  const satisfaction = policy.satisfaction
  if (satisfaction === undefined) return null
  const rated = ratingOf(record)
  return {
    question: satisfaction.question,
    scale: satisfaction.scale,
    comment: satisfaction.comment,
    openUntil: rated === undefined ? (ratingWindow(policy, calendar, record)?.until ?? null) : null,
    rating:
      rated === undefined
        ? null
        : { rating: rated.rating, at: rated.at, ...(rated.comment === undefined ? {} : { comment: rated.comment }) }
  }
}

/**
 * A case as `actor` may read it at `now`, from its record, the facts folded from it and its evaluation at `now` (the
 * caller evaluated it once, for the write and the view alike).
 */
export const viewOf = (
  rules: { readonly policy: SupportPolicy.SupportPolicy; readonly calendar: BusinessCalendar.BusinessCalendar },
  actor: Actor.Actor,
  stored: SupportCase.WithRecord,
  facts: CaseLifecycle.Facts,
  evaluation: Sla.Evaluation,
  now: number
): CaseView => ({
  case: stored.case,
  events: Authorization.visibleRecord(actor, stored.case, stored.events),
  sla: evaluation,
  asOf: now,
  reopenableUntil: reopenableUntil(rules.policy, rules.calendar, facts),
  mediation: mediationOf(rules.calendar, stored.events, facts, now),
  // the rating is the requester's and the desk's: the other party of a mediation does not see it
  satisfaction:
    actor.role === "requester" && actor.id !== stored.case.requester.id
      ? null
      : satisfactionOf(rules.policy, rules.calendar, stored.events)
})
