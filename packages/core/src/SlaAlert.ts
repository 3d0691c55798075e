/**
 * SLA alerts as staff read them: each `slaWarning`, `slaBreached` or `slaEscalated` event of a handling record (the
 * desk appends one when an escalation level of an SLA rule falls due, `SupportPolicy.EscalationLevel`), with the case
 * it belongs to, and the people and queues it is addressed to. Stores index the alert events they append by
 * addressee, so `SupportDesk.alerts` answers "the alerts for me and my queues, newest first" without reading
 * records.
 *
 * Addressees are written as keys, the same in every store: `person:<id>` for a person, `queue:<id>` for a named queue,
 * `pool` for the agents' general pool (a case routed to no queue), and `queue:*` on every alert addressed to any
 * queue (what an agent who works every queue reads).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type * as Actor from "./Actor.ts"
import * as CaseEvent from "./CaseEvent.ts"

/**
 * An SLA alert: the alert event, with the case's id and tracking number.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SlaAlert = Schema.Struct({
  caseId: CaseEvent.Id,
  trackingNumber: CaseEvent.Id,
  /** The sequence of the alert event in the case's record. */
  sequence: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  type: Schema.Literals(CaseEvent.slaAlertTypes),
  metric: CaseEvent.SlaMetric,
  rule: CaseEvent.Id,
  instance: Schema.Int,
  level: CaseEvent.Id,
  /** When the level fell due (epoch ms). */
  dueAt: CaseEvent.EpochMillis,
  /** When the desk appended the alert (epoch ms). */
  firedAt: CaseEvent.EpochMillis,
  to: Schema.Array(CaseEvent.Assignee)
}).annotate({ identifier: "SlaAlert" })

/**
 * @since 0.1.0
 * @category models
 */
export type SlaAlert = typeof SlaAlert.Type

/**
 * The alert of an alert event of a case.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromEvent = (
  supportCase: { readonly id: string; readonly trackingNumber: string },
  event: CaseEvent.SlaAlert
): SlaAlert => ({
  caseId: supportCase.id,
  trackingNumber: supportCase.trackingNumber,
  sequence: event.sequence,
  type: event.type,
  metric: event.metric,
  rule: event.rule,
  instance: event.instance,
  level: event.level,
  dueAt: event.dueAt,
  firedAt: event.at,
  to: event.to
})

/**
 * The alerts among events appended to a case, in record order.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromEvents = (
  supportCase: { readonly id: string; readonly trackingNumber: string },
  events: ReadonlyArray<CaseEvent.CaseEvent>
): ReadonlyArray<SlaAlert> => {
  const alerts: Array<SlaAlert> = []
  for (const event of events) if (CaseEvent.isSlaAlert(event)) alerts.push(fromEvent(supportCase, event))
  return alerts
}

/**
 * The key of every queue: an alert addressed to any queue carries it.
 *
 * @since 0.1.0
 * @category constants
 */
export const anyQueue = "queue:*"

/**
 * The keys an alert is indexed under: one per person and queue it is addressed to, and {@link anyQueue} when it is
 * addressed to a queue. Distinct, in a stable order.
 *
 * @since 0.1.0
 * @category getters
 */
export const recipientKeys = (to: ReadonlyArray<CaseEvent.Assignee>): ReadonlyArray<string> => {
  const keys = new Set<string>()
  let queued = false
  for (const addressee of to) {
    if (addressee.id !== undefined) keys.add(`person:${addressee.id}`)
    else {
      keys.add(addressee.queue === undefined ? "pool" : `queue:${addressee.queue}`)
      queued = true
    }
  }
  if (queued) keys.add(anyQueue)
  return [...keys]
}

/**
 * The keys of the alerts a staff member reads: those addressed to them, and to their queues. An agent who names no
 * queues works every queue (as `Actor.Agent` says), and so does an administrator; an account manager reads their own.
 *
 * @since 0.1.0
 * @category getters
 */
export const keysOf = (actor: Actor.Staff): ReadonlyArray<string> => {
  const person = `person:${actor.id}`
  switch (actor.role) {
    case "agent":
      return actor.queues === undefined ? [person, anyQueue] : [person, ...actor.queues.map((q) => `queue:${q}`)]
    case "administrator":
      return [person, anyQueue]
    case "accountManager":
      return [person]
  }
}
