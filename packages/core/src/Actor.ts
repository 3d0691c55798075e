/**
 * Who acts on the support desk. A host authenticates people and tells the desk who they are; the desk decides what
 * they may see and do (`Authorization`).
 *
 * - a **requester** is a buyer or a supplier (their audience, preamble of the Global Sources Support Policy v1.8),
 *   optionally with a dedicated account manager (clause 2.4) and the policy flags they carry. A requester acts on
 *   their own cases, and on the mediations they are a party to (clause 4.5);
 * - an **agent** answers cases (clause 2.2), optionally working some queues;
 * - an **account manager** expedites the priority issues of the requesters assigned to them (clauses 2.4 and 5.4);
 * - an **administrator** maintains the policy (clause 7.5) and may do everything an agent may, and more.
 *
 * The desk itself appears in handling records as the `system` actor.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as BusinessCalendar from "./BusinessCalendar.ts"
import * as CaseEvent from "./CaseEvent.ts"
import * as Text from "./Text.ts"

const Email = Text.line("an e-mail address", 320)
const Name = Text.line("a name", 200)

/**
 * Who a requester is, without the role: what a host gives the desk with a submission.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RequesterProfile = Schema.Struct({
  id: CaseEvent.Id,
  /** The audience of the policy the requester belongs to, e.g. `"buyer"` or `"supplier"`. */
  audience: CaseEvent.Id,
  /** Their dedicated account manager (clause 2.4), if any. */
  accountManagerId: Schema.optionalKey(CaseEvent.Id),
  /** Policy flags the requester carries (e.g. `"dedicatedAccountManager"`). */
  flags: Schema.optionalKey(Schema.Array(CaseEvent.Id)),
  email: Schema.optionalKey(Email),
  name: Schema.optionalKey(Name),
  /** Where the requester reads times (an IANA name such as `"Europe/Paris"`): their notifications say times there. */
  timeZone: Schema.optionalKey(BusinessCalendar.TimeZone)
})

/**
 * @since 0.1.0
 * @category models
 */
export type RequesterProfile = typeof RequesterProfile.Type

/**
 * A buyer or supplier asking for support.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Requester = Schema.Struct({ role: Schema.Literal("requester"), ...RequesterProfile.fields })

/**
 * @since 0.1.0
 * @category models
 */
export type Requester = typeof Requester.Type

/**
 * A support agent; `queues` are the queues they work (all when absent).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Agent = Schema.Struct({
  role: Schema.Literal("agent"),
  id: CaseEvent.Id,
  queues: Schema.optionalKey(Schema.Array(CaseEvent.Id)),
  name: Schema.optionalKey(Name)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Agent = typeof Agent.Type

/**
 * An account manager (clauses 2.4, 5.4).
 *
 * @since 0.1.0
 * @category schemas
 */
export const AccountManager = Schema.Struct({
  role: Schema.Literal("accountManager"),
  id: CaseEvent.Id,
  name: Schema.optionalKey(Name)
})

/**
 * @since 0.1.0
 * @category models
 */
export type AccountManager = typeof AccountManager.Type

/**
 * An administrator of the desk (clause 7.5).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Administrator = Schema.Struct({
  role: Schema.Literal("administrator"),
  id: CaseEvent.Id,
  name: Schema.optionalKey(Name)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Administrator = typeof Administrator.Type

/**
 * Anyone who acts on the desk, discriminated by `role`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Actor = Schema.Union([Requester, Agent, AccountManager, Administrator])

/**
 * @since 0.1.0
 * @category models
 */
export type Actor = typeof Actor.Type

/**
 * Staff: agents, account managers and administrators.
 *
 * @since 0.1.0
 * @category models
 */
export type Staff = Agent | AccountManager | Administrator

/**
 * A requester.
 *
 * @since 0.1.0
 * @category constructors
 */
export const requester = (fields: Omit<Requester, "role">): Requester => ({ role: "requester", ...fields })

/**
 * An agent.
 *
 * @since 0.1.0
 * @category constructors
 */
export const agent = (
  id: string,
  options?: { readonly queues?: ReadonlyArray<string>; readonly name?: string }
): Agent => ({ role: "agent", id, ...options })

/**
 * An account manager.
 *
 * @since 0.1.0
 * @category constructors
 */
export const accountManager = (id: string, options?: { readonly name?: string }): AccountManager => ({
  role: "accountManager",
  id,
  ...options
})

/**
 * An administrator.
 *
 * @since 0.1.0
 * @category constructors
 */
export const administrator = (id: string, options?: { readonly name?: string }): Administrator => ({
  role: "administrator",
  id,
  ...options
})

/**
 * Whether the actor is staff (agent, account manager or administrator).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isStaff = (actor: Actor): actor is Staff => actor.role !== "requester"

/**
 * The actor as it is written in a handling record.
 *
 * @since 0.1.0
 * @category getters
 */
export const toEventActor = (actor: Actor): CaseEvent.Actor => ({ role: actor.role, id: actor.id })

/**
 * The desk itself, as written in handling records (incident unlinking, automatic routing).
 *
 * @since 0.1.0
 * @category constructors
 */
export const system: CaseEvent.Actor = { role: "system", id: "support-desk" }
