/**
 * A case as an actor reads it (`SupportDesk.CaseView`): the part of the record they may see, its clocks, until when
 * the requester may reopen it (clause 6.3), and the clocks of the parties of a mediation (4.5). Also the earliest due
 * instant of the running clocks, which orders the agents' queue.
 */
import type * as Actor from "../../Actor.ts"
import * as Authorization from "../../Authorization.ts"
import * as BusinessCalendar from "../../BusinessCalendar.ts"
import type * as CaseEvent from "../../CaseEvent.ts"
import type * as CaseLifecycle from "../../CaseLifecycle.ts"
import * as Sla from "../../Sla.ts"
import type * as SupportCase from "../../SupportCase.ts"
import type * as SupportPolicy from "../../SupportPolicy.ts"
import type { CaseView, MediationView, PartyClock } from "../../SupportDesk.ts"

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
 * A case as `actor` may read it at `now`, from its record, the facts folded from it and its evaluation at `now` (the
 * caller evaluated it once, for the write and the view alike).
 */
export const viewOf = (
  policy: SupportPolicy.SupportPolicy,
  calendar: BusinessCalendar.BusinessCalendar,
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
  reopenableUntil: reopenableUntil(policy, calendar, facts),
  mediation: mediationOf(calendar, stored.events, facts, now)
})
