/**
 * The storage port of the support desk: cases with their append-only handling records (clause 6.4: "tracking numbers
 * and handling records provided for follow-up"), and the outbox messages written with them.
 *
 * Everything a store must guarantee, whatever its technology:
 * - **Append-only records with optimistic concurrency.** An append names the sequence number it expects the record
 *   to end at; when another append got there first, it fails with {@link SequenceConflict} and writes nothing. Two
 *   appends can never both succeed from the same expected sequence.
 * - **One unit of work.** A case's events, its new state, and the outbox messages they cause are written together or
 *   not at all.
 * - **Idempotent submissions.** `create` with an idempotency key that was already used (by the same requester) with
 *   the same request fingerprint returns the case created the first time; with another fingerprint it fails with
 *   {@link IdempotencyConflict}.
 * - **Unique tracking numbers and ids.** `create` fails with {@link TrackingNumberTaken} when the tracking number or
 *   the id of the new case is already taken, and writes nothing.
 * - **Queries** by tracking number, by requester, by party, the open cases ordered by next due instant, and the
 *   cases in given statuses ordered by last update (the lifecycle sweeps: auto-closing, retention). Lists are
 *   ordered totally (ties broken by id, compared by code unit, i.e. a `"C"` collation), so paging is stable.
 * - **The console's lists and search** (`find`, `count`, `getMany`): the filters, orders and word matching of
 *   `CaseQuery`, with keyset paging and capped counts.
 * - **Values, not references.** What a store returns cannot change the store when a caller changes it, and what a
 *   caller wrote cannot change the store afterwards.
 * - **Well-formed writes.** A new record runs 1 … n and starts with `submitted`; appended events continue from
 *   `expectedSequence`; the state's `sequence` is the record's last. A write that breaks this is a defect of the
 *   caller: it dies and writes nothing ({@link validateNewCase}, {@link validateAppend}, which every adapter calls
 *   first).
 *
 * Validation, event numbering and SLA recomputation live in core (`SupportDesk`), so an adapter implements storage
 * only. `@support-policy/core/testing` exports the contract suite every adapter runs against itself.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Option, Schema } from "effect"
import * as CaseEvent from "./CaseEvent.ts"
import * as CaseQuery from "./CaseQuery.ts"
import * as memory from "./internal/memoryStore.ts"
import type * as Outbox from "./Outbox.ts"
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
 * The case does not exist (in the store).
 *
 * @since 0.1.0
 * @category errors
 */
export class CaseNotFound extends Schema.TaggedError<CaseNotFound>()("CaseNotFound", {
  caseId: Schema.String
}) {}

/**
 * The store failed: the driver failed (`reason: "Unavailable"`, with its `cause`), or a stored row could not be
 * decoded (`reason: "Corrupt"`): never answered with a wrong case.
 *
 * @since 0.1.0
 * @category errors
 */
export class CaseStoreFailure extends Schema.TaggedError<CaseStoreFailure>()("CaseStoreFailure", {
  reason: Schema.Literals(["Unavailable", "Corrupt"]),
  message: Schema.String,
  cause: Schema.optionalKey(Schema.Defect())
}) {}

// -------------------------------------------------------------------------------------------------------------------
// models
// -------------------------------------------------------------------------------------------------------------------

/**
 * A new case: its state, its first events (sequence 1 …), the outbox messages they cause, and its idempotency key.
 *
 * @since 0.1.0
 * @category models
 */
export interface NewCase {
  readonly case: SupportCase.SupportCase
  readonly events: ReadonlyArray<CaseEvent.CaseEvent>
  readonly outbox: ReadonlyArray<Outbox.Message>
  /**
   * Scoped to the requester (`case.requester.id`): the same key from two requesters names two submissions. The
   * fingerprint identifies the request (a hash of what was submitted): a retry sends the same one.
   */
  readonly idempotency?: { readonly key: string; readonly fingerprint: string } | undefined
  /**
   * Create the case only while the requester opened fewer than `max` cases at or after `since` (epoch ms), for each
   * limit (the policy's abuse rate limits, clause 7.3). Checked after the idempotency key, in the same unit of work
   * as the write, so a replay returns its case and a refused submission writes nothing (not even its key). Under
   * concurrent submissions of one requester a store may let a few more through than `max`: a limit starts a review,
   * it is not an invariant.
   */
  readonly openingLimits?: ReadonlyArray<OpeningLimit> | undefined
}

/**
 * A limit on how many cases a requester may open in a window.
 *
 * @since 0.1.0
 * @category models
 */
export interface OpeningLimit {
  readonly id: string
  readonly since: number
  readonly max: number
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
  readonly stored: SupportCase.WithRecord
}

/**
 * Events to append to a case, with the case's new state and the outbox messages they cause. The events may be none
 * (a state change checked against the sequence); the tracking number of a case never changes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Append {
  readonly caseId: string
  /** The sequence number the record must end at now; the new events continue from it. */
  readonly expectedSequence: number
  readonly events: ReadonlyArray<CaseEvent.CaseEvent>
  readonly case: SupportCase.SupportCase
  readonly outbox: ReadonlyArray<Outbox.Message>
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
     * Appends events to a case if its record ends at `expectedSequence`, with its new state and messages; otherwise
     * fails with {@link SequenceConflict} (naming the sequence the record ends at) and writes nothing. An event whose
     * `messageKey` the record already holds fails the append with {@link MessageKeyTaken}, writing nothing.
     */
    readonly append: (
      append: Append
    ) => Effect.Effect<SupportCase.WithRecord, SequenceConflict | MessageKeyTaken | CaseNotFound | CaseStoreFailure>
    /** A case with its whole record, by id. */
    readonly get: (caseId: string) => Effect.Effect<Option.Option<SupportCase.WithRecord>, CaseStoreFailure>
    /** A case with its whole record, by its tracking number exactly as stored (the desk parses user input first). */
    readonly getByTrackingNumber: (
      trackingNumber: string
    ) => Effect.Effect<Option.Option<SupportCase.WithRecord>, CaseStoreFailure>
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

const messageProblems = (messages: ReadonlyArray<Outbox.Message>): Array<string> => {
  const seen = new Set<string>()
  const problems: Array<string> = []
  messages.forEach((message, i) => {
    if (seen.has(message.id)) problems.push(`outbox[${i}].id: message id "${message.id}" appears twice`)
    seen.add(message.id)
  })
  return problems
}

/**
 * Checks a new case before it is stored: its record runs 1 … n and starts with `submitted` (`CaseEvent.checkRecord`),
 * its state's `sequence` is n, its idempotency key and fingerprint are not empty, and its outbox message ids are
 * distinct. Dies naming the field when not: a malformed write is a defect of the caller. Adapters call it first.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateNewCase = (newCase: NewCase): Effect.Effect<void> => {
  const problems: Array<string> = []
  if (newCase.events.length === 0) problems.push("events: a new case needs at least its submitted event")
  for (const problem of CaseEvent.checkRecord(newCase.events))
    problems.push(`events${problem.path}: ${problem.message}`)
  if (newCase.case.sequence !== newCase.events.length) {
    problems.push(`case.sequence: expected ${newCase.events.length} (the last event), got ${newCase.case.sequence}`)
  }
  if (newCase.idempotency !== undefined) {
    if (newCase.idempotency.key.length === 0) problems.push("idempotency.key: must not be empty")
    if (newCase.idempotency.fingerprint.length === 0) problems.push("idempotency.fingerprint: must not be empty")
  }
  newCase.openingLimits?.forEach((limit, i) => {
    if (limit.id.length === 0) problems.push(`openingLimits[${i}].id: must not be empty`)
    if (!Number.isSafeInteger(limit.since)) problems.push(`openingLimits[${i}].since: expected epoch milliseconds`)
    if (!Number.isSafeInteger(limit.max) || limit.max < 1) {
      problems.push(`openingLimits[${i}].max: expected a whole number of cases, 1 or more`)
    }
  })
  problems.push(...messageProblems(newCase.outbox))
  return problems.length === 0 ? Effect.void : die("create", problems)
}

/**
 * Checks an append before it is stored: `expectedSequence` is a positive integer, the events are numbered on from it
 * (and none is `submitted`), the new state belongs to `caseId` and ends at the last event, and the outbox message ids
 * are distinct. Dies naming the field when not. Adapters call it first.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateAppend = (append: Append): Effect.Effect<void> => {
  const problems: Array<string> = []
  if (!Number.isSafeInteger(append.expectedSequence) || append.expectedSequence < 1) {
    problems.push(`expectedSequence: expected a positive integer, got ${append.expectedSequence}`)
  }
  append.events.forEach((event, i) => {
    if (event.sequence !== append.expectedSequence + 1 + i) {
      problems.push(`events[${i}].sequence: expected ${append.expectedSequence + 1 + i}, got ${event.sequence}`)
    }
    if (event.type === "submitted") problems.push(`events[${i}].type: a record has only one "submitted" event`)
  })
  if (append.case.id !== append.caseId) {
    problems.push(`case.id: expected "${append.caseId}" (the caseId), got "${append.case.id}"`)
  }
  const last = append.expectedSequence + append.events.length
  if (append.case.sequence !== last) problems.push(`case.sequence: expected ${last}, got ${append.case.sequence}`)
  const keys = messageKeys(append.events)
  if (new Set(keys).size !== keys.length) problems.push("events: a message key appears twice")
  problems.push(...messageProblems(append.outbox))
  return problems.length === 0 ? Effect.void : die("append", problems)
}

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

const newestFirst = (a: SupportCase.SupportCase, b: SupportCase.SupportCase): number =>
  b.openedAt - a.openedAt || memory.compareIds(b.id, a.id)

const withRecord = (entry: memory.CaseEntry): SupportCase.WithRecord =>
  Object.freeze({ case: entry.case, events: entry.events })

const page = <A>(items: ReadonlyArray<A>, p: Page): ReadonlyArray<A> => {
  const offset = p.offset ?? 0
  return Object.freeze(items.slice(offset, offset + p.limit))
}

/**
 * The in-memory case store, on the state it shares with `Outbox.layerMemory` and `Incident.layerMemory` (so a case's
 * events, state and messages are written in one unit of work). `MemoryStorage.layerMemory` gives all three at once.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<CaseStore, never, memory.MemoryStore> = Layer.effect(
  CaseStore,
  Effect.gen(function* () {
    const state = yield* memory.MemoryStore

    const openedSince = (requesterId: string, since: number): number => {
      let count = 0
      for (const { case: c } of state.cases.values()) {
        if (c.requester.id === requesterId && c.openedAt >= since) count++
      }
      return count
    }

    const create = (
      newCase: NewCase
    ): Effect.Effect<Created, IdempotencyConflict | TrackingNumberTaken | OpeningLimitReached> =>
      Effect.flatMap(validateNewCase(newCase), () =>
        Effect.suspend((): Effect.Effect<Created, IdempotencyConflict | TrackingNumberTaken | OpeningLimitReached> => {
          const c = newCase.case
          const scope =
            newCase.idempotency === undefined
              ? undefined
              : memory.idempotencyScope(c.requester.id, newCase.idempotency.key)
          if (scope !== undefined && newCase.idempotency !== undefined) {
            const first = state.idempotency.get(scope)
            if (first !== undefined) {
              if (first.fingerprint !== newCase.idempotency.fingerprint) {
                return Effect.fail(new IdempotencyConflict({ key: newCase.idempotency.key, caseId: first.caseId }))
              }
              return Effect.succeed({ created: false, stored: withRecord(state.cases.get(first.caseId)!) })
            }
          }
          for (const limit of newCase.openingLimits ?? []) {
            const count = openedSince(c.requester.id, limit.since)
            if (count >= limit.max) {
              return Effect.fail(new OpeningLimitReached({ limitId: limit.id, count, max: limit.max }))
            }
          }
          if (state.cases.has(c.id) || state.trackingNumbers.has(c.trackingNumber)) {
            return Effect.fail(new TrackingNumberTaken({ trackingNumber: c.trackingNumber }))
          }
          const duplicates = memory.duplicateMessageIds(state, newCase.outbox)
          if (duplicates.length > 0) return die("create", [`outbox: message ids already stored: ${duplicates}`])
          const entry: memory.CaseEntry = {
            case: memory.frozenCopy(c),
            events: memory.frozenCopy(newCase.events)
          }
          state.cases.set(c.id, entry)
          state.trackingNumbers.set(c.trackingNumber, c.id)
          if (scope !== undefined && newCase.idempotency !== undefined) {
            state.idempotency.set(scope, { fingerprint: newCase.idempotency.fingerprint, caseId: c.id })
          }
          memory.insertMessages(state, newCase.outbox)
          return Effect.succeed({ created: true, stored: withRecord(entry) })
        })
      )

    const append = (
      a: Append
    ): Effect.Effect<SupportCase.WithRecord, SequenceConflict | MessageKeyTaken | CaseNotFound> =>
      Effect.flatMap(validateAppend(a), () =>
        Effect.suspend((): Effect.Effect<SupportCase.WithRecord, SequenceConflict | MessageKeyTaken | CaseNotFound> => {
          const entry = state.cases.get(a.caseId)
          if (entry === undefined) return Effect.fail(new CaseNotFound({ caseId: a.caseId }))
          if (entry.events.length !== a.expectedSequence) {
            return Effect.fail(
              new SequenceConflict({ caseId: a.caseId, expected: a.expectedSequence, actual: entry.events.length })
            )
          }
          if (a.case.trackingNumber !== entry.case.trackingNumber) {
            return die("append", [
              `case.trackingNumber: a case keeps its tracking number "${entry.case.trackingNumber}", ` +
                `got "${a.case.trackingNumber}"`
            ])
          }
          const taken = new Set(messageKeys(entry.events))
          const repeated = messageKeys(a.events).find((key) => taken.has(key))
          if (repeated !== undefined)
            return Effect.fail(new MessageKeyTaken({ caseId: a.caseId, messageKey: repeated }))
          const duplicates = memory.duplicateMessageIds(state, a.outbox)
          if (duplicates.length > 0) return die("append", [`outbox: message ids already stored: ${duplicates}`])
          entry.case = memory.frozenCopy(a.case)
          entry.events = Object.freeze([...entry.events, ...memory.frozenCopy(a.events)])
          memory.insertMessages(state, a.outbox)
          return Effect.succeed(withRecord(entry))
        })
      )

    const get = (caseId: string) =>
      Effect.sync(() => Option.map(Option.fromNullishOr(state.cases.get(caseId)), withRecord))

    const getByTrackingNumber = (trackingNumber: string) =>
      Effect.sync(() => {
        const id = state.trackingNumbers.get(trackingNumber)
        return id === undefined ? Option.none() : Option.some(withRecord(state.cases.get(id)!))
      })

    const listWhere = (
      operation: string,
      p: Page,
      predicate: (c: SupportCase.SupportCase) => boolean
    ): Effect.Effect<ReadonlyArray<SupportCase.SupportCase>> =>
      Effect.flatMap(validatePage(operation, p), () =>
        Effect.sync(() => {
          const found: Array<SupportCase.SupportCase> = []
          for (const entry of state.cases.values()) if (predicate(entry.case)) found.push(entry.case)
          return page(found.sort(newestFirst), p)
        })
      )

    const listByRequester = (requesterId: string, p: Page) =>
      listWhere("listByRequester", p, (c) => c.requester.id === requesterId)

    const listByParty = (partyId: string, p: Page) => listWhere("listByParty", p, (c) => c.parties.includes(partyId))

    const queue = (query: QueueQuery): Effect.Effect<ReadonlyArray<SupportCase.SupportCase>> =>
      Effect.flatMap(validatePage("queue", { limit: query.limit }), () =>
        Effect.sync(() => {
          const found: Array<{ readonly due: number; readonly case: SupportCase.SupportCase }> = []
          for (const { case: c } of state.cases.values()) {
            const due = c.nextDueAt
            if (due === null) continue
            if (query.dueBefore !== undefined && due > query.dueBefore) continue
            if (query.priorities !== undefined && !query.priorities.includes(c.priority)) continue
            if (query.categories !== undefined && !query.categories.includes(c.category)) continue
            if (query.assigneeId !== undefined && c.assignee?.id !== query.assigneeId) continue
            if (
              query.after !== undefined &&
              (due < query.after.nextDueAt || (due === query.after.nextDueAt && c.id <= query.after.id))
            )
              continue
            found.push({ due, case: c })
          }
          found.sort((a, b) => a.due - b.due || memory.compareIds(a.case.id, b.case.id))
          return Object.freeze(found.slice(0, query.limit).map((item) => item.case))
        })
      )

    const listByStatus = (query: StatusQuery): Effect.Effect<ReadonlyArray<SupportCase.SupportCase>> =>
      Effect.flatMap(validateStatusQuery(query), () =>
        Effect.sync(() => {
          const found: Array<SupportCase.SupportCase> = []
          for (const { case: c } of state.cases.values()) {
            if (!query.statuses.includes(c.status)) continue
            if (query.updatedBefore !== undefined && c.updatedAt >= query.updatedBefore) continue
            if (
              query.after !== undefined &&
              (c.updatedAt < query.after.updatedAt || (c.updatedAt === query.after.updatedAt && c.id <= query.after.id))
            )
              continue
            found.push(c)
          }
          found.sort((a, b) => a.updatedAt - b.updatedAt || memory.compareIds(a.id, b.id))
          return Object.freeze(found.slice(0, query.limit))
        })
      )

    const countOpenedSince = (requesterId: string, since: number) => Effect.sync(() => openedSince(requesterId, since))

    const matching = (filter: CaseQuery.Filter): Array<SupportCase.SupportCase> => {
      const found: Array<SupportCase.SupportCase> = []
      for (const entry of state.cases.values()) {
        if (!CaseQuery.matchesFilter(entry.case, filter)) continue
        if (filter.text !== undefined && !CaseQuery.matchesText(withRecord(entry), filter.text)) continue
        found.push(entry.case)
      }
      return found
    }

    const find = (query: CaseQuery.Query): Effect.Effect<ReadonlyArray<SupportCase.SupportCase>> =>
      Effect.flatMap(validateQuery("find", query), () =>
        Effect.sync(() => {
          const position = (c: SupportCase.SupportCase) => CaseQuery.cursorOf(c, query.sort)
          const after = query.after
          const found = matching(query).filter(
            (c) => after === undefined || CaseQuery.comparePositions(query.order, position(c), after) > 0
          )
          found.sort((a, b) => CaseQuery.comparePositions(query.order, position(a), position(b)))
          return Object.freeze(found.slice(0, query.limit))
        })
      )

    const count = (filter: CaseQuery.Filter, limit: number): Effect.Effect<number> =>
      Effect.flatMap(validateQuery("count", { ...filter, limit }), () =>
        Effect.sync(() => Math.min(matching(filter).length, limit))
      )

    const getMany = (caseIds: ReadonlyArray<string>) =>
      Effect.sync(() => {
        const found: Array<SupportCase.WithRecord> = []
        for (const caseId of caseIds) {
          const entry = state.cases.get(caseId)
          if (entry !== undefined) found.push(withRecord(entry))
        }
        return Object.freeze(found)
      })

    return CaseStore.of({
      create,
      append,
      get,
      getByTrackingNumber,
      listByRequester,
      listByParty,
      queue,
      listByStatus,
      countOpenedSince,
      find,
      count,
      getMany
    })
  })
)
