/**
 * The life of a support case: how its handling record (`CaseEvent`) folds into its current state (`SupportCase`),
 * and which actions each state allows.
 *
 * The state is a pure function of the record, so a store never holds a state the record does not explain:
 * - `resolved`, `explained` (clause 6.3), `refused` (clause 7.3) and `closed` are set by the events of those names
 *   (a withdrawal or a merge closes the case too), and left by `reopened`;
 * - otherwise the case is `onHold` while its content is being verified (clause 7.2), else `inMediation` while a
 *   dispute is being mediated (clause 4.5), else `awaitingRequester` after a request for information until the
 *   requester answers, else `open`.
 *
 * A link to a system-wide incident (clause 6.5) does not change the state: what it does to the clocks is the
 * policy's `incidents.hold`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as CaseEvent from "./CaseEvent.ts"
import * as SupportCase from "./SupportCase.ts"

// -------------------------------------------------------------------------------------------------------------------
// actions
// -------------------------------------------------------------------------------------------------------------------

/**
 * Every action on an existing case:
 * - `view`: read the case, its record and clocks,
 * - `reply`, `progressUpdate` (6.2), `requestInformation`, `addNote` (internal),
 * - `respond`: the requester writes to the case (answers a request for information),
 * - `changePriority`, `assign`, `escalate` (to the requester's account manager, 2.4),
 * - `holdForVerification`, `concludeVerification` (7.2),
 * - `resolve`, `explain` (6.3), `refuse` (7.3), `reopen`, `close`,
 * - `requestMediation`, `postStatement`, `recordMediationOutcome` (4.5),
 * - `linkIncident`, `unlinkIncident` (6.5),
 * - `recordQualityReview`: a reviewer rates a closed case (7.4),
 * - `placeLegalHold`, `releaseLegalHold`: a legal hold suspends the retention rules and erasure (7.4),
 * - `changePolicyVersion`: an administrator moves an open case to another version of the policy (7.1),
 * - `rateSatisfaction`: the requester rates how an answered case was handled (7.4).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Action = Schema.Literals([
  "view",
  "reply",
  "progressUpdate",
  "requestInformation",
  "respond",
  "changePriority",
  "assign",
  "escalate",
  "holdForVerification",
  "concludeVerification",
  "resolve",
  "explain",
  "refuse",
  "reopen",
  "close",
  "addNote",
  "requestMediation",
  "postStatement",
  "recordMediationOutcome",
  "linkIncident",
  "unlinkIncident",
  "recordQualityReview",
  "placeLegalHold",
  "releaseLegalHold",
  "changePolicyVersion",
  "rateSatisfaction"
])

/**
 * @since 0.1.0
 * @category models
 */
export type Action = typeof Action.Type

/**
 * Every action, in a fixed order.
 *
 * @since 0.1.0
 * @category models
 */
export const actions: ReadonlyArray<Action> = Action.literals

const ACTIVE: ReadonlyArray<SupportCase.Status> = ["open", "awaitingRequester", "onHold", "inMediation"]
const ANSWERED: ReadonlyArray<SupportCase.Status> = ["resolved", "explained"]
const ALL: ReadonlyArray<SupportCase.Status> = [...ACTIVE, ...ANSWERED, "refused", "closed"]

/**
 * The states in which each action is allowed. Choices where the policy is silent:
 * - an open case cannot be closed: clause 6.3 promises every case is resolved or explained, so it is answered first
 *   (a case awaiting the requester may be closed, as when the requester never answers);
 * - a case on a verification hold is concluded before it is resolved or explained;
 * - a mediation ends with its recorded outcome, not with a plain resolution;
 * - only answered cases are reopened (a refused one too, by an administrator: `Authorization` decides who);
 * - a case is reviewed for quality once it is closed (clause 7.4 samples closed cases);
 * - only a case the desk still owes an answer moves to another version of the policy (an answered case keeps the
 *   promises it was answered under);
 * - a requester rates an answered case, resolved, explained or closed (the policy's `satisfaction` says until when).
 *
 * @since 0.1.0
 * @category models
 */
export const allowedIn: { readonly [A in Action]: ReadonlyArray<SupportCase.Status> } = {
  view: ALL,
  reply: ACTIVE,
  progressUpdate: ACTIVE,
  requestInformation: ["open"],
  respond: ACTIVE,
  changePriority: ACTIVE,
  assign: ACTIVE,
  escalate: ACTIVE,
  holdForVerification: ["open", "awaitingRequester", "inMediation"],
  concludeVerification: ["onHold"],
  resolve: ["open", "awaitingRequester"],
  explain: ["open", "awaitingRequester"],
  refuse: ACTIVE,
  reopen: [...ANSWERED, "refused"],
  close: ["awaitingRequester", ...ANSWERED, "refused"],
  addNote: ALL,
  requestMediation: ["open", "awaitingRequester"],
  postStatement: ["inMediation"],
  recordMediationOutcome: ["inMediation"],
  linkIncident: ACTIVE,
  unlinkIncident: ALL,
  recordQualityReview: ["closed"],
  placeLegalHold: ALL,
  releaseLegalHold: ALL,
  changePolicyVersion: ACTIVE,
  rateSatisfaction: [...ANSWERED, "closed"]
}

/**
 * Whether a case in `status` allows `action`.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isAllowed = (status: SupportCase.Status, action: Action): boolean => allowedIn[action].includes(status)

/**
 * Whether the case still owes the requester an answer (open, awaiting them, on hold or in mediation).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isActive = (status: SupportCase.Status): boolean => ACTIVE.includes(status)

// -------------------------------------------------------------------------------------------------------------------
// fold
// -------------------------------------------------------------------------------------------------------------------

/**
 * One party of a mediation, as the record tells it: how many statements they posted, the last one's instant, and
 * since when the desk waits for them (a request for information to the requester, the contact of the counterparty).
 *
 * @since 0.1.0
 * @category schemas
 */
export const PartyStatements = Schema.Struct({
  statements: Schema.Int,
  lastStatementAt: Schema.NullOr(CaseEvent.EpochMillis),
  awaitingSince: Schema.NullOr(CaseEvent.EpochMillis)
})

/**
 * @since 0.1.0
 * @category models
 */
export type PartyStatements = typeof PartyStatements.Type

/**
 * The statements of a mediation (clause 4.5), folded from the record: whether one was requested, its outcome, and
 * each party's statements and wait.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MediationFacts = Schema.Struct({
  started: Schema.Boolean,
  outcome: Schema.NullOr(Schema.Literals(["settled", "notSettled", "withdrawn"])),
  requester: PartyStatements,
  counterparty: PartyStatements
})

/**
 * @since 0.1.0
 * @category models
 */
export type MediationFacts = typeof MediationFacts.Type

/**
 * What the record says about a case, beyond the fields of `SupportCase`. Plain JSON: a store keeps it beside the case
 * and the desk moves it on event by event ({@link step}), so neither reads the whole record to act on a case.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Facts = Schema.Struct({
  status: SupportCase.Status,
  channel: Schema.String,
  category: Schema.String,
  priority: Schema.String,
  audience: Schema.String,
  subject: Schema.String,
  assignee: Schema.optionalKey(CaseEvent.Assignee),
  parties: Schema.Array(Schema.String),
  /** The counterparty of the mediation, if one was requested (the latest one named). */
  counterpartyId: Schema.optionalKey(Schema.String),
  /**
   * Each counterparty ever named, with the sequence of the first `mediationRequested` naming them: what they may read
   * of the record starts there (clause 4.5, `Authorization.visibleRecord`).
   */
  counterpartySince: Schema.Record(Schema.String, Schema.Int),
  awaitingRequester: Schema.Boolean,
  verificationHold: Schema.Boolean,
  inMediation: Schema.Boolean,
  /** The incidents the case is linked to now. */
  linkedIncidents: Schema.Array(Schema.String),
  /** When the case was last resolved, explained or refused (epoch ms), while it stays so. */
  answeredAt: Schema.optionalKey(CaseEvent.EpochMillis),
  openedAt: CaseEvent.EpochMillis,
  updatedAt: CaseEvent.EpochMillis,
  sequence: Schema.Int,
  reopenCount: Schema.Int,
  /** Whether the case was ever refused (clause 7.3). */
  everRefused: Schema.Boolean,
  /** Whether a legal hold is on the record now (clause 7.4). */
  legalHold: Schema.Boolean,
  /** Whether the requester's personal data was anonymised (clause 7.4). */
  anonymised: Schema.Boolean,
  /** The last selection for quality review not followed by a review (clause 7.4). */
  pendingQualityReview: Schema.optionalKey(
    Schema.Struct({ reasons: Schema.Array(CaseEvent.QualityReviewReason), selectedAt: CaseEvent.EpochMillis })
  ),
  mediation: MediationFacts,
  /** The version of the policy an administrator last moved the case to (`policyChanged`), if ever. */
  policyVersion: Schema.optionalKey(Schema.String),
  /** How the current cycle was answered (with `answeredAt`), while it stays so. */
  answer: Schema.optionalKey(Schema.Literals(["resolved", "explained", "refused"])),
  /** When the current cycle was closed (withdrawn, merged or closed), while it stays so. */
  closedAt: Schema.optionalKey(CaseEvent.EpochMillis),
  /** The requester's satisfaction rating (clause 7.4; one per case). */
  rating: Schema.optionalKey(
    Schema.Struct({ rating: Schema.Int, at: CaseEvent.EpochMillis, comment: Schema.optionalKey(Schema.String) })
  )
})

/**
 * @since 0.1.0
 * @category models
 */
export type Facts = typeof Facts.Type

/**
 * A handling record that does not start with `submitted`.
 *
 * @since 0.1.0
 * @category errors
 */
export class RecordNotSubmitted extends Schema.TaggedError<RecordNotSubmitted>()("RecordNotSubmitted", {
  message: Schema.String
}) {}

const noStatements: PartyStatements = { statements: 0, lastStatementAt: null, awaitingSince: null }

/**
 * The facts of a record that holds only its `submitted` event.
 *
 * @since 0.1.0
 * @category constructors
 */
export const initial = (submitted: CaseEvent.Of<"submitted">): Facts => ({
  status: "open",
  channel: submitted.channel,
  category: submitted.category,
  priority: submitted.priority,
  audience: submitted.audience,
  subject: submitted.subject ?? "",
  parties: [submitted.requester.id],
  counterpartySince: {},
  awaitingRequester: false,
  verificationHold: false,
  inMediation: false,
  linkedIncidents: [],
  openedAt: submitted.at,
  updatedAt: submitted.at,
  sequence: submitted.sequence,
  reopenCount: 0,
  everRefused: false,
  legalHold: false,
  anonymised: false,
  mediation: { started: false, outcome: null, requester: noStatements, counterparty: noStatements }
})

type Terminal = "resolved" | "explained" | "refused" | "closed"

const isTerminal = (status: SupportCase.Status): status is Terminal =>
  status === "resolved" || status === "explained" || status === "refused" || status === "closed"

const withParty = (parties: ReadonlyArray<string>, id: string): ReadonlyArray<string> =>
  parties.includes(id) ? parties : [...parties, id]

/** The statements of the parties after one event (the mediation view reads them; clause 4.5). */
const mediationStep = (m: MediationFacts, e: CaseEvent.CaseEvent): MediationFacts => {
  switch (e.type) {
    case "mediationRequested":
      return {
        ...m,
        started: true,
        outcome: null,
        requester: { ...m.requester, statements: m.requester.statements + 1, lastStatementAt: e.at }
      }
    case "requesterResponded":
      return {
        ...m,
        requester: m.started
          ? { statements: m.requester.statements + 1, lastStatementAt: e.at, awaitingSince: null }
          : { ...m.requester, awaitingSince: null }
      }
    case "informationRequested":
      return { ...m, requester: { ...m.requester, awaitingSince: e.at } }
    case "counterpartyContacted":
      return m.counterparty.awaitingSince === null
        ? { ...m, counterparty: { ...m.counterparty, awaitingSince: e.at } }
        : m
    case "counterpartyResponded":
      return {
        ...m,
        counterparty: { statements: m.counterparty.statements + 1, lastStatementAt: e.at, awaitingSince: null }
      }
    case "mediationConcluded":
      return {
        ...m,
        outcome: e.outcome,
        requester: { ...m.requester, awaitingSince: null },
        counterparty: { ...m.counterparty, awaitingSince: null }
      }
    default:
      return m
  }
}

/** The status of a case that is not answered, refused or closed. */
const activeStatus = (f: Pick<Facts, "verificationHold" | "inMediation" | "awaitingRequester">): SupportCase.Status =>
  f.verificationHold ? "onHold" : f.inMediation ? "inMediation" : f.awaitingRequester ? "awaitingRequester" : "open"

/**
 * The facts after one more event of the record (the event after `facts.sequence`). Pure: the desk steps the stored
 * facts over the events it appends, so an action never re-reads the record, and `factsUnsafe(record)` is the same
 * steps from `initial`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const step = (facts: Facts, e: CaseEvent.CaseEvent): Facts => {
  let terminal: Terminal | undefined = isTerminal(facts.status) ? facts.status : undefined
  const next: { -readonly [K in keyof Facts]: Facts[K] } = { ...facts }
  switch (e.type) {
    case "submitted":
      return facts
    case "informationRequested":
      next.awaitingRequester = true
      break
    case "requesterResponded":
      next.awaitingRequester = false
      break
    case "priorityChanged":
      next.priority = e.to
      break
    case "categoryChanged":
      next.category = e.to
      break
    case "assigned":
    case "escalated":
      next.assignee = e.to
      break
    case "verificationStarted":
      next.verificationHold = true
      break
    case "verificationConcluded":
      next.verificationHold = false
      break
    case "incidentLinked":
      if (!facts.linkedIncidents.includes(e.incidentId)) {
        next.linkedIncidents = [...facts.linkedIncidents, e.incidentId]
      }
      break
    case "incidentUnlinked":
      next.linkedIncidents = facts.linkedIncidents.filter((id) => id !== e.incidentId)
      break
    case "mediationRequested":
      next.inMediation = true
      if (e.counterpartyId !== undefined) {
        next.counterpartyId = e.counterpartyId
        next.parties = withParty(facts.parties, e.counterpartyId)
        if (facts.counterpartySince[e.counterpartyId] === undefined) {
          next.counterpartySince = { ...facts.counterpartySince, [e.counterpartyId]: e.sequence }
        }
      }
      break
    case "counterpartyContacted":
    case "counterpartyResponded":
      next.counterpartyId ??= e.counterpartyId
      next.parties = withParty(facts.parties, e.counterpartyId)
      break
    case "mediationConcluded":
      next.inMediation = false
      break
    case "resolved":
    case "explained":
    case "refused":
      if (terminal === undefined) {
        terminal = e.type
        next.answeredAt = e.at
        next.answer = e.type
        next.awaitingRequester = false
      }
      if (e.type === "refused") next.everRefused = true
      break
    case "withdrawn":
    case "merged":
    case "closed":
      terminal = "closed"
      next.closedAt ??= e.at
      break
    case "reopened":
      if (terminal !== undefined) {
        terminal = undefined
        delete next.answeredAt
        delete next.answer
        delete next.closedAt
        next.awaitingRequester = false
        next.reopenCount = facts.reopenCount + 1
      }
      break
    case "legalHoldPlaced":
      next.legalHold = true
      break
    case "legalHoldReleased":
      next.legalHold = false
      break
    case "anonymised":
      next.anonymised = true
      break
    case "qualityReviewSelected":
      next.pendingQualityReview = { reasons: e.reasons, selectedAt: e.at }
      break
    case "qualityReviewed":
      delete next.pendingQualityReview
      break
    case "policyChanged":
      next.policyVersion = e.to
      break
    case "satisfactionRated":
      next.rating ??= { rating: e.rating, at: e.at, ...(e.comment === undefined ? {} : { comment: e.comment }) }
      break
    default:
      break
  }
  next.mediation = mediationStep(facts.mediation, e)
  next.updatedAt = e.at
  next.sequence = e.sequence
  next.status = terminal ?? activeStatus(next)
  return next
}

/**
 * Folds a handling record into its facts: {@link initial} of its `submitted` event, then {@link step} over the rest.
 * The record must start with a `submitted` event; this throws a {@link RecordNotSubmitted} otherwise (the desk only
 * folds records it wrote).
 *
 * @since 0.1.0
 * @category combinators
 */
export const factsUnsafe = (record: CaseEvent.Record): Facts => {
  const first = record[0]
  if (first === undefined || first.type !== "submitted") {
    throw new RecordNotSubmitted({ message: 'a handling record starts with a "submitted" event' })
  }
  let facts = initial(first)
  for (let i = 1; i < record.length; i++) facts = step(facts, record[i])
  return facts
}

/**
 * The facts after `events` (which continue the record `facts` was folded from).
 *
 * @since 0.1.0
 * @category combinators
 */
export const stepAll = (facts: Facts, events: ReadonlyArray<CaseEvent.CaseEvent>): Facts => {
  let next = facts
  for (const e of events) next = step(next, e)
  return next
}

/**
 * What the record cannot say about a case: its ids, the policy version it was opened under (the record says when an
 * administrator moved it to another), who the requester is beyond
 * their id and flags, and what the requester wrote on intake.
 *
 * @since 0.1.0
 * @category models
 */
export interface Identity {
  readonly id: string
  readonly trackingNumber: string
  readonly policyId: string
  readonly policyVersion: string
  readonly requester: SupportCase.Requester
  readonly language: string
  readonly orderReference?: string | undefined
}

/**
 * The identity of an existing case.
 *
 * @since 0.1.0
 * @category getters
 */
export const identityOf = (supportCase: SupportCase.SupportCase): Identity => ({
  id: supportCase.id,
  trackingNumber: supportCase.trackingNumber,
  policyId: supportCase.policyId,
  policyVersion: supportCase.policyVersion,
  requester: supportCase.requester,
  language: supportCase.language,
  orderReference: supportCase.orderReference
})

/**
 * The state of a case from its identity and the facts folded from its record (`factsUnsafe`). `nextDueAt` (the
 * earliest due instant of its running clocks) comes from the SLA engine, run on the same record.
 *
 * @since 0.1.0
 * @category combinators
 */
export const caseOf = (identity: Identity, facts: Facts, nextDueAt: number | null): SupportCase.SupportCase => ({
  id: identity.id,
  trackingNumber: identity.trackingNumber,
  policyId: identity.policyId,
  policyVersion: facts.policyVersion ?? identity.policyVersion,
  requester: identity.requester,
  parties: facts.parties,
  channel: facts.channel,
  category: facts.category,
  priority: facts.priority,
  status: facts.status,
  subject: facts.subject,
  ...(identity.orderReference === undefined ? {} : { orderReference: identity.orderReference }),
  language: identity.language,
  ...(facts.assignee === undefined ? {} : { assignee: facts.assignee }),
  openedAt: facts.openedAt,
  updatedAt: facts.updatedAt,
  sequence: facts.sequence,
  nextDueAt
})

/**
 * Folds a handling record into the state of the case. `nextDueAt` (the earliest due instant of its running clocks)
 * comes from the SLA engine, which the caller runs on the same record. Throws {@link RecordNotSubmitted} on a record
 * that does not start with `submitted`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const foldUnsafe = (
  identity: Identity,
  record: CaseEvent.Record,
  nextDueAt: number | null
): SupportCase.SupportCase => caseOf(identity, factsUnsafe(record), nextDueAt)
