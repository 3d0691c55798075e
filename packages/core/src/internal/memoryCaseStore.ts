/**
 * The in-memory `CaseStore` (`CaseStore.layerMemory`), on the state it shares with the memory outbox and incident
 * store (`memoryStore.ts`). Every write checks everything first and then writes in one synchronous step, so a write is
 * atomic and a failed one writes nothing; writes to one case (`update`, `append`) queue on a lock of that case, so an
 * update's decision always sees the state the write before it left.
 */
import { Effect, Layer, Option, Semaphore } from "effect"
import * as CaseEvent from "../CaseEvent.ts"
import * as CaseQuery from "../CaseQuery.ts"
import * as CaseStore from "../CaseStore.ts"
import type * as Erasure from "../Erasure.ts"
import type * as SlaAlert from "../SlaAlert.ts"
import type * as SupportCase from "../SupportCase.ts"
import * as memory from "./memoryStore.ts"

const storedOf = (entry: memory.CaseEntry): CaseStore.Stored =>
  Object.freeze({ case: entry.case, facts: entry.facts, clockRecord: entry.clockRecord })

const newestFirst = (a: SupportCase.SupportCase, b: SupportCase.SupportCase): number =>
  b.openedAt - a.openedAt || memory.compareIds(b.id, a.id)

const page = <A>(items: ReadonlyArray<A>, p: { readonly limit: number; readonly offset?: number | undefined }) => {
  const offset = p.offset ?? 0
  return Object.freeze(items.slice(offset, offset + p.limit))
}

const die = (operation: string, problem: string): Effect.Effect<never> =>
  Effect.die(new Error(`CaseStore.${operation}: ${problem}`))

const isMessage = (e: CaseEvent.CaseEvent): boolean =>
  e.actor.role === "requester" && CaseStore.messageTypes.includes(e.type)

/** The reads of the memory store: each one synchronous step on the shared state. */
const makeQueries = (state: memory.State) => {
  const get = (caseId: string) => Effect.sync(() => Option.map(Option.fromNullishOr(state.cases.get(caseId)), storedOf))

  const getByTrackingNumber = (trackingNumber: string) =>
    Effect.sync(() => {
      const id = state.trackingNumbers.get(trackingNumber)
      return id === undefined ? Option.none() : Option.some(storedOf(state.cases.get(id)!))
    })

  /** The page of `caseId`'s record that `query` asks for, as it is now. */
  const pageOf = (caseId: string, query: CaseStore.EventQuery): ReadonlyArray<CaseEvent.CaseEvent> => {
    const entry = state.cases.get(caseId)
    if (entry === undefined || query.limit === 0) return Object.freeze([])
    const rank = query.readers === undefined ? 0 : CaseEvent.readersRank(query.readers)
    const found: Array<CaseEvent.CaseEvent> = []
    for (let i = entry.events.length - 1; i >= 0 && found.length < query.limit; i--) {
      const e = entry.events[i]
      if (query.before !== undefined && e.sequence >= query.before) continue
      if (query.from !== undefined && e.sequence < query.from) break
      if (CaseEvent.readersRank(CaseEvent.readersOf(e)) < rank) continue
      found.push(e)
    }
    return Object.freeze(found.reverse())
  }

  const events = (caseId: string, query: CaseStore.EventQuery) =>
    Effect.flatMap(CaseStore.validateEventQuery(query), () => Effect.sync(() => pageOf(caseId, query)))

  const getWithPage = (trackingNumber: string, query: CaseStore.EventQuery) =>
    Effect.flatMap(CaseStore.validateEventQuery(query), () =>
      Effect.sync((): Option.Option<CaseStore.StoredPage> => {
        const id = state.trackingNumbers.get(trackingNumber)
        return id === undefined
          ? Option.none()
          : Option.some({ ...storedOf(state.cases.get(id)!), page: pageOf(id, query) })
      })
    )

  const listWhere = (
    operation: string,
    p: CaseStore.Page,
    predicate: (c: SupportCase.SupportCase) => boolean
  ): Effect.Effect<ReadonlyArray<SupportCase.SupportCase>> =>
    Effect.flatMap(CaseStore.validatePage(operation, p), () =>
      Effect.sync(() => {
        const found: Array<SupportCase.SupportCase> = []
        for (const entry of state.cases.values()) if (predicate(entry.case)) found.push(entry.case)
        return page(found.sort(newestFirst), p)
      })
    )

  const queue = (query: CaseStore.QueueQuery): Effect.Effect<ReadonlyArray<SupportCase.SupportCase>> =>
    Effect.flatMap(CaseStore.validatePage("queue", { limit: query.limit, offset: query.offset }), () =>
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
        return page(
          found.map((item) => item.case),
          query
        )
      })
    )

  const listByStatus = (query: CaseStore.StatusQuery): Effect.Effect<ReadonlyArray<SupportCase.SupportCase>> =>
    Effect.flatMap(CaseStore.validateStatusQuery(query), () =>
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

  const withRecord = (entry: memory.CaseEntry): SupportCase.WithRecord =>
    Object.freeze({ case: entry.case, events: entry.events })

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
    Effect.flatMap(CaseStore.validateQuery("find", query), () =>
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
    Effect.flatMap(CaseStore.validateQuery("count", { ...filter, limit }), () =>
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

  return { get, getByTrackingNumber, getWithPage, events, listWhere, queue, listByStatus, find, count, getMany }
}

/** How many cases a requester opened and messages an author wrote since an instant, and the record of messages. */
const makeCounts = (state: memory.State) => {
  const openedSince = (requesterId: string, since: number): number => {
    let count = 0
    for (const { case: c } of state.cases.values()) {
      if (c.requester.id === requesterId && c.openedAt >= since) count++
    }
    return count
  }

  const messagesSince = (authorId: string, since: number): number => {
    let count = 0
    for (const at of state.messages.get(authorId) ?? []) if (at >= since) count++
    return count
  }

  const recordMessages = (events: ReadonlyArray<CaseEvent.CaseEvent>): void => {
    for (const e of events) {
      if (!isMessage(e)) continue
      const list = state.messages.get(e.actor.id) ?? []
      list.push(e.at)
      state.messages.set(e.actor.id, list)
    }
  }

  return { openedSince, messagesSince, recordMessages }
}

type Counts = ReturnType<typeof makeCounts>

const makeCreate = (state: memory.State, { openedSince, recordMessages }: Counts) => {
  const create = (
    newCase: CaseStore.NewCase
  ): Effect.Effect<
    CaseStore.Created,
    CaseStore.IdempotencyConflict | CaseStore.TrackingNumberTaken | CaseStore.OpeningLimitReached
  > =>
    Effect.flatMap(CaseStore.validateNewCase(newCase), () =>
      Effect.suspend(
        (): Effect.Effect<
          CaseStore.Created,
          CaseStore.IdempotencyConflict | CaseStore.TrackingNumberTaken | CaseStore.OpeningLimitReached
        > => {
          const c = newCase.case
          const scope =
            newCase.idempotency === undefined
              ? undefined
              : memory.idempotencyScope(c.requester.id, newCase.idempotency.key)
          if (scope !== undefined && newCase.idempotency !== undefined) {
            const first = state.idempotency.get(scope)
            if (first !== undefined) {
              if (first.fingerprint !== newCase.idempotency.fingerprint) {
                return Effect.fail(
                  new CaseStore.IdempotencyConflict({ key: newCase.idempotency.key, caseId: first.caseId })
                )
              }
              return Effect.succeed({ created: false, stored: storedOf(state.cases.get(first.caseId)!) })
            }
          }
          for (const limit of newCase.openingLimits ?? []) {
            const count = openedSince(c.requester.id, limit.since)
            if (count >= limit.max) {
              return Effect.fail(new CaseStore.OpeningLimitReached({ limitId: limit.id, count, max: limit.max }))
            }
          }
          if (state.cases.has(c.id) || state.trackingNumbers.has(c.trackingNumber)) {
            return Effect.fail(new CaseStore.TrackingNumberTaken({ trackingNumber: c.trackingNumber }))
          }
          const duplicates = memory.duplicateMessageIds(state, newCase.outbox)
          if (duplicates.length > 0) return die("create", `outbox: message ids already stored: ${duplicates}`)
          const entry: memory.CaseEntry = {
            case: memory.frozenCopy(c),
            facts: memory.frozenCopy(newCase.facts),
            clockRecord: memory.frozenCopy(newCase.clockRecord),
            events: memory.frozenCopy(newCase.events),
            alertAt: newCase.alertAt ?? null
          }
          state.cases.set(c.id, entry)
          state.trackingNumbers.set(c.trackingNumber, c.id)
          if (scope !== undefined && newCase.idempotency !== undefined) {
            state.idempotency.set(scope, { fingerprint: newCase.idempotency.fingerprint, caseId: c.id })
          }
          recordMessages(newCase.events)
          memory.insertMessages(state, newCase.outbox)
          return Effect.succeed({ created: true, stored: storedOf(entry) })
        }
      )
    )

  return create
}

/** Writes to a case under its lock: changes and erasure. */
const makeWrites = (state: memory.State, { messagesSince, recordMessages }: Counts) => {
  const locks = new Map<string, Semaphore.Semaphore>()
  const lockOf = (caseId: string): Semaphore.Semaphore => {
    let lock = locks.get(caseId)
    if (lock === undefined) {
      lock = Semaphore.makeUnsafe(1)
      locks.set(caseId, lock)
    }
    return lock
  }

  /** Writes a checked change to an entry, in one synchronous step after its own checks. */
  const write = (
    operation: string,
    entry: memory.CaseEntry,
    change: CaseStore.Change
  ): Effect.Effect<CaseStore.Stored, CaseStore.MessageLimitReached | CaseStore.MessageKeyTaken> =>
    Effect.suspend((): Effect.Effect<CaseStore.Stored, CaseStore.MessageLimitReached | CaseStore.MessageKeyTaken> => {
      if (change.case.trackingNumber !== entry.case.trackingNumber) {
        return die(
          operation,
          `case.trackingNumber: a case keeps its tracking number "${entry.case.trackingNumber}", ` +
            `got "${change.case.trackingNumber}"`
        )
      }
      const keys = CaseStore.messageKeys(change.events)
      if (keys.length > 0) {
        const taken = new Set(CaseStore.messageKeys(entry.events))
        const repeated = keys.find((key) => taken.has(key))
        if (repeated !== undefined) {
          return Effect.fail(new CaseStore.MessageKeyTaken({ caseId: entry.case.id, messageKey: repeated }))
        }
      }
      if (change.messageLimits !== undefined) {
        for (const limit of change.messageLimits.limits) {
          const count = messagesSince(change.messageLimits.authorId, limit.since)
          if (count >= limit.max) {
            return Effect.fail(new CaseStore.MessageLimitReached({ limitId: limit.id, count, max: limit.max }))
          }
        }
      }
      const duplicates = memory.duplicateMessageIds(state, change.outbox)
      if (duplicates.length > 0) return die(operation, `outbox: message ids already stored: ${duplicates}`)
      entry.case = memory.frozenCopy(change.case)
      entry.facts = memory.frozenCopy(change.facts)
      if (change.clockEvents.length > 0) {
        entry.clockRecord = Object.freeze([...entry.clockRecord, ...memory.frozenCopy(change.clockEvents)])
      }
      if (change.events.length > 0) {
        entry.events = Object.freeze([...entry.events, ...memory.frozenCopy(change.events)])
      }
      entry.alertAt = change.alertAt ?? null
      recordMessages(change.events)
      memory.insertMessages(state, change.outbox)
      memory.insertAlerts(state, change.case, change.events)
      return Effect.succeed(storedOf(entry))
    })

  const entryOf = (caseId: string) =>
    Effect.suspend(() => {
      const entry = state.cases.get(caseId)
      return entry === undefined ? Effect.fail(new CaseStore.CaseNotFound({ caseId })) : Effect.succeed(entry)
    })

  const update = <A, E>(
    caseId: string,
    decide: (current: CaseStore.Stored) => Effect.Effect<CaseStore.Decision<A>, E>
  ): Effect.Effect<A, E | CaseStore.CaseNotFound | CaseStore.MessageLimitReached | CaseStore.MessageKeyTaken> =>
    lockOf(caseId).withPermit(
      Effect.gen(function* () {
        const entry = yield* entryOf(caseId)
        const current = storedOf(entry)
        const decision = yield* decide(current)
        if (decision.change === undefined) return decision.result
        yield* CaseStore.validateChange("update", caseId, current.case.sequence, decision.change)
        yield* write("update", entry, decision.change)
        return decision.result
      })
    )

  const append = (
    a: CaseStore.Append
  ): Effect.Effect<
    CaseStore.Stored,
    CaseStore.SequenceConflict | CaseStore.CaseNotFound | CaseStore.MessageLimitReached | CaseStore.MessageKeyTaken
  > =>
    Effect.flatMap(CaseStore.validateAppend(a), () =>
      lockOf(a.caseId).withPermit(
        Effect.flatMap(
          entryOf(a.caseId),
          (
            entry
          ): Effect.Effect<
            CaseStore.Stored,
            CaseStore.SequenceConflict | CaseStore.MessageLimitReached | CaseStore.MessageKeyTaken
          > =>
            entry.case.sequence !== a.expectedSequence
              ? Effect.fail(
                  new CaseStore.SequenceConflict({
                    caseId: a.caseId,
                    expected: a.expectedSequence,
                    actual: entry.case.sequence
                  })
                )
              : write("append", entry, a)
        )
      )
    )

  /** Erases a case under its lock (see `CaseStore.erase`): every check first, then one synchronous write. */
  const erase = (
    erasure: Erasure.CaseErasure
  ): Effect.Effect<void, CaseStore.SequenceConflict | CaseStore.CaseNotFound> =>
    Effect.flatMap(CaseStore.validateErasure(erasure), () =>
      lockOf(erasure.caseId).withPermit(
        Effect.gen(function* () {
          const entry = yield* entryOf(erasure.caseId)
          if (entry.case.sequence !== erasure.expectedSequence) {
            return yield* new CaseStore.SequenceConflict({
              caseId: erasure.caseId,
              expected: erasure.expectedSequence,
              actual: entry.case.sequence
            })
          }
          const messages = [...state.outbox.values()].filter((m) => m.message.caseId === erasure.caseId)
          const outcome = erasure.outcome
          if (outcome._tag === "Delete") {
            state.cases.delete(erasure.caseId)
            state.trackingNumbers.delete(entry.case.trackingNumber)
            for (const m of messages) state.outbox.delete(m.message.id)
            memory.deleteIdempotencyKeys(state, erasure.caseId)
            for (const key of [...state.alerts.keys()]) {
              if (key.startsWith(`${erasure.caseId}/`)) state.alerts.delete(key)
            }
            state.tallies.set(erasure.caseId, memory.frozenCopy(outcome.tally))
            return
          }
          yield* CaseStore.validateRewrite(entry.events, outcome.events)
          if (outcome.case.trackingNumber !== entry.case.trackingNumber) {
            return yield* die("erase", "outcome.case.trackingNumber: a case keeps its tracking number")
          }
          const redacted = messages.map((m) => memory.frozenCopy(outcome.message(m.message)))
          yield* Effect.forEach(messages, (m, i) => CaseStore.validateRedactedMessage(m.message, redacted[i]), {
            discard: true
          })
          // every check passed: write in one synchronous step
          entry.case = memory.frozenCopy(outcome.case)
          entry.facts = memory.frozenCopy(outcome.facts)
          entry.clockRecord = memory.frozenCopy(outcome.clockRecord)
          entry.events = memory.frozenCopy(outcome.events)
          messages.forEach((m, i) => {
            m.message = redacted[i]
            if (m.status === "pending") {
              m.status = "failed"
              m.lastError = "erased"
            }
          })
          memory.deleteIdempotencyKeys(state, erasure.caseId)
        })
      )
    )

  return { update, append, erase }
}

/** Tallies of erased cases and SLA alerts. */
const makeSweeps = (state: memory.State) => {
  const listTallies = (query: CaseStore.TallyQuery) =>
    Effect.flatMap(CaseStore.validateTallyQuery(query), () =>
      Effect.sync(() => {
        const found: Array<Erasure.Tally> = []
        for (const tally of state.tallies.values()) {
          if (query.openedFrom !== undefined && tally.openedAt < query.openedFrom) continue
          if (query.openedBefore !== undefined && tally.openedAt >= query.openedBefore) continue
          if (query.updatedSince !== undefined && tally.updatedAt < query.updatedSince) continue
          if (
            query.after !== undefined &&
            (tally.openedAt < query.after.openedAt ||
              (tally.openedAt === query.after.openedAt && tally.caseId <= query.after.caseId))
          )
            continue
          found.push(tally)
        }
        found.sort((a, b) => a.openedAt - b.openedAt || memory.compareIds(a.caseId, b.caseId))
        return Object.freeze(found.slice(0, query.limit))
      })
    )

  const claimAlerts = (options: CaseStore.AlertClaimOptions): Effect.Effect<ReadonlyArray<CaseStore.AlertClaim>> =>
    Effect.flatMap(CaseStore.validateAlertClaim(options), () =>
      Effect.sync(() => {
        const due: Array<{ readonly entry: memory.CaseEntry; readonly alertAt: number }> = []
        for (const entry of state.cases.values()) {
          if (entry.alertAt !== null && entry.alertAt <= options.now) due.push({ entry, alertAt: entry.alertAt })
        }
        due.sort((a, b) => a.alertAt - b.alertAt || memory.compareIds(a.entry.case.id, b.entry.case.id))
        const claimed = due.slice(0, options.limit)
        for (const { entry } of claimed) entry.alertAt = options.now + options.leaseMillis
        return Object.freeze(claimed.map(({ entry, alertAt }) => Object.freeze({ caseId: entry.case.id, alertAt })))
      })
    )

  const listAlerts = (query: CaseStore.AlertQuery): Effect.Effect<ReadonlyArray<SlaAlert.SlaAlert>> =>
    Effect.flatMap(CaseStore.validateAlertQuery(query), () =>
      Effect.sync(() => {
        const wanted = new Set(query.recipients)
        const before = query.before
        const found: Array<SlaAlert.SlaAlert> = []
        for (const { alert, keys } of state.alerts.values()) {
          if (!keys.some((key) => wanted.has(key))) continue
          if (before !== undefined && CaseStore.compareAlerts(alert, { ...alert, ...before }) <= 0) continue
          found.push(alert)
        }
        return Object.freeze(found.sort(CaseStore.compareAlerts).slice(0, query.limit))
      })
    )

  return { listTallies, claimAlerts, listAlerts }
}

export const makeMemoryCaseStore = (
  tag: typeof CaseStore.CaseStore
): Layer.Layer<CaseStore.CaseStore, never, memory.MemoryStore> =>
  Layer.effect(
    tag,
    Effect.gen(function* () {
      const state = yield* memory.MemoryStore
      const counts = makeCounts(state)
      const { openedSince } = counts
      const create = makeCreate(state, counts)
      const { update, append, erase } = makeWrites(state, counts)
      const { listTallies, claimAlerts, listAlerts } = makeSweeps(state)

      const { get, getByTrackingNumber, getWithPage, events, listWhere, queue, listByStatus, find, count, getMany } =
        makeQueries(state)

      return tag.of({
        create,
        update,
        append,
        get,
        getByTrackingNumber,
        getWithPage,
        events,
        listByRequester: (requesterId, p) => listWhere("listByRequester", p, (c) => c.requester.id === requesterId),
        listByParty: (partyId, p) => listWhere("listByParty", p, (c) => c.parties.includes(partyId)),
        queue,
        listByStatus,
        countOpenedSince: (requesterId, since) => Effect.sync(() => openedSince(requesterId, since)),
        claimAlerts,
        listAlerts,
        find,
        count,
        getMany,
        erase,
        listTallies
      })
    })
  )
