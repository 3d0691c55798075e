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
import * as CaseStore from "../CaseStore.ts"
import * as contract from "../internal/contract.ts"
import * as Outbox from "../Outbox.ts"
import * as Randomness from "../Randomness.ts"
import type * as SupportCase from "../SupportCase.ts"
import * as Fixtures from "./Fixtures.ts"

/**
 * Options of the suite.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = contract.SuiteOptions

const day = 86_400_000
const hour = 3_600_000

const sequences = (stored: SupportCase.WithRecord): ReadonlyArray<number> => stored.events.map((e) => e.sequence)

const range = (from: number, to: number): ReadonlyArray<number> =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i)

const absent = (outbox: Outbox.Outbox["Service"], ids: ReadonlyArray<string>) =>
  Effect.forEach(ids, (id) =>
    Effect.map(outbox.get(id), (found) => assert.isTrue(Option.isNone(found), `message ${id} should not exist`))
  )

const ids = (messages: ReadonlyArray<Outbox.Message>): ReadonlyArray<string> => messages.map((m) => m.id)

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
        assert.deepStrictEqual(result.stored.events, input.events)
        const byId = yield* contract.getCase(store, input.case.id)
        assert.deepStrictEqual(byId.case, input.case)
        assert.deepStrictEqual(byId.events, input.events)
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
        assert.deepStrictEqual(storedFull.events, full.events)
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
        const appended = yield* store.append(yield* Fixtures.append(first.case))
        const retry = yield* Fixtures.newCase({ requesterId, idempotency })
        const replayed = yield* store.create(retry)
        assert.isFalse(replayed.created)
        assert.deepStrictEqual(replayed.stored.case, appended.case)
        assert.deepStrictEqual(replayed.stored.events, appended.events)
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
    it.effect("appends events with the new state and their outbox messages", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const outbox = yield* Outbox.Outbox
        const input = yield* Fixtures.newCase()
        yield* store.create(input)
        const first = yield* Fixtures.append(input.case, { events: 2, status: "awaitingRequester", messages: 2 })
        const afterFirst = yield* store.append(first)
        assert.deepStrictEqual(afterFirst.case, first.case)
        assert.deepStrictEqual(afterFirst.events, [...input.events, ...first.events])
        const second = yield* Fixtures.append(afterFirst.case, { nextDueAt: null })
        const afterSecond = yield* store.append(second)
        const stored = yield* contract.getCase(store, input.case.id)
        assert.deepStrictEqual(stored, afterSecond)
        assert.deepStrictEqual(sequences(stored), [1, 2, 3, 4])
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
        const winner = yield* Fixtures.append(input.case, { events: 2 })
        const stale = yield* Fixtures.append(input.case, { body: "too late", status: "resolved" })
        yield* store.append(winner)
        const error = yield* Effect.flip(store.append(stale))
        contract.assertError(error, "SequenceConflict", { caseId: input.case.id, expected: 1, actual: 3 })
        const stored = yield* contract.getCase(store, input.case.id)
        assert.deepStrictEqual(stored.case, winner.case)
        assert.deepStrictEqual(sequences(stored), [1, 2, 3])
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
        const keyed = (append: CaseStore.Append, messageKey: string): CaseStore.Append => ({
          ...append,
          events: append.events.map((e) => ({
            type: "requesterResponded" as const,
            sequence: e.sequence,
            at: e.at,
            actor: { role: "requester" as const, id: input.case.requester.id },
            body: "Here is the invoice.",
            messageKey
          }))
        })
        const key = "<CAFx1@mail.example>"
        const first = keyed(yield* Fixtures.append(input.case), key)
        const written = yield* store.append(first)
        assert.deepStrictEqual(CaseStore.messageKeys(written.events), [key])
        const again = keyed(yield* Fixtures.append(written.case), key)
        const error = yield* Effect.flip(store.append(again))
        contract.assertError(error, "MessageKeyTaken", { caseId: input.case.id, messageKey: key })
        const stored = yield* contract.getCase(store, input.case.id)
        assert.deepStrictEqual(sequences(stored), [1, 2])
        yield* absent(outbox, ids(again.outbox))
        // another key on the same case, and the same key on another case, are written
        yield* store.append(keyed(yield* Fixtures.append(written.case), "<other@mail.example>"))
        yield* store.append(keyed(yield* Fixtures.append(other.case), key))
        assert.deepStrictEqual(sequences(yield* contract.getCase(store, other.case.id)), [1, 2])
      })
    )

    it.effect("refuses an expected sequence ahead of the record with SequenceConflict", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const input = yield* Fixtures.newCase()
        yield* store.create(input)
        const ahead = yield* Fixtures.append(input.case, { expectedSequence: 5 })
        const error = yield* Effect.flip(store.append(ahead))
        contract.assertError(error, "SequenceConflict", { caseId: input.case.id, expected: 5, actual: 1 })
        assert.deepStrictEqual(sequences(yield* contract.getCase(store, input.case.id)), [1])
      })
    )

    it.effect("refuses an append to an unknown case with CaseNotFound, and writes nothing", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const outbox = yield* Outbox.Outbox
        const never = yield* Fixtures.newCase()
        const orphan = yield* Fixtures.append(never.case)
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
        const change = yield* Fixtures.append(input.case, { events: 0, messages: 0, priority: "high" })
        const stored = yield* store.append(change)
        assert.strictEqual(stored.case.priority, "high")
        assert.deepStrictEqual(sequences(stored), [1])
        const stale = yield* Fixtures.append(input.case, { expectedSequence: 2, events: 0, messages: 0 })
        assert.strictEqual((yield* Effect.flip(store.append(stale)))._tag, "SequenceConflict")
      })
    )

    it.effect(
      "lets exactly one of 50 concurrent appends from the same sequence through, round after round",
      () =>
        Effect.gen(function* () {
          const store = yield* CaseStore.CaseStore
          const outbox = yield* Outbox.Outbox
          const input = yield* Fixtures.newCase()
          yield* store.create(input)
          let current = input.case
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
            current = won[0].case
          }
          const stored = yield* contract.getCase(store, input.case.id)
          assert.deepStrictEqual(sequences(stored), range(1, 6))
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
                const { case: current } = yield* contract.getCase(store, input.case.id)
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
          assert.deepStrictEqual(sequences(stored), range(1, 51))
          assert.strictEqual(stored.case.sequence, 51)
          const bodies = stored.events.slice(1).map((e) => (e.type === "replied" ? e.body : undefined))
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
        const good = yield* Fixtures.append(input.case, { events: 2 })
        const gap = { ...good, events: [good.events[0], { ...good.events[1], sequence: 4 }] }
        assert.include(yield* contract.expectDie(store.append(gap)), "events[1].sequence")
        const stateBehind = { ...good, case: { ...good.case, sequence: 2 } }
        assert.include(yield* contract.expectDie(store.append(stateBehind)), "case.sequence")
        const otherCase = { ...good, case: { ...good.case, id: "someone-else" } }
        assert.include(yield* contract.expectDie(store.append(otherCase)), "case.id")
        const stored = yield* contract.getCase(store, input.case.id)
        assert.deepStrictEqual(sequences(stored), [1])
        yield* absent(outbox, ids(good.outbox))
      })
    )
  })
}

/** Queries. */
const queries = (it: contract.It): void => {
  describe("queries", () => {
    it.effect("lists a requester's cases newest first, with paging", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const requesterId = yield* Fixtures.id("requester")
        // two cases share an instant: the id breaks the tie
        const openedAts = [0, 3, 1, 4, 1, 5, 2].map((h) => Fixtures.baseTime + h * 3_600_000)
        const inputs = yield* Effect.forEach(openedAts, (openedAt) => Fixtures.newCase({ requesterId, openedAt }))
        yield* Effect.forEach(inputs, (input) => store.create(input))
        yield* store.create(yield* Fixtures.newCase())
        const expected = inputs
          .map((input) => input.case)
          .sort((a, b) => b.openedAt - a.openedAt || (a.id < b.id ? 1 : -1))
          .map((c) => c.id)
        const all = yield* store.listByRequester(requesterId, { limit: 100 })
        assert.deepStrictEqual(
          all.map((c) => c.id),
          expected
        )
        const pages = yield* Effect.forEach([0, 3, 6], (offset) =>
          store.listByRequester(requesterId, { limit: 3, offset })
        )
        assert.deepStrictEqual(
          pages.map((p) => p.length),
          [3, 3, 1]
        )
        assert.deepStrictEqual(
          pages.flat().map((c) => c.id),
          expected
        )
        assert.deepStrictEqual(yield* store.listByRequester(requesterId, { limit: 3, offset: 7 }), [])
        assert.deepStrictEqual(yield* store.listByRequester(requesterId, { limit: 0 }), [])
      })
    )

    it.effect("lists the cases a person is a party to, newest first", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const supplier = yield* Fixtures.id("supplier")
        const older = yield* Fixtures.newCase({ counterparties: [supplier], openedAt: Fixtures.baseTime })
        const newer = yield* Fixtures.newCase({ counterparties: [supplier], openedAt: Fixtures.baseTime + day })
        const unrelated = yield* Fixtures.newCase({ openedAt: Fixtures.baseTime + 2 * day })
        yield* Effect.forEach([older, newer, unrelated], (input) => store.create(input))
        const listed = yield* store.listByParty(supplier, { limit: 10 })
        assert.deepStrictEqual(
          listed.map((c) => c.id),
          [newer.case.id, older.case.id]
        )
        assert.deepStrictEqual(
          (yield* store.listByParty(supplier, { limit: 1, offset: 1 })).map((c) => c.id),
          [older.case.id]
        )
        const asRequester = yield* store.listByParty(older.case.requester.id, { limit: 10 })
        assert.deepStrictEqual(
          asRequester.map((c) => c.id),
          [older.case.id]
        )
      })
    )

    it.effect("lists the current state of cases", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const input = yield* Fixtures.newCase()
        yield* store.create(input)
        const change = yield* Fixtures.append(input.case, { status: "resolved", nextDueAt: null })
        yield* store.append(change)
        const listed = yield* store.listByRequester(input.case.requester.id, { limit: 10 })
        assert.deepStrictEqual(listed, [change.case])
      })
    )

    it.effect("queues cases with a running clock by next due instant, then id, with filters and paging", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        // a priority and a category of this test only, so other data in the store stays out of the queue
        const priority = yield* Fixtures.id("priority")
        const urgent = yield* Fixtures.id("priority")
        const category = yield* Fixtures.id("category")
        const agent = yield* Fixtures.id("agent")
        const t = Fixtures.baseTime
        const specs = [
          { nextDueAt: t + 5 * day, priority },
          { nextDueAt: t + 1 * day, priority, assigneeId: agent },
          { nextDueAt: t + 3 * day, priority, category },
          { nextDueAt: t + 3 * day, priority },
          { nextDueAt: t + 3 * day, priority: urgent, assigneeId: agent },
          { nextDueAt: null, priority },
          { nextDueAt: t + 2 * day, priority: urgent, category }
        ]
        const inputs = yield* Effect.forEach(specs, (spec) => Fixtures.newCase(spec))
        yield* Effect.forEach(inputs, (input) => store.create(input))
        const ordered = inputs
          .map((input) => input.case)
          .filter((c) => c.nextDueAt !== null)
          .sort((a, b) => a.nextDueAt! - b.nextDueAt! || (a.id < b.id ? -1 : 1))
        const both = [priority, urgent]
        const expect = (
          query: Omit<CaseStore.QueueQuery, "limit"> & { readonly limit?: number },
          predicate: (c: SupportCase.SupportCase) => boolean
        ) =>
          Effect.map(store.queue({ limit: 100, ...query }), (queued) =>
            assert.deepStrictEqual(
              queued.map((c) => c.id),
              ordered.filter(predicate).map((c) => c.id),
              JSON.stringify(query)
            )
          )
        yield* expect({ priorities: both }, () => true)
        yield* expect({ priorities: [priority] }, (c) => c.priority === priority)
        yield* expect({ priorities: both, categories: [category] }, (c) => c.category === category)
        yield* expect({ priorities: both, assigneeId: agent }, (c) => c.assignee?.id === agent)
        // dueBefore is inclusive
        yield* expect({ priorities: both, dueBefore: t + 3 * day }, (c) => c.nextDueAt! <= t + 3 * day)
        yield* expect({ priorities: both, dueBefore: t + 3 * day - 1 }, (c) => c.nextDueAt! < t + 3 * day)
        yield* expect({ priorities: [] }, () => false)
        yield* expect({ priorities: both, limit: 2 }, (c) => ordered.indexOf(c) < 2)
        // paging with `after` walks the whole queue, ties included
        const walked: Array<string> = []
        let after: CaseStore.QueueQuery["after"]
        for (let page = 0; page < 10; page++) {
          const queued: ReadonlyArray<SupportCase.SupportCase> = yield* store.queue({
            limit: 2,
            priorities: both,
            after
          })
          if (queued.length === 0) break
          assert.isAtMost(queued.length, 2)
          walked.push(...queued.map((c) => c.id))
          const last = queued[queued.length - 1]
          after = { nextDueAt: last.nextDueAt!, id: last.id }
        }
        assert.deepStrictEqual(
          walked,
          ordered.map((c) => c.id)
        )
      })
    )

    it.effect("moves a case in and out of the queue as its next due instant changes", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const priority = yield* Fixtures.id("priority")
        const a = yield* Fixtures.newCase({ priority, nextDueAt: Fixtures.baseTime + day })
        const b = yield* Fixtures.newCase({ priority, nextDueAt: Fixtures.baseTime + 2 * day })
        yield* store.create(a)
        yield* store.create(b)
        const queued = (query: CaseStore.QueueQuery) => Effect.map(store.queue(query), (cs) => cs.map((c) => c.id))
        assert.deepStrictEqual(yield* queued({ limit: 10, priorities: [priority] }), [a.case.id, b.case.id])
        const later = yield* store.append(yield* Fixtures.append(a.case, { nextDueAt: Fixtures.baseTime + 3 * day }))
        assert.deepStrictEqual(yield* queued({ limit: 10, priorities: [priority] }), [b.case.id, a.case.id])
        yield* store.append(yield* Fixtures.append(later.case, { status: "resolved", nextDueAt: null }))
        assert.deepStrictEqual(yield* queued({ limit: 10, priorities: [priority] }), [b.case.id])
      })
    )

    it.effect("lists the cases in given statuses by last update, then id, with a bound and paging", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        // a time window of this test only (drawn at random), so other data in the store stays out of the list
        const bytes = yield* Randomness.Randomness.use((r) => r.bytes(4))
        const t = 1_000_000_000_000 + new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) * 10_000
        const specs: ReadonlyArray<{ readonly status: SupportCase.Status; readonly at: number }> = [
          { status: "resolved", at: t + 3 * day },
          { status: "explained", at: t + 1 * day },
          { status: "awaitingRequester", at: t + 2 * day },
          { status: "resolved", at: t + 2 * day },
          { status: "explained", at: t + 2 * day },
          { status: "closed", at: t + 1 * day },
          { status: "resolved", at: t + 5 * day }
        ]
        const cases: Array<SupportCase.SupportCase> = []
        for (const spec of specs) {
          const input = yield* Fixtures.newCase({ openedAt: t, nextDueAt: null })
          yield* store.create(input)
          const written = yield* store.append(
            yield* Fixtures.append(input.case, { status: spec.status, at: spec.at, messages: 0 })
          )
          cases.push(written.case)
        }
        const ordered = [...cases].sort((a, b) => a.updatedAt - b.updatedAt || (a.id < b.id ? -1 : 1))
        // the window starts at t (`after` the position (t, "")) and ends before t + 10 days
        const window = { after: { updatedAt: t, id: "" }, updatedBefore: t + 10 * day }
        const expect = (
          query: Omit<CaseStore.StatusQuery, "limit"> & { readonly limit?: number },
          predicate: (c: SupportCase.SupportCase) => boolean
        ) =>
          Effect.map(store.listByStatus({ limit: 100, ...window, ...query }), (listed) =>
            assert.deepStrictEqual(
              listed.map((c) => c.id),
              ordered.filter(predicate).map((c) => c.id),
              JSON.stringify(query)
            )
          )
        const answered: ReadonlyArray<SupportCase.Status> = ["resolved", "explained"]
        yield* expect({ statuses: answered }, (c) => answered.includes(c.status))
        yield* expect(
          { statuses: ["closed", "awaitingRequester"] },
          (c) => c.status !== "resolved" && c.status !== "explained"
        )
        yield* expect({ statuses: [] }, () => false)
        // updatedBefore is exclusive
        yield* expect(
          { statuses: answered, updatedBefore: t + 2 * day },
          (c) => answered.includes(c.status) && c.updatedAt < t + 2 * day
        )
        yield* expect(
          { statuses: answered, updatedBefore: t + 2 * day + 1 },
          (c) => answered.includes(c.status) && c.updatedAt <= t + 2 * day
        )
        yield* expect({ statuses: answered, limit: 2 }, (c) => {
          const index = ordered.filter((o) => answered.includes(o.status)).indexOf(c)
          return index >= 0 && index < 2
        })
        // paging with `after` walks the whole list, ties included
        const walked: Array<string> = []
        let after: CaseStore.StatusQuery["after"] = window.after
        for (let page = 0; page < 10; page++) {
          const listed: ReadonlyArray<SupportCase.SupportCase> = yield* store.listByStatus({
            statuses: answered,
            updatedBefore: window.updatedBefore,
            limit: 2,
            after
          })
          if (listed.length === 0) break
          assert.isAtMost(listed.length, 2)
          walked.push(...listed.map((c) => c.id))
          const last = listed[listed.length - 1]
          after = { updatedAt: last.updatedAt, id: last.id }
        }
        assert.deepStrictEqual(
          walked,
          ordered.filter((c) => answered.includes(c.status)).map((c) => c.id)
        )
      })
    )

    it.effect("moves a case between status lists as its status and last update change", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const bytes = yield* Randomness.Randomness.use((r) => r.bytes(4))
        const t = 1_000_000_000_000 + new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) * 10_000
        const window = { after: { updatedAt: t, id: "" }, updatedBefore: t + 10 * day, limit: 10 }
        const input = yield* Fixtures.newCase({ openedAt: t, nextDueAt: null })
        yield* store.create(input)
        const listed = (statuses: ReadonlyArray<SupportCase.Status>, updatedBefore = window.updatedBefore) =>
          Effect.map(store.listByStatus({ ...window, statuses, updatedBefore }), (cs) => cs.map((c) => c.id))
        const resolved = yield* store.append(
          yield* Fixtures.append(input.case, { status: "resolved", at: t + day, messages: 0 })
        )
        assert.deepStrictEqual(yield* listed(["resolved"]), [input.case.id])
        assert.deepStrictEqual(yield* listed(["open"]), [])
        // a later update moves it out of a bound it was in
        yield* store.append(yield* Fixtures.append(resolved.case, { status: "closed", at: t + 3 * day, messages: 0 }))
        assert.deepStrictEqual(yield* listed(["resolved"]), [])
        assert.deepStrictEqual(yield* listed(["closed"], t + 2 * day), [])
        assert.deepStrictEqual(yield* listed(["closed"]), [input.case.id])
      })
    )

    it.effect("counts the cases a requester opened since an instant, inclusive", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const requesterId = yield* Fixtures.id("requester")
        const t = Fixtures.baseTime
        for (const openedAt of [t - day, t, t + 1, t + day]) {
          yield* store.create(yield* Fixtures.newCase({ requesterId, openedAt }))
        }
        yield* store.create(yield* Fixtures.newCase({ openedAt: t + day }))
        assert.strictEqual(yield* store.countOpenedSince(requesterId, t - day), 4)
        assert.strictEqual(yield* store.countOpenedSince(requesterId, t), 3)
        assert.strictEqual(yield* store.countOpenedSince(requesterId, t + 1), 2)
        assert.strictEqual(yield* store.countOpenedSince(requesterId, t + day + 1), 0)
        assert.strictEqual(yield* store.countOpenedSince(yield* Fixtures.id("nobody"), 0), 0)
      })
    )
  })
}

/** Values. */
const values = (it: contract.It): void => {
  describe("values", () => {
    it.effect("cannot be changed through a value written or read", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const outbox = yield* Outbox.Outbox
        const input = yield* Fixtures.newCase()
        const expected = structuredClone(input)
        const created = yield* store.create(input)
        contract.tryMutate(
          () => ((input.case as { subject: string }).subject = "changed by the caller"),
          () => (input.case.parties as Array<string>).push("intruder"),
          () => (input.events as Array<unknown>).push(input.events[0]),
          () => ((input.events[0] as { at: number }).at = 0),
          () => ((input.outbox[0] as { subject: string }).subject = "changed by the caller")
        )
        const afterCreate = yield* contract.getCase(store, input.case.id)
        assert.deepStrictEqual(afterCreate.case, expected.case)
        assert.deepStrictEqual(afterCreate.events, expected.events)
        const change = yield* Fixtures.append(expected.case)
        const expectedChange = structuredClone(change)
        yield* store.append(change)
        contract.tryMutate(
          () => ((change.case as { status: string }).status = "closed"),
          () => ((change.events[0] as { body?: string }).body = "changed by the caller"),
          () => ((change.outbox[0] as { subject: string }).subject = "changed by the caller")
        )
        const read = yield* contract.getCase(store, input.case.id)
        contract.tryMutate(
          () => ((created.stored.case as { status: string }).status = "closed"),
          () => ((read.case as { status: string }).status = "closed"),
          () => (read.case.parties as Array<string>).push("intruder"),
          () => (read.events as Array<unknown>).pop()
        )
        const listed = yield* store.listByRequester(input.case.requester.id, { limit: 1 })
        contract.tryMutate(() => ((listed[0] as { priority: string }).priority = "changed"))
        const messages = yield* outbox.listByCase(input.case.id)
        contract.tryMutate(
          () => ((messages[0].message as { body: string }).body = "changed"),
          () => ((messages[0] as { status: string }).status = "sent")
        )
        const again = yield* contract.getCase(store, input.case.id)
        assert.deepStrictEqual(again.case, expectedChange.case)
        assert.deepStrictEqual(again.events, [...expected.events, ...expectedChange.events])
        const messagesAgain = yield* outbox.listByCase(input.case.id)
        assert.deepStrictEqual(
          messagesAgain.map((d) => d.message),
          [...expected.outbox, ...expectedChange.outbox]
        )
        assert.isTrue(messagesAgain.every((d) => d.status === "pending"))
      })
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
  queries(it)
  values(it)
}
