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
import type * as CaseEvent from "./CaseEvent.ts"
import type * as SupportCase from "./SupportCase.ts"

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
 * - `placeLegalHold`, `releaseLegalHold`: a legal hold suspends the retention rules (7.4).
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
  "releaseLegalHold"
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
 * - a case is reviewed for quality once it is closed (clause 7.4 samples closed cases).
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
  releaseLegalHold: ALL
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
 * What the record says about a case, beyond the fields of `SupportCase`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Facts {
  readonly status: SupportCase.Status
  readonly channel: string
  readonly category: string
  readonly priority: string
  readonly audience: string
  readonly subject: string
  readonly assignee: CaseEvent.Assignee | undefined
  readonly parties: ReadonlyArray<string>
  /** The counterparty of the mediation, if one was requested. */
  readonly counterpartyId: string | undefined
  readonly awaitingRequester: boolean
  readonly verificationHold: boolean
  readonly inMediation: boolean
  /** The incidents the case is linked to now. */
  readonly linkedIncidents: ReadonlyArray<string>
  /** When the case was last resolved, explained or refused (epoch ms), while it stays so. */
  readonly answeredAt: number | undefined
  readonly openedAt: number
  readonly updatedAt: number
  readonly sequence: number
  readonly reopenCount: number
}

/**
 * A handling record that does not start with `submitted`.
 *
 * @since 0.1.0
 * @category errors
 */
export class RecordNotSubmitted extends Schema.TaggedError<RecordNotSubmitted>()("RecordNotSubmitted", {
  message: Schema.String
}) {}

/**
 * Folds a handling record into its facts. The record must start with a `submitted` event; this throws a
 * {@link RecordNotSubmitted} otherwise (the desk only folds records it wrote).
 *
 * @since 0.1.0
 * @category combinators
 */
export const factsUnsafe = (record: CaseEvent.Record): Facts => {
  const first = record[0]
  if (first === undefined || first.type !== "submitted") {
    throw new RecordNotSubmitted({ message: 'a handling record starts with a "submitted" event' })
  }
  let terminal: "resolved" | "explained" | "refused" | "closed" | undefined
  let category = first.category
  let priority = first.priority
  let assignee: CaseEvent.Assignee | undefined
  const parties = [first.requester.id]
  let counterpartyId: string | undefined
  let awaitingRequester = false
  let verificationHold = false
  let inMediation = false
  const linked: Array<string> = []
  let answeredAt: number | undefined
  let reopenCount = 0
  const addParty = (id: string) => {
    if (!parties.includes(id)) parties.push(id)
  }
  for (let i = 1; i < record.length; i++) {
    const e = record[i]
    switch (e.type) {
      case "informationRequested":
        awaitingRequester = true
        break
      case "requesterResponded":
        awaitingRequester = false
        break
      case "priorityChanged":
        priority = e.to
        break
      case "categoryChanged":
        category = e.to
        break
      case "assigned":
      case "escalated":
        assignee = e.to
        break
      case "verificationStarted":
        verificationHold = true
        break
      case "verificationConcluded":
        verificationHold = false
        break
      case "incidentLinked":
        if (!linked.includes(e.incidentId)) linked.push(e.incidentId)
        break
      case "incidentUnlinked": {
        const at = linked.indexOf(e.incidentId)
        if (at >= 0) linked.splice(at, 1)
        break
      }
      case "mediationRequested":
        inMediation = true
        if (e.counterpartyId !== undefined) {
          counterpartyId = e.counterpartyId
          addParty(e.counterpartyId)
        }
        break
      case "counterpartyContacted":
      case "counterpartyResponded":
        counterpartyId ??= e.counterpartyId
        addParty(e.counterpartyId)
        break
      case "mediationConcluded":
        inMediation = false
        break
      case "resolved":
      case "explained":
      case "refused":
        if (terminal === undefined) {
          terminal = e.type
          answeredAt = e.at
          awaitingRequester = false
        }
        break
      case "withdrawn":
      case "merged":
      case "closed":
        terminal = "closed"
        break
      case "reopened":
        if (terminal !== undefined) {
          terminal = undefined
          answeredAt = undefined
          awaitingRequester = false
          reopenCount++
        }
        break
      default:
        break
    }
  }
  const last = record[record.length - 1]
  const status: SupportCase.Status =
    terminal ??
    (verificationHold ? "onHold" : inMediation ? "inMediation" : awaitingRequester ? "awaitingRequester" : "open")
  return {
    status,
    channel: first.channel,
    category,
    priority,
    audience: first.audience,
    subject: first.subject ?? "",
    assignee,
    parties,
    counterpartyId,
    awaitingRequester,
    verificationHold,
    inMediation,
    linkedIncidents: linked,
    answeredAt,
    openedAt: first.at,
    updatedAt: last.at,
    sequence: last.sequence,
    reopenCount
  }
}

/**
 * What the record cannot say about a case: its ids, the policy it was opened under, who the requester is beyond
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
  policyVersion: identity.policyVersion,
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
