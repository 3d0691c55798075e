/**
 * The support desk: the service a host calls to run every process of its support policy. Each part of the policy
 * has one room (`internal/desk/`), and this module wires them:
 *
 * - **Intake** (clauses 2.2–2.4, 6.4; `intake.ts`): a request is checked against the policy, a channel closed now
 *   (live chat outside the hours of 2.1) hands it to an always-open channel, triage sets its priority and route
 *   (an account manager, 2.4), its clocks are evaluated once for its state and its promises, and the case, its
 *   record and its acknowledgment (tracking number and reply-by time) are written in one unit of work, within the
 *   opening limits of 7.3. `quote` runs the same steps without writing.
 * - **Answering** (6.1–6.3, 2.4; `answering.ts`): replies, progress updates, requests for information and answers,
 *   notes, priority, assignment, escalation to the account manager, resolution and explanation.
 * - **Verification** (7.2), **refusal** (7.3), **closing** (6.3: reopening, closing, the idle sweep), **records**
 *   (7.4: quality review, legal hold, retention), **erasure** of a requester's personal data (7.4), **satisfaction**
 *   ratings (7.4), **mediation** (4.5), **incidents and announcements** (6.5), and **reading** a case with its record
 *   and live clocks, or the agents' queue.
 * - **Versions** of the policy (7.1; `versions.ts`): every version published is kept (`PolicyStore`); a case is
 *   evaluated for its whole life under the version it was opened under, unless an administrator moves it.
 *
 * - **SLA alerts** (6.1–6.3, the policy's `sla[].escalations`; `alerts.ts`): `fireAlerts`, the watcher a worker runs
 *   (`SupportWorker`), appends the warnings, breaches and escalations that fell due, and notifies the people they
 *   name (looked up in the host's `Directory`); `alerts` lists them for a staff member.
 *
 * Every action on a case runs through one kernel (`kernel.ts`): find and authorize (`Authorization`), check the
 * state (`CaseLifecycle`), decide, and append with the sequence read (re-read and retried on a conflict), its
 * notifications queued with its events. Every text people read is in `notices.ts`.
 *
 * Time comes from Effect's `Clock` and randomness from `Randomness`, so a test controls both.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import type * as Actor from "./Actor.ts"
import type { CaseNotFound, CaseStore, CaseStoreFailure, Page, QueueQuery, SequenceConflict } from "./CaseStore.ts"
import type * as DeskError from "./DeskError.ts"
import type * as DeskInput from "./DeskInput.ts"
import type { Options, PageOptions, CloseIdleOptions, FireAlertsOptions, AlertQuery } from "./DeskOptions.ts"
import type {
  CaseView,
  Submission,
  IncidentResolution,
  Quote,
  PendingQualityReview,
  PolicyVersionSummary,
  PolicyMove,
  ErasureReport,
  Rated,
  RatingForm,
  FindInput,
  CasePage,
  ViewCount,
  FiredAlerts
} from "./DeskView.ts"
import * as Directory from "./Directory.ts"
import type * as Erasure from "./Erasure.ts"
import type * as Incident from "./Incident.ts"
import * as Wiring from "./internal/desk/wiring.ts"
import * as MemoryStorage from "./MemoryStorage.ts"
import type * as Outbox from "./Outbox.ts"
import * as Parties from "./Parties.ts"
import type * as PolicyStore from "./PolicyStore.ts"
import * as Randomness from "./Randomness.ts"
import type * as Reports from "./Reports.ts"
import type * as SatisfactionToken from "./SatisfactionToken.ts"
import type * as SlaAlert from "./SlaAlert.ts"
import type * as SupportCase from "./SupportCase.ts"
import type * as SupportPolicy from "./SupportPolicy.ts"
import type * as TaskStore from "./TaskStore.ts"

export {
  AnnouncementInput,
  AssignInput,
  assumeDecoded,
  ChangePriorityInput,
  ConcludeVerificationInput,
  DeclareIncidentInput,
  ExplainInput,
  Language,
  MediationOutcomeInput,
  MessageInput,
  MovePolicyVersionInput,
  OpenMediationInput,
  QualityReviewInput,
  QuoteInput,
  RateSatisfactionInput,
  ReasonInput,
  RefuseInput,
  RequestMediationInput,
  RespondInput,
  ResolveIncidentInput,
  SubmitInput,
  UpdateAnnouncementInput,
  UpdateIncidentInput
} from "./DeskInput.ts"

export {
  AccountManagerMissing,
  type ActionError,
  ActionForbidden,
  AnnouncementNotFound,
  ChannelNotAccepted,
  IncidentAlreadyResolved,
  type IncidentError,
  InputInvalid,
  InputProblem,
  LookupThrottled,
  MediationNotAvailable,
  RateLimitExceeded,
  ReopenWindowClosed,
  SatisfactionAlreadyRated,
  SatisfactionNotAvailable,
  type SubmitError,
  TransitionNotAllowed,
  VerificationNotApplicable
} from "./DeskError.ts"

export {
  /**
   * The channel that takes a request made through `channel` while it is closed (clause 2.2): the channel named by
   * `options.whenClosed` if it is always open and accepts the requester, else the first always-open channel of the
   * policy that opens cases and accepts the requester.
   *
   * @since 0.1.0
   * @category combinators
   */
  fallbackChannel
} from "./internal/desk/intake.ts"

export {
  /**
   * What a requester reads once a request is taken, one sentence each: the tracking number (clause 6.4), the
   * hand-over of a closed channel (2.2) and every promise (6.1–6.3), instants in `timeZone`. The acknowledgment
   * e-mail says the same sentences.
   *
   * @since 0.1.0
   * @category formatting
   */
  intakeSentences,
  /**
   * The clause a promise keeps, in words: `"clause 6.1"`, in Chinese `"第 6.1 条"`.
   *
   * @since 0.1.0
   * @category formatting
   */
  clauseText,
  /**
   * The promise of a planned target in plain words, without its clause (shown beside it as a small link), in English
   * or Simplified Chinese: `"We will reply within 2 business days, by Wed 11 Jun 2025, 10:00 (UTC+08:00)."`
   *
   * @since 0.1.0
   * @category formatting
   */
  promisePlain,
  /**
   * The promise of a planned target in words, its instant in `timeZone`:
   * `"We will reply within 2 business days, by Wed 11 Jun 2025, 10:00 (UTC+08:00) (clause 6.1)."`
   *
   * @since 0.1.0
   * @category formatting
   */
  promiseText
} from "./internal/desk/notices.ts"

export {
  /**
   * The earliest due instant of the running (or breached, still open) clocks of an evaluation, or null: the order of
   * the agents' queue.
   *
   * @since 0.1.0
   * @category getters
   */
  nextDueAt
} from "./internal/desk/views.ts"

// the options of the desk and its services (`DeskOptions.ts`), and what its services answer (`DeskView.ts`)
export * from "./DeskOptions.ts"
export * from "./DeskView.ts"

// -------------------------------------------------------------------------------------------------------------------
// service
// -------------------------------------------------------------------------------------------------------------------

type Act<I, E = never> = (
  actor: Actor.Actor,
  ref: string,
  input: I
) => Effect.Effect<CaseView, DeskError.ActionError | E>

/**
 * The shape of the {@link SupportDesk} service. Cases are referred to by tracking number (as a person types it) or
 * by id.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * The version of the policy in force: new cases are opened under it (clause 7.1). Read from the `PolicyStore` at
   * most once per `Options.policyRefreshMillis`.
   */
  readonly policyInForce: Effect.Effect<SupportPolicy.SupportPolicy, PolicyStore.PolicyStoreFailure>
  /** Every published version of the policy, in publication order (administrators). */
  readonly policyVersions: (
    actor: Actor.Actor
  ) => Effect.Effect<ReadonlyArray<PolicyVersionSummary>, DeskError.ActionForbidden | PolicyStore.PolicyStoreFailure>
  /** A published version of the policy (administrators). */
  readonly policyVersion: (
    actor: Actor.Actor,
    version: string
  ) => Effect.Effect<
    PolicyStore.Published,
    DeskError.ActionForbidden | PolicyStore.PolicyVersionNotFound | PolicyStore.PolicyStoreFailure
  >
  /**
   * Publishes a version of the policy (administrators): the document is decoded like `SupportPolicy.decode` (each
   * problem names its field), must keep the policy's `id`, and must bring a version number not published before.
   * It is in force from now on: new cases are opened under it; open cases keep theirs until moved.
   */
  readonly publishPolicy: (
    actor: Actor.Actor,
    document: unknown
  ) => Effect.Effect<
    PolicyStore.Published,
    | DeskError.ActionForbidden
    | SupportPolicy.PolicyDecodeFailure
    | PolicyStore.PolicyVersionExists
    | PolicyStore.PolicyStoreFailure
  >
  /**
   * Moves open cases to a published version (administrators): each appends `policyChanged` (both versions) and its
   * clocks start again under that version from the move (see `Sla.evaluate`). A case already under it, or not open,
   * or naming a category, priority, channel or audience the version does not have, is left where it is.
   */
  readonly movePolicyVersion: (
    actor: Actor.Actor,
    version: string,
    input: DeskInput.MovePolicyVersionInput
  ) => Effect.Effect<
    PolicyMove,
    | DeskError.ActionForbidden
    | DeskError.LookupThrottled
    | DeskError.InputInvalid
    | PolicyStore.PolicyVersionNotFound
    | PolicyStore.PolicyStoreFailure
    | CaseStoreFailure
  >
  /** Takes a request for support (clauses 2.2–2.4, 6.4). */
  readonly submit: (input: DeskInput.SubmitInput) => Effect.Effect<Submission, DeskError.SubmitError>
  /**
   * What a submission would be promised, without writing anything: the channel that would take it, its priority,
   * its targets and reply-by instant (clauses 2.2, 6.1–6.3). The same steps as `submit`, so both agree.
   */
  readonly quote: (
    input: DeskInput.QuoteInput
  ) => Effect.Effect<Quote, DeskError.InputInvalid | DeskError.ChannelNotAccepted | PolicyStore.PolicyStoreFailure>
  /** A buyer asks the platform to mediate a dispute on an order with a supplier (clause 4.5). */
  readonly openMediation: (
    input: DeskInput.OpenMediationInput
  ) => Effect.Effect<Submission, DeskError.SubmitError | DeskError.MediationNotAvailable | Parties.PartiesFailure>

  /**
   * A case with one page of its record (the latest events unless `page.before` is given) and its live clocks, as
   * the actor may see it. A case the actor may not see is answered exactly like a missing one, and both count as a
   * failed lookup (see `Options.lookupThrottle`).
   */
  readonly getCase: (
    actor: Actor.Actor,
    ref: string,
    page?: PageOptions
  ) => Effect.Effect<
    CaseView,
    CaseNotFound | DeskError.LookupThrottled | CaseStoreFailure | PolicyStore.PolicyStoreFailure
  >
  /** A requester's cases (as requester or party), newest first; staff get their queue. */
  readonly listCases: (
    actor: Actor.Actor,
    page?: Page
  ) => Effect.Effect<ReadonlyArray<SupportCase.SupportCase>, CaseStoreFailure>
  /** The agents' queue: cases with a running clock, earliest due first. Account managers see their own. */
  readonly queue: (
    actor: Actor.Actor,
    query?: Partial<QueueQuery>
  ) => Effect.Effect<ReadonlyArray<SupportCase.SupportCase>, DeskError.ActionForbidden | CaseStoreFailure>

  /**
   * The console's lists and search: a view with filters and words, in an order, a page at a time with no cap.
   * Requesters search their own cases (and those they are a party to); account managers their own.
   */
  readonly findCases: (
    actor: Actor.Actor,
    input: FindInput
  ) => Effect.Effect<
    CasePage,
    DeskError.InputInvalid | DeskError.ActionForbidden | CaseStoreFailure | PolicyStore.PolicyStoreFailure
  >
  /** How many cases each view holds for the caller (staff). */
  readonly countViews: (
    actor: Actor.Actor
  ) => Effect.Effect<ReadonlyArray<ViewCount>, DeskError.ActionForbidden | CaseStoreFailure>
  /** The staff of the host's `Directory` (staff only): names, roles and queues. None without a directory. */
  readonly people: (actor: Actor.Actor) => Effect.Effect<ReadonlyArray<Directory.Person>, DeskError.ActionForbidden>
  /** Display names of people by id: staff from the `Directory`, the caller from their own actor data. */
  readonly displayNames: (
    actor: Actor.Actor,
    ids: ReadonlyArray<string>
  ) => Effect.Effect<Readonly<Record<string, string>>>
  /**
   * The cases the caller may see that were updated at or after `since`, oldest update first, at most `limit`: what a
   * live view polls.
   */
  readonly changes: (
    actor: Actor.Actor,
    options: { readonly since: number; readonly limit: number }
  ) => Effect.Effect<ReadonlyArray<SupportCase.SupportCase>, DeskError.ActionForbidden | CaseStoreFailure>
  /** An SLA report from the handling records (agents and administrators; clause 7.4). See `Reports`. */
  readonly slaReport: (
    actor: Actor.Actor,
    query: Reports.Query
  ) => Effect.Effect<
    Reports.SlaReport,
    DeskError.InputInvalid | DeskError.ActionForbidden | CaseStoreFailure | PolicyStore.PolicyStoreFailure
  >

  readonly reply: Act<DeskInput.MessageInput>
  readonly progressUpdate: Act<DeskInput.MessageInput>
  readonly requestInformation: Act<DeskInput.MessageInput>
  /**
   * The requester writes to the case (answering a request for information). With a `messageKey` (an email's
   * Message-ID), a message the case already holds is not written again.
   */
  readonly respond: Act<DeskInput.RespondInput, DeskError.RateLimitExceeded>
  readonly changePriority: Act<DeskInput.ChangePriorityInput>
  readonly assign: Act<DeskInput.AssignInput>
  /** Escalates to the requester's dedicated account manager (clause 2.4). */
  readonly escalate: Act<DeskInput.ReasonInput, DeskError.AccountManagerMissing>
  readonly holdForVerification: Act<DeskInput.ReasonInput, DeskError.VerificationNotApplicable>
  readonly concludeVerification: Act<DeskInput.ConcludeVerificationInput>
  readonly resolve: Act<DeskInput.MessageInput>
  readonly explain: Act<DeskInput.ExplainInput>
  readonly refuse: Act<DeskInput.RefuseInput>
  readonly reopen: Act<DeskInput.ReasonInput, DeskError.ReopenWindowClosed>
  readonly close: Act<DeskInput.ReasonInput>
  readonly addNote: Act<DeskInput.MessageInput>
  /**
   * The lifecycle sweep of clause 6.3, run by the host on a schedule as the `system` actor: closes the resolved and
   * explained cases last updated more than `lifecycle.closeResolvedAfterBusinessDays` business days ago, and the
   * cases awaiting the requester after `lifecycle.closeAwaitingRequesterAfterBusinessDays`, each with a `closed`
   * event and a notice to its requester. Returns the ids of the cases it closed. Idempotent and safe to run
   * concurrently: a case changed meanwhile (a sequence conflict) is skipped until the next run.
   */
  readonly closeIdle: (
    options?: CloseIdleOptions
  ) => Effect.Effect<ReadonlyArray<string>, CaseStoreFailure | PolicyStore.PolicyStoreFailure>
  /**
   * A reviewer (an agent or an administrator) records the quality review of a closed case (clause 7.4): appends
   * `qualityReviewed`. Every case closing is selected for review or not as it closes (`qualityReviewSelected`).
   */
  readonly recordQualityReview: Act<DeskInput.QualityReviewInput>
  /**
   * An administrator places a legal hold on a case: retention and erasure requests leave it as it is until released
   * (7.4; when the policy's `retention.legalHoldSuspends`).
   */
  readonly placeLegalHold: Act<DeskInput.ReasonInput>
  /**
   * An administrator releases the legal hold on a case. Releasing a case not on hold writes nothing. An erasure
   * requested while the case was held runs now (the view is of the case after it, or as released when the policy
   * deletes erased cases).
   */
  readonly releaseLegalHold: Act<DeskInput.ReasonInput, Erasure.HolderFailure>
  /**
   * The retention sweep (clause 7.4, `retention`), run by the host on a schedule as the `system` actor: erases the
   * closed cases last updated more than `retention.keepClosedCasesForDays` days ago (of their version of the policy),
   * except those on a legal hold when `retention.legalHoldSuspends`. Erasure anonymises the case, or deletes it when
   * the policy's `afterwards` is `delete` (see `Erasure`), after the other holders of personal data erased theirs.
   * Returns the ids of the cases it erased. Idempotent and safe to run concurrently.
   */
  readonly applyRetention: (
    options?: CloseIdleOptions
  ) => Effect.Effect<ReadonlyArray<string>, CaseStoreFailure | PolicyStore.PolicyStoreFailure | Erasure.HolderFailure>
  /**
   * A requester's request to be forgotten (GDPR art. 17, PIPL, PDPO), made by an administrator (clause 7.4): the
   * other holders of personal data erase theirs, then every case of the requester is erased as retention erases it
   * (an open one is closed first, `reason: "erasure"`), and their statements in others' mediations are redacted.
   * Cases on a legal hold wait (`erasureRequested`), and run when the hold is released. Each case records the
   * erasure (`anonymised`, or its tally), without personal data.
   */
  readonly eraseRequester: (
    actor: Actor.Actor,
    requesterId: string
  ) => Effect.Effect<
    ErasureReport,
    | DeskError.ActionForbidden
    | DeskError.InputInvalid
    | SequenceConflict
    | CaseStoreFailure
    | PolicyStore.PolicyStoreFailure
    | Erasure.HolderFailure
  >
  /**
   * The requester rates how their answered case was handled (the policy's `satisfaction`, clause 7.4): once per case
   * (a second rating is `SatisfactionAlreadyRated`), within the policy's window; a low rating selects the case for
   * quality review (`lowSatisfaction`) and, when the policy says so, reopens it.
   */
  readonly rateSatisfaction: Act<
    DeskInput.RateSatisfactionInput,
    DeskError.SatisfactionNotAvailable | DeskError.SatisfactionAlreadyRated
  >
  /**
   * What a signed rating link opens, without signing in (`SatisfactionToken`, with `Options.satisfactionSecret`): the
   * case's satisfaction question as its requester sees it, to show the rating form or the rating given.
   */
  readonly satisfactionWithToken: (
    token: string
  ) => Effect.Effect<
    RatingForm,
    SatisfactionToken.SatisfactionTokenInvalid | CaseNotFound | CaseStoreFailure | PolicyStore.PolicyStoreFailure
  >
  /** The same, through a signed rating link (`SatisfactionToken`, with `Options.satisfactionSecret`). */
  readonly rateSatisfactionWithToken: (
    token: string,
    input: DeskInput.RateSatisfactionInput
  ) => Effect.Effect<
    Rated,
    | SatisfactionToken.SatisfactionTokenInvalid
    | DeskError.SatisfactionNotAvailable
    | DeskError.SatisfactionAlreadyRated
    | DeskError.ActionError
  >
  /**
   * The closed cases selected for quality review and not reviewed since, oldest update first (agents and
   * administrators). It reads the records of closed cases one batch at a time until `limit` are found.
   */
  readonly qualityReviews: (
    actor: Actor.Actor,
    options: { readonly limit: number }
  ) => Effect.Effect<ReadonlyArray<PendingQualityReview>, DeskError.ActionForbidden | CaseStoreFailure>

  readonly requestMediation: Act<
    DeskInput.RequestMediationInput,
    DeskError.MediationNotAvailable | DeskError.RateLimitExceeded | Parties.PartiesFailure
  >
  readonly postStatement: Act<DeskInput.RespondInput, DeskError.RateLimitExceeded>
  readonly recordMediationOutcome: Act<DeskInput.MediationOutcomeInput>

  readonly declareIncident: (
    actor: Actor.Actor,
    input: DeskInput.DeclareIncidentInput
  ) => Effect.Effect<
    Incident.Incident,
    DeskError.InputInvalid | DeskError.ActionForbidden | Incident.IncidentStoreFailure | PolicyStore.PolicyStoreFailure
  >
  readonly updateIncident: (
    actor: Actor.Actor,
    incidentId: string,
    input: DeskInput.UpdateIncidentInput
  ) => Effect.Effect<
    Incident.Incident,
    DeskError.IncidentError | DeskError.IncidentAlreadyResolved | Incident.IncidentVersionConflict
  >
  /** Links a case to an active incident (appends `incidentLinked`; the policy's `incidents.hold` applies). */
  readonly linkCase: (
    actor: Actor.Actor,
    incidentId: string,
    ref: string
  ) => Effect.Effect<
    CaseView,
    | DeskError.ActionError
    | DeskError.IncidentError
    | DeskError.IncidentAlreadyResolved
    | Incident.IncidentVersionConflict
  >
  /** Resolves an incident: unlinks every linked case and notifies its requester. Safe to call again. */
  readonly resolveIncident: (
    actor: Actor.Actor,
    incidentId: string,
    input: DeskInput.ResolveIncidentInput
  ) => Effect.Effect<
    IncidentResolution,
    | DeskError.IncidentError
    | Incident.IncidentVersionConflict
    | CaseNotFound
    | SequenceConflict
    | CaseStoreFailure
    | PolicyStore.PolicyStoreFailure
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
    input: DeskInput.AnnouncementInput
  ) => Effect.Effect<Incident.Announcement, DeskError.IncidentError>
  readonly updateAnnouncement: (
    actor: Actor.Actor,
    announcementId: string,
    input: DeskInput.UpdateAnnouncementInput
  ) => Effect.Effect<
    Incident.Announcement,
    DeskError.InputInvalid | DeskError.ActionForbidden | DeskError.AnnouncementNotFound | Incident.IncidentStoreFailure
  >
  /** The announcements shown now (public). */
  readonly announcements: Effect.Effect<ReadonlyArray<Incident.Announcement>, Incident.IncidentStoreFailure>

  /**
   * The SLA watcher, one round (run by `SupportWorker`, in any number of processes): claims the cases whose next
   * escalation level fell due (`CaseStore.claimAlerts`), and for each appends an `slaWarning`, `slaBreached` or
   * `slaEscalated` per level due, as the `system` actor, with a notification to each person the level names, and
   * writes the case's next alert instant. Each clock and level fires once, whatever the number of watchers.
   */
  readonly fireAlerts: (
    options?: FireAlertsOptions
  ) => Effect.Effect<FiredAlerts, CaseStoreFailure | Directory.DirectoryUnavailable | PolicyStore.PolicyStoreFailure>
  /**
   * The SLA alerts addressed to a staff member or their queues (`SlaAlert.keysOf`), newest first. Requesters are
   * refused.
   */
  readonly alerts: (
    actor: Actor.Actor,
    query?: AlertQuery
  ) => Effect.Effect<ReadonlyArray<SlaAlert.SlaAlert>, DeskError.ActionForbidden | CaseStoreFailure>
}

/**
 * The support desk.
 *
 * @since 0.1.0
 * @category services
 */
export class SupportDesk extends Context.Service<SupportDesk, Service>()("@support-policy/core/SupportDesk") {}

// -------------------------------------------------------------------------------------------------------------------
// constructor
// -------------------------------------------------------------------------------------------------------------------

/**
 * Builds the support desk on the stores in context. `policy` seeds the `PolicyStore`: it is published (by the
 * `system` actor) unless its version is, and then it must be the same document (a published version never changes:
 * publish a changed policy as a new version). The version in force is the one published last, which after the first
 * start may be a later one than `policy`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.fnUntraced(function* (policy: SupportPolicy.SupportPolicy, options?: Options) {
  return SupportDesk.of(yield* Wiring.make(policy, options))
})

// -------------------------------------------------------------------------------------------------------------------
// layers
// -------------------------------------------------------------------------------------------------------------------

/**
 * The support desk on the stores and randomness in context, and the staff `Directory` when the context has one
 * (display names; SLA escalations to queue leads and roles, which without one reach the case's queue), with `policy`
 * published as its first version (see {@link make}). A host that loads its policy from JSON decodes it first:
 * `Layer.unwrap(Effect.map(SupportPolicy.decode(json), (policy) => SupportDesk.layer(policy)))`. Other holders of
 * personal data take part in erasure when provided to this layer (`Erasure.layerHolder`).
 *
 * Three ports are read when they are in context: `Parties` (the host's order data, which confirms the counterparty of
 * a mediation: without it, mediations with a counterparty are refused), `FailedLookups` (failed case lookups
 * counted across processes: without it, each process counts its own) and `Mailbox` (the email channel's incoming
 * mail, which then takes part in every erasure as a holder of personal data, `Mailbox.holder`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  policy: SupportPolicy.SupportPolicy,
  options?: Options
): Layer.Layer<
  SupportDesk,
  never,
  CaseStore | Incident.IncidentStore | PolicyStore.PolicyStore | Randomness.Randomness
> => Layer.effect(SupportDesk, make(policy, options))

/**
 * The whole desk in memory: the desk running `policy` on `MemoryStorage.layerMemory` (case store, outbox, incident
 * store, policy store and task store on one fresh state, all also provided, so a host or a test can read the outbox
 * or run a `SupportWorker`), with the platform's cryptographic randomness unless `options.randomness` gives another
 * (`Randomness.layerSeeded(seed)` in tests), the orders of `options.orders` as the parties of mediations, and the
 * staff in `options.staff` (`Directory.layerMemory`) if given.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (
  policy: SupportPolicy.SupportPolicy,
  options?: Options & {
    readonly randomness?: Layer.Layer<Randomness.Randomness> | undefined
    /** The orders whose parties may mediate (`Parties.layerMemory`); none when absent. */
    readonly orders?: ReadonlyArray<Parties.Order> | undefined
    readonly staff?: (Directory.Organisation & { readonly people: ReadonlyArray<Directory.Person> }) | undefined
  }
): Layer.Layer<
  SupportDesk | CaseStore | Outbox.Outbox | Incident.IncidentStore | PolicyStore.PolicyStore | TaskStore.TaskStore
> =>
  layer(policy, options).pipe(
    Layer.provideMerge(MemoryStorage.layerMemory),
    Layer.provide(Layer.mergeAll(options?.randomness ?? Randomness.layer, Parties.layerMemory(options?.orders ?? []))),
    Layer.provide(
      options?.staff === undefined ? Layer.empty : Directory.layerMemory(options.staff.people, options.staff)
    )
  )
