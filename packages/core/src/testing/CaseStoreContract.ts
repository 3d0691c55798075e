/**
 * The contract of the `CaseStore` port, as a test suite every adapter runs against itself: optimistic concurrency
 * (including 50 concurrent writers on one case), one unit of work with the outbox, idempotent submissions (including
 * 200 concurrent ones), unique tracking numbers, the queries and their order, and values that cannot be changed from
 * outside. Each test makes its own data with random ids, so the suite can run against a shared, persistent database.
 *
 * An adapter usually runs it through `StorageContract.suite`, which runs the three storage suites on one build of its
 * layer; `CaseStoreContract.suite(name, layer)` runs this one alone.
 *
 * @since 0.1.0
 */
import { assert, describe } from "@effect/vitest"
import { Effect, type Layer, Option, Result } from "effect"
import * as CaseEvent from "../CaseEvent.ts"
import * as CaseStore from "../CaseStore.ts"
import * as contract from "../internal/contract.ts"
import * as Outbox from "../Outbox.ts"
import * as Randomness from "../Randomness.ts"
import type * as SupportCase from "../SupportCase.ts"
import * as Fixtures from "./Fixtures.ts"
import { absent, day, hour, ids, range, sequences } from "./internal/caseStore.ts"
import { queries, values } from "./internal/caseStoreQueries.ts"

/**
 * Options of the suite.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = contract.SuiteOptions

/**
 * Registers the contract tests of `CaseStore` (with the `Outbox` written in the same unit of work) in the current
 * test file, against an adapter's layer.
 *
 * @since 0.1.0
 * @category tests
 */
export const suite = <E>(name: string, layer: Layer.Layer<contract.Storage, E>, options: Options = {}): void =>
  contract.run(`${name}: CaseStore contract`, layer, (it) => tests(it, options))

/** Create and read. */
const createAndRead = (it: contract.It, heavy: { readonly timeout: number }): void => {
  describe("create and read", () => {
    it.effect("stores a new case with its record and its outbox messages, and reads it by id and tracking number", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const outbox = yield* Outbox.Outbox
        const input = yield* Fixtures.newCase({ messages: 2 })
        const result = yield* store.create(input)
        assert.isTrue(result.created)
        assert.deepStrictEqual(result.stored.case, input.case)
        assert.deepStrictEqual(result.stored.facts, input.facts)
        assert.deepStrictEqual(result.stored.clockRecord, input.clockRecord)
        const byId = yield* contract.getCase(store, input.case.id)
        assert.deepStrictEqual(byId, { case: input.case, facts: input.facts, clockRecord: input.clockRecord })
        assert.deepStrictEqual(yield* contract.recordOf(store, input.case.id), input.events)
        const byTrackingNumber = yield* store.getByTrackingNumber(input.case.trackingNumber)
        assert.deepStrictEqual(
          Option.map(byTrackingNumber, (s) => s.case),
          Option.some(input.case)
        )
        const messages = yield* outbox.listByCase(input.case.id)
        assert.deepStrictEqual(
          messages.map((d) => d.message),
          input.outbox
        )
        for (const delivery of messages) {
          assert.strictEqual(delivery.status, "pending")
          assert.strictEqual(delivery.attempts, 0)
          assert.strictEqual(delivery.availableAt, delivery.message.createdAt)
          assert.strictEqual(delivery.lastError, null)
          assert.strictEqual(delivery.sentAt, null)
        }
      })
    )

    it.effect("keeps every optional field, and leaves absent ones absent", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const full = yield* Fixtures.newCase({ full: true, nextDueAt: null })
        const bare = yield* Fixtures.newCase()
        yield* store.create(full)
        yield* store.create(bare)
        const storedFull = yield* contract.getCase(store, full.case.id)
        const storedBare = yield* contract.getCase(store, bare.case.id)
        assert.deepStrictEqual(storedFull.case, full.case)
        assert.deepStrictEqual(storedBare.case, bare.case)
        assert.deepStrictEqual(yield* contract.recordOf(store, full.case.id), full.events)
        assert.deepStrictEqual(storedFull.facts, full.facts)
        assert.strictEqual(storedFull.case.nextDueAt, null)
        for (const key of ["assignee", "orderReference"] as const) assert.isFalse(key in storedBare.case, key)
        for (const key of ["accountManagerId", "email", "name"] as const) {
          assert.isFalse(key in storedBare.case.requester, key)
        }
      })
    )

    it.effect("answers none for an unknown id or tracking number", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const unknown = yield* Fixtures.id("unknown")
        assert.isTrue(Option.isNone(yield* store.get(unknown)))
        assert.isTrue(Option.isNone(yield* store.getByTrackingNumber(unknown)))
      })
    )

    it.effect("refuses a taken tracking number with TrackingNumberTaken, and writes nothing", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const outbox = yield* Outbox.Outbox
        const first = yield* Fixtures.newCase()
        yield* store.create(first)
        const second = yield* Fixtures.newCase({ trackingNumber: first.case.trackingNumber })
        const error = yield* Effect.flip(store.create(second))
        assert.strictEqual(error._tag, "TrackingNumberTaken")
        contract.assertError(error, "TrackingNumberTaken", { trackingNumber: first.case.trackingNumber })
        assert.isTrue(Option.isNone(yield* store.get(second.case.id)))
        yield* absent(outbox, ids(second.outbox))
        const stored = yield* store.getByTrackingNumber(first.case.trackingNumber)
        assert.deepStrictEqual(
          Option.map(stored, (s) => s.case),
          Option.some(first.case)
        )
      })
    )

    it.effect("refuses a taken case id with TrackingNumberTaken, and writes nothing", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const outbox = yield* Outbox.Outbox
        const first = yield* Fixtures.newCase()
        yield* store.create(first)
        const second = yield* Fixtures.newCase({ id: first.case.id })
        const error = yield* Effect.flip(store.create(second))
        assert.strictEqual(error._tag, "TrackingNumberTaken")
        assert.isTrue(Option.isNone(yield* store.getByTrackingNumber(second.case.trackingNumber)))
        yield* absent(outbox, ids(second.outbox))
        const stored = yield* contract.getCase(store, first.case.id)
        assert.deepStrictEqual(stored.case, first.case)
      })
    )

    it.effect(
      "gives a tracking number to exactly one of 20 concurrent creates",
      () =>
        Effect.gen(function* () {
          const store = yield* CaseStore.CaseStore
          const outbox = yield* Outbox.Outbox
          const trackingNumber = yield* Fixtures.id("TRK")
          const inputs = yield* Effect.forEach(range(1, 20), () => Fixtures.newCase({ trackingNumber }))
          const results = yield* Effect.forEach(inputs, (input) => Effect.result(store.create(input)), {
            concurrency: "unbounded"
          })
          const winners = inputs.filter((_, i) => Result.isSuccess(results[i]))
          assert.strictEqual(winners.length, 1)
          for (const r of results) {
            if (Result.isFailure(r)) assert.strictEqual(r.failure._tag, "TrackingNumberTaken")
          }
          const stored = yield* store.getByTrackingNumber(trackingNumber)
          assert.deepStrictEqual(
            Option.map(stored, (s) => s.case.id),
            Option.some(winners[0].case.id)
          )
          for (const input of inputs) {
            const messages = yield* outbox.listByCase(input.case.id)
            assert.strictEqual(messages.length, input === winners[0] ? 1 : 0)
          }
        }),
      heavy
    )
  })
}

/** Idempotent submissions. */
const idempotentSubmissions = (it: contract.It, heavy: { readonly timeout: number }): void => {
  describe("idempotent submissions", () => {
    it.effect("returns the first case for a repeated key and fingerprint, and writes nothing", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const outbox = yield* Outbox.Outbox
        const requesterId = yield* Fixtures.id("requester")
        const idempotency = { key: yield* Fixtures.id("key"), fingerprint: "sha256:aaaa" }
        const first = yield* Fixtures.newCase({ requesterId, idempotency })
        const created = yield* store.create(first)
        assert.isTrue(created.created)
        // the first case moves on before the retry arrives: the retry gets the case as it is now
        const appended = yield* store.append(yield* Fixtures.append(first))
        const retry = yield* Fixtures.newCase({ requesterId, idempotency })
        const replayed = yield* store.create(retry)
        assert.isFalse(replayed.created)
        assert.deepStrictEqual(replayed.stored.case, appended.case)
        assert.deepStrictEqual(replayed.stored, appended)
        assert.isTrue(Option.isNone(yield* store.get(retry.case.id)))
        assert.isTrue(Option.isNone(yield* store.getByTrackingNumber(retry.case.trackingNumber)))
        yield* absent(outbox, ids(retry.outbox))
        assert.strictEqual((yield* store.listByRequester(requesterId, { limit: 10 })).length, 1)
      })
    )

    it.effect("refuses a repeated key with another fingerprint with IdempotencyConflict, and writes nothing", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const outbox = yield* Outbox.Outbox
        const requesterId = yield* Fixtures.id("requester")
        const key = yield* Fixtures.id("key")
        const first = yield* Fixtures.newCase({ requesterId, idempotency: { key, fingerprint: "sha256:aaaa" } })
        yield* store.create(first)
        const other = yield* Fixtures.newCase({ requesterId, idempotency: { key, fingerprint: "sha256:bbbb" } })
        const error = yield* Effect.flip(store.create(other))
        contract.assertError(error, "IdempotencyConflict", { key, caseId: first.case.id })
        assert.isTrue(Option.isNone(yield* store.get(other.case.id)))
        yield* absent(outbox, ids(other.outbox))
      })
    )

    it.effect(
      "refuses a case past an opening limit with OpeningLimitReached, and writes nothing, not even its key",
      () =>
        Effect.gen(function* () {
          const store = yield* CaseStore.CaseStore
          const outbox = yield* Outbox.Outbox
          const requesterId = yield* Fixtures.id("requester")
          const t = Fixtures.baseTime
          for (const openedAt of [t - 2 * day, t - hour, t]) {
            yield* store.create(yield* Fixtures.newCase({ requesterId, openedAt }))
          }
          const limits = [
            { id: "per-week", since: t - 7 * day, max: 10 },
            { id: "per-day", since: t - day, max: 2 }
          ]
          const key = { key: yield* Fixtures.id("key"), fingerprint: "sha256:aaaa" }
          const refused = yield* Fixtures.newCase({ requesterId, openedAt: t + 1, idempotency: key })
          const error = yield* Effect.flip(store.create({ ...refused, openingLimits: limits }))
          contract.assertError(error, "OpeningLimitReached", { limitId: "per-day", count: 2, max: 2 })
          assert.isTrue(Option.isNone(yield* store.get(refused.case.id)))
          yield* absent(outbox, ids(refused.outbox))
          assert.strictEqual(yield* store.countOpenedSince(requesterId, 0), 3)
          // the key was not used up: the same submission goes through once the limit allows it
          const later = yield* store.create({ ...refused, openingLimits: [{ id: "per-day", since: t - day, max: 3 }] })
          assert.isTrue(later.created)
          // a limit that is not reached lets a case through, and another requester is not counted
          const other = yield* Fixtures.newCase({ openedAt: t + 2 })
          assert.isTrue((yield* store.create({ ...other, openingLimits: limits })).created)
        })
    )

    it.effect("replays an earlier submission even when its requester is at an opening limit", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const requesterId = yield* Fixtures.id("requester")
        const idempotency = { key: yield* Fixtures.id("key"), fingerprint: "sha256:aaaa" }
        const first = yield* Fixtures.newCase({ requesterId, idempotency })
        assert.isTrue((yield* store.create(first)).created)
        const retry = yield* Fixtures.newCase({ requesterId, idempotency })
        const replayed = yield* store.create({
          ...retry,
          openingLimits: [{ id: "per-day", since: Fixtures.baseTime - day, max: 1 }]
        })
        assert.isFalse(replayed.created)
        assert.strictEqual(replayed.stored.case.id, first.case.id)
      })
    )

    it.effect("scopes keys to their requester: the same key from two requesters makes two cases", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const idempotency = { key: yield* Fixtures.id("key"), fingerprint: "sha256:aaaa" }
        const a = yield* Fixtures.newCase({ idempotency })
        const b = yield* Fixtures.newCase({ idempotency })
        assert.isTrue((yield* store.create(a)).created)
        assert.isTrue((yield* store.create(b)).created)
        yield* contract.getCase(store, a.case.id)
        yield* contract.getCase(store, b.case.id)
      })
    )

    it.effect("never deduplicates submissions without a key", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const requesterId = yield* Fixtures.id("requester")
        const a = yield* Fixtures.newCase({ requesterId })
        const b = yield* Fixtures.newCase({ requesterId })
        assert.isTrue((yield* store.create(a)).created)
        assert.isTrue((yield* store.create(b)).created)
        assert.strictEqual(yield* store.countOpenedSince(requesterId, 0), 2)
      })
    )

    it.effect(
      "makes exactly 150 cases of 200 concurrent submissions that repeat 50 keys",
      () =>
        Effect.gen(function* () {
          const store = yield* CaseStore.CaseStore
          const outbox = yield* Outbox.Outbox
          const requesterId = yield* Fixtures.id("requester")
          const keys = yield* Effect.forEach(range(1, 150), () => Fixtures.id("key"))
          // 150 distinct keys; the first 50 are sent twice, by distinct submissions with the same fingerprint
          const plan = [...keys, ...keys.slice(0, 50)]
          const inputs = yield* Effect.forEach(plan, (key, i) =>
            Fixtures.newCase({
              requesterId,
              openedAt: Fixtures.baseTime + i,
              idempotency: { key, fingerprint: `fp-${key}` }
            })
          )
          const results = yield* Effect.forEach(inputs, (input) => store.create(input), { concurrency: "unbounded" })
          assert.strictEqual(results.filter((r) => r.created).length, 150)
          assert.strictEqual(results.filter((r) => !r.created).length, 50)
          // both submissions of a key answer with the same case, one of the two
          const byKey = new Map<string, Array<string>>()
          plan.forEach((key, i) => {
            byKey.set(key, [...(byKey.get(key) ?? []), results[i].stored.case.id])
          })
          for (const [key, caseIds] of byKey) {
            assert.strictEqual(new Set(caseIds).size, 1, key)
          }
          const listed = yield* store.listByRequester(requesterId, { limit: 1000 })
          assert.strictEqual(listed.length, 150)
          assert.strictEqual(new Set(listed.map((c) => c.id)).size, 150)
          assert.strictEqual(yield* store.countOpenedSince(requesterId, 0), 150)
          // a message exists exactly for each submission that created its case
          const winners = new Set(results.map((r) => r.stored.case.id))
          for (const input of inputs) {
            const found = yield* outbox.get(input.outbox[0].id)
            assert.strictEqual(Option.isSome(found), winners.has(input.case.id), input.case.id)
          }
        }),
      heavy
    )

    it.effect(
      "lets exactly one of 10 concurrent submissions of one key with other fingerprints through",
      () =>
        Effect.gen(function* () {
          const store = yield* CaseStore.CaseStore
          const requesterId = yield* Fixtures.id("requester")
          const key = yield* Fixtures.id("key")
          const inputs = yield* Effect.forEach(range(1, 10), (i) =>
            Fixtures.newCase({ requesterId, idempotency: { key, fingerprint: `fp-${i}` } })
          )
          const results = yield* Effect.forEach(inputs, (input) => Effect.result(store.create(input)), {
            concurrency: "unbounded"
          })
          const created = results.filter(Result.isSuccess)
          assert.strictEqual(created.length, 1)
          const winner = created[0].success.stored.case.id
          for (const r of results) {
            if (Result.isFailure(r)) {
              contract.assertError(r.failure, "IdempotencyConflict", { key, caseId: winner })
            }
          }
          assert.strictEqual(yield* store.countOpenedSince(requesterId, 0), 1)
        }),
      heavy
    )
  })
}

/** Append. */
const append = (it: contract.It, heavy: { readonly timeout: number }): void => {
  describe("append", () => {
    appendChecks(it)
    appendWithOutbox(it, heavy)
  })
}

/** Append: the new state and messages, and what an append refuses. */
const appendChecks = (it: contract.It): void => {
  it.effect("appends events with the new state and their outbox messages", () =>
    Effect.gen(function* () {
      const store = yield* CaseStore.CaseStore
      const outbox = yield* Outbox.Outbox
      const input = yield* Fixtures.newCase()
      yield* store.create(input)
      const first = yield* Fixtures.append(input, { events: 2, status: "awaitingRequester", messages: 2 })
      const afterFirst = yield* store.append(first)
      assert.deepStrictEqual(afterFirst.case, first.case)
      assert.deepStrictEqual(afterFirst.facts, first.facts)
      assert.deepStrictEqual(afterFirst.clockRecord, [...input.clockRecord, ...first.clockEvents])
      assert.deepStrictEqual(yield* contract.recordOf(store, input.case.id), [...input.events, ...first.events])
      const second = yield* Fixtures.append(afterFirst, { nextDueAt: null })
      const afterSecond = yield* store.append(second)
      const stored = yield* contract.getCase(store, input.case.id)
      assert.deepStrictEqual(stored, afterSecond)
      assert.deepStrictEqual(sequences(yield* contract.recordOf(store, input.case.id)), [1, 2, 3, 4])
      assert.strictEqual(stored.case.sequence, 4)
      assert.strictEqual(stored.case.nextDueAt, null)
      const messages = yield* outbox.listByCase(input.case.id)
      assert.deepStrictEqual(
        messages.map((d) => d.message),
        [...input.outbox, ...first.outbox, ...second.outbox]
      )
    })
  )

  it.effect("refuses a stale expected sequence with SequenceConflict, and writes nothing", () =>
    Effect.gen(function* () {
      const store = yield* CaseStore.CaseStore
      const outbox = yield* Outbox.Outbox
      const input = yield* Fixtures.newCase()
      yield* store.create(input)
      const winner = yield* Fixtures.append(input, { events: 2 })
      const stale = yield* Fixtures.append(input, { body: "too late", status: "resolved" })
      yield* store.append(winner)
      const error = yield* Effect.flip(store.append(stale))
      contract.assertError(error, "SequenceConflict", { caseId: input.case.id, expected: 1, actual: 3 })
      const stored = yield* contract.getCase(store, input.case.id)
      assert.deepStrictEqual(stored.case, winner.case)
      assert.deepStrictEqual(sequences(yield* contract.recordOf(store, input.case.id)), [1, 2, 3])
      yield* absent(outbox, ids(stale.outbox))
    })
  )

  it.effect("keeps a message key once per case: a repeated key fails with MessageKeyTaken and writes nothing", () =>
    Effect.gen(function* () {
      const store = yield* CaseStore.CaseStore
      const outbox = yield* Outbox.Outbox
      const input = yield* Fixtures.newCase()
      const other = yield* Fixtures.newCase()
      yield* store.create(input)
      yield* store.create(other)
      const keyed = (append: CaseStore.Append, messageKey: string): CaseStore.Append => {
        const events = append.events.map(
          (e): CaseEvent.CaseEvent => ({
            type: "requesterResponded",
            sequence: e.sequence,
            at: e.at,
            actor: { role: "requester", id: input.case.requester.id },
            body: "Here is the invoice.",
            messageKey
          })
        )
        return { ...append, events, clockEvents: events.map(CaseEvent.withoutText) }
      }
      const key = "<CAFx1@mail.example>"
      const first = keyed(yield* Fixtures.append(input), key)
      const written = yield* store.append(first)
      assert.deepStrictEqual(CaseStore.messageKeys(yield* contract.recordOf(store, input.case.id)), [key])
      const again = keyed(yield* Fixtures.append(written), key)
      const error = yield* Effect.flip(store.append(again))
      contract.assertError(error, "MessageKeyTaken", { caseId: input.case.id, messageKey: key })
      assert.deepStrictEqual(sequences(yield* contract.recordOf(store, input.case.id)), [1, 2])
      yield* absent(outbox, ids(again.outbox))
      // through an update too: the lock does not stand in for the key
      const repeated = keyed(yield* Fixtures.append(written), key)
      const viaUpdate = yield* Effect.flip(
        store.update(input.case.id, () => Effect.succeed({ change: repeated, result: undefined }))
      )
      contract.assertError(viaUpdate, "MessageKeyTaken", { caseId: input.case.id, messageKey: key })
      assert.deepStrictEqual(sequences(yield* contract.recordOf(store, input.case.id)), [1, 2])
      // another key on the same case, and the same key on another case, are written
      yield* store.append(keyed(yield* Fixtures.append(written), "<other@mail.example>"))
      yield* store.append(keyed(yield* Fixtures.append(other), key))
      assert.deepStrictEqual(sequences(yield* contract.recordOf(store, other.case.id)), [1, 2])
    })
  )

  it.effect("refuses an expected sequence ahead of the record with SequenceConflict", () =>
    Effect.gen(function* () {
      const store = yield* CaseStore.CaseStore
      const input = yield* Fixtures.newCase()
      yield* store.create(input)
      const ahead = yield* Fixtures.append(input, { expectedSequence: 5 })
      const error = yield* Effect.flip(store.append(ahead))
      contract.assertError(error, "SequenceConflict", { caseId: input.case.id, expected: 5, actual: 1 })
      assert.deepStrictEqual(sequences(yield* contract.recordOf(store, input.case.id)), [1])
    })
  )

  it.effect("refuses an append to an unknown case with CaseNotFound, and writes nothing", () =>
    Effect.gen(function* () {
      const store = yield* CaseStore.CaseStore
      const outbox = yield* Outbox.Outbox
      const never = yield* Fixtures.newCase()
      const orphan = yield* Fixtures.append(never)
      const error = yield* Effect.flip(store.append(orphan))
      contract.assertError(error, "CaseNotFound", { caseId: never.case.id })
      yield* absent(outbox, ids(orphan.outbox))
      assert.isTrue(Option.isNone(yield* store.get(never.case.id)))
    })
  )

  it.effect("checks an append without events against the sequence, and stores the new state", () =>
    Effect.gen(function* () {
      const store = yield* CaseStore.CaseStore
      const input = yield* Fixtures.newCase()
      yield* store.create(input)
      const change = yield* Fixtures.append(input, { events: 0, messages: 0, priority: "high" })
      const stored = yield* store.append(change)
      assert.strictEqual(stored.case.priority, "high")
      assert.strictEqual(stored.facts.priority, "high")
      assert.deepStrictEqual(sequences(yield* contract.recordOf(store, input.case.id)), [1])
      const stale = yield* Fixtures.append(input, { expectedSequence: 2, events: 0, messages: 0 })
      assert.strictEqual((yield* Effect.flip(store.append(stale)))._tag, "SequenceConflict")
    })
  )
}

/** Append: concurrent appends, one unit of work with the outbox, and malformed writes. */
const appendWithOutbox = (it: contract.It, heavy: { readonly timeout: number }): void => {
  it.effect(
    "lets exactly one of 50 concurrent appends from the same sequence through, round after round",
    () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const outbox = yield* Outbox.Outbox
        const input = yield* Fixtures.newCase()
        yield* store.create(input)
        let current: CaseStore.Stored = { case: input.case, facts: input.facts, clockRecord: input.clockRecord }
        const written: Array<string> = [...ids(input.outbox)]
        for (let round = 1; round <= 5; round++) {
          const appends = yield* Effect.forEach(range(1, 50), (writer) =>
            Fixtures.append(current, { body: `round ${round} writer ${writer}` })
          )
          const results = yield* Effect.forEach(appends, (a) => Effect.result(store.append(a)), {
            concurrency: "unbounded"
          })
          const won = appends.filter((_, i) => Result.isSuccess(results[i]))
          assert.strictEqual(won.length, 1, `round ${round}`)
          for (const r of results) {
            if (Result.isFailure(r)) {
              contract.assertError(r.failure, "SequenceConflict", {
                caseId: input.case.id,
                expected: round,
                actual: round + 1
              })
            }
          }
          written.push(...ids(won[0].outbox))
          for (const lost of appends.filter((a) => a !== won[0])) yield* absent(outbox, ids(lost.outbox))
          current = { case: won[0].case, facts: won[0].facts, clockRecord: [] }
        }
        assert.deepStrictEqual(sequences(yield* contract.recordOf(store, input.case.id)), range(1, 6))
        const messages = yield* outbox.listByCase(input.case.id)
        assert.deepStrictEqual(
          messages.map((d) => d.message.id),
          written
        )
      }),
    heavy
  )

  it.effect(
    "ends 50 concurrent writers that retry on conflict with a gap-free record 1 … 51",
    () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const outbox = yield* Outbox.Outbox
        const input = yield* Fixtures.newCase()
        yield* store.create(input)
        let conflicts = 0
        const writer = (n: number) =>
          Effect.gen(function* () {
            for (let attempt = 1; attempt <= 500; attempt++) {
              const current = yield* contract.getCase(store, input.case.id)
              // let the other writers read the same sequence before this one writes
              yield* Effect.yieldNow
              const result = yield* Effect.result(
                store.append(yield* Fixtures.append(current, { body: `writer ${n}` }))
              )
              if (Result.isSuccess(result)) return attempt
              assert.strictEqual(result.failure._tag, "SequenceConflict")
              conflicts++
            }
            return yield* Effect.die(new Error(`writer ${n} never got through`))
          })
        yield* Effect.forEach(range(1, 50), writer, { concurrency: "unbounded" })
        const stored = yield* contract.getCase(store, input.case.id)
        const record = yield* contract.recordOf(store, input.case.id)
        assert.deepStrictEqual(sequences(record), range(1, 51))
        assert.strictEqual(stored.case.sequence, 51)
        assert.deepStrictEqual(sequences(stored.clockRecord), range(1, 51))
        const bodies = record.slice(1).map((e) => (e.type === "replied" ? e.body : undefined))
        assert.deepStrictEqual(
          [...bodies].sort(),
          range(1, 50)
            .map((n) => `writer ${n}`)
            .sort()
        )
        // one message per successful append, none for the attempts that conflicted
        const messages = yield* outbox.listByCase(input.case.id)
        assert.strictEqual(messages.length, 51)
        assert.deepStrictEqual(
          messages
            .slice(1)
            .map((d) => d.message.sequence)
            .sort((a, b) => a! - b!),
          [...range(2, 51)]
        )
        assert.isAbove(conflicts, 0, "the writers never raced: the test proves nothing")
      }),
    heavy
  )

  it.effect("dies on a malformed write, naming the field, and writes nothing", () =>
    Effect.gen(function* () {
      const store = yield* CaseStore.CaseStore
      const outbox = yield* Outbox.Outbox
      const input = yield* Fixtures.newCase()
      const noSubmission = { ...input, events: [] }
      assert.include(yield* contract.expectDie(store.create(noSubmission)), "events")
      const wrongSequence = { ...input, case: { ...input.case, sequence: 2 } }
      assert.include(yield* contract.expectDie(store.create(wrongSequence)), "case.sequence")
      assert.isTrue(Option.isNone(yield* store.get(input.case.id)))
      yield* absent(outbox, ids(input.outbox))

      yield* store.create(input)
      const good = yield* Fixtures.append(input, { events: 2 })
      const gap = { ...good, events: [good.events[0], { ...good.events[1], sequence: 4 }] }
      assert.include(yield* contract.expectDie(store.append(gap)), "events[1].sequence")
      const stateBehind = { ...good, case: { ...good.case, sequence: 2 } }
      assert.include(yield* contract.expectDie(store.append(stateBehind)), "case.sequence")
      const otherCase = { ...good, case: { ...good.case, id: "someone-else" } }
      assert.include(yield* contract.expectDie(store.append(otherCase)), "case.id")
      const factsBehind = { ...good, facts: { ...good.facts, sequence: 2 } }
      assert.include(yield* contract.expectDie(store.append(factsBehind)), "facts.sequence")
      const strayClock = { ...good, clockEvents: [{ ...good.clockEvents[0], sequence: 9 }] }
      assert.include(yield* contract.expectDie(store.append(strayClock)), "clockEvents[0]")
      assert.deepStrictEqual(sequences(yield* contract.recordOf(store, input.case.id)), [1])
      yield* absent(outbox, ids(good.outbox))
    })
  )
}

/** Serialised updates. */
const updates = (it: contract.It, heavy: { readonly timeout: number }): void => {
  describe("update", () => {
    it.effect("runs the decision on the case as stored and writes its change in one unit of work", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const outbox = yield* Outbox.Outbox
        const input = yield* Fixtures.newCase()
        yield* store.create(input)
        const seen: Array<CaseStore.Stored> = []
        const randomness = yield* Randomness.Randomness
        const result = yield* store.update(input.case.id, (current) =>
          Effect.map(
            Effect.provideService(
              Fixtures.append(current, { events: 2, messages: 1 }),
              Randomness.Randomness,
              randomness
            ),
            (change) => {
              seen.push(current)
              return { change, result: change.case.sequence }
            }
          )
        )
        assert.strictEqual(result, 3)
        assert.deepStrictEqual(seen, [{ case: input.case, facts: input.facts, clockRecord: input.clockRecord }])
        const stored = yield* contract.getCase(store, input.case.id)
        assert.strictEqual(stored.case.sequence, 3)
        assert.strictEqual(stored.facts.sequence, 3)
        assert.deepStrictEqual(sequences(stored.clockRecord), [1, 2, 3])
        assert.deepStrictEqual(sequences(yield* contract.recordOf(store, input.case.id)), [1, 2, 3])
        assert.strictEqual((yield* outbox.listByCase(input.case.id)).length, 2)
      })
    )

    it.effect("writes nothing for a decision without a change, or one that fails", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const outbox = yield* Outbox.Outbox
        const input = yield* Fixtures.newCase()
        yield* store.create(input)
        assert.strictEqual(
          yield* store.update(input.case.id, () => Effect.succeed({ change: undefined, result: "nothing" })),
          "nothing"
        )
        const pending = yield* Fixtures.append(input)
        const error = yield* Effect.flip(store.update(input.case.id, () => Effect.fail({ _tag: "Refused" as const })))
        assert.strictEqual(error._tag, "Refused")
        assert.deepStrictEqual(sequences(yield* contract.recordOf(store, input.case.id)), [1])
        yield* absent(outbox, ids(pending.outbox))
        const unknown = yield* Fixtures.id("case")
        const missing = yield* Effect.flip(
          store.update(unknown, () => Effect.succeed({ change: undefined, result: 0 }))
        )
        contract.assertError(missing, "CaseNotFound", { caseId: unknown })
      })
    )

    it.effect("dies on a change that does not continue the record as read, and writes nothing", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const input = yield* Fixtures.newCase()
        yield* store.create(input)
        const skipping = yield* Fixtures.append(input, { expectedSequence: 2 })
        const defect = yield* contract.expectDie(
          store.update(input.case.id, () => Effect.succeed({ change: skipping, result: undefined }))
        )
        assert.include(defect, "events[0].sequence")
        assert.deepStrictEqual(sequences(yield* contract.recordOf(store, input.case.id)), [1])
      })
    )

    it.effect(
      "lets 50 concurrent updates of one case all through, each deciding on the state the one before left",
      () =>
        Effect.gen(function* () {
          const store = yield* CaseStore.CaseStore
          const outbox = yield* Outbox.Outbox
          const input = yield* Fixtures.newCase()
          yield* store.create(input)
          const decidedOn: Array<number> = []
          const randomness = yield* Randomness.Randomness
          yield* Effect.forEach(
            range(1, 50),
            (n) =>
              store.update(input.case.id, (current) =>
                Effect.gen(function* () {
                  // give the other writers every chance to interleave with this decision
                  yield* Effect.yieldNow
                  decidedOn.push(current.case.sequence)
                  const change = yield* Fixtures.append(current, { body: `writer ${n}` })
                  return { change, result: undefined }
                }).pipe(Effect.provideService(Randomness.Randomness, randomness))
              ),
            { concurrency: "unbounded", discard: true }
          )
          assert.deepStrictEqual(
            [...decidedOn].sort((a, b) => a - b),
            range(1, 50)
          )
          const record = yield* contract.recordOf(store, input.case.id)
          assert.deepStrictEqual(sequences(record), range(1, 51))
          assert.deepStrictEqual(
            record
              .slice(1)
              .map((e) => (e.type === "replied" ? e.body : ""))
              .sort(),
            range(1, 50)
              .map((n) => `writer ${n}`)
              .sort()
          )
          const stored = yield* contract.getCase(store, input.case.id)
          assert.strictEqual(stored.case.sequence, 51)
          assert.strictEqual(stored.facts.sequence, 51)
          assert.strictEqual((yield* outbox.listByCase(input.case.id)).length, 51)
        }),
      heavy
    )
  })
}

/** Pages of a record. */
const pages = (it: contract.It): void => {
  describe("events", () => {
    it.effect("pages the record newest first, by readers, before a cursor and from a sequence; with the case too", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const input = yield* Fixtures.newCase()
        yield* store.create(input)
        const t = input.case.openedAt
        const actor = { role: "agent", id: "agent-1" } as const
        const requester = { role: "requester", id: input.case.requester.id } as const
        // 2 note (staff), 3 reply (parties), 4 priority (requester), 5 note, 6 answer (parties), 7 reply (parties)
        const events: ReadonlyArray<CaseEvent.CaseEvent> = [
          { sequence: 2, at: t + 1, actor, type: "noteAdded", body: "internal" },
          { sequence: 3, at: t + 2, actor, type: "replied", body: "public" },
          { sequence: 4, at: t + 3, actor, type: "priorityChanged", from: "normal", to: "high" },
          { sequence: 5, at: t + 4, actor, type: "noteAdded", body: "internal again" },
          { sequence: 6, at: t + 5, actor: requester, type: "requesterResponded", body: "answer" },
          { sequence: 7, at: t + 6, actor, type: "replied", body: "public again" }
        ]
        const base = yield* Fixtures.append(input, { events: 0, messages: 0 })
        yield* store.append({
          ...base,
          events,
          case: { ...base.case, sequence: 7, updatedAt: t + 6 },
          facts: { ...base.facts, sequence: 7 },
          clockEvents: []
        })
        const tn = input.case.trackingNumber
        const stored = Option.getOrThrow(yield* store.getByTrackingNumber(tn))
        // each page alone, and read with the case (getWithPage): the same events, the same case
        const page = (query: CaseStore.EventQuery) =>
          Effect.gen(function* () {
            const alone = yield* store.events(input.case.id, query)
            const { page: read, ...withCase } = Option.getOrThrow(yield* store.getWithPage(tn, query))
            assert.deepStrictEqual(read, alone, `getWithPage ${JSON.stringify(query)}`)
            assert.deepStrictEqual(withCase, stored)
            return alone.map((e) => e.sequence)
          })
        assert.deepStrictEqual(yield* page({ limit: 100 }), [1, 2, 3, 4, 5, 6, 7])
        assert.deepStrictEqual(yield* page({ limit: 3 }), [5, 6, 7])
        assert.deepStrictEqual(yield* page({ limit: 3, before: 5 }), [2, 3, 4])
        assert.deepStrictEqual(yield* page({ limit: 3, before: 2 }), [1])
        assert.deepStrictEqual(yield* page({ limit: 0 }), [])
        assert.deepStrictEqual(yield* page({ limit: 100, readers: "requester" }), [1, 3, 4, 6, 7])
        assert.deepStrictEqual(yield* page({ limit: 2, readers: "requester" }), [6, 7])
        assert.deepStrictEqual(yield* page({ limit: 2, readers: "requester", before: 6 }), [3, 4])
        assert.deepStrictEqual(yield* page({ limit: 100, readers: "parties" }), [3, 6, 7])
        assert.deepStrictEqual(yield* page({ limit: 100, readers: "parties", from: 4 }), [6, 7])
        assert.deepStrictEqual(yield* page({ limit: 100, from: 6 }), [6, 7])
        assert.deepStrictEqual(yield* store.events(yield* Fixtures.id("unknown"), { limit: 10 }), [])
        assert.isTrue(Option.isNone(yield* store.getWithPage(`${tn}-unknown`, { limit: 10 })))
        const full = yield* store.events(input.case.id, { limit: 100 })
        assert.deepStrictEqual(full, [...input.events, ...events])
      })
    )
  })
}

/** Limits checked in the write, exactly, under concurrency. */
const limits = (it: contract.It, heavy: { readonly timeout: number }): void => {
  describe("limits under concurrency", () => {
    it.effect(
      "makes exactly 10 cases of 20 concurrent submissions of a requester at 9 of a limit of 10",
      () =>
        Effect.gen(function* () {
          const store = yield* CaseStore.CaseStore
          const outbox = yield* Outbox.Outbox
          const requesterId = yield* Fixtures.id("requester")
          const t = Fixtures.baseTime
          for (let i = 0; i < 9; i++) yield* store.create(yield* Fixtures.newCase({ requesterId, openedAt: t + i }))
          const limit = { id: "per-day", since: t - day, max: 10 }
          const inputs = yield* Effect.forEach(range(1, 20), (i) =>
            Fixtures.newCase({ requesterId, openedAt: t + 100 + i })
          )
          const results = yield* Effect.forEach(
            inputs,
            (input) => Effect.result(store.create({ ...input, openingLimits: [limit] })),
            { concurrency: "unbounded" }
          )
          assert.strictEqual(results.filter(Result.isSuccess).length, 1)
          for (const r of results) {
            if (Result.isFailure(r)) contract.assertError(r.failure, "OpeningLimitReached", { limitId: "per-day" })
          }
          assert.strictEqual(yield* store.countOpenedSince(requesterId, 0), 10)
          // the refused ones wrote nothing
          for (const [i, input] of inputs.entries()) {
            if (Result.isFailure(results[i])) {
              assert.isTrue(Option.isNone(yield* store.get(input.case.id)))
              yield* absent(outbox, ids(input.outbox))
            }
          }
        }),
      heavy
    )

    it.effect("counts a requester's messages over all their cases, and refuses one past a limit", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const requesterId = yield* Fixtures.id("requester")
        const a = yield* Fixtures.newCase({ requesterId })
        const b = yield* Fixtures.newCase({ requesterId })
        yield* store.create(a)
        yield* store.create(b)
        const t = a.case.openedAt
        const limits = { authorId: requesterId, limits: [{ id: "per-hour", since: t, max: 3 }] }
        const message = (read: { readonly case: SupportCase.SupportCase; readonly facts: CaseStore.Stored["facts"] }) =>
          Effect.map(Fixtures.append(read, { messages: 0 }), (base) => ({
            ...base,
            events: base.events.map((e) => ({
              ...e,
              type: "requesterResponded" as const,
              actor: { role: "requester" as const, id: requesterId }
            })),
            clockEvents: [],
            messageLimits: limits
          }))
        const a1 = yield* store.append(yield* message(a))
        const b1 = yield* store.append(yield* message(b))
        const a2 = yield* store.append(yield* message(a1))
        const refused = yield* Effect.flip(store.append(yield* message(b1)))
        contract.assertError(refused, "MessageLimitReached", { limitId: "per-hour", count: 3, max: 3 })
        assert.deepStrictEqual(sequences(yield* contract.recordOf(store, b.case.id)), [1, 2])
        // another requester's messages, and messages before `since`, do not count
        const later = { authorId: requesterId, limits: [{ id: "per-hour", since: a2.case.updatedAt + 1, max: 1 }] }
        yield* store.append({ ...(yield* message(b1)), messageLimits: later })
        const other = yield* Fixtures.newCase()
        yield* store.create(other)
        yield* store.append({
          ...(yield* message(other)),
          messageLimits: { authorId: other.case.requester.id, limits: [{ id: "per-hour", since: t, max: 1 }] }
        })
      })
    )

    it.effect(
      "lets exactly one of 20 concurrent messages through at one below a message limit",
      () =>
        Effect.gen(function* () {
          const store = yield* CaseStore.CaseStore
          const requesterId = yield* Fixtures.id("requester")
          const cases = yield* Effect.forEach(range(1, 20), () => Fixtures.newCase({ requesterId }))
          yield* Effect.forEach(cases, (c) => store.create(c))
          const limits = { authorId: requesterId, limits: [{ id: "per-hour", since: Fixtures.baseTime, max: 1 }] }
          const results = yield* Effect.forEach(
            cases,
            (c) =>
              Effect.gen(function* () {
                const base = yield* Fixtures.append(c, { messages: 0 })
                return yield* Effect.result(
                  store.append({
                    ...base,
                    events: base.events.map((e) => ({
                      ...e,
                      type: "requesterResponded" as const,
                      actor: { role: "requester" as const, id: requesterId }
                    })),
                    clockEvents: [],
                    messageLimits: limits
                  })
                )
              }),
            { concurrency: "unbounded" }
          )
          assert.strictEqual(results.filter(Result.isSuccess).length, 1)
          for (const r of results) {
            if (Result.isFailure(r)) contract.assertError(r.failure, "MessageLimitReached", { limitId: "per-hour" })
          }
        }),
      heavy
    )
  })
}

/**
 * Registers the same tests with the `it` of a `layer(...)` block of `@effect/vitest` that provides the storage ports
 * and `Randomness` (built with `excludeTestServices: true`): for adapters that build their layer themselves.
 *
 * @since 0.1.0
 * @category tests
 */
export const tests = (it: contract.It, options: Options = {}): void => {
  const heavy = { timeout: options.timeout ?? 60_000 }
  createAndRead(it, heavy)
  idempotentSubmissions(it, heavy)
  append(it, heavy)
  updates(it, heavy)
  pages(it)
  limits(it, heavy)
  queries(it)
  values(it)
}
