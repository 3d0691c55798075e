/**
 * The storage port of the support desk: cases with their append-only handling records (clause 6.4: "tracking numbers
 * and handling records provided for follow-up"), and the outbox messages written with them.
 *
 * A store keeps, for each case, what the desk needs to act on it and to show it, beside the record itself, so that
 * neither an action nor a read costs more as the record grows ({@link Stored}):
 * - the case's state (`SupportCase`, what the queries filter and order by),
 * - the facts folded from its record (`CaseLifecycle.Facts`: the desk moves them on event by event),
 * - its clock record: the events that move SLA clocks under the desk's policy, and the SLA alerts fired (which tell
 *   the watcher which escalation levels are done), without their texts (`CaseEvent.withoutText`): what
 *   `Sla.evaluate` reads. Notes and other events the policy's clocks ignore are not in it; replies and updates are,
 *   as small documents.
 * The record itself is read a page at a time ({@link EventQuery}), newest first, filtered by who may read it.
 *
 * Everything a store must guarantee, whatever its technology:
 * - **Append-only records.** A write continues the record from the sequence it was decided on: `update` runs the
 *   desk's decision on the current state with the case locked (concurrent writers to one case queue, none fails),
 *   `append` names the sequence it expects and fails with {@link SequenceConflict} when another write got there first.
 * - **One unit of work.** A case's events, its new state, facts and clock events, and the outbox messages they cause
 *   are written together or not at all.
 * - **Idempotent submissions.** `create` with an idempotency key that was already used (by the same requester) with
 *   the same request fingerprint returns the case created the first time; with another fingerprint it fails with
 *   {@link IdempotencyConflict}.
 * - **Exact limits.** `create` checks its opening limits, and a write its message limits, in the same unit of work as
 *   the write, serialised per requester: twenty concurrent submissions of a requester at nine cases of a limit of ten
 *   make exactly one more.
 * - **Unique tracking numbers and ids.** `create` fails with {@link TrackingNumberTaken} when the tracking number or
 *   the id of the new case is already taken, and writes nothing.
 * - **Queries** by tracking number, by requester, by party, the open cases ordered by next due instant, and the
 *   cases in given statuses ordered by last update (the lifecycle sweeps: auto-closing, retention). Lists are
 *   ordered totally (ties broken by id, compared by code unit, i.e. a `"C"` collation), so paging is stable.
 * - **Erasure is the one rewrite.** `erase` anonymises a case (its record rewritten with the same events, sequences,
 *   types and instants, only what they say redacted; its outbox messages redacted, the unsent ones given up; its
 *   idempotency keys deleted) or deletes it with everything that refers to it, leaving an anonymous tally
 *   (`Erasure`). Nothing else changes a stored event.
 * - **SLA alerts.** Each case carries the next instant one of its SLA escalation levels falls due (`alertAt`, written
 *   with every change); `claimAlerts` hands the cases whose instant has passed to one claimer at a time, with a
 *   lease, so any number of processes can watch them. The alert events a change appends (`slaWarning`,
 *   `slaBreached`, `slaEscalated`) are indexed by addressee in the same unit of work, for `listAlerts`.
 * - **The console's lists and search** (`find`, `count`, `getMany`): the filters, orders and word matching of
 *   `CaseQuery`, with keyset paging and capped counts.
 * - **Values, not references.** What a store returns cannot change the store when a caller changes it, and what a
 *   caller wrote cannot change the store afterwards.
 * - **Well-formed writes.** A new record runs 1 … n and starts with `submitted`; written events continue the record;
 *   the state's and the facts' `sequence` is the record's last; clock events are among the events written. A write
 *   that breaks this is a defect of the caller: it dies and writes nothing ({@link validateNewCase},
 *   {@link validateChange}, which every adapter calls first).
 * - **Failures told apart.** A store that cannot be reached fails with `CaseStoreFailure` reason `"Unavailable"`
 *   (retry later); a value the store refuses (which the desk's input checks should have refused first) with reason
 *   `"Rejected"`, never `"Unavailable"`; a row that does not decode with reason `"Corrupt"`.
 *
 * Validation, event numbering, folding and SLA evaluation live in core (`SupportDesk`), so an adapter implements
 * storage only. `@support-policy/core/testing` exports the contract suite every adapter runs against itself.
 *
 * **Adding to the port.** A new query or write is a method of {@link CaseStore} with its model here, a check of its
 * arguments beside the others (dying on a caller's defect), the memory adapter (`internal/memoryCaseStore.ts`) and
 * tests in the contract suite (`testing/CaseStoreContract.ts`), which every adapter runs. A write goes through
 * `update` or `append` whenever it changes a case, so facts, clock record and outbox stay in one unit of work.
 *
 * @since 0.1.0
 */
import { Context, Effect, type Layer, type Option, Schema } from "effect"
import * as CaseEvent from "./CaseEvent.ts"
import type * as CaseLifecycle from "./CaseLifecycle.ts"
import type * as Erasure from "./Erasure.ts"
import * as CaseQuery from "./CaseQuery.ts"
import { makeMemoryCaseStore } from "./internal/memoryCaseStore.ts"
import * as memory from "./internal/memoryStore.ts"
import type * as Outbox from "./Outbox.ts"
import type * as SlaAlert from "./SlaAlert.ts"
import type * as SupportCase from "./SupportCase.ts"

// -------------------------------------------------------------------------------------------------------------------
// errors
// -------------------------------------------------------------------------------------------------------------------

/**
 * An append expected the record to end at `expected`, but it ends at `actual`: someone else changed the case first.
 *
 * @since 0.1.0
 * @category errors
 */
export class SequenceConflict extends Schema.TaggedError<SequenceConflict>()("SequenceConflict", {
  caseId: Schema.String,
  expected: Schema.Int,
  actual: Schema.Int
}) {}

/**
 * An idempotency key was used before with a different request.
 *
 * @since 0.1.0
 * @category errors
 */
export class IdempotencyConflict extends Schema.TaggedError<IdempotencyConflict>()("IdempotencyConflict", {
  key: Schema.String,
  caseId: Schema.String
}) {}

/**
 * A new case's tracking number (or id) is already taken. The desk draws another and tries again.
 *
 * @since 0.1.0
 * @category errors
 */
export class TrackingNumberTaken extends Schema.TaggedError<TrackingNumberTaken>()("TrackingNumberTaken", {
  trackingNumber: Schema.String
}) {}

/**
 * A new case was not created because its requester already opened `count` cases at or after the limit's `since`
 * (one of `NewCase.openingLimits`). An idempotent replay of an earlier submission is never refused for this.
 *
 * @since 0.1.0
 * @category errors
 */
export class OpeningLimitReached extends Schema.TaggedError<OpeningLimitReached>()("OpeningLimitReached", {
  limitId: Schema.String,
  count: Schema.Int,
  max: Schema.Int
}) {}

/**
 * An append carried a message whose `messageKey` the case's record already holds (the same email delivered twice):
 * nothing was written.
 *
 * @since 0.1.0
 * @category errors
 */
export class MessageKeyTaken extends Schema.TaggedError<MessageKeyTaken>()("MessageKeyTaken", {
  caseId: Schema.String,
  messageKey: Schema.String
}) {}

/**
 * The message keys of events (`requesterResponded`, `counterpartyResponded`), in order.
 *
 * @since 0.1.0
 * @category getters
 */
export const messageKeys = (events: ReadonlyArray<CaseEvent.CaseEvent>): ReadonlyArray<string> => {
  const keys: Array<string> = []
  for (const e of events) {
    if ((e.type === "requesterResponded" || e.type === "counterpartyResponded") && e.messageKey !== undefined) {
      keys.push(e.messageKey)
    }
  }
  return keys
}

/**
 * A write was not made because its author already sent `count` messages at or after the limit's `since` (one of
 * `Change.messageLimits`).
 *
 * @since 0.1.0
 * @category errors
 */
export class MessageLimitReached extends Schema.TaggedError<MessageLimitReached>()("MessageLimitReached", {
  limitId: Schema.String,
  count: Schema.Int,
  max: Schema.Int
}) {}

/**
 * The case does not exist (in the store).
 *
 * @since 0.1.0
 * @category errors
 */
export class CaseNotFound extends Schema.TaggedError<CaseNotFound>()("CaseNotFound", {
  caseId: Schema.String
}) {}

/**
 * The store failed: it could not be reached or gave up for now (`reason: "Unavailable"`, with its `cause`: retry
 * later), it refused a value (`reason: "Rejected"`: retrying the same write never helps; the desk's input checks
 * refuse such values first, so this is a defect of those checks), or a stored row could not be decoded
 * (`reason: "Corrupt"`): never answered with a wrong case.
 *
 * @since 0.1.0
 * @category errors
 */
export class CaseStoreFailure extends Schema.TaggedError<CaseStoreFailure>()("CaseStoreFailure", {
  reason: Schema.Literals(["Unavailable", "Rejected", "Corrupt"]),
  message: Schema.String,
  cause: Schema.optionalKey(Schema.Defect())
}) {}

// -------------------------------------------------------------------------------------------------------------------
// models
// -------------------------------------------------------------------------------------------------------------------

/**
 * What a store keeps beside a case's record, and returns for a case: its state, the facts folded from its record, and
 * its clock record (the events that move clocks under the desk's policy and the SLA alerts fired, without their
 * texts, in order). None of the three grows with events the clocks ignore (notes, assignments, reviews), so reading
 * it costs the same on a case with ten events and on one with thousands of notes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Stored {
  readonly case: SupportCase.SupportCase
  readonly facts: CaseLifecycle.Facts
  readonly clockRecord: CaseEvent.Record
}

/**
 * A case as stored with a page of its record, read together (`CaseStore.getWithPage`).
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredPage extends Stored {
  /** The events of the page, in record order: what `CaseStore.events` answers for the query, at the same instant. */
  readonly page: CaseEvent.Record
}

/**
 * A limit on how many things (cases opened, messages sent) a requester may do in a window: fewer than `max` at or
 * after `since` (epoch ms) for the write to go through.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimit {
  readonly id: string
  readonly since: number
  readonly max: number
}

/**
 * A limit on how many cases a requester may open in a window.
 *
 * @since 0.1.0
 * @category models
 */
export type OpeningLimit = RateLimit

/**
 * A new case: its state, facts and first events (sequence 1 …), the clock events among them, the outbox messages
 * they cause, and its idempotency key.
 *
 * @since 0.1.0
 * @category models
 */
export interface NewCase {
  readonly case: SupportCase.SupportCase
  /** The facts folded from `events` (`CaseLifecycle.factsUnsafe`). */
  readonly facts: CaseLifecycle.Facts
  readonly events: ReadonlyArray<CaseEvent.CaseEvent>
  /** The events among `events` that move clocks, without their texts (`CaseEvent.withoutText`), in order. */
  readonly clockRecord: ReadonlyArray<CaseEvent.CaseEvent>
  readonly outbox: ReadonlyArray<Outbox.Message>
  /**
   * Scoped to the requester (`case.requester.id`): the same key from two requesters names two submissions. The
   * fingerprint identifies the request (a hash of what was submitted): a retry sends the same one.
   */
  readonly idempotency?: { readonly key: string; readonly fingerprint: string } | undefined
  /**
   * Create the case only while the requester opened fewer than `max` cases at or after `since` (epoch ms), for each
   * limit (the policy's abuse rate limits, clause 7.3). Checked after the idempotency key, in the same unit of work as
   * the write and serialised per requester, so a replay returns its case, a refused submission writes nothing (not
   * even its key), and concurrent submissions never go past `max`.
   */
  readonly openingLimits?: ReadonlyArray<OpeningLimit> | undefined
  /**
   * The next instant an SLA escalation level of the case falls due (epoch ms), when `claimAlerts` hands the case to
   * a watcher; null or absent when none is scheduled.
   */
  readonly alertAt?: number | null | undefined
}

/**
 * The result of `create`: the case, and whether this call created it (false when an idempotency key replayed an
 * earlier submission).
 *
 * @since 0.1.0
 * @category models
 */
export interface Created {
  readonly created: boolean
  readonly stored: Stored
}

/**
 * The events a requester sends that count as messages for `messageLimits`: answers and statements, and requests for
 * mediation (events of these types whose `actor.role` is `requester`).
 *
 * @since 0.1.0
 * @category constants
 */
export const messageTypes: ReadonlyArray<CaseEvent.EventType> = [
  "requesterResponded",
  "counterpartyResponded",
  "mediationRequested"
]

/**
 * What a write does to a case: the events to append (numbered on from the record; maybe none, for a state change),
 * the case's new state and facts, the clock events among the new events, and the outbox messages they cause. The
 * tracking number of a case never changes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Change {
  readonly events: ReadonlyArray<CaseEvent.CaseEvent>
  readonly case: SupportCase.SupportCase
  readonly facts: CaseLifecycle.Facts
  /** The events among `events` that move clocks, without their texts (`CaseEvent.withoutText`), in order. */
  readonly clockEvents: ReadonlyArray<CaseEvent.CaseEvent>
  readonly outbox: ReadonlyArray<Outbox.Message>
  /**
   * Write only while `authorId` (a requester) sent fewer than `max` messages ({@link messageTypes}) at or after
   * `since`, over all their cases, for each limit (clause 7.3). Checked in the same unit of work as the write and
   * serialised per requester; a refusal is {@link MessageLimitReached} and writes nothing.
   */
  readonly messageLimits?: { readonly authorId: string; readonly limits: ReadonlyArray<RateLimit> } | undefined
  /**
   * The next instant an SLA escalation level of the case falls due, as the new state has it (epoch ms); null or
   * absent when none is scheduled. It replaces the one stored (and ends any claim's lease).
   */
  readonly alertAt?: number | null | undefined
}

/**
 * An append: a change to `caseId` decided on the record as it ended at `expectedSequence`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Append extends Change {
  readonly caseId: string
  /** The sequence number the record must end at now; the new events continue from it. */
  readonly expectedSequence: number
}

/**
 * What an `update`'s decision returns: the change to write (none: write nothing) and the caller's result.
 *
 * @since 0.1.0
 * @category models
 */
export interface Decision<A> {
  readonly change: Change | undefined
  readonly result: A
}

/**
 * What `claimAlerts` takes: at most `limit` cases whose alert instant is at or before `now`, each leased for
 * `leaseMillis`.
 *
 * @since 0.1.0
 * @category models
 */
export interface AlertClaimOptions {
  readonly limit: number
  readonly now: number
  readonly leaseMillis: number
}

/**
 * A case handed to a watcher by `claimAlerts`, with the alert instant it was claimed at (before the lease).
 *
 * @since 0.1.0
 * @category models
 */
export interface AlertClaim {
  readonly caseId: string
  readonly alertAt: number
}

/**
 * Which alerts to list: those indexed under any of `recipients` (`SlaAlert.keysOf` a staff member), newest first.
 *
 * @since 0.1.0
 * @category models
 */
export interface AlertQuery {
  /** Addressee keys (`SlaAlert.recipientKeys`); an empty list matches none. */
  readonly recipients: ReadonlyArray<string>
  /** At most this many alerts (a non-negative integer). */
  readonly limit: number
  /** Only alerts after this position in the list's order (`firedAt`, `caseId`, `sequence`, all descending). */
  readonly before?: { readonly firedAt: number; readonly caseId: string; readonly sequence: number } | undefined
}

/**
 * A page of a case's record: the latest `limit` events that pass every filter given, in record order.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventQuery {
  /** At most this many events (a non-negative integer). */
  readonly limit: number
  /** Only events whose sequence is below this: the cursor of the page before. */
  readonly before?: number | undefined
  /** Only events whose sequence is this or above. */
  readonly from?: number | undefined
  /** Only events this audience may read (`CaseEvent.readersOf`): `"requester"` is the requester's and the parties'. */
  readonly readers?: "requester" | "parties" | undefined
}

/**
 * Filters for the agents' queue.
 *
 * @since 0.1.0
 * @category models
 */
export interface QueueQuery {
  /** At most this many cases (a non-negative integer). */
  readonly limit: number
  /** Only cases whose next due instant is at or before this (epoch ms): "breached" is `dueBefore: now`. */
  readonly dueBefore?: number | undefined
  /** Only cases of these priorities (an empty list matches none). */
  readonly priorities?: ReadonlyArray<string> | undefined
  /** Only cases of these categories (an empty list matches none). */
  readonly categories?: ReadonlyArray<string> | undefined
  /** Only cases assigned to this agent or account manager id (`case.assignee.id`). */
  readonly assigneeId?: string | undefined
  /** Only cases after this (nextDueAt, id) position in the queue's order, for paging. */
  readonly after?: { readonly nextDueAt: number; readonly id: string } | undefined
  /** Skip this many cases first (a non-negative integer; default 0). Prefer `after`, which costs nothing to skip. */
  readonly offset?: number | undefined
}

/**
 * Filters for the cases in given statuses, oldest update first: the lifecycle sweeps (auto-closing idle cases,
 * clause 6.3).
 *
 * @since 0.1.0
 * @category models
 */
export interface StatusQuery {
  /** Only cases in these statuses (an empty list matches none). */
  readonly statuses: ReadonlyArray<SupportCase.Status>
  /** Only cases last updated strictly before this instant (epoch ms). */
  readonly updatedBefore?: number | undefined
  /** At most this many cases (a non-negative integer). */
  readonly limit: number
  /** Only cases after this (updatedAt, id) position in the list's order, for paging. */
  readonly after?: { readonly updatedAt: number; readonly id: string } | undefined
}

/**
 * Filters for the tallies of deleted cases, by opening instant (then case id), oldest first.
 *
 * @since 0.1.0
 * @category models
 */
export interface TallyQuery {
  /** Only cases opened at or after this instant (epoch ms). */
  readonly openedFrom?: number | undefined
  /** Only cases opened strictly before this instant (epoch ms). */
  readonly openedBefore?: number | undefined
  /** Only cases last changed (`updatedAt`) at or after this instant (epoch ms): what a report of a period reads. */
  readonly updatedSince?: number | undefined
  /** At most this many tallies (a non-negative integer). */
  readonly limit: number
  /** Only tallies after this (openedAt, caseId) position, for paging. */
  readonly after?: { readonly openedAt: number; readonly caseId: string } | undefined
}

/**
 * Paging for lists.
 *
 * @since 0.1.0
 * @category models
 */
export interface Page {
  /** At most this many items (a non-negative integer). */
  readonly limit: number
  /** Skip this many items first (a non-negative integer; default 0). */
  readonly offset?: number | undefined
}

// -------------------------------------------------------------------------------------------------------------------
// port
// -------------------------------------------------------------------------------------------------------------------

/**
 * The case storage port.
 *
 * @since 0.1.0
 * @category services
 */
export class CaseStore extends Context.Service<
  CaseStore,
  {
    /** Stores a new case with its first events and outbox messages, in one unit of work. */
    readonly create: (
      newCase: NewCase
    ) => Effect.Effect<Created, IdempotencyConflict | TrackingNumberTaken | OpeningLimitReached | CaseStoreFailure>
    /**
     * Runs `decide` on the case as it is now, with the case locked until the change it returns is written (or it
     * fails): concurrent updates of one case run one after another, each on the state the one before left, so none
     * fails for being concurrent. A decision without a change writes nothing; a failing decision writes nothing.
     * `decide` must not touch the case store itself. A change carrying a message whose `messageKey` the record
     * already holds fails with {@link MessageKeyTaken}, writing nothing.
     */
    readonly update: <A, E>(
      caseId: string,
      decide: (current: Stored) => Effect.Effect<Decision<A>, E>
    ) => Effect.Effect<A, E | CaseNotFound | MessageLimitReached | MessageKeyTaken | CaseStoreFailure>
    /**
     * Appends a change decided on the record as it ended at `expectedSequence`; when it ends elsewhere now, fails
     * with {@link SequenceConflict} (naming the sequence it ends at) and writes nothing; a message whose `messageKey`
     * the record already holds fails it with {@link MessageKeyTaken}. Returns the case as written.
     */
    readonly append: (
      append: Append
    ) => Effect.Effect<
      Stored,
      SequenceConflict | CaseNotFound | MessageLimitReached | MessageKeyTaken | CaseStoreFailure
    >
    /** A case by id: its state, facts and clock record. */
    readonly get: (caseId: string) => Effect.Effect<Option.Option<Stored>, CaseStoreFailure>
    /** A case by its tracking number exactly as stored (the desk parses user input first). */
    readonly getByTrackingNumber: (trackingNumber: string) => Effect.Effect<Option.Option<Stored>, CaseStoreFailure>
    /**
     * A case by its tracking number with a page of its record (what {@link events} answers for `query`), in one read
     * of one snapshot: how a reader's view of a case is read. The page holds no event after the case's sequence.
     */
    readonly getWithPage: (
      trackingNumber: string,
      query: EventQuery
    ) => Effect.Effect<Option.Option<StoredPage>, CaseStoreFailure>
    /** A page of a case's record: the latest events that pass the query's filters, in record order. */
    readonly events: (
      caseId: string,
      query: EventQuery
    ) => Effect.Effect<ReadonlyArray<CaseEvent.CaseEvent>, CaseStoreFailure>
    /** The cases of a requester (`case.requester.id`), newest first: `openedAt` descending, then id descending. */
    readonly listByRequester: (
      requesterId: string,
      page: Page
    ) => Effect.Effect<ReadonlyArray<SupportCase.SupportCase>, CaseStoreFailure>
    /**
     * The cases a person is a party to (requester or mediation counterparty: `case.parties` includes them), newest
     * first: `openedAt` descending, then id descending.
     */
    readonly listByParty: (
      partyId: string,
      page: Page
    ) => Effect.Effect<ReadonlyArray<SupportCase.SupportCase>, CaseStoreFailure>
    /**
     * Cases with a running clock (`nextDueAt` not null), whatever their status, that pass every filter given, ordered
     * by next due instant (then id), earliest first.
     */
    readonly queue: (query: QueueQuery) => Effect.Effect<ReadonlyArray<SupportCase.SupportCase>, CaseStoreFailure>
    /**
     * Cases in one of `statuses` that pass every filter given, ordered by last update (`updatedAt`, then id), oldest
     * first.
     */
    readonly listByStatus: (
      query: StatusQuery
    ) => Effect.Effect<ReadonlyArray<SupportCase.SupportCase>, CaseStoreFailure>
    /** How many cases a requester opened at or after `since` (epoch ms): the abuse rules' rate limits. */
    readonly countOpenedSince: (requesterId: string, since: number) => Effect.Effect<number, CaseStoreFailure>
    /**
     * Erases a case whose record ends at `expectedSequence` (otherwise {@link SequenceConflict}, nothing written), in
     * one unit of work. `Anonymise`: the record is replaced by `events`, which must keep every stored event's
     * sequence, type and instant (a write that does not dies); the state by `case`; each outbox message of the case
     * by `message(it)`, and those still pending become `failed` (last error `"erased"`); the case's idempotency keys
     * are deleted. `Delete`: the case, its record, its parties, its idempotency keys and its outbox messages are
     * deleted and `tally` is kept. The only operation that rewrites stored events.
     */
    readonly erase: (
      erasure: Erasure.CaseErasure
    ) => Effect.Effect<void, SequenceConflict | CaseNotFound | CaseStoreFailure>
    /** The tallies of deleted cases, by opening instant (then case id), oldest first. */
    readonly listTallies: (query: TallyQuery) => Effect.Effect<ReadonlyArray<Erasure.Tally>, CaseStoreFailure>
    /**
     * Claims up to `limit` cases whose alert instant (`alertAt`) is at or before `now`, earliest first (then by
     * id), for `leaseMillis`: each one's alert instant becomes `now + leaseMillis`, so no other claim gets it until
     * the lease ends or a change of the case writes its next alert instant. Two concurrent claims never get the same
     * case; a claimer that dies simply lets its lease run out.
     */
    readonly claimAlerts: (options: AlertClaimOptions) => Effect.Effect<ReadonlyArray<AlertClaim>, CaseStoreFailure>
    /**
     * The alert events addressed to any of `query.recipients`, newest first (`firedAt`, then case id, then sequence,
     * all descending), each once.
     */
    readonly listAlerts: (query: AlertQuery) => Effect.Effect<ReadonlyArray<SlaAlert.SlaAlert>, CaseStoreFailure>
    /**
     * The cases that pass every filter of `query` (words as `CaseQuery` says), in its order, after its cursor, at
     * most `limit`: the console's views and search.
     */
    readonly find: (query: CaseQuery.Query) => Effect.Effect<ReadonlyArray<SupportCase.SupportCase>, CaseStoreFailure>
    /** How many cases pass every filter, counted up to `limit` (a non-negative integer): min(count, limit). */
    readonly count: (filter: CaseQuery.Filter, limit: number) => Effect.Effect<number, CaseStoreFailure>
    /** Cases with their records, by id, in the order of `caseIds`; ids of no case are left out. */
    readonly getMany: (
      caseIds: ReadonlyArray<string>
    ) => Effect.Effect<ReadonlyArray<SupportCase.WithRecord>, CaseStoreFailure>
  }
>()("@support-policy/core/CaseStore") {}

// -------------------------------------------------------------------------------------------------------------------
// validation
// -------------------------------------------------------------------------------------------------------------------

const die = (operation: string, problems: ReadonlyArray<string>): Effect.Effect<never> =>
  Effect.die(new Error(`CaseStore.${operation}: ${problems.join("; ")}`))

const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0

const alertAtProblems = (alertAt: number | null | undefined): Array<string> =>
  alertAt === undefined || alertAt === null || Number.isSafeInteger(alertAt)
    ? []
    : [`alertAt: expected epoch milliseconds or null, got ${alertAt}`]

const messageProblems = (messages: ReadonlyArray<Outbox.Message>): Array<string> => {
  const seen = new Set<string>()
  const problems: Array<string> = []
  messages.forEach((message, i) => {
    if (seen.has(message.id)) problems.push(`outbox[${i}].id: message id "${message.id}" appears twice`)
    seen.add(message.id)
  })
  return problems
}

const limitProblems = (field: string, limits: ReadonlyArray<RateLimit> | undefined): Array<string> => {
  const problems: Array<string> = []
  limits?.forEach((limit, i) => {
    if (limit.id.length === 0) problems.push(`${field}[${i}].id: must not be empty`)
    if (!Number.isSafeInteger(limit.since)) problems.push(`${field}[${i}].since: expected epoch milliseconds`)
    if (!Number.isSafeInteger(limit.max) || limit.max < 1) {
      problems.push(`${field}[${i}].max: expected a whole number, 1 or more`)
    }
  })
  return problems
}

/** The clock events must be among the events written (same sequence and type), in order. */
const clockProblems = (
  field: string,
  clock: ReadonlyArray<CaseEvent.CaseEvent>,
  events: ReadonlyArray<CaseEvent.CaseEvent>
): Array<string> => {
  const problems: Array<string> = []
  const bySequence = new Map(events.map((e) => [e.sequence, e]))
  let previous = 0
  clock.forEach((e, i) => {
    const written = bySequence.get(e.sequence)
    if (written === undefined || written.type !== e.type) {
      problems.push(`${field}[${i}]: event ${e.sequence} (${e.type}) is not among the events written`)
    }
    if (e.sequence <= previous) problems.push(`${field}[${i}].sequence: expected more than ${previous}`)
    previous = e.sequence
  })
  return problems
}

/**
 * Checks a new case before it is stored: its record runs 1 … n and starts with `submitted` (`CaseEvent.checkRecord`),
 * its state's and facts' `sequence` is n, its clock record is among its events and starts with `submitted`, its
 * idempotency key and fingerprint are not empty, its limits are sound, and its outbox message ids are distinct. Dies
 * naming the field when not: a malformed write is a defect of the caller. Adapters call it first.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateNewCase = (newCase: NewCase): Effect.Effect<void> => {
  const problems: Array<string> = []
  if (newCase.events.length === 0) problems.push("events: a new case needs at least its submitted event")
  for (const problem of CaseEvent.checkRecord(newCase.events))
    problems.push(`events${problem.path}: ${problem.message}`)
  newCase.events.forEach((event, i) => {
    if (CaseEvent.isSlaAlert(event)) problems.push(`events[${i}].type: a new case has no SLA alert yet`)
  })
  if (newCase.case.sequence !== newCase.events.length) {
    problems.push(`case.sequence: expected ${newCase.events.length} (the last event), got ${newCase.case.sequence}`)
  }
  if (newCase.facts.sequence !== newCase.case.sequence) {
    problems.push(`facts.sequence: expected ${newCase.case.sequence}, got ${newCase.facts.sequence}`)
  }
  if (newCase.clockRecord[0]?.type !== "submitted") {
    problems.push('clockRecord[0]: a clock record starts with the "submitted" event')
  }
  problems.push(...clockProblems("clockRecord", newCase.clockRecord, newCase.events))
  if (newCase.idempotency !== undefined) {
    if (newCase.idempotency.key.length === 0) problems.push("idempotency.key: must not be empty")
    if (newCase.idempotency.fingerprint.length === 0) problems.push("idempotency.fingerprint: must not be empty")
  }
  problems.push(...limitProblems("openingLimits", newCase.openingLimits))
  problems.push(...messageProblems(newCase.outbox), ...alertAtProblems(newCase.alertAt))
  return problems.length === 0 ? Effect.void : die("create", problems)
}

/**
 * Checks a change to `caseId` decided on the record as it ended at `expectedSequence`: the events are numbered on
 * from it (and none is `submitted`), the new state belongs to `caseId` and ends at the last event, so do the facts,
 * the clock events are among the events, the limits are sound and the outbox message ids are distinct. Dies naming
 * the field when not. Adapters call it first (`append`) or on the decision (`update`).
 *
 * @since 0.1.0
 * @category validation
 */
export const validateChange = (
  operation: string,
  caseId: string,
  expectedSequence: number,
  change: Change
): Effect.Effect<void> => {
  const problems: Array<string> = []
  if (!Number.isSafeInteger(expectedSequence) || expectedSequence < 1) {
    problems.push(`expectedSequence: expected a positive integer, got ${expectedSequence}`)
  }
  change.events.forEach((event, i) => {
    if (event.sequence !== expectedSequence + 1 + i) {
      problems.push(`events[${i}].sequence: expected ${expectedSequence + 1 + i}, got ${event.sequence}`)
    }
    if (event.type === "submitted") problems.push(`events[${i}].type: a record has only one "submitted" event`)
  })
  if (change.case.id !== caseId) {
    problems.push(`case.id: expected "${caseId}" (the caseId), got "${change.case.id}"`)
  }
  const last = expectedSequence + change.events.length
  if (change.case.sequence !== last) problems.push(`case.sequence: expected ${last}, got ${change.case.sequence}`)
  if (change.facts.sequence !== last) problems.push(`facts.sequence: expected ${last}, got ${change.facts.sequence}`)
  problems.push(...clockProblems("clockEvents", change.clockEvents, change.events))
  if (change.messageLimits !== undefined && change.messageLimits.authorId.length === 0) {
    problems.push("messageLimits.authorId: must not be empty")
  }
  problems.push(...limitProblems("messageLimits.limits", change.messageLimits?.limits))
  const keys = messageKeys(change.events)
  if (new Set(keys).size !== keys.length) problems.push("events: a message key appears twice")
  problems.push(...messageProblems(change.outbox), ...alertAtProblems(change.alertAt))
  return problems.length === 0 ? Effect.void : die(operation, problems)
}

/**
 * Checks an erasure before anything is read: `expectedSequence` is a positive integer; an anonymised record runs
 * 1 … n from `submitted` (`CaseEvent.checkRecord`), at least to `expectedSequence`, and the new state belongs to
 * `caseId` and ends at its last event; a tally names `caseId`. Dies naming the field when not. Adapters call it
 * first, and {@link validateRewrite} once they hold the stored record.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateErasure = (erasure: Erasure.CaseErasure): Effect.Effect<void> => {
  const problems: Array<string> = []
  if (!Number.isSafeInteger(erasure.expectedSequence) || erasure.expectedSequence < 1) {
    problems.push(`expectedSequence: expected a positive integer, got ${erasure.expectedSequence}`)
  }
  const outcome = erasure.outcome
  if (outcome._tag === "Anonymise") {
    for (const problem of CaseEvent.checkRecord(outcome.events)) {
      problems.push(`outcome.events${problem.path}: ${problem.message}`)
    }
    if (outcome.events.length < erasure.expectedSequence) {
      problems.push(
        `outcome.events: the record keeps its ${erasure.expectedSequence} events, got ${outcome.events.length}`
      )
    }
    if (outcome.case.id !== erasure.caseId) {
      problems.push(`outcome.case.id: expected "${erasure.caseId}" (the caseId), got "${outcome.case.id}"`)
    }
    if (outcome.case.sequence !== outcome.events.length) {
      problems.push(`outcome.case.sequence: expected ${outcome.events.length}, got ${outcome.case.sequence}`)
    }
  } else if (outcome.tally.caseId !== erasure.caseId) {
    problems.push(`outcome.tally.caseId: expected "${erasure.caseId}" (the caseId), got "${outcome.tally.caseId}"`)
  }
  return problems.length === 0 ? Effect.void : die("erase", problems)
}

/**
 * Checks an anonymised record against the stored one: every stored event keeps its sequence, type and instant (what
 * an event says may change, not which events happened or when). Dies naming the event when not.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateRewrite = (
  stored: ReadonlyArray<{ readonly sequence: number; readonly type: string; readonly at: number }>,
  events: CaseEvent.Record
): Effect.Effect<void> => {
  const problems: Array<string> = []
  stored.forEach((before, i) => {
    const after = events[i]
    if (after === undefined) problems.push(`outcome.events[${i}]: the stored event ${before.sequence} is missing`)
    else if (after.sequence !== before.sequence || after.type !== before.type || after.at !== before.at) {
      problems.push(
        `outcome.events[${i}]: erasure keeps event ${before.sequence} a "${before.type}" at ${before.at}, ` +
          `got ${after.sequence} "${after.type}" at ${after.at}`
      )
    }
  })
  return problems.length === 0 ? Effect.void : die("erase", problems)
}

/**
 * Checks a redacted outbox message: it keeps its id and its case. Dies naming the message when not.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateRedactedMessage = (before: Outbox.Message, after: Outbox.Message): Effect.Effect<void> =>
  after.id === before.id && after.caseId === before.caseId
    ? Effect.void
    : die("erase", [`outcome.message: a redacted message keeps its id "${before.id}" and its case`])

/**
 * Checks a tally query: `limit` is a non-negative integer and the instants are integers. Dies naming the field when
 * not. Adapters call it first.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateTallyQuery = (query: TallyQuery): Effect.Effect<void> => {
  const problems: Array<string> = []
  if (!isCount(query.limit)) problems.push(`limit: expected a non-negative integer, got ${query.limit}`)
  for (const [name, value] of [
    ["openedFrom", query.openedFrom],
    ["openedBefore", query.openedBefore],
    ["updatedSince", query.updatedSince],
    ["after.openedAt", query.after?.openedAt]
  ] as const) {
    if (value !== undefined && !Number.isSafeInteger(value)) {
      problems.push(`${name}: expected epoch milliseconds, got ${value}`)
    }
  }
  return problems.length === 0 ? Effect.void : die("listTallies", problems)
}

/**
 * Checks an append: {@link validateChange} against its `caseId` and `expectedSequence`. Adapters call it first.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateAppend = (append: Append): Effect.Effect<void> =>
  validateChange("append", append.caseId, append.expectedSequence, append)

/**
 * Checks the options of `claimAlerts`: a whole `limit` of 0 or more, a positive whole `leaseMillis`, a whole `now`.
 * Dies naming the field when not. Adapters call it first.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateAlertClaim = (options: AlertClaimOptions): Effect.Effect<void> => {
  const problems: Array<string> = []
  if (!isCount(options.limit)) problems.push(`limit: expected a non-negative integer, got ${options.limit}`)
  if (!Number.isSafeInteger(options.leaseMillis) || options.leaseMillis <= 0) {
    problems.push(`leaseMillis: expected a positive integer, got ${options.leaseMillis}`)
  }
  if (!Number.isSafeInteger(options.now)) problems.push(`now: expected epoch milliseconds, got ${options.now}`)
  return problems.length === 0 ? Effect.void : die("claimAlerts", problems)
}

/**
 * Checks an alert query: `limit` is a non-negative integer and `before` names a position. Dies naming the field
 * when not. Adapters call it first.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateAlertQuery = (query: AlertQuery): Effect.Effect<void> => {
  const problems: Array<string> = []
  if (!isCount(query.limit)) problems.push(`limit: expected a non-negative integer, got ${query.limit}`)
  if (query.before !== undefined) {
    if (!Number.isSafeInteger(query.before.firedAt)) {
      problems.push(`before.firedAt: expected epoch milliseconds, got ${query.before.firedAt}`)
    }
    if (!Number.isSafeInteger(query.before.sequence)) {
      problems.push(`before.sequence: expected an integer, got ${query.before.sequence}`)
    }
  }
  return problems.length === 0 ? Effect.void : die("listAlerts", problems)
}

/**
 * The order of `listAlerts`: newest first, then by case id and sequence, all descending (negative: `a` comes first).
 *
 * @since 0.1.0
 * @category models
 */
export const compareAlerts = (a: SlaAlert.SlaAlert, b: SlaAlert.SlaAlert): number =>
  b.firedAt - a.firedAt || memory.compareIds(b.caseId, a.caseId) || b.sequence - a.sequence

/**
 * Checks paging: `limit` and `offset` are non-negative integers. Dies naming the operation and the field when not.
 *
 * @since 0.1.0
 * @category validation
 */
export const validatePage = (
  operation: string,
  page: { readonly limit: number; readonly offset?: number | undefined }
): Effect.Effect<void> => {
  const problems: Array<string> = []
  if (!isCount(page.limit)) problems.push(`limit: expected a non-negative integer, got ${page.limit}`)
  if (page.offset !== undefined && !isCount(page.offset)) {
    problems.push(`offset: expected a non-negative integer, got ${page.offset}`)
  }
  return problems.length === 0 ? Effect.void : die(operation, problems)
}

/**
 * Checks a page of a record: `limit` is a non-negative integer, `before` and `from` are integers. Dies naming the
 * field when not. Adapters call it first.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateEventQuery = (query: EventQuery): Effect.Effect<void> => {
  const problems: Array<string> = []
  if (!isCount(query.limit)) problems.push(`limit: expected a non-negative integer, got ${query.limit}`)
  if (query.before !== undefined && !Number.isSafeInteger(query.before)) {
    problems.push(`before: expected a sequence number, got ${query.before}`)
  }
  if (query.from !== undefined && !Number.isSafeInteger(query.from)) {
    problems.push(`from: expected a sequence number, got ${query.from}`)
  }
  return problems.length === 0 ? Effect.void : die("events", problems)
}

/**
 * Checks a console query or filter (`CaseQuery.problems`). Dies naming the field when not sound. Adapters call it
 * first.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateQuery = (
  operation: string,
  query: CaseQuery.Filter & { readonly limit?: number; readonly after?: CaseQuery.Cursor | undefined }
): Effect.Effect<void> => {
  const problems = CaseQuery.problems(query)
  return problems.length === 0 ? Effect.void : die(operation, problems)
}

/**
 * Checks a status query: `limit` is a non-negative integer and `updatedBefore` and `after.updatedAt` are integers
 * (epoch ms). Dies naming the field when not. Adapters call it first.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateStatusQuery = (query: StatusQuery): Effect.Effect<void> => {
  const problems: Array<string> = []
  if (!isCount(query.limit)) problems.push(`limit: expected a non-negative integer, got ${query.limit}`)
  if (query.updatedBefore !== undefined && !Number.isSafeInteger(query.updatedBefore)) {
    problems.push(`updatedBefore: expected epoch milliseconds, got ${query.updatedBefore}`)
  }
  if (query.after !== undefined && !Number.isSafeInteger(query.after.updatedAt)) {
    problems.push(`after.updatedAt: expected epoch milliseconds, got ${query.after.updatedAt}`)
  }
  return problems.length === 0 ? Effect.void : die("listByStatus", problems)
}

// -------------------------------------------------------------------------------------------------------------------
// memory
// -------------------------------------------------------------------------------------------------------------------

/**
 * The in-memory case store, on the state it shares with `Outbox.layerMemory` and `Incident.layerMemory` (so a case's
 * events, state and messages are written in one unit of work). `MemoryStorage.layerMemory` gives all three at once.
 * Updates of one case queue on a lock of that case; limits are checked in the same synchronous step as the write.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<CaseStore, never, memory.MemoryStore> = makeMemoryCaseStore(CaseStore)
