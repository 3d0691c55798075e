/**
 * The contract of the `Outbox` port, as a test suite every adapter runs against itself: messages written with their
 * case are pending and available from their `createdAt`; a claim leases them (no other claim gets them until the
 * lease ends, also under concurrent claims); sent and given-up messages are never claimed again; a failed attempt is
 * retried from its `retryAt`; a case's messages are listed oldest first.
 *
 * The messages of these tests are created at random instants of 1970–2001, before any real message, and each test
 * claims until the outbox runs dry, so data left in a shared database does not disturb it. Claims take every
 * available message, so no other process may claim from the same outbox while the suite runs.
 *
 * @since 0.1.0
 */
import { assert, describe } from "@effect/vitest"
import { Effect, type Layer, Option } from "effect"
import * as CaseStore from "../CaseStore.ts"
import * as contract from "../internal/contract.ts"
import * as Outbox from "../Outbox.ts"
import * as Randomness from "../Randomness.ts"
import * as Fixtures from "./Fixtures.ts"

/**
 * Options of the suite.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = contract.SuiteOptions

const minute = 60_000

// a random instant between 1970 and 2001, far from other tests' messages (2026)
const timeBase = Effect.map(
  Randomness.Randomness.use((r) => r.bytes(4)),
  (bytes) => {
    const n = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0
    return 1_000_000_000 + (n % 900_000) * 1_000_000
  }
)

// a case whose submission writes `messages` messages created at `createdAt`, or at `createdAt` + i when `spread`
const caseWithMessages = (createdAt: number, messages: number, spread = false) =>
  Effect.gen(function* () {
    const store = yield* CaseStore.CaseStore
    const input = yield* Fixtures.newCase({ openedAt: createdAt, messages: 0 })
    const outbox = yield* Effect.forEach(Array.from({ length: messages }), (_, i) =>
      Fixtures.message({
        caseId: input.case.id,
        trackingNumber: input.case.trackingNumber,
        sequence: 1,
        createdAt: spread ? createdAt + i : createdAt
      })
    )
    yield* store.create({ ...input, outbox })
    return outbox.map((m) => m.id)
  })

// marks the test's messages sent, so that they are not claimed again by later runs on a persistent database
const cleanUp = (outbox: Outbox.Outbox["Service"], ids: ReadonlyArray<string>) =>
  Effect.forEach(ids, (id) => outbox.markSent(id, 0), { discard: true })

const delivery = (outbox: Outbox.Outbox["Service"], id: string) =>
  Effect.map(outbox.get(id), (found) => {
    assert.isTrue(Option.isSome(found), `message ${id} should exist`)
    return Option.getOrThrow(found)
  })

/**
 * Registers the contract tests of `Outbox` (its messages written through `CaseStore`) in the current test file,
 * against an adapter's layer.
 *
 * @since 0.1.0
 * @category tests
 */
export const suite = <E>(name: string, layer: Layer.Layer<contract.Storage, E>, options: Options = {}): void =>
  contract.run(`${name}: Outbox contract`, layer, (it) => tests(it, options))

/**
 * Registers the same tests with the `it` of a `layer(...)` block of `@effect/vitest` that provides the storage ports
 * and `Randomness` (built with `excludeTestServices: true`): for adapters that build their layer themselves.
 *
 * @since 0.1.0
 * @category tests
 */
export const tests = (it: contract.It, options: Options = {}): void => {
  const heavy = { timeout: options.timeout ?? 60_000 }

  describe("claim", () => {
    it.effect("claims a new message from its createdAt on, counting the attempt and leasing it", () =>
      Effect.gen(function* () {
        const outbox = yield* Outbox.Outbox
        const t = yield* timeBase
        const [id] = yield* caseWithMessages(t, 1)
        assert.deepStrictEqual(
          contract.mine(yield* contract.claimAll(outbox, { now: t - 1, leaseMillis: minute }), [id]),
          []
        )
        const claimed = contract.mine(yield* contract.claimAll(outbox, { now: t, leaseMillis: minute }), [id])
        assert.strictEqual(claimed.length, 1)
        assert.strictEqual(claimed[0].status, "pending")
        assert.strictEqual(claimed[0].attempts, 1)
        assert.strictEqual(claimed[0].availableAt, t + minute)
        assert.deepStrictEqual(yield* delivery(outbox, id), claimed[0])
        yield* cleanUp(outbox, [id])
      })
    )

    it.effect("gives a leased message to no other claim until the lease ends, then again", () =>
      Effect.gen(function* () {
        const outbox = yield* Outbox.Outbox
        const t = yield* timeBase
        const ids = yield* caseWithMessages(t, 3)
        const first = contract.mine(yield* contract.claimAll(outbox, { now: t, leaseMillis: 5 * minute }), ids)
        assert.strictEqual(first.length, 3)
        const during = yield* contract.claimAll(outbox, { now: t + 5 * minute - 1, leaseMillis: 5 * minute })
        assert.deepStrictEqual(contract.mine(during, ids), [])
        const after = contract.mine(yield* contract.claimAll(outbox, { now: t + 5 * minute, leaseMillis: minute }), ids)
        assert.deepStrictEqual(after.map((d) => d.message.id).sort(), [...ids].sort())
        assert.isTrue(after.every((d) => d.attempts === 2 && d.availableAt === t + 6 * minute))
        yield* cleanUp(outbox, ids)
      })
    )

    it.effect("claims at most `limit` messages, earliest available first, in the order written", () =>
      Effect.gen(function* () {
        const outbox = yield* Outbox.Outbox
        const t = yield* timeBase
        // written in this order: 2 messages at t + 2, then 3 messages at t + 0 … t + 2
        const late = yield* caseWithMessages(t + 2, 2)
        const spread = yield* caseWithMessages(t, 3, true)
        const batches = yield* contract.claimAll(outbox, { now: t + 2, leaseMillis: minute, limit: 2 })
        assert.isTrue(batches.every((batch) => batch.length <= 2))
        const order = contract.mine(batches, [...late, ...spread]).map((d) => d.message.id)
        // t + 0, t + 1, then the three at t + 2 in the order written
        assert.deepStrictEqual(order, [spread[0], spread[1], late[0], late[1], spread[2]])
        const one = yield* caseWithMessages(t + 10, 3)
        const claimedOne = yield* outbox.claim({ limit: 1, now: t + 10, leaseMillis: minute })
        assert.strictEqual(claimedOne.length, 1)
        const rest = contract.mine(yield* contract.claimAll(outbox, { now: t + 10, leaseMillis: minute }), one)
        assert.strictEqual(rest.length + contract.mine([claimedOne], one).length, 3)
        assert.deepStrictEqual(yield* outbox.claim({ limit: 0, now: t + 3 * minute, leaseMillis: minute }), [])
        yield* cleanUp(outbox, [...late, ...spread, ...one])
      })
    )

    it.effect(
      "never gives one message to two concurrent claims",
      () =>
        Effect.gen(function* () {
          const outbox = yield* Outbox.Outbox
          const t = yield* timeBase
          const ids = (yield* Effect.forEach(Array.from({ length: 8 }), () => caseWithMessages(t, 5))).flat()
          const batches = yield* Effect.forEach(
            Array.from({ length: 20 }),
            () => outbox.claim({ limit: 5, now: t, leaseMillis: minute }),
            { concurrency: "unbounded" }
          )
          const all = batches.flat().map((d) => d.message.id)
          assert.strictEqual(new Set(all).size, all.length, "a message was claimed twice")
          const rest = yield* contract.claimAll(outbox, { now: t, leaseMillis: minute })
          const claimed = [...contract.mine(batches, ids), ...contract.mine(rest, ids)].map((d) => d.message.id)
          assert.deepStrictEqual(claimed.sort(), [...ids].sort())
          yield* cleanUp(outbox, ids)
        }),
      heavy
    )
  })

  describe("delivery", () => {
    it.effect("marks a message sent, for good", () =>
      Effect.gen(function* () {
        const outbox = yield* Outbox.Outbox
        const t = yield* timeBase
        const [id] = yield* caseWithMessages(t, 1)
        yield* contract.claimAll(outbox, { now: t, leaseMillis: minute })
        yield* outbox.markSent(id, t + 1_000)
        const sent = yield* delivery(outbox, id)
        assert.strictEqual(sent.status, "sent")
        assert.strictEqual(sent.sentAt, t + 1_000)
        assert.strictEqual(sent.attempts, 1)
        // marking again changes nothing; a failure report for a sent message is ignored
        yield* outbox.markSent(id, t + 9_000)
        yield* outbox.markFailed(id, { error: "late report", retryAt: t + 2 * minute })
        assert.deepStrictEqual(yield* delivery(outbox, id), sent)
        const later = yield* contract.claimAll(outbox, { now: t + 60 * minute, leaseMillis: minute })
        assert.deepStrictEqual(contract.mine(later, [id]), [])
      })
    )

    it.effect("retries a failed attempt from its retryAt", () =>
      Effect.gen(function* () {
        const outbox = yield* Outbox.Outbox
        const t = yield* timeBase
        const [id] = yield* caseWithMessages(t, 1)
        yield* contract.claimAll(outbox, { now: t, leaseMillis: minute })
        yield* outbox.markFailed(id, { error: "421 try again later", retryAt: t + 10 * minute })
        const failed = yield* delivery(outbox, id)
        assert.strictEqual(failed.status, "pending")
        assert.strictEqual(failed.lastError, "421 try again later")
        assert.strictEqual(failed.availableAt, t + 10 * minute)
        const early = yield* contract.claimAll(outbox, { now: t + 10 * minute - 1, leaseMillis: minute })
        assert.deepStrictEqual(contract.mine(early, [id]), [])
        const retried = contract.mine(yield* contract.claimAll(outbox, { now: t + 10 * minute, leaseMillis: minute }), [
          id
        ])
        assert.strictEqual(retried.length, 1)
        assert.strictEqual(retried[0].attempts, 2)
        yield* cleanUp(outbox, [id])
      })
    )

    it.effect("gives a message up when a failed attempt has no retryAt", () =>
      Effect.gen(function* () {
        const outbox = yield* Outbox.Outbox
        const t = yield* timeBase
        const [id] = yield* caseWithMessages(t, 1)
        yield* contract.claimAll(outbox, { now: t, leaseMillis: minute })
        yield* outbox.markFailed(id, { error: "550 no such user", retryAt: null })
        const failed = yield* delivery(outbox, id)
        assert.strictEqual(failed.status, "failed")
        assert.strictEqual(failed.lastError, "550 no such user")
        assert.strictEqual(failed.sentAt, null)
        yield* outbox.markFailed(id, { error: "again", retryAt: t + minute })
        assert.deepStrictEqual(yield* delivery(outbox, id), failed)
        const later = yield* contract.claimAll(outbox, { now: t + 60 * minute, leaseMillis: minute })
        assert.deepStrictEqual(contract.mine(later, [id]), [])
      })
    )

    it.effect("ignores marks for an unknown message, and answers none for it", () =>
      Effect.gen(function* () {
        const outbox = yield* Outbox.Outbox
        const unknown = yield* Fixtures.id("msg")
        yield* outbox.markSent(unknown, 1)
        yield* outbox.markFailed(unknown, { error: "x", retryAt: null })
        assert.isTrue(Option.isNone(yield* outbox.get(unknown)))
      })
    )
  })

  describe("failed messages", () => {
    it.effect("lists given-up messages newest first, and a retry makes one pending again from now", () =>
      Effect.gen(function* () {
        const outbox = yield* Outbox.Outbox
        const t = yield* timeBase
        const ids = yield* caseWithMessages(t, 3, true)
        yield* contract.claimAll(outbox, { now: t + 2, leaseMillis: minute })
        yield* outbox.markFailed(ids[0], { error: "550 no such user", retryAt: null })
        yield* outbox.markFailed(ids[2], { error: "554 rejected", retryAt: null })
        yield* outbox.markSent(ids[1], t + 3)
        // other tests' failed messages may be listed too (a shared database): look at ours
        const listed = (yield* outbox.listFailed({ limit: 10_000 })).filter((d) => ids.includes(d.message.id))
        assert.deepStrictEqual(
          listed.map((d) => d.message.id),
          [ids[2], ids[0]]
        )
        assert.isTrue(listed.every((d) => d.status === "failed"))
        assert.deepStrictEqual(yield* outbox.listFailed({ limit: 0 }), [])

        const retried = yield* outbox.retry(ids[0], t + 10 * minute)
        assert.isTrue(Option.isSome(retried))
        const again = Option.getOrThrow(retried)
        assert.strictEqual(again.status, "pending")
        assert.strictEqual(again.attempts, 0)
        assert.strictEqual(again.availableAt, t + 10 * minute)
        assert.strictEqual(again.lastError, "550 no such user")
        const stillFailed = (yield* outbox.listFailed({ limit: 10_000 })).filter((d) => ids.includes(d.message.id))
        assert.deepStrictEqual(
          stillFailed.map((d) => d.message.id),
          [ids[2]]
        )
        const early = yield* contract.claimAll(outbox, { now: t + 10 * minute - 1, leaseMillis: minute })
        assert.deepStrictEqual(contract.mine(early, [ids[0]]), [])
        const claimed = contract.mine(yield* contract.claimAll(outbox, { now: t + 10 * minute, leaseMillis: minute }), [
          ids[0]
        ])
        assert.strictEqual(claimed.length, 1)
        assert.strictEqual(claimed[0].attempts, 1)

        // retrying a sent or pending message changes nothing; an unknown one answers none
        const sent = yield* delivery(outbox, ids[1])
        assert.deepStrictEqual(yield* outbox.retry(ids[1], t + 20 * minute), Option.some(sent))
        const pending = yield* delivery(outbox, ids[0])
        assert.deepStrictEqual(yield* outbox.retry(ids[0], t + 20 * minute), Option.some(pending))
        assert.isTrue(Option.isNone(yield* outbox.retry(yield* Fixtures.id("msg"), t)))
        yield* cleanUp(outbox, [ids[0]])
        yield* outbox.markFailed(ids[2], { error: "x", retryAt: null })
      })
    )

    it.effect("keeps a message's data as written", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const outbox = yield* Outbox.Outbox
        const input = yield* Fixtures.newCase({ messages: 0 })
        const base = yield* Fixtures.message({
          caseId: input.case.id,
          trackingNumber: input.case.trackingNumber,
          createdAt: input.case.openedAt
        })
        const data: Outbox.Data = {
          template: "acknowledgment",
          params: { trackingNumber: input.case.trackingNumber, replyBy: 1_700_000_000_000, lines: ["a", "b"] }
        }
        const message: Outbox.Message = {
          ...base,
          recipient: { ...base.recipient, timeZone: "Europe/Paris" },
          data
        }
        yield* store.create({ ...input, outbox: [message] })
        const stored = yield* delivery(outbox, message.id)
        assert.deepStrictEqual(stored.message.data, data)
        assert.strictEqual(stored.message.recipient.timeZone, "Europe/Paris")
        yield* cleanUp(outbox, [message.id])
      })
    )
  })

  describe("listByCase", () => {
    it.effect("lists a case's messages oldest first, then in the order written, and no other case's", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const outbox = yield* Outbox.Outbox
        const input = yield* Fixtures.newCase({ messages: 2 })
        yield* store.create(input)
        yield* store.create(yield* Fixtures.newCase())
        const reply = yield* Fixtures.append(input, { messages: 2 })
        yield* store.append(reply)
        // a message about this case written with a later change, but created before the reply
        const late = yield* Fixtures.append(reply, { messages: 0 })
        const early = yield* Fixtures.message({ caseId: input.case.id, createdAt: input.case.openedAt + 1 })
        yield* store.append({ ...late, outbox: [early] })
        const listed = yield* outbox.listByCase(input.case.id)
        assert.deepStrictEqual(
          listed.map((d) => d.message.id),
          [...input.outbox, early, ...reply.outbox].map((m) => m.id)
        )
        assert.deepStrictEqual(yield* outbox.listByCase(yield* Fixtures.id("case")), [])
      })
    )
  })
}
