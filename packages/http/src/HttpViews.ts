/**
 * The response bodies of the HTTP API, as schemas: what a page or a client reads. Instants are epoch milliseconds
 * (UTC), as everywhere in `@support-policy/core`; the texts a person reads ("We will reply within 1 business day,
 * by …") are given beside them, in the requester's time zone when they gave one, else the policy's.
 *
 * @since 0.1.0
 */
import {
  Actor,
  CaseEvent,
  Directory,
  Incident,
  Mailbox,
  Outbox,
  Reports,
  Sla,
  SlaAlert,
  SupportCase,
  SupportPolicy
} from "@support-policy/core"
import { Schema } from "effect"

const EpochMillis = CaseEvent.EpochMillis

/**
 * One SLA clock of a case. Staff see its `trace` (every start, pause, resume and stop, with the event behind it);
 * requesters see the clock without it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Clock = Schema.Struct({
  ...Sla.Clock.fields,
  trace: Schema.optionalKey(Schema.Array(Sla.TraceEntry))
}).annotate({ identifier: "Clock" })

/**
 * @since 0.1.0
 * @category models
 */
export type Clock = typeof Clock.Type

/**
 * The live SLA clocks of a case, evaluated at `asOf` (`Sla.evaluate`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Evaluation = Schema.Struct({ ...Sla.Evaluation.fields, clocks: Schema.Array(Clock) }).annotate({
  identifier: "SlaEvaluation"
})

/**
 * @since 0.1.0
 * @category models
 */
export type Evaluation = typeof Evaluation.Type

/**
 * One party of a mediation and their clock (clause 4.5).
 *
 * @since 0.1.0
 * @category schemas
 */
export const PartyClock = Schema.Struct({
  partyId: Schema.String,
  side: Schema.Literals(["requester", "counterparty"]),
  statements: Schema.Int,
  lastStatementAt: Schema.NullOr(EpochMillis),
  awaitingSince: Schema.NullOr(EpochMillis),
  waitedBusinessMs: Schema.Finite
}).annotate({ identifier: "PartyClock" })

/**
 * The mediation of a case (clause 4.5).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Mediation = Schema.Struct({
  counterpartyId: Schema.String,
  active: Schema.Boolean,
  outcome: Schema.NullOr(Schema.Literals(["settled", "notSettled", "withdrawn"])),
  parties: Schema.Array(PartyClock)
}).annotate({ identifier: "Mediation" })

/**
 * The satisfaction question of a case (the policy's `satisfaction`, clause 7.4): the question and its scale, whether a
 * comment is taken, and either the rating given (`rating`) or until when the requester may rate (`openUntil`; null
 * while the case is not answered).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Satisfaction = Schema.Struct({
  question: Schema.String,
  scale: Schema.Struct({ min: Schema.Int, max: Schema.Int }),
  comment: Schema.Literals(["none", "optional"]),
  openUntil: Schema.NullOr(EpochMillis),
  rating: Schema.NullOr(
    Schema.Struct({ rating: Schema.Int, comment: Schema.optionalKey(Schema.String), at: EpochMillis })
  )
}).annotate({ identifier: "Satisfaction" })

/**
 * A case as the caller may see it: its state, one page of the part of its handling record they may read (clause
 * 6.4: the latest events, or those before `?before=`), its live SLA clocks (under the version of the policy it
 * names), until when the requester may reopen it, its mediation, and its satisfaction question (null when the policy
 * asks none, and for the other party of a mediation). The counterparty of a mediation reads only what is addressed to
 * both parties, from the mediation's start.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CaseView = Schema.Struct({
  case: SupportCase.SupportCase,
  events: CaseEvent.Record.annotate({
    description: "The latest events the caller may read (before `?before=` when given), in record order"
  }),
  eventsBefore: Schema.NullOr(Schema.Int).annotate({
    description:
      "The cursor of the page before: GET the case again with ?before=<this> for earlier events; null when none"
  }),
  sla: Evaluation,
  asOf: EpochMillis,
  reopenableUntil: Schema.NullOr(EpochMillis),
  mediation: Schema.NullOr(Mediation),
  satisfaction: Schema.NullOr(Satisfaction),
  /** Display names of the people the case names (staff from the host's directory), by id. */
  names: Schema.optionalKey(Schema.Record(Schema.String, Schema.String))
}).annotate({ identifier: "CaseView" })

/**
 * @since 0.1.0
 * @category models
 */
export type CaseView = typeof CaseView.Type

/**
 * A target that applies to a new case: the rule and clause behind it, its due instant, and the promise in words.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PlannedTarget = Schema.Struct({
  metric: SupportPolicy.Metric,
  rule: Schema.String,
  clause: Schema.String,
  target: SupportPolicy.Target,
  /** The target in words: `"1 business day"`. */
  targetText: Schema.String,
  /** True for a rolling progress-update rule: the next period starts at each update. */
  recurring: Schema.Boolean,
  startsAt: EpochMillis,
  dueAt: EpochMillis,
  warningsAt: Schema.Array(EpochMillis),
  /** The promise in words: `"We will reply within 1 business day, by Tue 15 Apr 2025, 17:30 (…) (clause 6.1)."` */
  text: Schema.String,
  /** The promise in plain words, without the clause: `"We will reply within 1 business day, by … ."` */
  plainText: Schema.String,
  /** The clause in words: `"clause 6.1"`. */
  clauseText: Schema.String
}).annotate({ identifier: "PlannedTarget" })

/**
 * @since 0.1.0
 * @category models
 */
export type PlannedTarget = typeof PlannedTarget.Type

/**
 * When the requester will get a first reply, as an instant and in words, in `timeZone`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ReplyBy = Schema.Struct({
  dueAt: EpochMillis,
  timeZone: Schema.String,
  /** `"We will reply within 1 business day, by Tue 15 Apr 2025, 17:30 (Asia/Hong_Kong, UTC+08:00) (clause 6.1)."` */
  text: Schema.String,
  /** The same in plain words, without the clause. */
  plainText: Schema.String,
  clause: Schema.String,
  /** The clause in words: `"clause 6.1"`, `"第 6.1 条"`. */
  clauseText: Schema.String
}).annotate({ identifier: "ReplyBy" })

/**
 * @since 0.1.0
 * @category models
 */
export type ReplyBy = typeof ReplyBy.Type

/**
 * The channel a request was made through, the channel that took it (another one when it was made through live chat
 * outside its hours, clause 2.2), and when the desk next opens if it is closed now.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChannelTaken = Schema.Struct({
  requested: Schema.String,
  taken: Schema.String,
  nextOpening: Schema.NullOr(EpochMillis)
}).annotate({ identifier: "ChannelTaken" })

/**
 * The answer to a submission (201): the tracking number, priority and status of the new case, the SLA plan, the
 * reply-by promise in the requester's terms, and the case itself. `created` is false when an `Idempotency-Key`
 * replayed an earlier submission (nothing new was written).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Submission = Schema.Struct({
  created: Schema.Boolean,
  trackingNumber: Schema.String,
  caseId: Schema.String,
  priority: Schema.String,
  status: SupportCase.Status,
  channel: ChannelTaken,
  replyBy: Schema.NullOr(ReplyBy),
  plan: Schema.Array(PlannedTarget),
  /** Everything the requester is promised, in one paragraph: tracking number, channel, reply-by, other targets. */
  message: Schema.String,
  /** The language of the texts: the submission's (`zh…` is Simplified Chinese), else `Accept-Language`'s. */
  language: Schema.Literals(["en", "zh"]),
  view: CaseView
}).annotate({ identifier: "Submission" })

/**
 * @since 0.1.0
 * @category models
 */
export type Submission = typeof Submission.Type

/**
 * A list of cases (the caller's own, newest first).
 *
 * @since 0.1.0
 * @category schemas
 */
export const CaseList = Schema.Struct({
  items: Schema.Array(SupportCase.SupportCase),
  /** With `q`: the tracking numbers of the caller's cases a mistyped number may have meant. */
  didYouMean: Schema.optionalKey(Schema.Array(Schema.String))
}).annotate({
  identifier: "CaseList"
})

/**
 * @since 0.1.0
 * @category models
 */
export type CaseList = typeof CaseList.Type

/**
 * How a queued case stands against its earliest due clock: past it (`breached`), within the due-soon window of
 * business time (`dueSoon`), or not yet (`onTrack`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Badge = Schema.Literals(["breached", "dueSoon", "onTrack"])

/**
 * @since 0.1.0
 * @category models
 */
export type Badge = typeof Badge.Type

/**
 * One case of the agents' queue: the case, its earliest due instant, its badge, and the business time left until
 * then (negative once breached).
 *
 * @since 0.1.0
 * @category schemas
 */
export const QueueItem = Schema.Struct({
  case: SupportCase.SupportCase,
  dueAt: EpochMillis,
  badge: Badge,
  businessMsLeft: Schema.Finite
}).annotate({ identifier: "QueueItem" })

/**
 * @since 0.1.0
 * @category models
 */
export type QueueItem = typeof QueueItem.Type

/**
 * The agents' queue, earliest due first, as of `asOf`; cases due at or before `dueSoonUntil` and not breached are
 * due soon.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Queue = Schema.Struct({
  asOf: EpochMillis,
  dueSoonUntil: EpochMillis,
  items: Schema.Array(QueueItem)
}).annotate({ identifier: "Queue" })

/**
 * @since 0.1.0
 * @category models
 */
export type Queue = typeof Queue.Type

/**
 * A contact channel of the policy (clause 2.2) and whether it is open now: a channel available in business hours
 * only is open while the calendar is (clause 2.1); `nextOpening` says when a closed one opens, `nextClosing` when an
 * open one closes.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChannelStatus = Schema.Struct({
  ...SupportPolicy.Channel.fields,
  openNow: Schema.Boolean,
  nextOpening: Schema.NullOr(EpochMillis),
  nextClosing: Schema.NullOr(EpochMillis),
  /** `"Open now, until Tue 15 Apr 2025, 18:00 (…)"`, `"Closed, opens Wed 16 Apr 2025, 09:00 (…)"`, `"Open 24/7"`. */
  text: Schema.String
}).annotate({ identifier: "ChannelStatus" })

/**
 * @since 0.1.0
 * @category models
 */
export type ChannelStatus = typeof ChannelStatus.Type

/**
 * Every channel of the policy and whether it is open at `asOf`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Channels = Schema.Struct({
  asOf: EpochMillis,
  timeZone: Schema.String,
  /** Whether the desk's business hours are running now (clause 2.1). */
  businessHoursOpenNow: Schema.Boolean,
  channels: Schema.Array(ChannelStatus)
}).annotate({ identifier: "Channels" })

/**
 * @since 0.1.0
 * @category models
 */
export type Channels = typeof Channels.Type

/**
 * The SLA plan for a hypothetical request (`GET /v1/policy/reply-by`): the facts it was planned with (the priority
 * triage would give when none is asked for, the channel that would take it) and the targets.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ReplyByPlan = Schema.Struct({
  receivedAt: EpochMillis,
  priority: Schema.String,
  category: Schema.String,
  audience: Schema.String,
  channel: ChannelTaken,
  replyBy: Schema.NullOr(ReplyBy),
  plan: Schema.Array(PlannedTarget)
}).annotate({ identifier: "ReplyByPlan" })

/**
 * @since 0.1.0
 * @category models
 */
export type ReplyByPlan = typeof ReplyByPlan.Type

/**
 * The announcements shown now (clause 6.5).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Announcements = Schema.Struct({ items: Schema.Array(Incident.Announcement) }).annotate({
  identifier: "Announcements"
})

/**
 * A list of incidents, newest first.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Incidents = Schema.Struct({ items: Schema.Array(Incident.Incident) }).annotate({
  identifier: "Incidents"
})

/**
 * A resolved incident and the cases unlinked from it (each requester notified).
 *
 * @since 0.1.0
 * @category schemas
 */
export const IncidentResolution = Schema.Struct({
  incident: Incident.Incident,
  notifiedCaseIds: Schema.Array(Schema.String)
}).annotate({ identifier: "IncidentResolution" })

/**
 * The SLA alerts addressed to the caller or their queues, newest first (`SupportDesk.alerts`): each the case's
 * tracking number, the metric, rule, level, the instant it fell due (`dueAt`) and when the desk fired it
 * (`firedAt`), and whom it was addressed to. `next` is the cursor of the following page (`?before=`), null on the
 * last.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Alerts = Schema.Struct({
  asOf: EpochMillis,
  items: Schema.Array(SlaAlert.SlaAlert),
  next: Schema.NullOr(Schema.String)
}).annotate({ identifier: "Alerts" })

/**
 * @since 0.1.0
 * @category models
 */
export type Alerts = typeof Alerts.Type

/**
 * Who the caller is, as the API authenticated them.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Session = Schema.Struct({ actor: Actor.Actor }).annotate({ identifier: "Session" })

/**
 * @since 0.1.0
 * @category models
 */
export type Session = typeof Session.Type

// -------------------------------------------------------------------------------------------------------------------
// the console
// -------------------------------------------------------------------------------------------------------------------

/**
 * The views of the agents' console.
 *
 * @since 0.1.0
 * @category schemas
 */
export const View = Schema.Literals([
  "active",
  "mine",
  "unassigned",
  "open",
  "awaitingRequester",
  "onHold",
  "inMediation",
  "resolved",
  "refused",
  "closed",
  "all"
])

/**
 * A page of cases (a view of the console, or search results): the cases, the cursor of the next page (null at the
 * end), the case a tracking number named (`exact`), the tracking numbers a mistyped one may have meant
 * (`didYouMean`: the check character caught a mistyped character), and display names by id.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CasePage = Schema.Struct({
  items: Schema.Array(SupportCase.SupportCase),
  next: Schema.NullOr(Schema.String),
  exact: Schema.NullOr(SupportCase.SupportCase),
  didYouMean: Schema.Array(Schema.String),
  names: Schema.Record(Schema.String, Schema.String)
}).annotate({ identifier: "CasePage" })

/**
 * @since 0.1.0
 * @category models
 */
export type CasePage = typeof CasePage.Type

/**
 * How many cases each view holds, counted up to `cap` (a count equal to `cap` means "this many or more").
 *
 * @since 0.1.0
 * @category schemas
 */
export const ViewCounts = Schema.Struct({
  cap: Schema.Int,
  items: Schema.Array(Schema.Struct({ view: View, count: Schema.Int }))
}).annotate({ identifier: "ViewCounts" })

/**
 * The staff of the host's directory: who a case can be assigned to.
 *
 * @since 0.1.0
 * @category schemas
 */
export const People = Schema.Struct({ items: Schema.Array(Directory.Person) }).annotate({ identifier: "People" })

/**
 * One event of the live stream of the console (`GET /v1/desk/changes`): a case changed (its tracking number, status,
 * sequence and last update), or a heartbeat every few seconds (`asOf`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Change = Schema.Union([
  Schema.Struct({
    type: Schema.Literal("changed"),
    caseId: Schema.String,
    trackingNumber: Schema.String,
    status: SupportCase.Status,
    sequence: Schema.Int,
    updatedAt: EpochMillis,
    assigneeId: Schema.NullOr(Schema.String)
  }),
  Schema.Struct({ type: Schema.Literal("heartbeat"), asOf: EpochMillis })
]).annotate({ identifier: "Change" })

/**
 * @since 0.1.0
 * @category models
 */
export type Change = typeof Change.Type

/**
 * An SLA report (`Reports.SlaReport`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const SlaReport = Reports.SlaReport

/**
 * A closed case awaiting its quality review (clause 7.4), with the reasons it was selected.
 *
 * @since 0.1.0
 * @category schemas
 */
export const QualityReviews = Schema.Struct({
  items: Schema.Array(
    Schema.Struct({
      case: SupportCase.SupportCase,
      reasons: Schema.Array(CaseEvent.QualityReviewReason),
      selectedAt: EpochMillis
    })
  )
}).annotate({ identifier: "QualityReviews" })

// -------------------------------------------------------------------------------------------------------------------
// records: policy versions, erasure, satisfaction
// -------------------------------------------------------------------------------------------------------------------

const PublishedBy = Schema.Struct({ role: CaseEvent.ActorRole, id: Schema.String })

/**
 * A published version of the policy, without its document, and whether it is in force (clause 7.1).
 *
 * @since 0.1.0
 * @category schemas
 */
export const PolicyVersionSummary = Schema.Struct({
  id: Schema.String,
  version: Schema.String,
  title: Schema.String,
  effectiveDate: Schema.String,
  publishedAt: EpochMillis,
  publishedBy: PublishedBy,
  position: Schema.Int,
  inForce: Schema.Boolean
}).annotate({ identifier: "PolicyVersionSummary" })

/**
 * Every published version of the policy, in publication order (the last is in force).
 *
 * @since 0.1.0
 * @category schemas
 */
export const PolicyVersions = Schema.Struct({ items: Schema.Array(PolicyVersionSummary) }).annotate({
  identifier: "PolicyVersions"
})

/**
 * A published version of the policy: the document, when and by whom it was published, its place in publication order.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PublishedPolicy = Schema.Struct({
  policy: SupportPolicy.SupportPolicy,
  publishedAt: EpochMillis,
  publishedBy: PublishedBy,
  position: Schema.Int
}).annotate({ identifier: "PublishedPolicy" })

const CaseRef = Schema.Struct({ caseId: Schema.String, trackingNumber: Schema.String })

/**
 * The outcome of moving open cases to a version of the policy: the cases moved (from which version) and those left
 * where they were, with why.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PolicyMove = Schema.Struct({
  version: Schema.String,
  moved: Schema.Array(Schema.Struct({ ...CaseRef.fields, from: Schema.String })),
  skipped: Schema.Array(Schema.Struct({ trackingNumber: Schema.String, reason: Schema.String }))
}).annotate({ identifier: "PolicyMove" })

/**
 * The outcome of an erasure request (clause 7.4): the erasure's id, the cases anonymised and deleted, and those on a
 * legal hold, which wait until it is released.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ErasureReport = Schema.Struct({
  erasureId: Schema.String,
  anonymised: Schema.Array(CaseRef),
  deleted: Schema.Array(CaseRef),
  held: Schema.Array(CaseRef)
}).annotate({ identifier: "ErasureReport" })

/**
 * What a signed rating link opens: the case's tracking number, its satisfaction question as its requester sees it
 * (the rating given, or until when they may rate; null when its version of the policy asks none), and the instant it
 * was read.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RatingForm = Schema.Struct({
  trackingNumber: Schema.String,
  satisfaction: Schema.NullOr(Satisfaction),
  asOf: EpochMillis
}).annotate({ identifier: "RatingForm" })

/**
 * A rating given through a signed link: the case and the rating.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Rated = Schema.Struct({
  trackingNumber: Schema.String,
  rating: Schema.Int,
  ratedAt: EpochMillis
}).annotate({ identifier: "Rated" })

// -------------------------------------------------------------------------------------------------------------------
// email
// -------------------------------------------------------------------------------------------------------------------

/**
 * An outbox message with its delivery state, for administrators.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Delivery = Schema.Struct({
  message: Outbox.Message,
  status: Schema.Literals(["pending", "sent", "failed"]),
  attempts: Schema.Int,
  availableAt: EpochMillis,
  lastError: Schema.NullOr(Schema.String),
  sentAt: Schema.NullOr(EpochMillis)
}).annotate({ identifier: "Delivery" })

/**
 * Outbox messages with their delivery state.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Deliveries = Schema.Struct({ items: Schema.Array(Delivery) }).annotate({ identifier: "Deliveries" })

/**
 * Incoming mails as the email channel recorded them (what became of each), newest first.
 *
 * @since 0.1.0
 * @category schemas
 */
export const InboundMails = Schema.Struct({ items: Schema.Array(Mailbox.InboundMail) }).annotate({
  identifier: "InboundMails"
})

/**
 * An incoming mail with its full original, base64 (the bytes as received).
 *
 * @since 0.1.0
 * @category schemas
 */
export const InboundOriginal = Schema.Struct({ mail: Mailbox.InboundMail, originalBase64: Schema.String }).annotate({
  identifier: "InboundOriginal"
})

/**
 * The addresses that bounced, most recent first.
 *
 * @since 0.1.0
 * @category schemas
 */
export const FailingAddresses = Schema.Struct({ items: Schema.Array(Mailbox.FailingAddress) }).annotate({
  identifier: "FailingAddresses"
})
