/**
 * Erasure of a requester's personal data (clause 7.4 and the preset's `retention`; a request to be forgotten under
 * GDPR art. 17, PIPL or PDPO): one mechanism for the retention sweep and for requests.
 *
 * What erasure does to a case, whichever the reason:
 * - **anonymise** (the policy's `retention.afterwards: "anonymise"`): every text of the case (subject, description,
 *   order reference, every message, note, reason and statement, the satisfaction comment) becomes the redaction marker
 *   {@link redacted}, the requester's id becomes the marker and their contact details go, the outbox messages of the
 *   case are redacted too (and those not yet sent are given up), and the idempotency keys of the case are deleted.
 *   The facts the SLA engine reads stay as they were: event types, instants and sequence numbers, channels,
 *   categories, priorities, audiences, requester flags, holds, outcomes and ratings. So the clocks, the reports and
 *   the quality statistics of the case are the same after as before. An `anonymised` event records the erasure.
 * - **delete** (`retention.afterwards: "delete"`): the case, its record, its parties, its idempotency keys and its
 *   outbox messages are deleted; what remains is a {@link Tally}: the anonymous facts a report counts.
 *
 * The record is otherwise append-only: erasure is the one store operation that rewrites stored events
 * (`CaseStore.erase`), and it may change only what events say, never which events happened, in which order, when.
 *
 * Other stores may keep personal data of requesters too. They take part through {@link PersonalDataHolders}: the desk
 * calls every holder before it erases the cases, so a crash in between leaves the cases to erase again, never the
 * holders' copies behind. The email channel's `Mailbox` (incoming mail with its originals, bounced addresses) is one:
 * the desk adds it by itself when its context has a mailbox (`Mailbox.holder`).
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Schema } from "effect"
import * as CaseEvent from "./CaseEvent.ts"
import type * as CaseLifecycle from "./CaseLifecycle.ts"
import type * as Outbox from "./Outbox.ts"
import type * as SupportCase from "./SupportCase.ts"

/**
 * The redaction marker: what a text of an erased case says, and the id its requester is known by.
 *
 * @since 0.1.0
 * @category constants
 */
export const redacted = "[redacted]"

/**
 * Why personal data was erased: the policy's retention period ran out, or the requester asked.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Basis = Schema.Literals(["retention", "request"])

/**
 * @since 0.1.0
 * @category models
 */
export type Basis = typeof Basis.Type

/**
 * What an erasure is known by in the records it leaves: its id, why, and who asked for it (the `system` actor for the
 * retention sweep, an administrator for a request). No personal data.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Erasure = Schema.Struct({
  id: CaseEvent.Id,
  basis: Basis,
  at: CaseEvent.EpochMillis,
  by: CaseEvent.Actor
})

/**
 * @since 0.1.0
 * @category models
 */
export type Erasure = typeof Erasure.Type

/**
 * What a report groups a clock or a rating by, as the case's record said at that instant: its category, priority
 * and channel, its queue and its assignee (a staff id), null for none.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GroupFacts = Schema.Struct({
  category: Schema.String,
  priority: Schema.String,
  channel: Schema.String,
  queue: Schema.NullOr(Schema.String),
  agent: Schema.NullOr(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type GroupFacts = typeof GroupFacts.Type

/**
 * A clock of a deleted case as reports count it (`Sla.Clock` without its trace), with what the record said when it
 * was decided (met, breached or refused; its start for a clock that was neither).
 *
 * @since 0.1.0
 * @category schemas
 */
export const TallyClock = Schema.Struct({
  rule: Schema.String,
  clause: Schema.String,
  metric: Schema.Literals(["firstResponse", "progressUpdate", "resolution"]),
  instance: Schema.Int,
  cycle: Schema.Int,
  state: Schema.Literals(["running", "paused", "met", "breached", "cancelled", "refused"]),
  outcome: Schema.Literals(["open", "met", "cancelled", "refused"]),
  targetMs: Schema.Finite,
  startedAt: CaseEvent.EpochMillis,
  dueAt: CaseEvent.EpochMillis,
  usedMs: Schema.Finite,
  breachedAt: Schema.optionalKey(CaseEvent.EpochMillis),
  metAt: Schema.optionalKey(CaseEvent.EpochMillis),
  stoppedAt: Schema.optionalKey(CaseEvent.EpochMillis),
  facts: GroupFacts
})

/**
 * @since 0.1.0
 * @category models
 */
export type TallyClock = typeof TallyClock.Type

/**
 * What a deleted case leaves for reports: its id (random), the policy version it was evaluated under, when it was
 * opened and last changed, its final status, channel, category, priority and audience, its clocks as evaluated when it
 * was deleted and its satisfaction rating (each with what a report groups it by), and the erasure that deleted it. No
 * personal data: the only people it names are staff (assignees).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Tally = Schema.Struct({
  caseId: CaseEvent.Id,
  policyId: Schema.String,
  policyVersion: Schema.String,
  openedAt: CaseEvent.EpochMillis,
  updatedAt: CaseEvent.EpochMillis,
  status: Schema.String,
  channel: Schema.String,
  category: Schema.String,
  priority: Schema.String,
  audience: Schema.String,
  reopenCount: Schema.Int,
  clocks: Schema.Array(TallyClock),
  /** The requester's satisfaction rating, when they gave it, and what the record said then. */
  satisfaction: Schema.NullOr(Schema.Struct({ rating: Schema.Int, at: CaseEvent.EpochMillis, facts: GroupFacts })),
  erasure: Erasure
})

/**
 * @since 0.1.0
 * @category models
 */
export type Tally = typeof Tally.Type

/**
 * What `CaseStore.erase` does to one case: anonymise it (its whole record with texts redacted, then the events that
 * record the erasure; its redacted state; how to redact each of its outbox messages), or delete it, leaving a tally.
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome =
  | {
      readonly _tag: "Anonymise"
      /** The whole record: the stored events redacted (same sequence, type and instant each), then new events. */
      readonly events: CaseEvent.Record
      readonly case: SupportCase.SupportCase
      /** The facts folded from `events` (`CaseLifecycle.factsUnsafe`): they hold texts too (the subject). */
      readonly facts: CaseLifecycle.Facts
      /** The clock record of `events` (their clock events without texts), which replaces the stored one. */
      readonly clockRecord: CaseEvent.Record
      /** The redacted form of each outbox message of the case. */
      readonly message: (message: Outbox.Message) => Outbox.Message
    }
  | { readonly _tag: "Delete"; readonly tally: Tally }

/**
 * The input of `CaseStore.erase`: the case, the sequence its record must end at now (like an append), and what to do.
 *
 * @since 0.1.0
 * @category models
 */
export interface CaseErasure {
  readonly caseId: string
  readonly expectedSequence: number
  readonly outcome: Outcome
}

// -------------------------------------------------------------------------------------------------------------------
// other holders of personal data
// -------------------------------------------------------------------------------------------------------------------

/**
 * Whose personal data an erasure removes, as other stores know them: the requester's id, the cases erased for their
 * requester (everything of such a case goes; a person erased as the counterparty of others' mediations loses only
 * their statements there, and those cases are not named), the cases kept on a legal hold (whose data a holder keeps
 * too), and the email addresses to forget. On a request those
 * are every address the requester's cases knew (held ones too: what is kept by address alone goes, what belongs to a
 * held case stays). The retention sweep and a released hold erase one case each: its address comes only when no
 * other case of the requester that is not erased knows it, since those may still write to it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Subject {
  readonly erasure: Erasure
  readonly requesterId: string
  readonly emails: ReadonlyArray<string>
  readonly caseIds: ReadonlyArray<string>
  readonly heldCaseIds: ReadonlyArray<string>
}

/**
 * A store outside `CaseStore` that keeps personal data of requesters (inbound mail kept for staff, delivery status
 * per address, …): erasing a subject removes or redacts what it keeps about them and their erased cases, and keeps
 * what belongs to held cases. It must be idempotent: an erasure that failed half-way runs again.
 *
 * @since 0.1.0
 * @category models
 */
export interface PersonalDataHolder {
  /** For logs and errors: which store this is. */
  readonly name: string
  readonly erase: (subject: Subject) => Effect.Effect<void, HolderFailure>
}

/**
 * A holder of personal data could not erase it; the cases are left as they were and the erasure can run again.
 *
 * @since 0.1.0
 * @category errors
 */
export class HolderFailure extends Schema.TaggedError<HolderFailure>()("HolderFailure", {
  holder: Schema.String,
  message: Schema.String,
  cause: Schema.optionalKey(Schema.Defect())
}) {}

/**
 * The other holders of personal data the desk's erasure calls, none by default. The desk reads them when it is built:
 * provide them to its layer (`SupportDesk.layer(policy).pipe(Layer.provide(Erasure.layerHolder(holder)))`).
 *
 * @since 0.1.0
 * @category services
 */
export const PersonalDataHolders: Context.Reference<ReadonlyArray<PersonalDataHolder>> = Context.Reference<
  ReadonlyArray<PersonalDataHolder>
>("@support-policy/core/Erasure/PersonalDataHolders", { defaultValue: () => [] })

/**
 * Adds a holder of personal data to those already in context (so layers of several packages can each add theirs).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerHolder = <E, R>(holder: Effect.Effect<PersonalDataHolder, E, R>): Layer.Layer<never, E, R> =>
  Layer.effect(
    PersonalDataHolders,
    Effect.gen(function* () {
      const existing = yield* PersonalDataHolders
      return [...existing, yield* holder]
    })
  )
