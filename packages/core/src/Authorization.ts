/**
 * Who may see and do what on the support desk: a pure function of the actor, the case and the action.
 *
 * - A **requester** sees and acts on their own cases: they answer requests for information, reopen (but not after a
 *   refusal) and close them, and ask for mediation (clause 4.5). The other party of a mediation sees the case and posts statements. Anybody
 *   else's case is invisible to a requester: the desk answers as if it did not exist.
 * - An **account manager** handles the cases of the requesters assigned to them and the cases escalated or routed to
 *   them (clause 2.4): they reply, update, ask for information, change the priority, reassign, resolve, explain and
 *   close. Refusal (7.3), verification (7.2), mediation outcomes (4.5), incidents (6.5) and quality reviews (7.4) are
 *   left to agents.
 * - An **agent** handles every case, except that they do not speak for a party (answering, statements) and do not
 *   reopen: reopening is the requester's, within the policy's window.
 * - An **administrator** may do everything an agent may, reopen any answered or refused case (an appeal), place
 *   and release legal holds (7.4), publish versions of the policy and move open cases to one (7.1), and erase a
 *   requester's personal data on their request (7.4).
 * - Only the **requester** rates how their case was handled (7.4).
 *
 * Whether the case's state allows the action is a separate question (`CaseLifecycle.allowedIn`).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type * as Actor from "./Actor.ts"
import * as CaseEvent from "./CaseEvent.ts"
import type * as CaseLifecycle from "./CaseLifecycle.ts"
import type * as SupportCase from "./SupportCase.ts"

/**
 * The outcome of an authorization: allowed, or denied with a reason. `visible` says whether the actor may know the
 * case exists: a denial that is not visible must be answered exactly like a missing case.
 *
 * @since 0.1.0
 * @category models
 */
export type Decision =
  | { readonly _tag: "Allowed" }
  | { readonly _tag: "Denied"; readonly visible: boolean; readonly reason: string }

/**
 * Actions on the desk that concern no single case.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DeskAction = Schema.Literals([
  "viewQueue",
  "declareIncident",
  "updateIncident",
  "resolveIncident",
  "postAnnouncement",
  "viewQualityReviews",
  "viewReports",
  "managePolicyVersions",
  "eraseRequester",
  "viewAlerts"
])

/**
 * @since 0.1.0
 * @category models
 */
export type DeskAction = typeof DeskAction.Type

const allowed: Decision = { _tag: "Allowed" }
const hidden = (reason: string): Decision => ({ _tag: "Denied", visible: false, reason })
const forbidden = (reason: string): Decision => ({ _tag: "Denied", visible: true, reason })

const requesterActions: ReadonlySet<CaseLifecycle.Action> = new Set([
  "view",
  "respond",
  "reopen",
  "close",
  "requestMediation",
  "postStatement",
  "rateSatisfaction"
])

const counterpartyActions: ReadonlySet<CaseLifecycle.Action> = new Set(["view", "postStatement"])

const accountManagerActions: ReadonlySet<CaseLifecycle.Action> = new Set([
  "view",
  "reply",
  "progressUpdate",
  "requestInformation",
  "changePriority",
  "assign",
  "resolve",
  "explain",
  "close",
  "addNote"
])

const adminOnlyActions: ReadonlySet<CaseLifecycle.Action> = new Set([
  "placeLegalHold",
  "releaseLegalHold",
  "changePolicyVersion"
])

const partyOnlyActions: ReadonlySet<CaseLifecycle.Action> = new Set([
  "respond",
  "postStatement",
  "requestMediation",
  "rateSatisfaction"
])

const adminOnlyDeskActions: ReadonlySet<DeskAction> = new Set(["managePolicyVersions", "eraseRequester"])

/**
 * Whether an account manager handles the case: it is a case of a requester assigned to them, or it was routed or
 * escalated to them.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isAccountManagerOf = (accountManagerId: string, supportCase: SupportCase.SupportCase): boolean =>
  supportCase.requester.accountManagerId === accountManagerId ||
  (supportCase.assignee?.role === "accountManager" && supportCase.assignee.id === accountManagerId)

/**
 * Decides whether `actor` may perform `action` on `supportCase`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const decide = (
  actor: Actor.Actor,
  supportCase: SupportCase.SupportCase,
  action: CaseLifecycle.Action
): Decision => {
  switch (actor.role) {
    case "requester": {
      if (supportCase.requester.id === actor.id) {
        if (action === "reopen" && supportCase.status === "refused") {
          return forbidden("a refused case is reopened only by an administrator")
        }
        return requesterActions.has(action) ? allowed : forbidden(`a requester may not ${action}`)
      }
      if (supportCase.parties.includes(actor.id)) {
        return counterpartyActions.has(action) ? allowed : forbidden(`the other party of a mediation may not ${action}`)
      }
      return hidden("not the requester's case")
    }
    case "accountManager": {
      if (!isAccountManagerOf(actor.id, supportCase)) return hidden("not a case of this account manager")
      return accountManagerActions.has(action) ? allowed : forbidden(`an account manager may not ${action}`)
    }
    case "agent":
      if (partyOnlyActions.has(action)) return forbidden(`only a party to the case may ${action}`)
      if (action === "reopen") return forbidden("only the requester or an administrator may reopen a case")
      if (adminOnlyActions.has(action)) return forbidden(`only an administrator may ${action}`)
      return allowed
    case "administrator":
      return partyOnlyActions.has(action) ? forbidden(`only a party to the case may ${action}`) : allowed
  }
}

/**
 * Decides whether `actor` may perform a desk action. Account managers see their own queue and alerts only.
 *
 * @since 0.1.0
 * @category combinators
 */
export const decideDesk = (actor: Actor.Actor, action: DeskAction): Decision => {
  switch (actor.role) {
    case "requester":
      return forbidden(`a requester may not ${action}`)
    case "accountManager":
      return action === "viewQueue" || action === "viewAlerts"
        ? allowed
        : forbidden(`an account manager may not ${action}`)
    case "agent":
      return adminOnlyDeskActions.has(action) ? forbidden(`only an administrator may ${action}`) : allowed
    case "administrator":
      return allowed
  }
}

/**
 * Whether a decision allows the action.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isAllowed = (decision: Decision): boolean => decision._tag === "Allowed"

/**
 * What of a handling record an actor may read, as a query of the record (`CaseStore.EventQuery`): staff read all of
 * it (`{}`); the requester reads what is meant for them (`readers: "requester"`, clause 6.4); the counterparty of a
 * mediation reads what is addressed to both parties (`readers: "parties"`: the mediation request, both parties'
 * statements, the outcome, the desk's public replies and updates), and only from the first mediation request that
 * named them (`from`), never the requester's earlier thread (clause 4.5). Anybody else reads nothing (undefined).
 *
 * @since 0.1.0
 * @category combinators
 */
export const recordQuery = (
  actor: Actor.Actor,
  supportCase: SupportCase.SupportCase,
  facts: CaseLifecycle.Facts
): { readonly readers?: "requester" | "parties"; readonly from?: number } | undefined => {
  if (actor.role !== "requester") return {}
  if (supportCase.requester.id === actor.id) return { readers: "requester" }
  const since = facts.counterpartySince[actor.id]
  return since === undefined ? undefined : { readers: "parties", from: since }
}

/**
 * The part of a handling record an actor may read (see {@link recordQuery}), from a whole record.
 *
 * @since 0.1.0
 * @category combinators
 */
export const visibleRecord = (
  actor: Actor.Actor,
  supportCase: SupportCase.SupportCase,
  facts: CaseLifecycle.Facts,
  record: CaseEvent.Record
): CaseEvent.Record => {
  const query = recordQuery(actor, supportCase, facts)
  if (query === undefined) return []
  const rank = query.readers === undefined ? 0 : CaseEvent.readersRank(query.readers)
  const from = query.from ?? 0
  return record.filter((e) => e.sequence >= from && CaseEvent.readersRank(CaseEvent.readersOf(e)) >= rank)
}

/**
 * The state of a case as an actor may read it. Staff read it all. The requester does not see whom it is assigned to
 * inside the desk (`assignee`). The counterparty of a mediation sees neither that, nor the requester's contact
 * details, flags and account manager, nor the subject the requester wrote for the desk.
 *
 * @since 0.1.0
 * @category combinators
 */
export const visibleCase = (actor: Actor.Actor, supportCase: SupportCase.SupportCase): SupportCase.SupportCase => {
  if (actor.role !== "requester") return supportCase
  const { assignee: _assignee, ...withoutAssignee } = supportCase
  if (supportCase.requester.id === actor.id) return withoutAssignee
  return {
    ...withoutAssignee,
    subject: "",
    requester: { id: supportCase.requester.id, audience: supportCase.requester.audience, flags: [] }
  }
}
