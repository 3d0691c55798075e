/**
 * The handling record of a support case: the ordered events that happened to it, from submission to closure.
 *
 * Clause 6.4 of the Global Sources Support Policy v1.8 promises "tracking numbers and handling records provided for
 * follow-up"; this module is that record. It is append-only and is the only input of the SLA engine (`Sla.evaluate`),
 * so every fact that moves a clock is an event here: submission, replies, requests for information, priority and
 * category changes, verification holds (clause 7.2), incident links (6.5), mediation (4.5), refusal (7.3),
 * resolution or explanation (6.3), reopening and closure.
 *
 * Conventions, fixed for every event:
 * - `sequence` numbers the events of one case 1, 2, 3, … with no gaps; the record is ordered by it.
 * - `at` is the instant the event happened, in **epoch milliseconds** (UTC, an integer). A number rather than a
 *   `Temporal.Instant` so a record is plain JSON and the SLA engine can read it without allocating; convert with
 *   {@link instant} or `Temporal.Instant.fromEpochMilliseconds`. `at` never decreases along the record.
 * - `actor` is who caused the event: the requester, an agent, an account manager, an administrator, or the system.
 * - `type` discriminates the union. Ids of channels, categories, priorities, audiences and requester flags refer to
 *   the support policy in force (`SupportPolicy`).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Temporal } from "temporal-polyfill"
import * as Text from "./Text.ts"

// -------------------------------------------------------------------------------------------------------------------
// building blocks
// -------------------------------------------------------------------------------------------------------------------

/**
 * An instant in epoch milliseconds (UTC): a non-negative safe integer.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EpochMillis = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)).annotate({
  description: "An instant in epoch milliseconds (UTC)"
})

/**
 * @since 0.1.0
 * @category models
 */
export type EpochMillis = typeof EpochMillis.Type

/**
 * A non-empty identifier (of a person, an incident, a case, a queue, or a policy entry): one line of at most
 * `Text.maxIdLength` (256) characters, without control characters, well-formed Unicode.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Id = Text.identifier("an id")

/**
 * The kinds of actor that appear in a handling record. `system` is the desk itself (automatic closure, incident
 * unlinking when an incident ends, …).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ActorRole = Schema.Literals(["requester", "agent", "accountManager", "administrator", "system"])

/**
 * @since 0.1.0
 * @category models
 */
export type ActorRole = typeof ActorRole.Type

/**
 * Who caused an event.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Actor = Schema.Struct({ role: ActorRole, id: Id })

/**
 * @since 0.1.0
 * @category models
 */
export type Actor = typeof Actor.Type

/**
 * The requester of a case and the policy flags they carry (for example `dedicatedAccountManager`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Requester = Schema.Struct({ id: Id, flags: Schema.Array(Id) })

/**
 * @since 0.1.0
 * @category models
 */
export type Requester = typeof Requester.Type

/**
 * Where a case is routed: to the agents (optionally a named queue), or to an account manager.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Assignee = Schema.Struct({
  role: Schema.Literals(["agent", "accountManager", "administrator"]),
  id: Schema.optionalKey(Id),
  queue: Schema.optionalKey(Id)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Assignee = typeof Assignee.Type

const base = {
  sequence: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  at: EpochMillis,
  actor: Actor
}

const body = { body: Schema.optionalKey(Schema.String) }

/**
 * The key of a message that arrived through a channel that may deliver it twice (an email's Message-ID): a store
 * keeps it unique per case, so the same message appends one event.
 */
const keyed = { messageKey: Schema.optionalKey(Schema.String) }

const event = <const Type extends string, const Fields extends Schema.Struct.Fields>(type: Type, fields: Fields) =>
  Schema.Struct({ ...base, type: Schema.Literal(type), ...fields })

// -------------------------------------------------------------------------------------------------------------------
// events
// -------------------------------------------------------------------------------------------------------------------

/**
 * The case was submitted: the facts its clocks are chosen by. `priority` is the priority after triage.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Submitted = event("submitted", {
  channel: Id,
  category: Id,
  priority: Id,
  audience: Id,
  requester: Requester,
  subject: Schema.optionalKey(Schema.String),
  ...body
})

/**
 * A public reply to the requester by an agent or account manager (the first one is the first response).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Replied = event("replied", body)

/**
 * A public progress update to the requester (clause 6.2).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ProgressUpdated = event("progressUpdated", body)

/**
 * The desk asked the requester for information; the case now awaits the requester.
 *
 * @since 0.1.0
 * @category schemas
 */
export const InformationRequested = event("informationRequested", body)

/**
 * The requester wrote to the case (answering a request for information, or adding to the case).
 *
 * @since 0.1.0
 * @category schemas
 */
export const RequesterResponded = event("requesterResponded", { ...body, ...keyed })

/**
 * The priority changed (triage correction, expedition through an account manager, …).
 *
 * @since 0.1.0
 * @category schemas
 */
export const PriorityChanged = event("priorityChanged", {
  from: Id,
  to: Id,
  reason: Schema.optionalKey(Schema.String)
})

/**
 * The case was re-categorised.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CategoryChanged = event("categoryChanged", {
  from: Id,
  to: Id,
  reason: Schema.optionalKey(Schema.String)
})

/**
 * The case was assigned to an agent, a queue or an account manager.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Assigned = event("assigned", { to: Assignee })

/**
 * The case was escalated, typically to the requester's dedicated account manager (clause 2.4).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Escalated = event("escalated", { to: Assignee, reason: Schema.optionalKey(Schema.String) })

/**
 * The submitted content is held for verification (clause 7.2).
 *
 * @since 0.1.0
 * @category schemas
 */
export const VerificationStarted = event("verificationStarted", { reason: Schema.optionalKey(Schema.String) })

/**
 * The verification ended: the content was found genuine and lawful (`verified`) or not (`rejected`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const VerificationConcluded = event("verificationConcluded", {
  outcome: Schema.Literals(["verified", "rejected"]),
  note: Schema.optionalKey(Schema.String)
})

/**
 * The case was linked to a system-wide incident (clause 6.5).
 *
 * @since 0.1.0
 * @category schemas
 */
export const IncidentLinked = event("incidentLinked", { incidentId: Id })

/**
 * The case was unlinked from an incident, because the incident ended or the link was wrong.
 *
 * @since 0.1.0
 * @category schemas
 */
export const IncidentUnlinked = event("incidentUnlinked", {
  incidentId: Id,
  reason: Schema.optionalKey(Schema.Literals(["incidentResolved", "unrelated"]))
})

/**
 * The buyer asked for platform mediation of a dispute (clause 4.5).
 *
 * @since 0.1.0
 * @category schemas
 */
export const MediationRequested = event("mediationRequested", {
  counterpartyId: Schema.optionalKey(Id),
  /** The order in dispute, when the case itself names none. */
  orderReference: Schema.optionalKey(Schema.String),
  ...body
})

/**
 * The desk contacted the other party of a mediation; the case now awaits the counterparty.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CounterpartyContacted = event("counterpartyContacted", { counterpartyId: Id, ...body })

/**
 * The other party of a mediation answered.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CounterpartyResponded = event("counterpartyResponded", { counterpartyId: Id, ...body, ...keyed })

/**
 * The mediation ended.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MediationConcluded = event("mediationConcluded", {
  outcome: Schema.Literals(["settled", "notSettled", "withdrawn"]),
  ...body
})

/**
 * The case was resolved (clause 6.3).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Resolved = event("resolved", body)

/**
 * The case was answered with an explanation instead of a fix (clause 6.3: "resolved or explained").
 *
 * @since 0.1.0
 * @category schemas
 */
export const Explained = event("explained", { reason: Schema.optionalKey(Schema.String), ...body })

/**
 * The request was refused as abusive or harassing (clause 7.3); `reason` is a reason code of the policy.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Refused = event("refused", { reason: Id, ...body })

/**
 * The case was reopened after it was resolved, explained, refused or closed.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Reopened = event("reopened", { reason: Schema.optionalKey(Schema.String), ...body })

/**
 * The requester withdrew the request.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Withdrawn = event("withdrawn", body)

/**
 * The case was merged into another case (a duplicate); `into` is that case's id or tracking number.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Merged = event("merged", { into: Id })

/**
 * The case was closed. Closing a case that was never resolved or explained cancels its running clocks.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Closed = event("closed", { reason: Schema.optionalKey(Schema.String) })

/**
 * An internal note, not visible to the requester.
 *
 * @since 0.1.0
 * @category schemas
 */
export const NoteAdded = event("noteAdded", { body: Schema.String })

/**
 * The case was reviewed for quality (clause 7.4); `rating` from 1 (poor) to 5 (excellent).
 *
 * @since 0.1.0
 * @category schemas
 */
export const QualityReviewed = event("qualityReviewed", {
  rating: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 5 })),
  note: Schema.optionalKey(Schema.String)
})

/**
 * Why a closed case was selected for quality review (clause 7.4): its record shows a breached clock, a refusal or a
 * reopening (the policy's `qualityReview.alwaysReview`), the requester rated it low (`lowSatisfaction`, the policy's
 * `satisfaction.lowRating`), or it was drawn at the policy's `sampleRate`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const QualityReviewReason = Schema.Literals(["breached", "refused", "reopened", "sampled", "lowSatisfaction"])

/**
 * @since 0.1.0
 * @category models
 */
export type QualityReviewReason = typeof QualityReviewReason.Type

/**
 * The desk selected the case, as it closed, for quality review (clause 7.4), for these reasons. It awaits a
 * `qualityReviewed` event.
 *
 * @since 0.1.0
 * @category schemas
 */
export const QualityReviewSelected = event("qualityReviewSelected", {
  reasons: Schema.Array(QualityReviewReason).check(Schema.isMinLength(1))
})

/**
 * A legal hold was placed on the record: it may not be deleted or anonymised until released.
 *
 * @since 0.1.0
 * @category schemas
 */
export const LegalHoldPlaced = event("legalHoldPlaced", { reason: Schema.optionalKey(Schema.String) })

/**
 * The legal hold on the record was released.
 *
 * @since 0.1.0
 * @category schemas
 */
export const LegalHoldReleased = event("legalHoldReleased", {})

/**
 * Personal data was erased from the case (clause 7.4): the requester's (`whose` absent or `"requester"`: every text
 * of the case is a redaction marker, the requester has no id or contact details), or the mediation counterparty's
 * (`"counterparty"`: their statements and id). The facts the clocks are computed from are kept. `basis` says why (the
 * policy's retention period, or a request); `erasureId` names the erasure. An `anonymised` without `basis` was
 * written before erasure redacted texts: it removed the requester's contact details only.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Anonymised = event("anonymised", {
  basis: Schema.optionalKey(Schema.Literals(["retention", "request"])),
  erasureId: Schema.optionalKey(Id),
  whose: Schema.optionalKey(Schema.Literals(["requester", "counterparty"]))
})

/**
 * A person asked for their personal data to be erased while the case was on a legal hold (clause 7.4): its
 * requester, or its mediation counterparty (`whose`). The erasure waits until the hold is released.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ErasureRequested = event("erasureRequested", {
  erasureId: Id,
  whose: Schema.Literals(["requester", "counterparty"])
})

/**
 * An administrator moved the case from one version of the policy to another (clause 7.1): from this event on, its
 * clocks are those of version `to` (see `Sla.evaluate`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const PolicyChanged = event("policyChanged", { from: Schema.String, to: Schema.String })

/**
 * The requester rated how the case was handled, on the policy's scale (`satisfaction`), with an optional comment.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SatisfactionRated = event("satisfactionRated", {
  rating: Schema.Int,
  comment: Schema.optionalKey(Schema.String)
})

/**
 * The SLA metrics, as events name them (the same literals as `SupportPolicy.Metric`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const SlaMetric = Schema.Literals(["firstResponse", "progressUpdate", "resolution"])

const slaAlert = {
  /** The metric of the clock. */
  metric: SlaMetric,
  /** The SLA rule of the clock when the level fell due. */
  rule: Id,
  /** The clock: the n-th clock of its metric in the record (as `Sla.Clock.instance`). */
  instance: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  /** The escalation level of the rule (`SlaRule.escalations[].id`). */
  level: Id,
  /** The instant the level fell due (epoch ms); the event's `at` is when the desk appended it. */
  dueAt: EpochMillis,
  /** Whom the desk notified: people (with an id), or a queue (the agents' pool when it names none). */
  to: Schema.Array(Assignee)
}

/**
 * A clock reached a warning point of its rule (an escalation level at a fraction of the target). Staff only.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SlaWarning = event("slaWarning", slaAlert)

/**
 * A clock passed its due instant unmet (the rule's escalation level at `"due"`). Staff only.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SlaBreached = event("slaBreached", slaAlert)

/**
 * A breached clock stayed unmet for the business time an escalation level of its rule allows after the due instant,
 * and the level's people were notified. Staff only.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SlaEscalated = event("slaEscalated", slaAlert)

/**
 * Every event of a handling record, discriminated by `type`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CaseEvent = Schema.Union([
  Submitted,
  Replied,
  ProgressUpdated,
  InformationRequested,
  RequesterResponded,
  PriorityChanged,
  CategoryChanged,
  Assigned,
  Escalated,
  VerificationStarted,
  VerificationConcluded,
  IncidentLinked,
  IncidentUnlinked,
  MediationRequested,
  CounterpartyContacted,
  CounterpartyResponded,
  MediationConcluded,
  Resolved,
  Explained,
  Refused,
  Reopened,
  Withdrawn,
  Merged,
  Closed,
  NoteAdded,
  QualityReviewed,
  LegalHoldPlaced,
  LegalHoldReleased,
  Anonymised,
  QualityReviewSelected,
  ErasureRequested,
  PolicyChanged,
  SatisfactionRated,
  SlaWarning,
  SlaBreached,
  SlaEscalated
])

/**
 * @since 0.1.0
 * @category models
 */
export type CaseEvent = typeof CaseEvent.Type

/**
 * The `type` of every event, in the order of the union.
 *
 * @since 0.1.0
 * @category models
 */
export const eventTypes = CaseEvent.members.map((member) => member.fields.type.literal) as ReadonlyArray<
  CaseEvent["type"]
>

/**
 * The type of an event, as a schema (used by policies to name the events that start, stop and pause clocks).
 *
 * @since 0.1.0
 * @category schemas
 */
export const EventType = Schema.Literals(
  eventTypes as unknown as readonly [CaseEvent["type"], ...Array<CaseEvent["type"]>]
).annotate({
  identifier: "EventType",
  message: `expected an event type, one of ${eventTypes.map((t) => `"${t}"`).join(", ")}`
})

/**
 * @since 0.1.0
 * @category models
 */
export type EventType = CaseEvent["type"]

/**
 * The event of a given type.
 *
 * @since 0.1.0
 * @category models
 */
export type Of<T extends EventType> = Extract<CaseEvent, { readonly type: T }>

/**
 * A whole handling record: the events of one case in order.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Record = Schema.Array(CaseEvent)

/**
 * @since 0.1.0
 * @category models
 */
export type Record = ReadonlyArray<CaseEvent>

// -------------------------------------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------------------------------------

/**
 * The instant of an event as a `Temporal.Instant`.
 *
 * @since 0.1.0
 * @category getters
 */
export const instant = (event: { readonly at: number }): Temporal.Instant =>
  Temporal.Instant.fromEpochMilliseconds(event.at)

/**
 * Who may read an event of a handling record (clause 6.4, and 4.5 for mediations), from the narrowest to the widest:
 * - `staff`: agents, account managers and administrators only (internal notes, assignments, quality reviews, legal
 *   holds, the desk's bookkeeping);
 * - `requester`: staff and the requester (what the desk and the requester said to each other);
 * - `parties`: staff, the requester and the counterparty of a mediation: what is addressed to both parties — the
 *   mediation request, both parties' statements, the outcome, the desk's public replies and updates. The counterparty
 *   reads these only from the mediation's start on (`Authorization.recordQuery`), never the earlier private thread.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Readers = Schema.Literals(["staff", "requester", "parties"])

/**
 * @since 0.1.0
 * @category models
 */
export type Readers = typeof Readers.Type

/**
 * Who may read an event (see {@link Readers}).
 *
 * @since 0.1.0
 * @category getters
 */
export const readersOf = (event: { readonly type: EventType }): Readers => {
  switch (event.type) {
    case "noteAdded":
    case "qualityReviewed":
    case "qualityReviewSelected":
    case "legalHoldPlaced":
    case "legalHoldReleased":
    case "anonymised":
    case "erasureRequested":
    case "satisfactionRated":
    case "assigned":
    case "counterpartyContacted":
    case "slaWarning":
    case "slaBreached":
    case "slaEscalated":
      return "staff"
    case "mediationRequested":
    case "requesterResponded":
    case "counterpartyResponded":
    case "mediationConcluded":
    case "replied":
    case "progressUpdated":
    case "resolved":
    case "explained":
      return "parties"
    default:
      return "requester"
  }
}

/**
 * The readers of an event as a number: 0 `staff`, 1 `requester`, 2 `parties`; an event is readable by `readers`
 * when its rank is at least that of `readers` (stores index it).
 *
 * @since 0.1.0
 * @category getters
 */
export const readersRank = (readers: Readers): number => (readers === "staff" ? 0 : readers === "requester" ? 1 : 2)

/**
 * Whether the requester can see the event in their copy of the handling record (clause 6.4): its readers are the
 * requester or the parties, except the counterparty's statements, which the requester reads once a mediation is
 * under way (`Authorization`). Internal notes, quality reviews, legal holds and the desk's own bookkeeping are not
 * shown.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isVisibleToRequester = (event: CaseEvent): boolean =>
  event.type !== "counterpartyResponded" && readersOf(event) !== "staff"

/**
 * An event without the texts people wrote (bodies, subjects, notes and free-text reasons): what the SLA engine reads
 * of it (its type, instant, sequence, actor and facts). A store keeps these for the events that move clocks, beside
 * the case, so evaluating the clocks never reads the bodies of the record (`SupportDesk`'s clock record).
 *
 * @since 0.1.0
 * @category combinators
 */
export const withoutText = (event: CaseEvent): CaseEvent => {
  const {
    body: _body,
    subject: _subject,
    note: _note,
    reason,
    ...rest
  } = event as CaseEvent & {
    readonly body?: string
    readonly subject?: string
    readonly note?: string
    readonly reason?: unknown
  }
  // a refusal's reason is a code of the policy and an unlink's a literal: facts, not free text
  const keepReason = (event.type === "refused" || event.type === "incidentUnlinked") && reason !== undefined
  const stripped = (keepReason ? { ...rest, reason } : rest) as CaseEvent
  return event.type === "noteAdded" ? ({ ...stripped, body: "" } as CaseEvent) : stripped
}

/**
 * The types of the events the desk appends when an SLA escalation level falls due.
 *
 * @since 0.1.0
 * @category models
 */
export const slaAlertTypes = ["slaWarning", "slaBreached", "slaEscalated"] as const

/**
 * An event the desk appended when an SLA escalation level fell due.
 *
 * @since 0.1.0
 * @category models
 */
export type SlaAlert = Of<(typeof slaAlertTypes)[number]>

/**
 * Whether an event is an SLA alert (`slaWarning`, `slaBreached`, `slaEscalated`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isSlaAlert = (event: CaseEvent): event is SlaAlert =>
  event.type === "slaWarning" || event.type === "slaBreached" || event.type === "slaEscalated"

/**
 * One problem with a handling record: the index of the offending event and what is wrong.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordProblem {
  readonly path: string
  readonly message: string
}

/**
 * Checks the invariants the SLA engine relies on: the record starts with one `submitted` event (and has no other),
 * `sequence` runs 1, 2, 3, … and `at` never decreases. Returns the problems, empty when the record is sound.
 *
 * @since 0.1.0
 * @category validation
 */
export const checkRecord = (record: Record): ReadonlyArray<RecordProblem> => {
  const problems: Array<RecordProblem> = []
  let previousAt = Number.NEGATIVE_INFINITY
  for (let i = 0; i < record.length; i++) {
    const e = record[i]
    if (e.sequence !== i + 1) {
      problems.push({ path: `[${i}].sequence`, message: `expected sequence ${i + 1}, got ${e.sequence}` })
    }
    if (e.at < previousAt) {
      problems.push({
        path: `[${i}].at`,
        message: `event is earlier than the event before it (${e.at} < ${previousAt})`
      })
    }
    previousAt = e.at
    if (i === 0 && e.type !== "submitted") {
      problems.push({ path: "[0].type", message: `a record starts with a "submitted" event, got "${e.type}"` })
    }
    if (i > 0 && e.type === "submitted") {
      problems.push({ path: `[${i}].type`, message: 'a record has only one "submitted" event, at its start' })
    }
  }
  return problems
}
