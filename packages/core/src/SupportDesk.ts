/**
 * The support desk: the service a host calls to run every process of its support policy.
 *
 * - **Submit** (clauses 2.2–2.4, 6.4): decodes and validates a request, refuses channels that do not open cases,
 *   takes a request through a channel that is closed now (live chat outside the hours of 2.1) as one through an
 *   always-open channel, triages it (priority and routing, e.g. to the requester's account manager), applies the
 *   abuse rate limits (7.3), issues a tracking number, writes the first events of the handling record, plans the SLA
 *   and queues an acknowledgment that states the tracking number and the reply-by time, all in one unit of work.
 * - **Actions** of agents, account managers and requesters: reply, progress update (6.2), request information and
 *   the requester's answer, change priority, assign, escalate to the account manager (2.4), verification hold and
 *   outcome (7.2), resolve or explain (6.3), refuse with a reason code (7.3), reopen within the policy's window, close.
 *   Each is authorized (`Authorization`), checked against the case's state (`CaseLifecycle`), appended with the
 *   sequence number it read (re-read and retried on a conflict), and queues its notifications with its events.
 * - **Mediation** of disputes (4.5), **incidents and announcements** (6.5), and **reading** a case with its record
 *   and live SLA clocks, or the agents' queue by earliest due clock.
 *
 * Time comes from Effect's `Clock` and randomness from `Randomness`, so a test controls both.
 *
 * @since 0.1.0
 */
import { Clock, Context, Effect, Exit, Layer, Option, Schema } from "effect"
import * as Actor from "./Actor.ts"
import * as Authorization from "./Authorization.ts"
import * as BusinessCalendar from "./BusinessCalendar.ts"
import * as CaseEvent from "./CaseEvent.ts"
import * as CaseLifecycle from "./CaseLifecycle.ts"
import * as FieldProblem from "./FieldProblem.ts"
import {
  CaseNotFound,
  CaseStore,
  type CaseStoreFailure,
  type IdempotencyConflict,
  type OpeningLimit,
  type OpeningLimitReached,
  type Page,
  type QueueQuery,
  type SequenceConflict,
  type StatusQuery
} from "./CaseStore.ts"
import * as Incident from "./Incident.ts"
import { fingerprint, formatInstant } from "./internal/deskText.ts"
import * as MemoryStorage from "./MemoryStorage.ts"
import type * as Outbox from "./Outbox.ts"
import * as Randomness from "./Randomness.ts"
import * as Sla from "./Sla.ts"
import type * as SupportCase from "./SupportCase.ts"
import * as SupportPolicy from "./SupportPolicy.ts"
import * as TrackingNumber from "./TrackingNumber.ts"

// -------------------------------------------------------------------------------------------------------------------
// inputs
// -------------------------------------------------------------------------------------------------------------------

const text = (what: string, max: number) =>
  Schema.String.check(
    Schema.makeFilter((s: string) => (s.trim().length > 0 ? undefined : `expected ${what}, got a blank text`)),
    Schema.isMaxLength(max, { message: `expected ${what} of at most ${max} characters` })
  )

const Body = text("a message", 20_000)
const Reason = text("a reason", 2_000)

/**
 * A language tag (BCP 47 shape): `"en"`, `"zh-Hant-HK"`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Language = Schema.String.check(
  Schema.isPattern(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, {
    message: 'expected a language tag such as "en" or "zh-HK"'
  })
)

/**
 * A request for support, as a host hands it to {@link SupportDesk} (`submit`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const SubmitInput = Schema.Struct({
  requester: Actor.RequesterProfile,
  channel: CaseEvent.Id,
  category: CaseEvent.Id,
  subject: text("a subject", 200),
  description: Body,
  orderReference: Schema.optionalKey(text("an order reference", 100)),
  language: Language,
  /** Retrying a submission with the same key (same requester, same request) returns the case created first. */
  idempotencyKey: Schema.optionalKey(text("an idempotency key", 200))
})

/**
 * @since 0.1.0
 * @category models
 */
export type SubmitInput = typeof SubmitInput.Encoded

/**
 * A buyer's request for platform mediation of a dispute on an order, against a supplier (clause 4.5). The category
 * defaults to the policy's first mediation category.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OpenMediationInput = Schema.Struct({
  ...SubmitInput.fields,
  category: Schema.optionalKey(CaseEvent.Id),
  orderReference: text("an order reference", 100),
  counterpartyId: CaseEvent.Id
})

/**
 * @since 0.1.0
 * @category models
 */
export type OpenMediationInput = typeof OpenMediationInput.Encoded

/**
 * A message to the case: a reply, a progress update, a request for information, an answer, a statement, a note.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MessageInput = Schema.Struct({ body: Body })

/**
 * @since 0.1.0
 * @category models
 */
export type MessageInput = typeof MessageInput.Encoded

/**
 * An explanation instead of a fix (clause 6.3).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ExplainInput = Schema.Struct({ body: Body, reason: Schema.optionalKey(Reason) })

/**
 * @since 0.1.0
 * @category models
 */
export type ExplainInput = typeof ExplainInput.Encoded

/**
 * A new priority (an id of the policy's priorities).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChangePriorityInput = Schema.Struct({ priority: CaseEvent.Id, reason: Schema.optionalKey(Reason) })

/**
 * @since 0.1.0
 * @category models
 */
export type ChangePriorityInput = typeof ChangePriorityInput.Encoded

/**
 * Whom to assign the case to.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AssignInput = Schema.Struct({ to: CaseEvent.Assignee })

/**
 * @since 0.1.0
 * @category models
 */
export type AssignInput = typeof AssignInput.Encoded

/**
 * Why, optionally: for escalations, verification holds, reopenings and closures.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ReasonInput = Schema.Struct({ reason: Schema.optionalKey(Reason) })

/**
 * @since 0.1.0
 * @category models
 */
export type ReasonInput = typeof ReasonInput.Encoded

/**
 * A quality review of a closed case (clause 7.4): a rating from 1 (poor) to 5 (excellent), and a note.
 *
 * @since 0.1.0
 * @category schemas
 */
export const QualityReviewInput = Schema.Struct({
  rating: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 5 })),
  note: Schema.optionalKey(Reason)
})

/**
 * @since 0.1.0
 * @category models
 */
export type QualityReviewInput = typeof QualityReviewInput.Encoded

/**
 * A closed case awaiting its quality review, with the reasons it was selected (clause 7.4).
 *
 * @since 0.1.0
 * @category models
 */
export interface PendingQualityReview {
  readonly case: SupportCase.SupportCase
  readonly reasons: ReadonlyArray<CaseEvent.QualityReviewReason>
  /** When the case was selected (as it closed). */
  readonly selectedAt: number
}

/**
 * The outcome of a verification (clause 7.2). A rejection explains the case to the requester: `explanation` is
 * required then.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ConcludeVerificationInput = Schema.Struct({
  outcome: Schema.Literals(["verified", "rejected"]),
  note: Schema.optionalKey(Reason),
  explanation: Schema.optionalKey(Body)
})

/**
 * @since 0.1.0
 * @category models
 */
export type ConcludeVerificationInput = typeof ConcludeVerificationInput.Encoded

/**
 * A refusal (clause 7.3): a reason code of the policy, and optionally a message to the requester.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RefuseInput = Schema.Struct({ reason: CaseEvent.Id, body: Schema.optionalKey(Body) })

/**
 * @since 0.1.0
 * @category models
 */
export type RefuseInput = typeof RefuseInput.Encoded

/**
 * A request for mediation on an existing case (clause 4.5).
 *
 * @since 0.1.0
 * @category schemas
 */
export const RequestMediationInput = Schema.Struct({ counterpartyId: CaseEvent.Id, statement: Body })

/**
 * @since 0.1.0
 * @category models
 */
export type RequestMediationInput = typeof RequestMediationInput.Encoded

/**
 * The mediator's outcome (clause 4.5). A settlement resolves the case; otherwise the outcome explains it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MediationOutcomeInput = Schema.Struct({
  outcome: Schema.Literals(["settled", "notSettled", "withdrawn"]),
  body: Body
})

/**
 * @since 0.1.0
 * @category models
 */
export type MediationOutcomeInput = typeof MediationOutcomeInput.Encoded

const AnnouncementText = Schema.Struct({ title: Schema.optionalKey(text("a title", 200)), body: Body })

/**
 * A system-wide incident (clause 6.5), optionally with the text of its first announcement (the title and
 * description are announced when it is absent and the policy announces incidents).
 *
 * @since 0.1.0
 * @category schemas
 */
export const DeclareIncidentInput = Schema.Struct({
  title: text("a title", 200),
  description: Body,
  announcement: Schema.optionalKey(AnnouncementText)
})

/**
 * @since 0.1.0
 * @category models
 */
export type DeclareIncidentInput = typeof DeclareIncidentInput.Encoded

/**
 * A change to an active incident: its status (resolution is `resolveIncident`), its description, and optionally a
 * new announcement.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UpdateIncidentInput = Schema.Struct({
  status: Schema.optionalKey(Schema.Literals(["investigating", "identified", "monitoring"])),
  description: Schema.optionalKey(Body),
  announcement: Schema.optionalKey(AnnouncementText)
})

/**
 * @since 0.1.0
 * @category models
 */
export type UpdateIncidentInput = typeof UpdateIncidentInput.Encoded

/**
 * The resolution of an incident, with a note for the notifications of linked requesters.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ResolveIncidentInput = Schema.Struct({ note: Schema.optionalKey(Body) })

/**
 * @since 0.1.0
 * @category models
 */
export type ResolveIncidentInput = typeof ResolveIncidentInput.Encoded

/**
 * A public announcement, for an incident or on its own.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AnnouncementInput = Schema.Struct({
  incidentId: Schema.optionalKey(CaseEvent.Id),
  title: text("a title", 200),
  body: Body,
  expiresAt: Schema.optionalKey(CaseEvent.EpochMillis)
})

/**
 * @since 0.1.0
 * @category models
 */
export type AnnouncementInput = typeof AnnouncementInput.Encoded

/**
 * A change to an announcement.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UpdateAnnouncementInput = Schema.Struct({
  title: Schema.optionalKey(text("a title", 200)),
  body: Schema.optionalKey(Body),
  expiresAt: Schema.optionalKey(Schema.NullOr(CaseEvent.EpochMillis))
})

/**
 * @since 0.1.0
 * @category models
 */
export type UpdateAnnouncementInput = typeof UpdateAnnouncementInput.Encoded

// -------------------------------------------------------------------------------------------------------------------
// errors
// -------------------------------------------------------------------------------------------------------------------

/**
 * One problem with an input: the path of the field (`"requester.audience"`) and what is wrong with it.
 *
 * @since 0.1.0
 * @category models
 */
export const InputProblem = FieldProblem.FieldProblem

/**
 * An input was refused; `problems` names every bad field.
 *
 * @since 0.1.0
 * @category errors
 */
export class InputInvalid extends Schema.TaggedError<InputInvalid>()("InputInvalid", {
  message: Schema.String,
  problems: Schema.Array(InputProblem)
}) {}

/**
 * The channel does not take this request: it does not open cases (the self-help centre, clause 2.3), it is not
 * offered to the requester's audience or flags (the account-manager channel, 2.4), or it is closed and no
 * always-open channel can take the request instead.
 *
 * @since 0.1.0
 * @category errors
 */
export class ChannelNotAccepted extends Schema.TaggedError<ChannelNotAccepted>()("ChannelNotAccepted", {
  channel: Schema.String,
  reason: Schema.Literals(["doesNotOpenCases", "audience", "requesterFlags", "closed"]),
  message: Schema.String
}) {}

/**
 * A requester went over a rate limit of the policy (clause 7.3): the request is not taken and the requester is
 * due for review.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimitExceeded extends Schema.TaggedError<RateLimitExceeded>()("RateLimitExceeded", {
  requesterId: Schema.String,
  limitId: Schema.String,
  measure: Schema.Literals(["casesOpened", "messagesSent"]),
  limit: Schema.Int,
  windowHours: Schema.Finite,
  count: Schema.Int,
  message: Schema.String
}) {}

/**
 * The actor may see the case but not do this to it.
 *
 * @since 0.1.0
 * @category errors
 */
export class ActionForbidden extends Schema.TaggedError<ActionForbidden>()("ActionForbidden", {
  action: Schema.String,
  actorRole: Schema.String,
  actorId: Schema.String,
  caseId: Schema.NullOr(Schema.String),
  message: Schema.String
}) {}

/**
 * The case's state does not allow the action (e.g. resolving a closed case). Nothing was written.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransitionNotAllowed extends Schema.TaggedError<TransitionNotAllowed>()("TransitionNotAllowed", {
  caseId: Schema.String,
  trackingNumber: Schema.String,
  status: Schema.String,
  action: Schema.String,
  message: Schema.String
}) {}

/**
 * The requester asked to reopen a case after the policy's window (counted in business days from its answer).
 *
 * @since 0.1.0
 * @category errors
 */
export class ReopenWindowClosed extends Schema.TaggedError<ReopenWindowClosed>()("ReopenWindowClosed", {
  caseId: Schema.String,
  answeredAt: CaseEvent.EpochMillis,
  windowEndedAt: CaseEvent.EpochMillis,
  message: Schema.String
}) {}

/**
 * The case cannot be escalated to an account manager: the requester has none (clause 2.4).
 *
 * @since 0.1.0
 * @category errors
 */
export class AccountManagerMissing extends Schema.TaggedError<AccountManagerMissing>()("AccountManagerMissing", {
  caseId: Schema.String,
  message: Schema.String
}) {}

/**
 * The policy does not hold cases of this category for verification (clause 7.2).
 *
 * @since 0.1.0
 * @category errors
 */
export class VerificationNotApplicable extends Schema.TaggedError<VerificationNotApplicable>()(
  "VerificationNotApplicable",
  { caseId: Schema.String, category: Schema.String, message: Schema.String }
) {}

/**
 * The policy does not offer mediation here (clause 4.5): not to this audience, or not for this category.
 *
 * @since 0.1.0
 * @category errors
 */
export class MediationNotAvailable extends Schema.TaggedError<MediationNotAvailable>()("MediationNotAvailable", {
  reason: Schema.Literals(["audience", "category", "counterparty"]),
  message: Schema.String
}) {}

/**
 * The incident is resolved: it takes no more links or updates.
 *
 * @since 0.1.0
 * @category errors
 */
export class IncidentAlreadyResolved extends Schema.TaggedError<IncidentAlreadyResolved>()("IncidentAlreadyResolved", {
  incidentId: Schema.String,
  message: Schema.String
}) {}

/**
 * The announcement does not exist.
 *
 * @since 0.1.0
 * @category errors
 */
export class AnnouncementNotFound extends Schema.TaggedError<AnnouncementNotFound>()("AnnouncementNotFound", {
  announcementId: Schema.String
}) {}

/**
 * The errors of an action on a case that every action may fail with. `SequenceConflict` remains only when the case
 * kept changing through every retry.
 *
 * @since 0.1.0
 * @category errors
 */
export type ActionError =
  | InputInvalid
  | CaseNotFound
  | ActionForbidden
  | TransitionNotAllowed
  | SequenceConflict
  | CaseStoreFailure

// -------------------------------------------------------------------------------------------------------------------
// views
// -------------------------------------------------------------------------------------------------------------------

/**
 * One party of a mediation and their clock: how many statements they posted, when the desk started waiting for
 * them (a request for information to the requester, the contact of the counterparty) and the business time waited.
 *
 * @since 0.1.0
 * @category models
 */
export interface PartyClock {
  readonly partyId: string
  readonly side: "requester" | "counterparty"
  readonly statements: number
  readonly lastStatementAt: number | null
  readonly awaitingSince: number | null
  readonly waitedBusinessMs: number
}

/**
 * The mediation of a case (clause 4.5).
 *
 * @since 0.1.0
 * @category models
 */
export interface MediationView {
  readonly counterpartyId: string
  readonly active: boolean
  readonly outcome: "settled" | "notSettled" | "withdrawn" | null
  readonly parties: ReadonlyArray<PartyClock>
}

/**
 * A case as an actor may read it: its state, the part of its handling record they may see, its SLA clocks
 * evaluated at `asOf`, until when the requester may reopen it, and its mediation.
 *
 * @since 0.1.0
 * @category models
 */
export interface CaseView {
  readonly case: SupportCase.SupportCase
  readonly events: CaseEvent.Record
  readonly sla: Sla.Evaluation
  readonly asOf: number
  /** While the case is resolved or explained: the last instant the requester may reopen it (epoch ms). */
  readonly reopenableUntil: number | null
  readonly mediation: MediationView | null
}

/**
 * The outcome of a submission.
 *
 * @since 0.1.0
 * @category models
 */
export interface Submission {
  /** False when an idempotency key replayed an earlier submission (nothing new was written). */
  readonly created: boolean
  readonly view: CaseView
  /** The targets that apply from intake (`Sla.plan`). */
  readonly plan: ReadonlyArray<Sla.PlannedTarget>
  /** The first-response due instant told to the requester, if a first-response rule applies (epoch ms). */
  readonly replyBy: number | null
  /** The channel asked for, the channel that took the request, and when the desk next opens if it is closed now. */
  readonly channel: { readonly requested: string; readonly taken: string; readonly nextOpening: number | null }
  /** The acknowledgment queued in the outbox with the case (null on a replay). */
  readonly acknowledgment: Outbox.Message | null
}

/**
 * The outcome of resolving an incident: the incident, and the cases unlinked (each requester notified).
 *
 * @since 0.1.0
 * @category models
 */
export interface IncidentResolution {
  readonly incident: Incident.Incident
  readonly notifiedCaseIds: ReadonlyArray<string>
}

// -------------------------------------------------------------------------------------------------------------------
// service
// -------------------------------------------------------------------------------------------------------------------

/**
 * Options of `SupportDesk.closeIdle`.
 *
 * @since 0.1.0
 * @category models
 */
export interface CloseIdleOptions {
  /** How many cases are read from the store at a time (default 100). */
  readonly batchSize?: number | undefined
}

type Act<I, E = never> = (actor: Actor.Actor, ref: string, input: I) => Effect.Effect<CaseView, ActionError | E>

/**
 * What a submission can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type SubmitError = InputInvalid | ChannelNotAccepted | RateLimitExceeded | IdempotencyConflict | CaseStoreFailure

type IncidentError = InputInvalid | ActionForbidden | Incident.IncidentNotFound | Incident.IncidentStoreFailure

/**
 * The shape of the {@link SupportDesk} service. Cases are referred to by tracking number (as a person types it) or
 * by id.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The policy the desk runs. */
  readonly policy: SupportPolicy.SupportPolicy
  /** Takes a request for support (clauses 2.2–2.4, 6.4). */
  readonly submit: (input: SubmitInput) => Effect.Effect<Submission, SubmitError>
  /** A buyer asks the platform to mediate a dispute on an order with a supplier (clause 4.5). */
  readonly openMediation: (input: OpenMediationInput) => Effect.Effect<Submission, SubmitError | MediationNotAvailable>

  /** A case with its record and live clocks, as the actor may see it. */
  readonly getCase: (actor: Actor.Actor, ref: string) => Effect.Effect<CaseView, CaseNotFound | CaseStoreFailure>
  /** A requester's cases (as requester or party), newest first; staff get their queue. */
  readonly listCases: (
    actor: Actor.Actor,
    page?: Page
  ) => Effect.Effect<ReadonlyArray<SupportCase.SupportCase>, CaseStoreFailure>
  /** The agents' queue: cases with a running clock, earliest due first. Account managers see their own. */
  readonly queue: (
    actor: Actor.Actor,
    query?: Partial<QueueQuery>
  ) => Effect.Effect<ReadonlyArray<SupportCase.SupportCase>, ActionForbidden | CaseStoreFailure>

  readonly reply: Act<MessageInput>
  readonly progressUpdate: Act<MessageInput>
  readonly requestInformation: Act<MessageInput>
  /** The requester writes to the case (answering a request for information). */
  readonly respond: Act<MessageInput, RateLimitExceeded>
  readonly changePriority: Act<ChangePriorityInput>
  readonly assign: Act<AssignInput>
  /** Escalates to the requester's dedicated account manager (clause 2.4). */
  readonly escalate: Act<ReasonInput, AccountManagerMissing>
  readonly holdForVerification: Act<ReasonInput, VerificationNotApplicable>
  readonly concludeVerification: Act<ConcludeVerificationInput>
  readonly resolve: Act<MessageInput>
  readonly explain: Act<ExplainInput>
  readonly refuse: Act<RefuseInput>
  readonly reopen: Act<ReasonInput, ReopenWindowClosed>
  readonly close: Act<ReasonInput>
  readonly addNote: Act<MessageInput>
  /**
   * The lifecycle sweep of clause 6.3, run by the host on a schedule as the `system` actor: closes the resolved and
   * explained cases last updated more than `lifecycle.closeResolvedAfterBusinessDays` business days ago, and the
   * cases awaiting the requester after `lifecycle.closeAwaitingRequesterAfterBusinessDays`, each with a `closed`
   * event and a notice to its requester. Returns the ids of the cases it closed. Idempotent and safe to run
   * concurrently: a case changed meanwhile (a sequence conflict) is skipped until the next run.
   */
  readonly closeIdle: (options?: CloseIdleOptions) => Effect.Effect<ReadonlyArray<string>, CaseStoreFailure>
  /**
   * A reviewer (an agent or an administrator) records the quality review of a closed case (clause 7.4): appends
   * `qualityReviewed`. Every case closing is selected for review or not as it closes (`qualityReviewSelected`).
   */
  readonly recordQualityReview: Act<QualityReviewInput>
  /** An administrator places a legal hold on a case: retention does not anonymise it until released (7.4). */
  readonly placeLegalHold: Act<ReasonInput>
  /** An administrator releases the legal hold on a case. Releasing a case not on hold writes nothing. */
  readonly releaseLegalHold: Act<ReasonInput>
  /**
   * The retention sweep (clause 7.4, `retention`), run by the host on a schedule as the `system` actor: anonymises
   * the closed cases last updated more than `retention.keepClosedCasesForDays` days ago, except those on a legal
   * hold when `retention.legalHoldSuspends`. Anonymising removes the requester's email and name from the case's
   * state and appends `anonymised`; the record's events (their bodies, the subject) and the outbox messages already
   * written are kept as they are. A policy whose `afterwards` is `delete` is anonymised too: the store deletes
   * nothing. Returns the ids of the cases it anonymised. Idempotent and safe to run concurrently.
   */
  readonly applyRetention: (options?: CloseIdleOptions) => Effect.Effect<ReadonlyArray<string>, CaseStoreFailure>
  /**
   * The closed cases selected for quality review and not reviewed since, oldest update first (agents and
   * administrators). It reads the records of closed cases one batch at a time until `limit` are found.
   */
  readonly qualityReviews: (
    actor: Actor.Actor,
    options: { readonly limit: number }
  ) => Effect.Effect<ReadonlyArray<PendingQualityReview>, ActionForbidden | CaseStoreFailure>

  readonly requestMediation: Act<RequestMediationInput, MediationNotAvailable>
  readonly postStatement: Act<MessageInput, RateLimitExceeded>
  readonly recordMediationOutcome: Act<MediationOutcomeInput>

  readonly declareIncident: (
    actor: Actor.Actor,
    input: DeclareIncidentInput
  ) => Effect.Effect<Incident.Incident, InputInvalid | ActionForbidden | Incident.IncidentStoreFailure>
  readonly updateIncident: (
    actor: Actor.Actor,
    incidentId: string,
    input: UpdateIncidentInput
  ) => Effect.Effect<Incident.Incident, IncidentError | IncidentAlreadyResolved | Incident.IncidentVersionConflict>
  /** Links a case to an active incident (appends `incidentLinked`; the policy's `incidents.hold` applies). */
  readonly linkCase: (
    actor: Actor.Actor,
    incidentId: string,
    ref: string
  ) => Effect.Effect<CaseView, ActionError | IncidentError | IncidentAlreadyResolved | Incident.IncidentVersionConflict>
  /** Resolves an incident: unlinks every linked case and notifies its requester. Safe to call again. */
  readonly resolveIncident: (
    actor: Actor.Actor,
    incidentId: string,
    input: ResolveIncidentInput
  ) => Effect.Effect<
    IncidentResolution,
    IncidentError | Incident.IncidentVersionConflict | SequenceConflict | CaseStoreFailure
  >
  readonly getIncident: (
    incidentId: string
  ) => Effect.Effect<Incident.Incident, Incident.IncidentNotFound | Incident.IncidentStoreFailure>
  readonly listIncidents: (options: {
    readonly activeOnly: boolean
    readonly limit: number
  }) => Effect.Effect<ReadonlyArray<Incident.Incident>, Incident.IncidentStoreFailure>
  readonly postAnnouncement: (
    actor: Actor.Actor,
    input: AnnouncementInput
  ) => Effect.Effect<Incident.Announcement, IncidentError>
  readonly updateAnnouncement: (
    actor: Actor.Actor,
    announcementId: string,
    input: UpdateAnnouncementInput
  ) => Effect.Effect<
    Incident.Announcement,
    InputInvalid | ActionForbidden | AnnouncementNotFound | Incident.IncidentStoreFailure
  >
  /** The announcements shown now (public). */
  readonly announcements: Effect.Effect<ReadonlyArray<Incident.Announcement>, Incident.IncidentStoreFailure>
}

/**
 * The support desk.
 *
 * @since 0.1.0
 * @category services
 */
export class SupportDesk extends Context.Service<SupportDesk, Service>()("@support-policy/core/SupportDesk") {}

// -------------------------------------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------------------------------------

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** An event before the desk numbers it; `actor` defaults to the acting actor. */
type Draft = DistributiveOmit<CaseEvent.CaseEvent, "sequence" | "at" | "actor"> & {
  readonly actor?: CaseEvent.Actor
}

type Recipient = Outbox.Message["recipient"]

interface Notice {
  readonly kind: Outbox.Kind
  readonly to: Recipient
  readonly subject: string
  readonly body: string
}

interface Step {
  readonly events: ReadonlyArray<Draft>
  readonly notices: ReadonlyArray<Notice>
}

const invalid = (problems: ReadonlyArray<{ readonly path: string; readonly message: string }>): InputInvalid =>
  new InputInvalid({
    message: `Invalid input: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`,
    problems
  })

const decoder = <S extends Schema.Codec<unknown, unknown>>(schema: S) => {
  const decode = Schema.decodeUnknownExit(schema as unknown as Schema.Codec<S["Type"], unknown>)
  return (input: unknown): Effect.Effect<S["Type"], InputInvalid> => {
    const exit = decode(input, { errors: "all", onExcessProperty: "error" })
    if (Exit.isSuccess(exit)) return Effect.succeed(exit.value)
    const found = Exit.findErrorOption(exit)
    const problems =
      found._tag === "Some" ? FieldProblem.fromIssue(found.value.issue) : [{ path: "(root)", message: "invalid input" }]
    return Effect.fail(invalid(problems))
  }
}

const decodeSubmit = decoder(SubmitInput)
const decodeOpenMediation = decoder(OpenMediationInput)
const decodeMessage = decoder(MessageInput)
const decodeExplain = decoder(ExplainInput)
const decodeChangePriority = decoder(ChangePriorityInput)
const decodeAssign = decoder(AssignInput)
const decodeReason = decoder(ReasonInput)
const decodeConcludeVerification = decoder(ConcludeVerificationInput)
const decodeQualityReview = decoder(QualityReviewInput)
const decodeRefuse = decoder(RefuseInput)
const decodeRequestMediation = decoder(RequestMediationInput)
const decodeMediationOutcome = decoder(MediationOutcomeInput)
const decodeDeclareIncident = decoder(DeclareIncidentInput)
const decodeUpdateIncident = decoder(UpdateIncidentInput)
const decodeResolveIncident = decoder(ResolveIncidentInput)
const decodeAnnouncement = decoder(AnnouncementInput)
const decodeUpdateAnnouncement = decoder(UpdateAnnouncementInput)

const channelAccepts = (channel: SupportPolicy.Channel, requester: Actor.RequesterProfile): boolean =>
  channel.opensCase &&
  (channel.audiences === undefined || channel.audiences.includes(requester.audience)) &&
  (channel.requesterFlags === undefined || channel.requesterFlags.every((f) => (requester.flags ?? []).includes(f)))

/**
 * Options of the desk.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * For channels available in business hours only: the channel a request through them is taken as while they are
   * closed, by channel id (e.g. `{ "live-chat": "online-form" }`), overriding the policy's `channels[].whenClosed`.
   * Channels named in neither fall back to the first
   * always-open channel of the policy that opens cases and accepts the requester (see {@link fallbackChannel}).
   */
  readonly whenClosed?: Readonly<Record<string, string>> | undefined
}

/**
 * The channel that takes a request made through `channel` while it is closed (clause 2.2: live chat is staffed in
 * the hours of 2.1; outside them a chat message is taken through an always-open channel): the channel named by
 * `options.whenClosed` if it is always open and accepts the requester, else the first always-open channel of the
 * policy that opens cases and accepts the requester.
 *
 * @since 0.1.0
 * @category combinators
 */
export const fallbackChannel = (
  policy: SupportPolicy.SupportPolicy,
  channel: SupportPolicy.Channel,
  requester: Actor.RequesterProfile,
  options?: Options
): SupportPolicy.Channel | undefined => {
  const named = options?.whenClosed?.[channel.id] ?? channel.whenClosed
  const preferred = named === undefined ? undefined : policy.channels.find((c) => c.id === named)
  if (preferred !== undefined && preferred.availability === "always" && channelAccepts(preferred, requester)) {
    return preferred
  }
  return policy.channels.find((c) => c.availability === "always" && channelAccepts(c, requester))
}

/**
 * The earliest due instant of the running (or breached, still open) clocks of an evaluation, or null: the order of
 * the agents' queue.
 *
 * @since 0.1.0
 * @category getters
 */
export const nextDueAt = (evaluation: Sla.Evaluation): number | null => {
  let min: number | null = null
  for (const clock of evaluation.clocks) {
    if (clock.outcome !== "open" || (clock.state !== "running" && clock.state !== "breached")) continue
    if (min === null || clock.dueAt < min) min = clock.dueAt
  }
  return min
}

const mediationOf = (
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

// -------------------------------------------------------------------------------------------------------------------
// constructor
// -------------------------------------------------------------------------------------------------------------------

const ACTION_RETRIES = 4
const TRACKING_NUMBER_DRAWS = 5

/**
 * Builds the support desk for a policy, on the stores in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.fnUntraced(function* (policy: SupportPolicy.SupportPolicy, options?: Options) {
  for (const [from, to] of Object.entries(options?.whenClosed ?? {})) {
    if (!policy.channels.some((c) => c.id === from) || !policy.channels.some((c) => c.id === to)) {
      return yield* Effect.die(
        new Error(`SupportDesk: options.whenClosed names an unknown channel ("${from}": "${to}")`)
      )
    }
  }
  const store = yield* CaseStore
  const incidents = yield* Incident.IncidentStore
  const randomness = yield* Randomness.Randomness
  const calendar = SupportPolicy.calendar(policy)
  const at = (ms: number) => formatInstant(policy, ms)

  const randomId = Randomness.id.pipe(Effect.provideService(Randomness.Randomness, randomness))
  const drawTrackingNumber = TrackingNumber.make(policy.tracking.prefix).pipe(
    Effect.provideService(Randomness.Randomness, randomness)
  )

  const priorityName = (id: string) => policy.priorities.find((p) => p.id === id)?.name ?? id

  const evaluate = (record: CaseEvent.Record, now: number) => Sla.evaluate(policy, record, now)

  const requesterOf = (c: SupportCase.SupportCase): Recipient => ({
    id: c.requester.id,
    role: "requester",
    language: c.language,
    ...(c.requester.email === undefined ? {} : { email: c.requester.email }),
    ...(c.requester.name === undefined ? {} : { name: c.requester.name })
  })
  const partyOf = (c: SupportCase.SupportCase, id: string): Recipient =>
    id === c.requester.id ? requesterOf(c) : { id, role: "requester", language: c.language }
  const staffOf = (c: SupportCase.SupportCase, role: CaseEvent.ActorRole, id: string): Recipient => ({
    id,
    role,
    language: c.language
  })
  const otherParties = (c: SupportCase.SupportCase, except: string | undefined) =>
    c.parties.filter((p) => p !== except && p !== c.requester.id)

  const reopenableUntil = (facts: CaseLifecycle.Facts): number | null =>
    (facts.status === "resolved" || facts.status === "explained") &&
    facts.answeredAt !== undefined &&
    policy.lifecycle.reopenWithinBusinessDays > 0
      ? BusinessCalendar.addBusinessDays(
          calendar,
          CaseEvent.instant({ at: facts.answeredAt }),
          policy.lifecycle.reopenWithinBusinessDays
        ).epochMilliseconds
      : null

  const viewOf = (actor: Actor.Actor, stored: SupportCase.WithRecord, now: number): CaseView => {
    const facts = CaseLifecycle.factsUnsafe(stored.events)
    return {
      case: stored.case,
      events: Authorization.visibleRecord(actor, stored.case, stored.events),
      sla: evaluate(stored.events, Math.max(now, stored.case.updatedAt)),
      asOf: now,
      reopenableUntil: reopenableUntil(facts),
      mediation: mediationOf(calendar, stored.events, facts, now)
    }
  }

  const makeMessage = (
    notice: Notice,
    supportCase: SupportCase.SupportCase,
    sequence: number | null,
    now: number
  ): Effect.Effect<Outbox.Message> =>
    Effect.map(randomId, (id) => ({
      id,
      kind: notice.kind,
      caseId: supportCase.id,
      trackingNumber: supportCase.trackingNumber,
      sequence,
      recipient: notice.to,
      subject: `[${supportCase.trackingNumber}] ${notice.subject}`,
      body: notice.body,
      createdAt: now
    }))

  const find = (ref: string) =>
    Effect.gen(function* () {
      const tracking = TrackingNumber.parse(policy.tracking.prefix, ref)
      if (Option.isSome(tracking)) {
        const byNumber = yield* store.getByTrackingNumber(tracking.value)
        if (Option.isSome(byNumber)) return byNumber
      }
      return yield* store.get(ref)
    })

  /** Loads a case for an action: a case the actor may not see is answered exactly like a missing one. */
  const load = (actor: Actor.Actor, ref: string, action: CaseLifecycle.Action) =>
    Effect.gen(function* () {
      const found = yield* find(ref)
      if (Option.isNone(found)) return yield* new CaseNotFound({ caseId: ref })
      const decision = Authorization.decide(actor, found.value.case, action)
      if (decision._tag === "Denied") {
        if (!decision.visible) return yield* new CaseNotFound({ caseId: ref })
        return yield* new ActionForbidden({
          action,
          actorRole: actor.role,
          actorId: actor.id,
          caseId: found.value.case.id,
          message: `${actor.role} ${actor.id} may not ${action} case ${found.value.case.trackingNumber}: ${decision.reason}`
        })
      }
      return found.value
    })

  const now = Clock.currentTimeMillis

  /**
   * Whether a case whose record (ending with its closing) is `record` is selected for quality review (clause 7.4),
   * and why: always when the record shows what the policy's `alwaysReview` lists, else at its `sampleRate` (one draw
   * from `Randomness`). An empty list: not selected.
   */
  const qualitySelection = (record: CaseEvent.Record, t: number) =>
    Effect.gen(function* () {
      const { alwaysReview, sampleRate } = policy.qualityReview
      const reasons: Array<CaseEvent.QualityReviewReason> = []
      if (alwaysReview.includes("breached") && evaluate(record, t).clocks.some((c) => c.state === "breached")) {
        reasons.push("breached")
      }
      if (alwaysReview.includes("refused") && record.some((e) => e.type === "refused")) reasons.push("refused")
      if (alwaysReview.includes("reopened") && record.some((e) => e.type === "reopened")) reasons.push("reopened")
      if (reasons.length === 0 && sampleRate > 0) {
        const bytes = yield* randomness.bytes(4)
        const draw = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0
        if (draw / 2 ** 32 < sampleRate) reasons.push("sampled")
      }
      return reasons
    })

  const commit = (stored: SupportCase.WithRecord, step: Step, actor: CaseEvent.Actor, t: number) =>
    Effect.gen(function* () {
      const base = stored.case.sequence
      const events = step.events.map(
        (draft, i) => ({ actor, ...draft, sequence: base + 1 + i, at: t }) as CaseEvent.CaseEvent
      )
      const lastSequence = events.length > 0 ? events[events.length - 1].sequence : null
      let record = [...stored.events, ...events]
      const fold = () =>
        CaseLifecycle.foldUnsafe(CaseLifecycle.identityOf(stored.case), record, nextDueAt(evaluate(record, t)))
      let next = fold()
      if (next.status === "closed" && stored.case.status !== "closed") {
        // clause 7.4: every closing (by any action or the idle sweep) decides the case's quality review
        const reasons = yield* qualitySelection(record, t)
        if (reasons.length > 0) {
          const selected: CaseEvent.CaseEvent = {
            type: "qualityReviewSelected",
            reasons,
            sequence: base + events.length + 1,
            at: t,
            actor: Actor.system
          }
          events.push(selected)
          record = [...record, selected]
          next = fold()
        }
      }
      const outbox = yield* Effect.forEach(step.notices, (n) => makeMessage(n, next, lastSequence, t))
      return yield* store.append({ caseId: stored.case.id, expectedSequence: base, events, case: next, outbox })
    })

  interface Ctx {
    readonly stored: SupportCase.WithRecord
    readonly case: SupportCase.SupportCase
    readonly facts: CaseLifecycle.Facts
    readonly now: number
  }

  /**
   * Runs an action: load and authorize, check the state, plan the events, append them with the sequence read.
   * A conflicting append re-runs the whole action on the fresh record.
   */
  const run = <E>(
    actor: Actor.Actor,
    ref: string,
    action: CaseLifecycle.Action,
    plan: (ctx: Ctx) => Effect.Effect<Step, E>
  ): Effect.Effect<CaseView, E | ActionError> =>
    Effect.gen(function* () {
      const stored = yield* load(actor, ref, action)
      const facts = CaseLifecycle.factsUnsafe(stored.events)
      if (!CaseLifecycle.isAllowed(facts.status, action)) {
        return yield* new TransitionNotAllowed({
          caseId: stored.case.id,
          trackingNumber: stored.case.trackingNumber,
          status: facts.status,
          action,
          message: `cannot ${action} case ${stored.case.trackingNumber} while it is ${facts.status}`
        })
      }
      const t = Math.max(yield* now, stored.case.updatedAt)
      const step = yield* plan({ stored, case: stored.case, facts, now: t })
      if (step.events.length === 0) return viewOf(actor, stored, t)
      const written = yield* commit(stored, step, Actor.toEventActor(actor), t)
      return viewOf(actor, written, t)
    }).pipe(Effect.retry({ times: ACTION_RETRIES, while: (e) => (e as { _tag?: string })._tag === "SequenceConflict" }))

  const step = (events: ReadonlyArray<Draft>, notices: ReadonlyArray<Notice> = []): Effect.Effect<Step> =>
    Effect.succeed({ events, notices })

  const checkMessageRate = (actor: Actor.Actor, record: CaseEvent.Record, t: number) =>
    Effect.gen(function* () {
      for (const limit of policy.refusal.rateLimits) {
        if (limit.measure !== "messagesSent") continue
        const since = t - limit.windowHours * 3_600_000
        let count = 0
        for (const e of record) {
          if (e.at >= since && e.actor.id === actor.id && e.actor.role === "requester") count++
        }
        if (count >= limit.limit) {
          return yield* new RateLimitExceeded({
            requesterId: actor.id,
            limitId: limit.id,
            measure: limit.measure,
            limit: limit.limit,
            windowHours: limit.windowHours,
            count,
            message:
              `requester ${actor.id} sent ${count} messages within ${limit.windowHours} h (limit ${limit.limit}); ` +
              `the requester is due for review (clause ${policy.refusal.clause})`
          })
        }
      }
    })

  // ---------------------------------------------------------------------------------------------------------------
  // submission
  // ---------------------------------------------------------------------------------------------------------------

  interface Intake {
    readonly requester: Actor.RequesterProfile
    readonly channel: string
    readonly category: string
    readonly subject: string
    readonly description: string
    readonly orderReference?: string | undefined
    readonly language: string
    readonly idempotencyKey?: string | undefined
  }

  const validateIntake = (input: Intake) =>
    Effect.gen(function* () {
      const problems: Array<{ path: string; message: string }> = []
      const audiences = policy.audiences.map((a) => a.id)
      if (!audiences.includes(input.requester.audience)) {
        problems.push({
          path: "requester.audience",
          message: `unknown audience "${input.requester.audience}"; expected one of ${audiences.join(", ")}`
        })
      }
      const flags = policy.requesterFlags.map((f) => f.id)
      ;(input.requester.flags ?? []).forEach((flag, i) => {
        if (!flags.includes(flag)) {
          problems.push({ path: `requester.flags[${i}]`, message: `unknown requester flag "${flag}"` })
        }
      })
      const category = policy.categories.find((c) => c.id === input.category)
      if (category === undefined) {
        problems.push({ path: "category", message: `unknown category "${input.category}"` })
      } else if (
        audiences.includes(input.requester.audience) &&
        !category.audiences.includes(input.requester.audience)
      ) {
        problems.push({
          path: "category",
          message:
            `category "${input.category}" is not offered to ${input.requester.audience}s ` +
            `(clause ${category.clause}: ${category.audiences.join(", ")} only)`
        })
      }
      const channel = policy.channels.find((c) => c.id === input.channel)
      if (channel === undefined) {
        problems.push({
          path: "channel",
          message: `unknown channel "${input.channel}"; expected one of ${policy.channels.map((c) => c.id).join(", ")}`
        })
      }
      if (problems.length > 0 || channel === undefined) return yield* invalid(problems)
      return channel
    })

  const chooseChannel = (channel: SupportPolicy.Channel, requester: Actor.RequesterProfile, t: number) =>
    Effect.gen(function* () {
      if (!channel.opensCase) {
        return yield* new ChannelNotAccepted({
          channel: channel.id,
          reason: "doesNotOpenCases",
          message:
            `${channel.name} does not open cases (clause ${channel.clause}); ` +
            `use one of ${policy.channels
              .filter((c) => c.opensCase)
              .map((c) => c.name)
              .join(", ")}`
        })
      }
      if (channel.audiences !== undefined && !channel.audiences.includes(requester.audience)) {
        return yield* new ChannelNotAccepted({
          channel: channel.id,
          reason: "audience",
          message: `${channel.name} is not offered to ${requester.audience}s (clause ${channel.clause})`
        })
      }
      if (
        channel.requesterFlags !== undefined &&
        !channel.requesterFlags.every((f) => (requester.flags ?? []).includes(f))
      ) {
        return yield* new ChannelNotAccepted({
          channel: channel.id,
          reason: "requesterFlags",
          message: `${channel.name} is only for requesters with ${channel.requesterFlags.join(", ")} (clause ${channel.clause})`
        })
      }
      const instant = CaseEvent.instant({ at: t })
      if (channel.availability === "always" || BusinessCalendar.isOpen(calendar, instant)) {
        return { taken: channel, nextOpening: null as number | null }
      }
      const nextOpening = BusinessCalendar.nextOpening(calendar, instant).epochMilliseconds
      const fallback = fallbackChannel(policy, channel, requester, options)
      if (fallback === undefined) {
        return yield* new ChannelNotAccepted({
          channel: channel.id,
          reason: "closed",
          message: `${channel.name} is closed until ${at(nextOpening)} and no always-open channel takes the request`
        })
      }
      return { taken: fallback, nextOpening }
    })

  /** The policy's case-opening rate limits (clause 7.3), checked by the store in the same write as the case. */
  const openingLimits = (t: number): ReadonlyArray<OpeningLimit> =>
    policy.refusal.rateLimits
      .filter((limit) => limit.measure === "casesOpened")
      .map((limit) => ({ id: limit.id, since: t - limit.windowHours * 3_600_000, max: limit.limit }))

  const openingLimitExceeded = (requesterId: string, reached: OpeningLimitReached) => {
    const limit = policy.refusal.rateLimits.find((l) => l.id === reached.limitId)!
    return new RateLimitExceeded({
      requesterId,
      limitId: limit.id,
      measure: limit.measure,
      limit: limit.limit,
      windowHours: limit.windowHours,
      count: reached.count,
      message:
        `requester ${requesterId} opened ${reached.count} cases within ${limit.windowHours} h ` +
        `(limit ${limit.limit}); the requester is due for review (clause ${policy.refusal.clause})`
    })
  }

  const acknowledgmentText = (
    input: Intake,
    trackingNumber: string,
    plan: ReadonlyArray<Sla.PlannedTarget>,
    requested: SupportPolicy.Channel,
    taken: SupportPolicy.Channel,
    nextOpening: number | null
  ): string => {
    const lines: Array<string> = [
      `Dear ${input.requester.name ?? "customer"},`,
      "",
      `We have received your request "${input.subject}". Your tracking number is ${trackingNumber}; ` +
        "please quote it whenever you contact us about this request."
    ]
    if (requested.id !== taken.id && nextOpening !== null) {
      lines.push(
        `${requested.name} is staffed during our service hours only; your message was taken as a request through ` +
          `${taken.name}. Our team is back at ${at(nextOpening)}.`
      )
    }
    for (const target of plan) {
      const due = at(target.due.epochMilliseconds)
      switch (target.metric) {
        case "firstResponse":
          lines.push(`We will reply by ${due} (clause ${target.clause}).`)
          break
        case "progressUpdate":
          lines.push(
            `As a priority issue, you will get a progress update by ${due} and then at least every ` +
              `${Sla.formatTarget(target.target)} until it is resolved (clause ${target.clause}).`
          )
          break
        case "resolution":
          lines.push(`Your request will be resolved or explained by ${due} (clause ${target.clause}).`)
          break
      }
    }
    return lines.join("\n")
  }

  const openCase = (
    input: Intake,
    mediation: { readonly counterpartyId: string } | undefined
  ): Effect.Effect<Submission, SubmitError> =>
    Effect.gen(function* () {
      const requested = yield* validateIntake(input)
      const t = yield* now
      const { nextOpening, taken } = yield* chooseChannel(requested, input.requester, t)

      const flags = input.requester.flags ?? []
      const triage = SupportPolicy.triage(policy, {
        category: input.category,
        channel: taken.id,
        audience: input.requester.audience,
        requesterFlags: flags
      })
      const assignee: CaseEvent.Assignee =
        triage.routeTo.role === "accountManager"
          ? input.requester.accountManagerId === undefined
            ? { role: "agent" }
            : { role: "accountManager", id: input.requester.accountManagerId }
          : triage.routeTo.queue === undefined
            ? { role: "agent" }
            : { role: "agent", queue: triage.routeTo.queue }

      const receivedAt = CaseEvent.instant({ at: t })
      const plan = Sla.plan(policy, {
        receivedAt,
        priority: triage.priority,
        category: input.category,
        channel: taken.id,
        audience: input.requester.audience,
        requesterFlags: flags
      })
      const replyBy = plan.find((p) => p.metric === "firstResponse")?.due.epochMilliseconds ?? null

      const requesterActor: CaseEvent.Actor = { role: "requester", id: input.requester.id }
      const events: Array<CaseEvent.CaseEvent> = [
        {
          sequence: 1,
          at: t,
          actor: requesterActor,
          type: "submitted",
          channel: taken.id,
          category: input.category,
          priority: triage.priority,
          audience: input.requester.audience,
          requester: { id: input.requester.id, flags },
          subject: input.subject,
          body: input.description
        },
        { sequence: 2, at: t, actor: Actor.system, type: "assigned", to: assignee }
      ]
      if (mediation !== undefined) {
        events.push(
          {
            sequence: 3,
            at: t,
            actor: requesterActor,
            type: "mediationRequested",
            counterpartyId: mediation.counterpartyId,
            body: input.description
          },
          {
            sequence: 4,
            at: t,
            actor: Actor.system,
            type: "counterpartyContacted",
            counterpartyId: mediation.counterpartyId
          }
        )
      }
      const requester: SupportCase.Requester = {
        id: input.requester.id,
        audience: input.requester.audience,
        flags,
        ...(input.requester.accountManagerId === undefined
          ? {}
          : { accountManagerId: input.requester.accountManagerId }),
        ...(input.requester.email === undefined ? {} : { email: input.requester.email }),
        ...(input.requester.name === undefined ? {} : { name: input.requester.name })
      }
      const idempotency =
        input.idempotencyKey === undefined
          ? undefined
          : {
              key: input.idempotencyKey,
              fingerprint: fingerprint({ ...input, idempotencyKey: undefined, mediation })
            }
      const due = nextDueAt(evaluate(events, t))

      for (let draw = 1; ; draw++) {
        const id = yield* randomId
        const trackingNumber = yield* drawTrackingNumber
        const supportCase = CaseLifecycle.foldUnsafe(
          {
            id,
            trackingNumber,
            policyId: policy.id,
            policyVersion: policy.version,
            requester,
            language: input.language,
            orderReference: input.orderReference
          },
          events,
          due
        )
        const notices: Array<Notice> = [
          {
            kind: "acknowledgment",
            to: requesterOf(supportCase),
            subject: `We have received your request: ${input.subject}`,
            body: acknowledgmentText(input, trackingNumber, plan, requested, taken, nextOpening)
          }
        ]
        if (mediation !== undefined) {
          notices.push({
            kind: "mediationUpdate",
            to: partyOf(supportCase, mediation.counterpartyId),
            subject: "A buyer asked the platform to mediate a dispute",
            body:
              `A buyer asked the platform to mediate a dispute about order ${input.orderReference ?? ""} ` +
              `(clause ${policy.mediation.clause}). Please post your statement under tracking number ${trackingNumber}.`
          })
        }
        const outbox = yield* Effect.forEach(notices, (n) => makeMessage(n, supportCase, 1, t))
        const result = yield* store
          .create({ case: supportCase, events, outbox, idempotency, openingLimits: openingLimits(t) })
          .pipe(
            Effect.map(Option.some),
            Effect.catchTag("TrackingNumberTaken", (e) =>
              draw < TRACKING_NUMBER_DRAWS ? Effect.succeed(Option.none()) : Effect.die(e)
            ),
            Effect.catchTag("OpeningLimitReached", (reached) =>
              Effect.fail(openingLimitExceeded(input.requester.id, reached))
            )
          )
        if (Option.isNone(result)) continue
        const created = result.value
        const stored = created.stored
        const requesterView: Actor.Actor = { role: "requester", ...input.requester }
        if (!created.created) {
          const submitted = stored.events[0] as CaseEvent.Of<"submitted">
          const replayPlan = Sla.plan(policy, {
            receivedAt: CaseEvent.instant(submitted),
            priority: submitted.priority,
            category: submitted.category,
            channel: submitted.channel,
            audience: submitted.audience,
            requesterFlags: submitted.requester.flags
          })
          return {
            created: false,
            view: viewOf(requesterView, stored, t),
            plan: replayPlan,
            replyBy: replayPlan.find((p) => p.metric === "firstResponse")?.due.epochMilliseconds ?? null,
            channel: { requested: requested.id, taken: submitted.channel, nextOpening: null },
            acknowledgment: null
          }
        }
        return {
          created: true,
          view: viewOf(requesterView, stored, t),
          plan,
          replyBy,
          channel: { requested: requested.id, taken: taken.id, nextOpening },
          acknowledgment: outbox[0]
        }
      }
    })

  const submit = Effect.fn("SupportDesk.submit")(function* (input: SubmitInput) {
    const decoded = yield* decodeSubmit(input)
    return yield* openCase(decoded, undefined)
  })

  const mediationAvailable = (audience: string, category: string) =>
    Effect.gen(function* () {
      if (!policy.mediation.audiences.includes(audience)) {
        return yield* new MediationNotAvailable({
          reason: "audience",
          message:
            `platform mediation is offered to ${policy.mediation.audiences.join(", ")} only ` +
            `(clause ${policy.mediation.clause})`
        })
      }
      if (!policy.mediation.categories.includes(category)) {
        return yield* new MediationNotAvailable({
          reason: "category",
          message:
            `category "${category}" is not mediated; mediation categories: ` +
            `${policy.mediation.categories.join(", ")} (clause ${policy.mediation.clause})`
        })
      }
    })

  const openMediation = Effect.fn("SupportDesk.openMediation")(function* (input: OpenMediationInput) {
    const decoded = yield* decodeOpenMediation(input)
    const category = decoded.category ?? policy.mediation.categories[0]
    if (category === undefined) {
      return yield* new MediationNotAvailable({ reason: "category", message: "the policy mediates no category" })
    }
    yield* mediationAvailable(decoded.requester.audience, category)
    if (decoded.counterpartyId === decoded.requester.id) {
      return yield* new MediationNotAvailable({
        reason: "counterparty",
        message: "the counterparty of a mediation is another person than the requester"
      })
    }
    const { counterpartyId, ...intake } = decoded
    return yield* openCase({ ...intake, category }, { counterpartyId })
  })

  // ---------------------------------------------------------------------------------------------------------------
  // reading
  // ---------------------------------------------------------------------------------------------------------------

  const getCase = Effect.fn("SupportDesk.getCase")(function* (actor: Actor.Actor, ref: string) {
    const found = yield* find(ref)
    if (Option.isNone(found) || Authorization.decide(actor, found.value.case, "view")._tag !== "Allowed") {
      return yield* new CaseNotFound({ caseId: ref })
    }
    return viewOf(actor, found.value, yield* now)
  })

  const queue = Effect.fn("SupportDesk.queue")(function* (actor: Actor.Actor, query?: Partial<QueueQuery>) {
    const decision = Authorization.decideDesk(actor, "viewQueue")
    if (decision._tag === "Denied") {
      return yield* new ActionForbidden({
        action: "viewQueue",
        actorRole: actor.role,
        actorId: actor.id,
        caseId: null,
        message: decision.reason
      })
    }
    return yield* store.queue({
      ...query,
      limit: query?.limit ?? 50,
      ...(actor.role === "accountManager" ? { assigneeId: actor.id } : {})
    })
  })

  const listCases = Effect.fn("SupportDesk.listCases")(function* (actor: Actor.Actor, page?: Page) {
    const p = page ?? { limit: 50 }
    switch (actor.role) {
      case "requester":
        return yield* store.listByParty(actor.id, p)
      case "accountManager":
        return yield* store.queue({ limit: p.limit, assigneeId: actor.id })
      default:
        return yield* store.queue({ limit: p.limit })
    }
  })

  // ---------------------------------------------------------------------------------------------------------------
  // actions
  // ---------------------------------------------------------------------------------------------------------------

  const answerNotices = (c: SupportCase.SupportCase, kind: Outbox.Kind, subject: string, body: string) => {
    const notices: Array<Notice> = [{ kind, to: requesterOf(c), subject, body }]
    for (const party of otherParties(c, undefined)) {
      notices.push({ kind: "mediationUpdate", to: partyOf(c, party), subject, body })
    }
    return notices
  }

  const reopenNote = (t: number) =>
    policy.lifecycle.reopenWithinBusinessDays > 0
      ? `\n\nIf this does not settle your request, you may reopen it until ${at(
          BusinessCalendar.addBusinessDays(
            calendar,
            CaseEvent.instant({ at: t }),
            policy.lifecycle.reopenWithinBusinessDays
          ).epochMilliseconds
        )}.`
      : ""

  const reply = Effect.fn("SupportDesk.reply")(function* (actor: Actor.Actor, ref: string, input: MessageInput) {
    const { body } = yield* decodeMessage(input)
    return yield* run(actor, ref, "reply", (ctx) =>
      step([{ type: "replied", body }], answerNotices(ctx.case, "reply", "A reply to your request", body))
    )
  })

  const progressUpdate = Effect.fn("SupportDesk.progressUpdate")(function* (
    actor: Actor.Actor,
    ref: string,
    input: MessageInput
  ) {
    const { body } = yield* decodeMessage(input)
    return yield* run(actor, ref, "progressUpdate", (ctx) =>
      step(
        [{ type: "progressUpdated", body }],
        answerNotices(ctx.case, "progressUpdate", "Progress on your request", body)
      )
    )
  })

  const requestInformation = Effect.fn("SupportDesk.requestInformation")(function* (
    actor: Actor.Actor,
    ref: string,
    input: MessageInput
  ) {
    const { body } = yield* decodeMessage(input)
    return yield* run(actor, ref, "requestInformation", (ctx) =>
      step(
        [{ type: "informationRequested", body }],
        [{ kind: "informationRequested", to: requesterOf(ctx.case), subject: "We need more information", body }]
      )
    )
  })

  const respond = Effect.fn("SupportDesk.respond")(function* (actor: Actor.Actor, ref: string, input: MessageInput) {
    const { body } = yield* decodeMessage(input)
    return yield* run(actor, ref, "respond", (ctx) =>
      Effect.gen(function* () {
        yield* checkMessageRate(actor, ctx.stored.events, ctx.now)
        return { events: [{ type: "requesterResponded", body }], notices: [] } satisfies Step
      })
    )
  })

  const changePriority = Effect.fn("SupportDesk.changePriority")(function* (
    actor: Actor.Actor,
    ref: string,
    input: ChangePriorityInput
  ) {
    const { priority, reason } = yield* decodeChangePriority(input)
    if (!policy.priorities.some((p) => p.id === priority)) {
      return yield* invalid([
        {
          path: "priority",
          message: `unknown priority "${priority}"; expected one of ${policy.priorities.map((p) => p.id).join(", ")}`
        }
      ])
    }
    return yield* run(actor, ref, "changePriority", (ctx) =>
      ctx.facts.priority === priority
        ? Effect.fail(invalid([{ path: "priority", message: `the case already has priority "${priority}"` }]))
        : step([
            {
              type: "priorityChanged",
              from: ctx.facts.priority,
              to: priority,
              ...(reason === undefined ? {} : { reason })
            }
          ])
    )
  })

  const assign = Effect.fn("SupportDesk.assign")(function* (actor: Actor.Actor, ref: string, input: AssignInput) {
    const { to } = yield* decodeAssign(input)
    if (to.role !== "agent" && to.id === undefined) {
      return yield* invalid([{ path: "to.id", message: `an assignment to an ${to.role} names them` }])
    }
    return yield* run(actor, ref, "assign", (ctx) =>
      step(
        [{ type: "assigned", to }],
        to.id === undefined
          ? []
          : [
              {
                kind: "assigned",
                to: staffOf(ctx.case, to.role, to.id),
                subject: `Case assigned to you: ${ctx.case.subject}`,
                body: `Case ${ctx.case.trackingNumber} (${priorityName(ctx.facts.priority)} priority) is assigned to you.`
              }
            ]
      )
    )
  })

  const escalate = Effect.fn("SupportDesk.escalate")(function* (actor: Actor.Actor, ref: string, input: ReasonInput) {
    const { reason } = yield* decodeReason(input)
    return yield* run(actor, ref, "escalate", (ctx) =>
      Effect.gen(function* () {
        const managerId = ctx.case.requester.accountManagerId
        if (managerId === undefined) {
          return yield* new AccountManagerMissing({
            caseId: ctx.case.id,
            message: `the requester of case ${ctx.case.trackingNumber} has no dedicated account manager (clause 2.4)`
          })
        }
        const to: CaseEvent.Assignee = { role: "accountManager", id: managerId }
        return {
          events: [{ type: "escalated", to, ...(reason === undefined ? {} : { reason }) }],
          notices: [
            {
              kind: "escalated",
              to: staffOf(ctx.case, "accountManager", managerId),
              subject: `Escalated to you: ${ctx.case.subject}`,
              body:
                `Case ${ctx.case.trackingNumber} of your requester ${ctx.case.requester.id} was escalated to you` +
                `${reason === undefined ? "" : `: ${reason}`}.`
            }
          ]
        } satisfies Step
      })
    )
  })

  const holdForVerification = Effect.fn("SupportDesk.holdForVerification")(function* (
    actor: Actor.Actor,
    ref: string,
    input: ReasonInput
  ) {
    const { reason } = yield* decodeReason(input)
    return yield* run(actor, ref, "holdForVerification", (ctx) =>
      Effect.gen(function* () {
        if (!policy.verification.categories.includes(ctx.facts.category)) {
          return yield* new VerificationNotApplicable({
            caseId: ctx.case.id,
            category: ctx.facts.category,
            message:
              `the policy does not hold "${ctx.facts.category}" cases for verification ` +
              `(clause ${policy.verification.clause})`
          })
        }
        return {
          events: [{ type: "verificationStarted", ...(reason === undefined ? {} : { reason }) }],
          notices: [
            {
              kind: "verificationHold",
              to: requesterOf(ctx.case),
              subject: `Your request ${ctx.case.trackingNumber} is being verified`,
              body:
                `Submitted content must be genuine and lawful, and we are verifying what you sent ` +
                `(clause ${policy.verification.clause}). We will write to you with the outcome.` +
                (reason === undefined ? "" : `\n\nReason: ${reason}`)
            }
          ]
        }
      })
    )
  })

  const concludeVerification = Effect.fn("SupportDesk.concludeVerification")(function* (
    actor: Actor.Actor,
    ref: string,
    input: ConcludeVerificationInput
  ) {
    const decoded = yield* decodeConcludeVerification(input)
    if (decoded.outcome === "rejected" && decoded.explanation === undefined) {
      return yield* invalid([
        {
          path: "explanation",
          message: "a rejected verification explains the case to the requester: an explanation is required"
        }
      ])
    }
    const concluded: Draft = {
      type: "verificationConcluded",
      outcome: decoded.outcome,
      ...(decoded.note === undefined ? {} : { note: decoded.note })
    }
    return yield* run(actor, ref, "concludeVerification", (ctx) =>
      decoded.explanation === undefined || decoded.outcome === "verified"
        ? step([concluded])
        : step(
            [concluded, { type: "explained", reason: "verification-rejected", body: decoded.explanation }],
            answerNotices(ctx.case, "explained", "About your request", decoded.explanation + reopenNote(ctx.now))
          )
    )
  })

  const resolve = Effect.fn("SupportDesk.resolve")(function* (actor: Actor.Actor, ref: string, input: MessageInput) {
    const { body } = yield* decodeMessage(input)
    return yield* run(actor, ref, "resolve", (ctx) =>
      step(
        [{ type: "resolved", body }],
        answerNotices(ctx.case, "resolved", "Your request is resolved", body + reopenNote(ctx.now))
      )
    )
  })

  const explain = Effect.fn("SupportDesk.explain")(function* (actor: Actor.Actor, ref: string, input: ExplainInput) {
    const { body, reason } = yield* decodeExplain(input)
    return yield* run(actor, ref, "explain", (ctx) =>
      step(
        [{ type: "explained", body, ...(reason === undefined ? {} : { reason }) }],
        answerNotices(ctx.case, "explained", "About your request", body + reopenNote(ctx.now))
      )
    )
  })

  const refuse = Effect.fn("SupportDesk.refuse")(function* (actor: Actor.Actor, ref: string, input: RefuseInput) {
    const { body, reason } = yield* decodeRefuse(input)
    const code = policy.refusal.reasons.find((r) => r.code === reason)
    if (code === undefined) {
      return yield* invalid([
        {
          path: "reason",
          message: `unknown refusal reason "${reason}"; expected one of ${policy.refusal.reasons.map((r) => r.code).join(", ")}`
        }
      ])
    }
    return yield* run(actor, ref, "refuse", (ctx) =>
      step(
        [{ type: "refused", reason, ...(body === undefined ? {} : { body }) }],
        [
          {
            kind: "refused",
            to: requesterOf(ctx.case),
            subject: "Your request was refused",
            body:
              `Your request was refused under clause ${policy.refusal.clause} of our support policy: ` +
              `${code.description}.${body === undefined ? "" : `\n\n${body}`}`
          }
        ]
      )
    )
  })

  const reopen = Effect.fn("SupportDesk.reopen")(function* (actor: Actor.Actor, ref: string, input: ReasonInput) {
    const { reason } = yield* decodeReason(input)
    return yield* run(actor, ref, "reopen", (ctx) =>
      Effect.gen(function* () {
        if (actor.role === "requester") {
          const until = reopenableUntil(ctx.facts)
          if (until === null || ctx.now > until) {
            const answeredAt = ctx.facts.answeredAt ?? ctx.facts.updatedAt
            return yield* new ReopenWindowClosed({
              caseId: ctx.case.id,
              answeredAt,
              windowEndedAt: until ?? answeredAt,
              message:
                `case ${ctx.case.trackingNumber} can be reopened within ` +
                `${policy.lifecycle.reopenWithinBusinessDays} business days of its answer ` +
                `(clause ${policy.lifecycle.clause})${until === null ? "" : `, until ${at(until)}`}`
            })
          }
        }
        const notices: Array<Notice> = []
        const assignee = ctx.case.assignee
        if (assignee?.id !== undefined) {
          notices.push({
            kind: "reopened",
            to: staffOf(ctx.case, assignee.role, assignee.id),
            subject: `Case reopened: ${ctx.case.subject}`,
            body: `Case ${ctx.case.trackingNumber} was reopened${reason === undefined ? "" : `: ${reason}`}.`
          })
        }
        if (actor.role !== "requester") {
          notices.push({
            kind: "reopened",
            to: requesterOf(ctx.case),
            subject: "Your request was reopened",
            body: `We reopened your request ${ctx.case.trackingNumber}${reason === undefined ? "" : `: ${reason}`}.`
          })
        }
        return { events: [{ type: "reopened", ...(reason === undefined ? {} : { reason }) }], notices } satisfies Step
      })
    )
  })

  const close = Effect.fn("SupportDesk.close")(function* (actor: Actor.Actor, ref: string, input: ReasonInput) {
    const { reason } = yield* decodeReason(input)
    return yield* run(actor, ref, "close", (ctx) =>
      step(
        [{ type: "closed", ...(reason === undefined ? {} : { reason }) }],
        actor.role === "requester"
          ? []
          : [
              {
                kind: "closed",
                to: requesterOf(ctx.case),
                subject: "Your request is closed",
                body: `Your request ${ctx.case.trackingNumber} is closed${reason === undefined ? "" : `: ${reason}`}.`
              }
            ]
      )
    )
  })

  const recordQualityReview = Effect.fn("SupportDesk.recordQualityReview")(function* (
    actor: Actor.Actor,
    ref: string,
    input: QualityReviewInput
  ) {
    const { rating, note } = yield* decodeQualityReview(input)
    return yield* run(actor, ref, "recordQualityReview", () =>
      step([{ type: "qualityReviewed", rating, ...(note === undefined ? {} : { note }) }])
    )
  })

  /** The selection of a record awaiting review: its last `qualityReviewSelected`, when no review followed it. */
  const pendingSelection = (record: CaseEvent.Record): CaseEvent.Of<"qualityReviewSelected"> | undefined => {
    for (let i = record.length - 1; i >= 0; i--) {
      const e = record[i]
      if (e.type === "qualityReviewed") return undefined
      if (e.type === "qualityReviewSelected") return e
    }
    return undefined
  }

  const qualityReviews = Effect.fn("SupportDesk.qualityReviews")(function* (
    actor: Actor.Actor,
    options: { readonly limit: number }
  ) {
    yield* deskAllowed(actor, "viewQualityReviews")
    if (!Number.isSafeInteger(options.limit) || options.limit < 0) {
      return yield* Effect.die(
        new Error(`SupportDesk.qualityReviews: limit: expected a non-negative integer, got ${options.limit}`)
      )
    }
    const found: Array<PendingQualityReview> = []
    let after: StatusQuery["after"]
    while (found.length < options.limit) {
      const batch = yield* store.listByStatus({ statuses: ["closed"], limit: 100, after })
      for (const c of batch) {
        const stored = yield* store.get(c.id)
        if (Option.isNone(stored)) continue
        const selected = pendingSelection(stored.value.events)
        if (selected === undefined) continue
        found.push({ case: stored.value.case, reasons: selected.reasons, selectedAt: selected.at })
        if (found.length === options.limit) break
      }
      if (batch.length < 100) break
      const last = batch[batch.length - 1]
      after = { updatedAt: last.updatedAt, id: last.id }
    }
    return found
  })

  /** Whether the record ends under a legal hold: its last `legalHoldPlaced` was not released since. */
  const onLegalHold = (record: CaseEvent.Record): boolean => {
    for (let i = record.length - 1; i >= 0; i--) {
      const type = record[i].type
      if (type === "legalHoldReleased") return false
      if (type === "legalHoldPlaced") return true
    }
    return false
  }

  const placeLegalHold = Effect.fn("SupportDesk.placeLegalHold")(function* (
    actor: Actor.Actor,
    ref: string,
    input: ReasonInput
  ) {
    const { reason } = yield* decodeReason(input)
    return yield* run(actor, ref, "placeLegalHold", (ctx) =>
      step(
        onLegalHold(ctx.stored.events) ? [] : [{ type: "legalHoldPlaced", ...(reason === undefined ? {} : { reason }) }]
      )
    )
  })

  const releaseLegalHold = Effect.fn("SupportDesk.releaseLegalHold")(function* (
    actor: Actor.Actor,
    ref: string,
    input: ReasonInput
  ) {
    yield* decodeReason(input)
    return yield* run(actor, ref, "releaseLegalHold", (ctx) =>
      step(onLegalHold(ctx.stored.events) ? [{ type: "legalHoldReleased" }] : [])
    )
  })

  const applyRetention = Effect.fn("SupportDesk.applyRetention")(function* (options?: CloseIdleOptions) {
    const batchSize = options?.batchSize ?? 100
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
      return yield* Effect.die(
        new Error(`SupportDesk.applyRetention: batchSize: expected a positive integer, got ${batchSize}`)
      )
    }
    const t = yield* now
    // a case closed before its last update: kept `keepClosedCasesForDays` after the later of both
    const updatedBefore = t - policy.retention.keepClosedCasesForDays * 86_400_000
    const anonymised: Array<string> = []
    let after: StatusQuery["after"]
    for (;;) {
      const batch = yield* store.listByStatus({ statuses: ["closed"], updatedBefore, limit: batchSize, after })
      for (const candidate of batch) {
        const done = yield* Effect.gen(function* () {
          const found = yield* store.get(candidate.id)
          if (Option.isNone(found)) return false
          const stored = found.value
          if (stored.case.status !== "closed" || stored.case.updatedAt >= updatedBefore) return false
          if (stored.events.some((e) => e.type === "anonymised")) return false
          if (policy.retention.legalHoldSuspends && onLegalHold(stored.events)) return false
          const { email: _email, name: _name, ...requester } = stored.case.requester
          yield* commit(
            { case: { ...stored.case, requester }, events: stored.events },
            { events: [{ type: "anonymised" }], notices: [] },
            Actor.system,
            t
          )
          return true
        }).pipe(Effect.catchTag(["SequenceConflict", "CaseNotFound"], () => Effect.succeed(false)))
        if (done) anonymised.push(candidate.id)
      }
      if (batch.length < batchSize) break
      const last = batch[batch.length - 1]
      after = { updatedAt: last.updatedAt, id: last.id }
    }
    return anonymised
  })

  /** The auto-closing rules of clause 6.3: the statuses, the business days of inactivity, and the close reason. */
  const idleRules = [
    {
      statuses: ["resolved", "explained"],
      days: policy.lifecycle.closeResolvedAfterBusinessDays,
      reason: "inactiveAfterAnswer",
      body: (c: SupportCase.SupportCase) =>
        `Your request ${c.trackingNumber} was answered and has had no activity for ` +
        `${policy.lifecycle.closeResolvedAfterBusinessDays} business days, so it is now closed.`
    },
    {
      statuses: ["awaitingRequester"],
      days: policy.lifecycle.closeAwaitingRequesterAfterBusinessDays,
      reason: "requesterDidNotRespond",
      body: (c: SupportCase.SupportCase) =>
        `We asked for more information on your request ${c.trackingNumber} and have not heard back for ` +
        `${policy.lifecycle.closeAwaitingRequesterAfterBusinessDays} business days, so it is now closed. ` +
        "You are welcome to submit a new request."
    }
  ] as const satisfies ReadonlyArray<{ readonly statuses: ReadonlyArray<SupportCase.Status> } & Record<string, unknown>>

  /** Whether a case last updated at `updatedAt` has been idle for `days` business days at `t`. */
  const idleFor = (updatedAt: number, days: number, t: number): boolean =>
    BusinessCalendar.addBusinessDays(calendar, CaseEvent.instant({ at: updatedAt }), days).epochMilliseconds <= t

  const closeIdle = Effect.fn("SupportDesk.closeIdle")(function* (options?: CloseIdleOptions) {
    const batchSize = options?.batchSize ?? 100
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
      return yield* Effect.die(
        new Error(`SupportDesk.closeIdle: batchSize: expected a positive integer, got ${batchSize}`)
      )
    }
    const t = yield* now
    const closed: Array<string> = []
    for (const rule of idleRules) {
      // N business days after an instant is more than N - 2 days after it (the N-th business day can end earlier in
      // its day, and the zone can change its offset), so a case updated after `t - (N - 2) days` cannot be idle
      // yet: the store lists the candidates up to that bound, and each is checked exactly against the calendar.
      const updatedBefore = t - Math.max(0, rule.days - 2) * 86_400_000 + 1
      let after: StatusQuery["after"]
      for (;;) {
        const batch = yield* store.listByStatus({ statuses: rule.statuses, updatedBefore, limit: batchSize, after })
        for (const candidate of batch) {
          if (!idleFor(candidate.updatedAt, rule.days, t)) continue
          const done = yield* Effect.gen(function* () {
            const found = yield* store.get(candidate.id)
            if (Option.isNone(found)) return false
            const stored = found.value
            const facts = CaseLifecycle.factsUnsafe(stored.events)
            const statuses: ReadonlyArray<SupportCase.Status> = rule.statuses
            if (!statuses.includes(facts.status) || !idleFor(stored.case.updatedAt, rule.days, t)) return false
            yield* commit(
              stored,
              {
                events: [{ type: "closed", reason: rule.reason }],
                notices: [
                  {
                    kind: "closed",
                    to: requesterOf(stored.case),
                    subject: "Your request is closed",
                    body: rule.body(stored.case)
                  }
                ]
              },
              Actor.system,
              Math.max(t, stored.case.updatedAt)
            )
            return true
          }).pipe(Effect.catchTag(["SequenceConflict", "CaseNotFound"], () => Effect.succeed(false)))
          if (done) closed.push(candidate.id)
        }
        if (batch.length < batchSize) break
        const last = batch[batch.length - 1]
        after = { updatedAt: last.updatedAt, id: last.id }
      }
    }
    return closed
  })

  const addNote = Effect.fn("SupportDesk.addNote")(function* (actor: Actor.Actor, ref: string, input: MessageInput) {
    const { body } = yield* decodeMessage(input)
    return yield* run(actor, ref, "addNote", () => step([{ type: "noteAdded", body }]))
  })

  // ---------------------------------------------------------------------------------------------------------------
  // mediation
  // ---------------------------------------------------------------------------------------------------------------

  const requestMediation = Effect.fn("SupportDesk.requestMediation")(function* (
    actor: Actor.Actor,
    ref: string,
    input: RequestMediationInput
  ) {
    const { counterpartyId, statement } = yield* decodeRequestMediation(input)
    return yield* run(actor, ref, "requestMediation", (ctx) =>
      Effect.gen(function* () {
        const category = policy.mediation.categories.includes(ctx.facts.category)
          ? ctx.facts.category
          : policy.mediation.categories[0]
        if (category === undefined) {
          return yield* new MediationNotAvailable({ reason: "category", message: "the policy mediates no category" })
        }
        yield* mediationAvailable(ctx.case.requester.audience, category)
        if (counterpartyId === ctx.case.requester.id) {
          return yield* new MediationNotAvailable({
            reason: "counterparty",
            message: "the counterparty of a mediation is another person than the requester"
          })
        }
        const events: Array<Draft> = []
        if (category !== ctx.facts.category) {
          events.push({
            type: "categoryChanged",
            from: ctx.facts.category,
            to: category,
            reason: "mediation requested"
          })
        }
        events.push(
          { type: "mediationRequested", counterpartyId, body: statement },
          { type: "counterpartyContacted", counterpartyId, actor: Actor.system }
        )
        return {
          events,
          notices: [
            {
              kind: "mediationUpdate",
              to: partyOf(ctx.case, counterpartyId),
              subject: "A buyer asked the platform to mediate a dispute",
              body:
                `A buyer asked the platform to mediate a dispute` +
                `${ctx.case.orderReference === undefined ? "" : ` about order ${ctx.case.orderReference}`} ` +
                `(clause ${policy.mediation.clause}). Please post your statement under tracking number ` +
                `${ctx.case.trackingNumber}.`
            }
          ]
        } satisfies Step
      })
    )
  })

  const postStatement = Effect.fn("SupportDesk.postStatement")(function* (
    actor: Actor.Actor,
    ref: string,
    input: MessageInput
  ) {
    const { body } = yield* decodeMessage(input)
    return yield* run(actor, ref, "postStatement", (ctx) =>
      Effect.gen(function* () {
        yield* checkMessageRate(actor, ctx.stored.events, ctx.now)
        const byRequester = actor.id === ctx.case.requester.id
        const event: Draft = byRequester
          ? { type: "requesterResponded", body }
          : { type: "counterpartyResponded", counterpartyId: actor.id, body }
        const others = ctx.case.parties.filter((p) => p !== actor.id)
        return {
          events: [event],
          notices: others.map((p) => ({
            kind: "mediationUpdate" as const,
            to: partyOf(ctx.case, p),
            subject: "A new statement in your mediation",
            body: `The other party posted a statement in mediation ${ctx.case.trackingNumber}:\n\n${body}`
          }))
        } satisfies Step
      })
    )
  })

  const recordMediationOutcome = Effect.fn("SupportDesk.recordMediationOutcome")(function* (
    actor: Actor.Actor,
    ref: string,
    input: MediationOutcomeInput
  ) {
    const { outcome, body } = yield* decodeMediationOutcome(input)
    return yield* run(actor, ref, "recordMediationOutcome", (ctx) => {
      const answer: Draft =
        outcome === "settled" ? { type: "resolved", body } : { type: "explained", reason: `mediation-${outcome}`, body }
      const subject = `Mediation outcome: ${outcome === "settled" ? "settled" : outcome === "withdrawn" ? "withdrawn" : "not settled"}`
      return step(
        [{ type: "mediationConcluded", outcome, body }, answer],
        answerNotices(ctx.case, outcome === "settled" ? "resolved" : "explained", subject, body + reopenNote(ctx.now))
      )
    })
  })

  // ---------------------------------------------------------------------------------------------------------------
  // incidents and announcements
  // ---------------------------------------------------------------------------------------------------------------

  const deskAllowed = (actor: Actor.Actor, action: Authorization.DeskAction) => {
    const decision = Authorization.decideDesk(actor, action)
    return decision._tag === "Allowed"
      ? Effect.void
      : Effect.fail(
          new ActionForbidden({
            action,
            actorRole: actor.role,
            actorId: actor.id,
            caseId: null,
            message: `${actor.role} ${actor.id} may not ${action}: ${decision.reason}`
          })
        )
  }

  const getIncidentOrFail = (incidentId: string) =>
    Effect.flatMap(
      incidents.get(incidentId),
      Option.match({
        onNone: () => Effect.fail(new Incident.IncidentNotFound({ incidentId })),
        onSome: Effect.succeed
      })
    )

  const activeIncident = (incidentId: string) =>
    Effect.flatMap(getIncidentOrFail(incidentId), (incident) =>
      incident.status === "resolved"
        ? Effect.fail(new IncidentAlreadyResolved({ incidentId, message: `incident "${incident.title}" is resolved` }))
        : Effect.succeed(incident)
    )

  const retryIncident = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.retry(effect, {
      times: ACTION_RETRIES,
      while: (e) => (e as { _tag?: string })._tag === "IncidentVersionConflict"
    })

  const newAnnouncement = (
    incidentId: string | null,
    title: string,
    body: string,
    t: number,
    expiresAt: number | null
  ) =>
    Effect.map(
      randomId,
      (id): Incident.Announcement => ({ id, incidentId, title, body, postedAt: t, updatedAt: t, expiresAt })
    )

  const declareIncident = Effect.fn("SupportDesk.declareIncident")(function* (
    actor: Actor.Actor,
    input: DeclareIncidentInput
  ) {
    yield* deskAllowed(actor, "declareIncident")
    const decoded = yield* decodeDeclareIncident(input)
    const t = yield* now
    const incident: Incident.Incident = {
      id: yield* randomId,
      title: decoded.title,
      description: decoded.description,
      status: "investigating",
      declaredAt: t,
      declaredBy: Actor.toEventActor(actor),
      resolvedAt: null,
      linkedCaseIds: [],
      version: 1
    }
    const announcement =
      policy.incidents.announce || decoded.announcement !== undefined
        ? yield* newAnnouncement(
            incident.id,
            decoded.announcement?.title ?? decoded.title,
            decoded.announcement?.body ?? decoded.description,
            t,
            null
          )
        : null
    yield* incidents.create(incident, announcement)
    return incident
  })

  const updateIncident = Effect.fn("SupportDesk.updateIncident")(function* (
    actor: Actor.Actor,
    incidentId: string,
    input: UpdateIncidentInput
  ) {
    yield* deskAllowed(actor, "updateIncident")
    const decoded = yield* decodeUpdateIncident(input)
    const updated = yield* retryIncident(
      Effect.gen(function* () {
        const incident = yield* activeIncident(incidentId)
        const next: Incident.Incident = {
          ...incident,
          ...(decoded.status === undefined ? {} : { status: decoded.status }),
          ...(decoded.description === undefined ? {} : { description: decoded.description }),
          version: incident.version + 1
        }
        yield* incidents.update(next, { expectedVersion: incident.version, outbox: [] })
        return next
      })
    )
    if (decoded.announcement !== undefined) {
      const t = yield* now
      yield* incidents.putAnnouncement(
        yield* newAnnouncement(
          incidentId,
          decoded.announcement.title ?? updated.title,
          decoded.announcement.body,
          t,
          null
        )
      )
    }
    return updated
  })

  const linkCase = Effect.fn("SupportDesk.linkCase")(function* (actor: Actor.Actor, incidentId: string, ref: string) {
    yield* deskAllowed(actor, "updateIncident")
    const incident = yield* activeIncident(incidentId)
    // the incident lists the case first: a case linked on its record is always found again on resolution
    const found = yield* load(actor, ref, "linkIncident")
    if (!incident.linkedCaseIds.includes(found.case.id)) {
      yield* retryIncident(
        Effect.gen(function* () {
          const current = yield* activeIncident(incidentId)
          if (current.linkedCaseIds.includes(found.case.id)) return
          yield* incidents.update(
            { ...current, linkedCaseIds: [...current.linkedCaseIds, found.case.id], version: current.version + 1 },
            { expectedVersion: current.version, outbox: [] }
          )
        })
      )
    }
    return yield* run(actor, ref, "linkIncident", (ctx) =>
      ctx.facts.linkedIncidents.includes(incidentId)
        ? step([])
        : step(
            [{ type: "incidentLinked", incidentId }],
            [
              {
                kind: "incidentLinked",
                to: requesterOf(ctx.case),
                subject: `Your request is affected by a platform incident: ${incident.title}`,
                body:
                  `Your request ${ctx.case.trackingNumber} is affected by a system-wide incident: ${incident.title}. ` +
                  `We will tell you when it is resolved (clause ${policy.incidents.clause}).`
              }
            ]
          )
    )
  })

  const resolveIncident = Effect.fn("SupportDesk.resolveIncident")(function* (
    actor: Actor.Actor,
    incidentId: string,
    input: ResolveIncidentInput
  ) {
    yield* deskAllowed(actor, "resolveIncident")
    const { note } = yield* decodeResolveIncident(input)
    const resolved = yield* retryIncident(
      Effect.gen(function* () {
        const incident = yield* getIncidentOrFail(incidentId)
        if (incident.status === "resolved") return incident
        const t = yield* now
        const next: Incident.Incident = {
          ...incident,
          status: "resolved",
          resolvedAt: t,
          version: incident.version + 1
        }
        yield* incidents.update(next, { expectedVersion: incident.version, outbox: [] })
        return next
      })
    )
    const notified: Array<string> = []
    for (const caseId of resolved.linkedCaseIds) {
      const done = yield* Effect.gen(function* () {
        const found = yield* store.get(caseId)
        if (Option.isNone(found)) return false
        const stored = found.value
        const facts = CaseLifecycle.factsUnsafe(stored.events)
        if (!facts.linkedIncidents.includes(incidentId)) return false
        const t = Math.max(yield* now, stored.case.updatedAt)
        yield* commit(
          stored,
          {
            events: [{ type: "incidentUnlinked", incidentId, reason: "incidentResolved" }],
            notices: [
              {
                kind: "incidentResolved",
                to: requesterOf(stored.case),
                subject: `The platform incident affecting your request is resolved: ${resolved.title}`,
                body:
                  `The system-wide incident "${resolved.title}" is resolved. We continue with your request ` +
                  `${stored.case.trackingNumber}.${note === undefined ? "" : `\n\n${note}`}`
              }
            ]
          },
          Actor.system,
          t
        )
        return true
      }).pipe(
        Effect.catchTag("CaseNotFound", () => Effect.succeed(false)),
        Effect.retry({ times: ACTION_RETRIES, while: (e) => e._tag === "SequenceConflict" })
      )
      if (done) notified.push(caseId)
    }
    return { incident: resolved, notifiedCaseIds: notified }
  })

  const getIncident = Effect.fn("SupportDesk.getIncident")(function* (incidentId: string) {
    return yield* getIncidentOrFail(incidentId)
  })

  const listIncidents = Effect.fn("SupportDesk.listIncidents")(function* (options: {
    readonly activeOnly: boolean
    readonly limit: number
  }) {
    return yield* incidents.list(options)
  })

  const postAnnouncement = Effect.fn("SupportDesk.postAnnouncement")(function* (
    actor: Actor.Actor,
    input: AnnouncementInput
  ) {
    yield* deskAllowed(actor, "postAnnouncement")
    const decoded = yield* decodeAnnouncement(input)
    if (decoded.incidentId !== undefined) yield* getIncidentOrFail(decoded.incidentId)
    const t = yield* now
    const announcement = yield* newAnnouncement(
      decoded.incidentId ?? null,
      decoded.title,
      decoded.body,
      t,
      decoded.expiresAt ?? null
    )
    yield* incidents.putAnnouncement(announcement)
    return announcement
  })

  const updateAnnouncement = Effect.fn("SupportDesk.updateAnnouncement")(function* (
    actor: Actor.Actor,
    announcementId: string,
    input: UpdateAnnouncementInput
  ) {
    yield* deskAllowed(actor, "postAnnouncement")
    const decoded = yield* decodeUpdateAnnouncement(input)
    const found = yield* incidents.getAnnouncement(announcementId)
    if (Option.isNone(found)) return yield* new AnnouncementNotFound({ announcementId })
    const t = yield* now
    const next: Incident.Announcement = {
      ...found.value,
      ...(decoded.title === undefined ? {} : { title: decoded.title }),
      ...(decoded.body === undefined ? {} : { body: decoded.body }),
      ...(decoded.expiresAt === undefined ? {} : { expiresAt: decoded.expiresAt }),
      updatedAt: Math.max(t, found.value.updatedAt)
    }
    yield* incidents.putAnnouncement(next)
    return next
  })

  const announcements = Effect.flatMap(now, (t) => incidents.currentAnnouncements(t)).pipe(
    Effect.withSpan("SupportDesk.announcements")
  )

  return SupportDesk.of({
    policy,
    submit,
    openMediation,
    getCase,
    listCases,
    queue,
    reply,
    progressUpdate,
    requestInformation,
    respond,
    changePriority,
    assign,
    escalate,
    holdForVerification,
    concludeVerification,
    resolve,
    explain,
    refuse,
    reopen,
    close,
    addNote,
    closeIdle,
    recordQualityReview,
    qualityReviews,
    placeLegalHold,
    releaseLegalHold,
    applyRetention,
    requestMediation,
    postStatement,
    recordMediationOutcome,
    declareIncident,
    updateIncident,
    linkCase,
    resolveIncident,
    getIncident,
    listIncidents,
    postAnnouncement,
    updateAnnouncement,
    announcements
  })
})

// -------------------------------------------------------------------------------------------------------------------
// layers
// -------------------------------------------------------------------------------------------------------------------

/**
 * The support desk running `policy` on the stores and randomness in context. A host that loads its policy from JSON
 * decodes it first: `Layer.unwrap(Effect.map(SupportPolicy.decode(json), (policy) => SupportDesk.layer(policy)))`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  policy: SupportPolicy.SupportPolicy,
  options?: Options
): Layer.Layer<SupportDesk, never, CaseStore | Incident.IncidentStore | Randomness.Randomness> =>
  Layer.effect(SupportDesk, make(policy, options))

/**
 * The whole desk in memory: the desk running `policy` on `MemoryStorage.layerMemory` (case store, outbox and incident
 * store on one fresh state, all three also provided, so a host or a test can read the outbox), with the platform's
 * cryptographic randomness unless `options.randomness` gives another (`Randomness.layerSeeded(seed)` in tests).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (
  policy: SupportPolicy.SupportPolicy,
  options?: Options & { readonly randomness?: Layer.Layer<Randomness.Randomness> | undefined }
): Layer.Layer<SupportDesk | CaseStore | Outbox.Outbox | Incident.IncidentStore> =>
  layer(policy, options).pipe(
    Layer.provideMerge(MemoryStorage.layerMemory),
    Layer.provide(options?.randomness ?? Randomness.layer)
  )
