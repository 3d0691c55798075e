/**
 * The SLA alert part of the `CaseStore` contract, as a test suite every adapter runs against itself: the next alert
 * instant written with each change, claims of due cases (earliest first, leased, never the same case to two concurrent
 * claimers), and the alert events indexed by addressee (newest first, each once, paged). Each test makes its own data
 * with random ids and instants of its own, so the suite can run against a shared, persistent database.
 *
 * `StorageContract.suite` runs it with the other storage suites.
 *
 * @since 0.1.0
 */
import { assert, describe } from "@effect/vitest"
import { Effect, type Layer } from "effect"
import * as CaseStore from "../CaseStore.ts"
import type * as CaseEvent from "../CaseEvent.ts"
import * as contract from "../internal/contract.ts"
import * as Randomness from "../Randomness.ts"
import * as Fixtures from "./Fixtures.ts"

/**
 * Options of the suite.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = contract.SuiteOptions

/**
 * Registers the alert tests of `CaseStore` in the current test file, against an adapter's layer.
 *
 * @since 0.1.0
 * @category tests
 */
export const suite = <E>(name: string, layer: Layer.Layer<contract.Storage, E>, options: Options = {}): void =>
  contract.run(`${name}: CaseStore alerts contract`, layer, (it) => tests(it, options))

/** A random instant far from every other test's, so claims of one test do not meet another's cases. */
const randomEpoch = Effect.gen(function* () {
  const b = yield* (yield* Randomness.Randomness).bytes(4)
  return 2_000_000_000_000 + (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) * 1_000
})

/** Claims at `now` until nothing is left, and returns the claims of the given cases, in claim order. */
const claimMine = (
  store: CaseStore.CaseStore["Service"],
  caseIds: ReadonlyArray<string>,
  options: { readonly now: number; readonly leaseMillis: number; readonly limit?: number }
) =>
  Effect.gen(function* () {
    const wanted = new Set(caseIds)
    const mine: Array<CaseStore.AlertClaim> = []
    for (let round = 0; round < 1_000; round++) {
      const batch = yield* store.claimAlerts({ limit: options.limit ?? 100, ...options })
      mine.push(...batch.filter((c) => wanted.has(c.caseId)))
      if (batch.length === 0) return mine
    }
    return yield* Effect.die(new Error("claimAlerts never ran dry (are leases ignored?)"))
  })

/**
 * The contract tests of the SLA alerts of `CaseStore`, for `StorageContract.suite`.
 *
 * @since 0.1.0
 * @category tests
 */
export const tests = (it: contract.It, options: Options = {}): void => {
  const heavy = { timeout: options.timeout ?? 60_000 }

  describe("SLA alert claims", () => {
    it.effect("claims the cases whose alert instant has passed, earliest first, once until their lease ends", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const t0 = yield* randomEpoch
        const late = yield* Fixtures.newCase({ alertAt: t0 + 2 })
        const early = yield* Fixtures.newCase({ alertAt: t0 + 1 })
        const future = yield* Fixtures.newCase({ alertAt: t0 + 10_000 })
        const none = yield* Fixtures.newCase({ alertAt: null })
        for (const c of [late, early, future, none]) yield* store.create(c)
        const ids = [late, early, future, none].map((c) => c.case.id)

        const first = yield* claimMine(store, ids, { now: t0 + 5, leaseMillis: 1_000, limit: 1 })
        assert.deepStrictEqual(first, [
          { caseId: early.case.id, alertAt: t0 + 1 },
          { caseId: late.case.id, alertAt: t0 + 2 }
        ])
        // leased: no claim gets them again until the lease ends, at now + leaseMillis
        assert.deepStrictEqual(yield* claimMine(store, ids, { now: t0 + 1_004, leaseMillis: 1_000 }), [])
        // then claimed at the instant their lease ended (ties in id order)
        assert.deepStrictEqual(
          (yield* claimMine(store, ids, { now: t0 + 1_005, leaseMillis: 100_000 })).map((c) => [c.caseId, c.alertAt]),
          [early.case.id, late.case.id].sort().map((id) => [id, t0 + 1_005])
        )
        // the future one when its instant comes; a case without an instant never
        assert.deepStrictEqual(
          (yield* claimMine(store, ids, { now: t0 + 10_000, leaseMillis: 100_000 })).map((c) => c.caseId),
          [future.case.id]
        )
      })
    )

    it.effect("an append writes the next alert instant, which ends a claim's lease; none leaves the index", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const t0 = yield* randomEpoch
        const input = yield* Fixtures.newCase({ alertAt: t0 })
        yield* store.create(input)
        const ids = [input.case.id]
        assert.strictEqual((yield* claimMine(store, ids, { now: t0, leaseMillis: 60_000 })).length, 1)
        const moved = yield* store.append(yield* Fixtures.append(input, { alertAt: t0 + 10 }))
        assert.deepStrictEqual(yield* claimMine(store, ids, { now: t0 + 9, leaseMillis: 60_000 }), [])
        assert.deepStrictEqual(yield* claimMine(store, ids, { now: t0 + 10, leaseMillis: 60_000 }), [
          { caseId: input.case.id, alertAt: t0 + 10 }
        ])
        // an append without an instant (none due any more) takes the case out for good
        yield* store.append(yield* Fixtures.append(moved))
        assert.deepStrictEqual(yield* claimMine(store, ids, { now: t0 + 10_000_000, leaseMillis: 1 }), [])
      })
    )

    it.effect(
      "never hands the same case to two of many concurrent claimers",
      () =>
        Effect.gen(function* () {
          const store = yield* CaseStore.CaseStore
          const t0 = yield* randomEpoch
          const cases = yield* Effect.forEach(Array.from({ length: 40 }), (_, i) =>
            Fixtures.newCase({ alertAt: t0 + i })
          )
          yield* Effect.forEach(cases, (c) => store.create(c), { concurrency: 8, discard: true })
          const ids = new Set(cases.map((c) => c.case.id))
          const batches = yield* Effect.forEach(
            Array.from({ length: 16 }),
            () => store.claimAlerts({ limit: 5, now: t0 + 100, leaseMillis: 60_000 }),
            { concurrency: "unbounded" }
          )
          const mine = batches.flat().filter((c) => ids.has(c.caseId))
          const rest = yield* claimMine(store, [...ids], { now: t0 + 100, leaseMillis: 60_000 })
          const all = [...mine, ...rest].map((c) => c.caseId)
          assert.strictEqual(new Set(all).size, all.length, "a case was claimed twice")
          assert.strictEqual(all.length, cases.length)
        }),
      heavy
    )

    it.effect("dies on malformed claims and alert instants, naming the field", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const claim = yield* contract.expectDie(store.claimAlerts({ limit: -1, now: 1.5, leaseMillis: 0 }))
        assert.match(claim, /claimAlerts: limit: .*leaseMillis: .*now: /)
        const input = yield* Fixtures.newCase()
        const bad = yield* contract.expectDie(store.create({ ...input, alertAt: 1.5 }))
        assert.match(bad, /alertAt: expected epoch milliseconds or null/)
      })
    )
  })

  describe("SLA alert list", () => {
    it.effect("lists the alert events addressed to people and queues, newest first, each once, with paging", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const t0 = yield* randomEpoch
        const person = yield* Fixtures.id("agent")
        const queue = yield* Fixtures.id("queue")
        const a = yield* Fixtures.newCase({ openedAt: t0 })
        const b = yield* Fixtures.newCase({ openedAt: t0 })
        yield* store.create(a)
        yield* store.create(b)
        const toBoth: ReadonlyArray<CaseEvent.Assignee> = [
          { role: "agent", id: person },
          { role: "agent", queue }
        ]
        const toQueue: ReadonlyArray<CaseEvent.Assignee> = [{ role: "agent", queue }]
        const aWarned = yield* store.append(
          yield* Fixtures.append(a, { at: t0 + 1_000, alerts: [{ type: "slaWarning", to: toQueue }] })
        )
        yield* store.append(
          yield* Fixtures.append(aWarned, {
            at: t0 + 3_000,
            alerts: [
              { type: "slaBreached", to: toBoth, dueAt: t0 + 2_999 },
              { type: "slaEscalated", to: [{ role: "administrator", id: `${person}-manager` }] }
            ]
          })
        )
        yield* store.append(
          yield* Fixtures.append(b, { at: t0 + 2_000, alerts: [{ type: "slaBreached", to: toBoth }] })
        )

        const forPerson = yield* store.listAlerts({ recipients: [`person:${person}`], limit: 10 })
        assert.deepStrictEqual(
          forPerson.map((x) => [x.caseId, x.sequence, x.type, x.firedAt]),
          [
            [a.case.id, 3, "slaBreached", t0 + 3_000],
            [b.case.id, 2, "slaBreached", t0 + 2_000]
          ]
        )
        assert.deepStrictEqual(forPerson[0], {
          caseId: a.case.id,
          trackingNumber: a.case.trackingNumber,
          sequence: 3,
          type: "slaBreached",
          metric: "firstResponse",
          rule: "first-response",
          instance: 1,
          level: "breached",
          dueAt: t0 + 2_999,
          firedAt: t0 + 3_000,
          to: toBoth
        })
        // addressed to the person and to their queue: listed once
        const both = yield* store.listAlerts({ recipients: [`person:${person}`, `queue:${queue}`], limit: 10 })
        assert.deepStrictEqual(
          both.map((x) => [x.caseId, x.sequence]),
          [
            [a.case.id, 3],
            [b.case.id, 2],
            [a.case.id, 2]
          ]
        )
        // paging: after a position
        const page = yield* store.listAlerts({
          recipients: [`person:${person}`, `queue:${queue}`],
          limit: 10,
          before: { firedAt: both[0].firedAt, caseId: both[0].caseId, sequence: both[0].sequence }
        })
        assert.deepStrictEqual(page, both.slice(1))
        assert.deepStrictEqual(
          (yield* store.listAlerts({ recipients: [`person:${person}-manager`], limit: 10 })).map((x) => x.type),
          ["slaEscalated"]
        )
        assert.deepStrictEqual(yield* store.listAlerts({ recipients: [], limit: 10 }), [])
        assert.deepStrictEqual(yield* store.listAlerts({ recipients: [`person:${person}`], limit: 0 }), [])
      })
    )
  })
}
