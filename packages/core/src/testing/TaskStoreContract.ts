/**
 * The contract of the `TaskStore` port, as a test suite every adapter runs against itself: registering periodic
 * tasks, claiming a due run with a lease (never the same run to two concurrent claimers), renewing and completing it
 * only while the lease is held, and a run whose lease ran out being claimed again. Task names are random, so the
 * suite can run against a shared, persistent database.
 *
 * `StorageContract.suite` runs it with the other storage suites.
 *
 * @since 0.1.0
 */
import { assert, describe } from "@effect/vitest"
import { Effect, type Layer, Option } from "effect"
import * as contract from "../internal/contract.ts"
import * as TaskStore from "../TaskStore.ts"
import * as Fixtures from "./Fixtures.ts"

/**
 * Options of the suite.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = contract.SuiteOptions

/**
 * Registers the contract tests of `TaskStore` in the current test file, against an adapter's layer.
 *
 * @since 0.1.0
 * @category tests
 */
export const suite = <E>(name: string, layer: Layer.Layer<contract.Storage, E>, options: Options = {}): void =>
  contract.run(`${name}: TaskStore contract`, layer, (it) => tests(it, options))

const t0 = Fixtures.baseTime
const minute = 60_000

/**
 * The contract tests of `TaskStore`, for `StorageContract.suite`.
 *
 * @since 0.1.0
 * @category tests
 */
export const tests = (it: contract.It, options: Options = {}): void => {
  const heavy = { timeout: options.timeout ?? 60_000 }

  describe("periodic tasks", () => {
    it.effect("a registered task is due at once; its run is claimed once, completed, and due next period", () =>
      Effect.gen(function* () {
        const store = yield* TaskStore.TaskStore
        const name = yield* Fixtures.id("task")
        yield* store.register([{ name, periodMillis: minute }], t0)
        const claimed = yield* store.claim({ names: [name], now: t0, leaseMillis: 10_000, token: "a" })
        assert.deepStrictEqual(claimed, Option.some({ name, periodMillis: minute, scheduledAt: t0, token: "a" }))
        // held: no other claim gets it, though it is still due
        assert.isTrue(
          Option.isNone(yield* store.claim({ names: [name], now: t0 + 5_000, leaseMillis: 10_000, token: "b" }))
        )
        assert.isTrue(yield* store.complete(Option.getOrThrow(claimed), { nextRunAt: t0 + minute, error: null }))
        const state = Option.getOrThrow(yield* store.get(name))
        assert.deepStrictEqual(
          { next: state.nextRunAt, runs: state.runs, last: state.lastRunAt, error: state.lastError },
          { next: t0 + minute, runs: 1, last: t0, error: null }
        )
        assert.isTrue(state.leaseUntil <= t0 + 5_000)
        assert.isTrue(
          Option.isNone(yield* store.claim({ names: [name], now: t0 + minute - 1, leaseMillis: 10_000, token: "c" }))
        )
        const next = yield* store.claim({ names: [name], now: t0 + minute, leaseMillis: 10_000, token: "d" })
        assert.deepStrictEqual(
          Option.map(next, (c) => c.scheduledAt),
          Option.some(t0 + minute)
        )
      })
    )

    it.effect("registering again keeps the schedule and takes the new period; unknown names are never claimed", () =>
      Effect.gen(function* () {
        const store = yield* TaskStore.TaskStore
        const name = yield* Fixtures.id("task")
        yield* store.register([{ name, periodMillis: minute }], t0)
        yield* store.register([{ name, periodMillis: 2 * minute }], t0 + 30_000)
        const state = Option.getOrThrow(yield* store.get(name))
        assert.deepStrictEqual([state.nextRunAt, state.periodMillis, state.runs], [t0, 2 * minute, 0])
        assert.isTrue(Option.isNone(yield* store.get(`${name}-unknown`)))
        assert.isTrue(
          Option.isNone(yield* store.claim({ names: [`${name}-unknown`], now: t0, leaseMillis: 1_000, token: "x" }))
        )
      })
    )

    it.effect("a run whose lease ran out is claimed again; the old holder can neither renew nor complete it", () =>
      Effect.gen(function* () {
        const store = yield* TaskStore.TaskStore
        const name = yield* Fixtures.id("task")
        yield* store.register([{ name, periodMillis: minute }], t0)
        const crashed = Option.getOrThrow(
          yield* store.claim({ names: [name], now: t0, leaseMillis: 10_000, token: "dead" })
        )
        // a renewal keeps it held past the first lease
        assert.isTrue(yield* store.renew(crashed, { now: t0 + 9_000, leaseMillis: 10_000 }))
        assert.isTrue(
          Option.isNone(yield* store.claim({ names: [name], now: t0 + 18_000, leaseMillis: 10_000, token: "b" }))
        )
        const again = yield* store.claim({ names: [name], now: t0 + 19_000, leaseMillis: 10_000, token: "alive" })
        assert.deepStrictEqual(
          Option.map(again, (c) => [c.scheduledAt, c.token]),
          Option.some([t0, "alive"])
        )
        assert.isFalse(yield* store.renew(crashed, { now: t0 + 20_000, leaseMillis: 10_000 }))
        assert.isFalse(yield* store.complete(crashed, { nextRunAt: t0 + minute, error: "late" }))
        assert.isTrue(yield* store.complete(Option.getOrThrow(again), { nextRunAt: t0 + minute, error: "boom" }))
        const state = Option.getOrThrow(yield* store.get(name))
        assert.deepStrictEqual([state.runs, state.lastError, state.nextRunAt], [1, "boom", t0 + minute])
      })
    )

    it.effect("claims the earliest due of several tasks first", () =>
      Effect.gen(function* () {
        const store = yield* TaskStore.TaskStore
        const a = yield* Fixtures.id("task")
        const b = yield* Fixtures.id("task")
        yield* store.register([{ name: a, periodMillis: minute }], t0 + 10)
        yield* store.register([{ name: b, periodMillis: minute }], t0)
        const first = yield* store.claim({ names: [a, b], now: t0 + 20, leaseMillis: 1_000, token: "1" })
        const second = yield* store.claim({ names: [a, b], now: t0 + 20, leaseMillis: 1_000, token: "2" })
        assert.deepStrictEqual(
          [Option.map(first, (c) => c.name), Option.map(second, (c) => c.name)],
          [Option.some(b), Option.some(a)]
        )
      })
    )

    it.effect(
      "never hands one run to two of many concurrent claimers",
      () =>
        Effect.gen(function* () {
          const store = yield* TaskStore.TaskStore
          const names = yield* Effect.forEach(Array.from({ length: 5 }), () => Fixtures.id("task"))
          yield* store.register(
            names.map((name) => ({ name, periodMillis: minute })),
            t0
          )
          const claims = yield* Effect.forEach(
            Array.from({ length: 20 }),
            (_, i) => store.claim({ names, now: t0, leaseMillis: 10_000, token: `t${i}` }),
            { concurrency: "unbounded" }
          )
          const won = claims.flatMap((c) => Option.toArray(c)).map((c) => c.name)
          assert.sameMembers(won, names)
        }),
      heavy
    )

    it.effect("dies on malformed tasks and claims, naming the field", () =>
      Effect.gen(function* () {
        const store = yield* TaskStore.TaskStore
        const register = yield* contract.expectDie(
          store.register(
            [
              { name: "", periodMillis: 0 },
              { name: "x", periodMillis: 1 },
              { name: "x", periodMillis: 1 }
            ],
            t0
          )
        )
        assert.match(register, /tasks\[0\]\.name: must not be empty.*tasks\[0\]\.periodMillis.*tasks\[2\]\.name/)
        const claim = yield* contract.expectDie(store.claim({ names: ["x"], now: t0, leaseMillis: 0, token: "" }))
        assert.match(claim, /leaseMillis: .*token: must not be empty/)
      })
    )
  })
}
