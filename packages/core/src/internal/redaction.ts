/**
 * What erasure replaces in a case (clause 7.4; `Erasure`): the texts and ids of a person, by the redaction marker.
 * Pure functions over the record, the state and the outbox messages of one case.
 *
 * - **The case's requester** (`whose: "requester"`): every text of the record, whoever wrote it (a reply, a note or a
 *   statement in a dispute is about the requester's request and names them, their order, their words), the free-text
 *   reasons (machine codes the desk writes are kept), the requester's id wherever it is, their contact details, and
 *   the message keys of the messages on the case (an email's Message-ID names the sender's host, often their address).
 * - **The counterparty of a mediation** (`"counterparty"`): their statements, the message keys of those, and their
 *   id; the requester's part of the case is theirs and stays.
 *
 * What the SLA engine and the reports read is never touched: event types, instants and sequence numbers, channels,
 * categories, priorities, audiences, flags, incident ids, outcomes, reason codes, ratings. `redactEvent` decides
 * for every event type (a new type does not compile until it is decided here).
 */
import type * as CaseEvent from "../CaseEvent.ts"
import { redacted } from "../Erasure.ts"
import type * as Outbox from "../Outbox.ts"
import type * as SupportCase from "../SupportCase.ts"

/** Whose personal data is erased from a case, and their id. */
export interface Whom {
  readonly whose: "requester" | "counterparty"
  readonly personId: string
}

/** The reason codes the desk writes itself (kept: they are not anybody's words). */
const deskCodes: ReadonlySet<string> = new Set([
  "inactiveAfterAnswer",
  "requesterDidNotRespond",
  "erasure",
  "verification-rejected",
  "mediation-settled",
  "mediation-notSettled",
  "mediation-withdrawn",
  "mediation requested",
  "lowSatisfaction"
])

/** One event with the person's texts and id replaced. */
export const redactEvent = (e: CaseEvent.CaseEvent, whom: Whom): CaseEvent.CaseEvent => {
  const out: Record<string, unknown> = { ...e }
  if (e.actor.id === whom.personId) out.actor = { role: e.actor.role, id: redacted }
  const blank = (key: string) => {
    if (out[key] !== undefined) out[key] = redacted
  }
  /** The key a message arrived with (an email's Message-ID): it goes, as the message's words do. */
  const unkeyed = () => {
    delete out.messageKey
  }
  const blankReason = () => {
    if (typeof out.reason === "string" && !deskCodes.has(out.reason)) out.reason = redacted
  }
  if (whom.whose === "counterparty") {
    if ("counterpartyId" in e && e.counterpartyId === whom.personId) {
      out.counterpartyId = redacted
      if (e.type === "counterpartyResponded") {
        blank("body")
        unkeyed()
      }
    }
    return out as CaseEvent.CaseEvent
  }
  switch (e.type) {
    case "submitted":
      if (e.requester.id === whom.personId) out.requester = { ...e.requester, id: redacted }
      blank("subject")
      blank("body")
      break
    case "requesterResponded":
    case "counterpartyResponded":
      blank("body")
      unkeyed()
      break
    case "replied":
    case "progressUpdated":
    case "informationRequested":
    case "resolved":
    case "withdrawn":
    case "noteAdded":
    case "mediationRequested":
    case "counterpartyContacted":
    case "mediationConcluded":
      blank("body")
      break
    case "explained":
    case "reopened":
      blank("body")
      blankReason()
      break
    case "refused":
      // the reason is a code of the policy
      blank("body")
      break
    case "priorityChanged":
    case "categoryChanged":
    case "escalated":
    case "verificationStarted":
    case "closed":
    case "legalHoldPlaced":
      blankReason()
      break
    case "verificationConcluded":
    case "qualityReviewed":
      blank("note")
      break
    case "satisfactionRated":
      blank("comment")
      break
    case "assigned":
    case "incidentLinked":
    case "incidentUnlinked":
    case "merged":
    case "qualityReviewSelected":
    case "legalHoldReleased":
    case "anonymised":
    case "erasureRequested":
    case "policyChanged":
    // SLA alerts name the case's clock and the staff they reach, no one else
    case "slaWarning":
    case "slaBreached":
    case "slaEscalated":
      break
    default: {
      const unknown: never = e
      return unknown
    }
  }
  return out as CaseEvent.CaseEvent
}

/** The state of a case with the person's data replaced (the caller folds it again from the redacted record). */
export const redactIdentity = (c: SupportCase.SupportCase, whom: Whom): SupportCase.SupportCase => {
  const parties = c.parties.map((p) => (p === whom.personId ? redacted : p))
  if (whom.whose === "counterparty") return { ...c, parties }
  const { email: _email, name: _name, ...requester } = c.requester
  return {
    ...c,
    requester: { ...requester, id: redacted },
    parties,
    subject: redacted,
    ...(c.orderReference === undefined ? {} : { orderReference: redacted })
  }
}

/**
 * An outbox message of the case with its texts replaced (every message of a case names its subject, its people or
 * their words), its data for rendering reduced to the template's name (the parameters carry the same texts), and the
 * person as a recipient replaced by the marker without contact details.
 */
export const redactMessage =
  (whom: Whom) =>
  (m: Outbox.Message): Outbox.Message => ({
    ...m,
    subject: redacted,
    body: redacted,
    ...(m.data === undefined ? {} : { data: { template: m.data.template, params: {} } }),
    recipient:
      m.recipient.id === whom.personId
        ? { id: redacted, role: m.recipient.role, language: m.recipient.language }
        : m.recipient
  })
