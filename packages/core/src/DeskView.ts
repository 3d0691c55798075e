/**
 * What the support desk answers: the views and outcomes its services return (a case as an actor reads it, a
 * submission, a quote, the outcomes of incidents, policy moves, erasures and ratings) and the console's views,
 * re-exported by `SupportDesk`.
 *
 * @since 0.1.0
 */
import type * as CaseEvent from "./CaseEvent.ts"
import type * as Incident from "./Incident.ts"
import * as Console from "./internal/desk/console.ts"
import type * as Outbox from "./Outbox.ts"
import type * as PolicyStore from "./PolicyStore.ts"
import type * as Sla from "./Sla.ts"
import type * as SlaAlert from "./SlaAlert.ts"
import type * as SupportCase from "./SupportCase.ts"
import type * as SupportPolicy from "./SupportPolicy.ts"

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
 * The satisfaction question of a case (the policy's `satisfaction`, clause 7.4): its scale, whether a comment is
 * taken, and either the rating given or until when the requester may rate (null while the case is not answered, or
 * when its answer was a refusal).
 *
 * @since 0.1.0
 * @category models
 */
export interface SatisfactionView {
  readonly question: string
  readonly scale: { readonly min: number; readonly max: number }
  readonly comment: "none" | "optional"
  readonly openUntil: number | null
  readonly rating: { readonly rating: number; readonly comment?: string; readonly at: number } | null
}

/**
 * A case as an actor may read it: its state (as they may see it: `Authorization.visibleCase`), one page of the part
 * of its handling record they may see (the latest events, or those before a cursor), its SLA clocks evaluated at
 * `asOf` (under the version of the policy it names, `case.policyVersion`), until when the requester may reopen it,
 * its mediation, and its satisfaction question (null when the policy asks none, and for the other party of a
 * mediation).
 *
 * @since 0.1.0
 * @category models
 */
export interface CaseView {
  readonly case: SupportCase.SupportCase
  /** The latest events the reader may see (before `PageOptions.before` when given), in record order. */
  readonly events: CaseEvent.Record
  /**
   * The cursor of the page before this one: pass it as `PageOptions.before` (`?before=` over HTTP) to read the
   * events before `events[0]`; null when there are none.
   */
  readonly eventsBefore: number | null
  readonly sla: Sla.Evaluation
  readonly asOf: number
  /** While the case is resolved or explained: the last instant the requester may reopen it (epoch ms). */
  readonly reopenableUntil: number | null
  readonly mediation: MediationView | null
  readonly satisfaction: SatisfactionView | null
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
  /** The version of the policy the case was opened under (the one in force then). */
  readonly policy: SupportPolicy.SupportPolicy
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

/**
 * What a submission would be promised (`quote`): when it was received, its priority, category and audience, the
 * channel that would take it, its targets and the first-response instant.
 *
 * @since 0.1.0
 * @category models
 */
export interface Quote {
  readonly receivedAt: number
  readonly priority: string
  readonly category: string
  readonly audience: string
  readonly channel: Submission["channel"]
  readonly plan: ReadonlyArray<Sla.PlannedTarget>
  readonly replyBy: number | null
}

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
 * A published version of the policy as an administrator lists it, and whether it is the one in force.
 *
 * @since 0.1.0
 * @category models
 */
export interface PolicyVersionSummary extends PolicyStore.Summary {
  readonly inForce: boolean
}

/**
 * A case, by id and tracking number.
 *
 * @since 0.1.0
 * @category models
 */
export interface CaseRef {
  readonly caseId: string
  readonly trackingNumber: string
}

/**
 * The outcome of moving open cases to a version of the policy (clause 7.1): the cases moved (each appended a
 * `policyChanged` naming both versions), and those left where they were, with why (not open, unknown, or naming a
 * category, priority, channel or audience the version does not have).
 *
 * @since 0.1.0
 * @category models
 */
export interface PolicyMove {
  readonly version: string
  readonly moved: ReadonlyArray<CaseRef & { readonly from: string }>
  /** By tracking number (as given, when the cases to move were named). */
  readonly skipped: ReadonlyArray<{ readonly trackingNumber: string; readonly reason: string }>
}

/**
 * The outcome of a requester's erasure request (clause 7.4): the erasure's id (in every record it leaves), the cases
 * anonymised and deleted, and those on a legal hold, which wait until it is released.
 *
 * @since 0.1.0
 * @category models
 */
export interface ErasureReport {
  readonly erasureId: string
  readonly anonymised: ReadonlyArray<CaseRef>
  readonly deleted: ReadonlyArray<CaseRef>
  readonly held: ReadonlyArray<CaseRef>
}

/**
 * What a signed rating link opens (`SupportDesk.satisfactionWithToken`): the case's tracking number, its satisfaction
 * question as its requester sees it (the rating given, or until when they may rate), and the instant it was read.
 *
 * @since 0.1.0
 * @category models
 */
export interface RatingForm {
  readonly trackingNumber: string
  readonly satisfaction: SatisfactionView | null
  readonly asOf: number
}

/**
 * The outcome of a rating through a signed link: the case rated, and the rating.
 *
 * @since 0.1.0
 * @category models
 */
export interface Rated {
  readonly trackingNumber: string
  readonly rating: number
  readonly ratedAt: number
}

/**
 * The views of the agents' console: every case still owing an answer (`active`), the caller's (`mine`), those
 * assigned to no one (`unassigned`), one per status (`resolved` holds the explained ones too), and `all`.
 *
 * @since 0.1.0
 * @category models
 */
export type View = Console.View

/**
 * Every view of the console, in the order the console shows them.
 *
 * @since 0.1.0
 * @category constants
 */
export const views: ReadonlyArray<View> = Console.views

/**
 * The most a view count counts (`countViews`): a count equal to it reads "this many or more".
 *
 * @since 0.1.0
 * @category constants
 */
export const countCap: number = Console.countCap

/**
 * A list of the console (`findCases`): a view, filters (`assignee` is `"me"`, `"none"` or an id), words to find
 * (`q`: a tracking number, an order reference, a requester's name or email, words of the subject, description and
 * messages), an order (default `due`, earliest first; `updated` and `received` newest first) and a page.
 *
 * @since 0.1.0
 * @category models
 */
export type FindInput = Console.FindInput

/**
 * A page of cases and the cursor of the next (null at the end). A query that is a tracking number the caller may see
 * gives that case as `exact`; one with a mistyped character gives the numbers of the caller's cases it may have
 * meant (`didYouMean`).
 *
 * @since 0.1.0
 * @category models
 */
export type CasePage = Console.CasePage

/**
 * How many cases a view holds, counted up to {@link countCap}.
 *
 * @since 0.1.0
 * @category models
 */
export type ViewCount = Console.ViewCount

/**
 * What one round of `SupportDesk.fireAlerts` did: how many cases it claimed, and the alerts it appended.
 *
 * @since 0.1.0
 * @category models
 */
export interface FiredAlerts {
  readonly claimed: number
  readonly fired: ReadonlyArray<SlaAlert.SlaAlert>
}
