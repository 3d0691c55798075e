/**
 * The errors of the support desk (re-exported by `SupportDesk`): what a caller did wrong (`InputInvalid`), what the
 * policy does not allow (a channel, a transition, mediation, verification, a reopening after its window, clause 7.3's
 * rate limits), and who may not do what (`ActionForbidden`). Store failures and conflicts are the ports' own errors.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as CaseEvent from "./CaseEvent.ts"
import type { CaseNotFound, CaseStoreFailure, IdempotencyConflict, SequenceConflict } from "./CaseStore.ts"
import * as FieldProblem from "./FieldProblem.ts"
import type * as Incident from "./Incident.ts"
import type { PolicyStoreFailure } from "./PolicyStore.ts"

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
 * The actor looked up too many cases that do not exist or are not theirs (guessing tracking numbers, clause 6.4):
 * their lookups are refused for `retryAfterMs`. The limit is the desk's `lookupThrottle` option.
 *
 * @since 0.1.0
 * @category errors
 */
export class LookupThrottled extends Schema.TaggedError<LookupThrottled>()("LookupThrottled", {
  retryAfterMs: Schema.Int,
  maxFailures: Schema.Int,
  windowMs: Schema.Int,
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
 * The requester cannot rate the case now (the policy's `satisfaction`): the policy asks nothing (`notAsked`), the case
 * is not answered yet or was refused (`notAnswered`), the rating window closed (`windowClosed`), or the rating is not
 * on the scale or carries a comment the policy does not take (`invalid`, with the field).
 *
 * @since 0.1.0
 * @category errors
 */
export class SatisfactionNotAvailable extends Schema.TaggedError<SatisfactionNotAvailable>()(
  "SatisfactionNotAvailable",
  {
    caseId: Schema.String,
    reason: Schema.Literals(["notAsked", "notAnswered", "windowClosed"]),
    windowEndedAt: Schema.optionalKey(CaseEvent.EpochMillis),
    message: Schema.String
  }
) {}

/**
 * The case was rated already: one rating per case.
 *
 * @since 0.1.0
 * @category errors
 */
export class SatisfactionAlreadyRated extends Schema.TaggedError<SatisfactionAlreadyRated>()(
  "SatisfactionAlreadyRated",
  { caseId: Schema.String, ratedAt: CaseEvent.EpochMillis, message: Schema.String }
) {}

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
  | LookupThrottled
  | ActionForbidden
  | TransitionNotAllowed
  | SequenceConflict
  | CaseStoreFailure
  | PolicyStoreFailure

/**
 * What a submission can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type SubmitError =
  | InputInvalid
  | ChannelNotAccepted
  | RateLimitExceeded
  | IdempotencyConflict
  | CaseStoreFailure
  | PolicyStoreFailure

/**
 * What the incident services can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type IncidentError = InputInvalid | ActionForbidden | Incident.IncidentNotFound | Incident.IncidentStoreFailure

/**
 * The conflicts the desk retries: another writer changed the case (or the incident) between the read and the write.
 *
 * @since 0.1.0
 * @category errors
 */
export type Conflict = SequenceConflict | Incident.IncidentVersionConflict

/**
 * Whether an error is a conflict the desk retries.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isConflict = (error: unknown): error is Conflict =>
  typeof error === "object" &&
  error !== null &&
  "_tag" in error &&
  (error._tag === "SequenceConflict" || error._tag === "IncidentVersionConflict")
