/**
 * The contract of the `PolicyStore` port, as a test suite every adapter runs against itself: versions are stored as
 * published and never change, a version number is published once (also under concurrent publications), the list is
 * in publication order and the version in force is the one published last. Each test publishes versions with random
 * numbers, so the suite can run against a shared, persistent database.
 *
 * @since 0.1.0
 */
import { assert, describe } from "@effect/vitest"
import { Effect, type Layer, Option } from "effect"
import * as contract from "../internal/contract.ts"
import * as PolicyStore from "../PolicyStore.ts"
import * as Presets from "../Presets.ts"
import type * as SupportPolicy from "../SupportPolicy.ts"
import * as Fixtures from "./Fixtures.ts"

/**
 * Options of the suite.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = contract.SuiteOptions

const admin = { role: "administrator", id: "admin-1" } as const

/** The Global Sources preset under a random version number, with `title` to tell documents apart. */
const version = (title = "A test version") =>
  Effect.map(Fixtures.id("v"), (v): SupportPolicy.SupportPolicy => ({ ...Presets.globalSources, version: v, title }))

const mustGet = (store: PolicyStore.PolicyStore["Service"], v: string) =>
  Effect.map(store.get(v), (found) => {
    assert.isTrue(Option.isSome(found), `version ${v} should exist`)
    return Option.getOrThrow(found)
  })

/**
 * Registers the contract tests of `PolicyStore` in the current test file, against an adapter's layer.
 *
 * @since 0.1.0
 * @category tests
 */
export const suite = <E>(name: string, layer: Layer.Layer<contract.Storage, E>, options: Options = {}): void =>
  contract.run(`${name}: PolicyStore contract`, layer, (it) => tests(it, options))

/**
 * Registers the same tests with the `it` of a `layer(...)` block that provides the storage ports and `Randomness`.
 *
 * @since 0.1.0
 * @category tests
 */
export const tests = (it: contract.It, options: Options = {}): void => {
  const heavy = { timeout: options.timeout ?? 60_000 }

  describe("publish and read", () => {
    it.effect("gives back the document published, with when, by whom and its position", () =>
      Effect.gen(function* () {
        const store = yield* PolicyStore.PolicyStore
        const policy = yield* version()
        const published = yield* store.publish({ policy, publishedAt: Fixtures.baseTime, publishedBy: admin })
        assert.deepStrictEqual(published.policy, policy)
        assert.strictEqual(published.publishedAt, Fixtures.baseTime)
        assert.deepStrictEqual(published.publishedBy, admin)
        const read = yield* mustGet(store, policy.version)
        assert.deepStrictEqual(read, published)
        assert.isTrue(Option.isNone(yield* store.get(yield* Fixtures.id("unknown"))))
      })
    )

    it.effect("refuses a version number published before, whatever the document, and keeps the first", () =>
      Effect.gen(function* () {
        const store = yield* PolicyStore.PolicyStore
        const first = yield* version("The first document")
        yield* store.publish({ policy: first, publishedAt: Fixtures.baseTime, publishedBy: admin })
        const again = yield* Effect.flip(
          store.publish({
            policy: { ...first, title: "Another document" },
            publishedAt: Fixtures.baseTime + 1,
            publishedBy: admin
          })
        )
        contract.assertError(again, "PolicyVersionExists", { version: first.version })
        const same = yield* Effect.flip(
          store.publish({ policy: first, publishedAt: Fixtures.baseTime, publishedBy: admin })
        )
        contract.assertError(same, "PolicyVersionExists", { version: first.version })
        assert.strictEqual((yield* mustGet(store, first.version)).policy.title, "The first document")
      })
    )

    it.effect(
      "publishes a version number once under concurrent publications",
      () =>
        Effect.gen(function* () {
          const store = yield* PolicyStore.PolicyStore
          const policy = yield* version()
          const results = yield* Effect.forEach(
            Array.from({ length: 20 }, (_, i) => i),
            (i) =>
              Effect.result(
                store.publish({
                  policy: { ...policy, title: `Writer ${i}` },
                  publishedAt: Fixtures.baseTime + i,
                  publishedBy: admin
                })
              ),
            { concurrency: "unbounded" }
          )
          const won = results.filter((r) => r._tag === "Success")
          assert.strictEqual(won.length, 1)
          for (const r of results) if (r._tag === "Failure") assert.strictEqual(r.failure._tag, "PolicyVersionExists")
          const stored = yield* mustGet(store, policy.version)
          assert.strictEqual(stored.policy.title, won[0]._tag === "Success" ? won[0].success.policy.title : "")
        }),
      heavy
    )
  })

  describe("order and the version in force", () => {
    it.effect("lists versions in publication order, each later one with a greater position; the last is in force", () =>
      Effect.gen(function* () {
        const store = yield* PolicyStore.PolicyStore
        const a = yield* version("A")
        const b = yield* version("B")
        const c = yield* version("C")
        // published out of the order of their publishedAt: the order is the order of publication
        const pa = yield* store.publish({ policy: a, publishedAt: Fixtures.baseTime + 2, publishedBy: admin })
        const pb = yield* store.publish({ policy: b, publishedAt: Fixtures.baseTime, publishedBy: admin })
        assert.deepStrictEqual(
          Option.map(yield* store.inForce, (s) => s.version),
          Option.some(b.version)
        )
        const pc = yield* store.publish({ policy: c, publishedAt: Fixtures.baseTime + 1, publishedBy: admin })
        assert.isTrue(pa.position < pb.position && pb.position < pc.position)
        const listed = yield* store.list
        const ours = listed.filter((s) => [a.version, b.version, c.version].includes(s.version))
        assert.deepStrictEqual(
          ours.map((s) => s.version),
          [a.version, b.version, c.version]
        )
        assert.deepStrictEqual(ours[2], PolicyStore.summaryOf(pc))
        const positions = listed.map((s) => s.position)
        assert.deepStrictEqual(
          positions,
          [...positions].sort((x, y) => x - y)
        )
        assert.deepStrictEqual(yield* store.inForce, Option.some(PolicyStore.summaryOf(pc)))
      })
    )
  })

  describe("values", () => {
    it.effect("what a caller wrote or read cannot change the store", () =>
      Effect.gen(function* () {
        const store = yield* PolicyStore.PolicyStore
        const policy = yield* version("Unchanged")
        const written = structuredClone(policy) as { -readonly [K in keyof SupportPolicy.SupportPolicy]: unknown }
        const published = yield* store.publish({
          policy: written as unknown as SupportPolicy.SupportPolicy,
          publishedAt: Fixtures.baseTime,
          publishedBy: admin
        })
        contract.tryMutate(
          () => {
            written.title = "Changed after writing"
          },
          () => {
            ;(published.policy as { title: string }).title = "Changed after reading"
          },
          () => {
            ;(published.policy.sla as Array<unknown>).pop()
          }
        )
        const read = yield* mustGet(store, policy.version)
        assert.strictEqual(read.policy.title, "Unchanged")
        assert.strictEqual(read.policy.sla.length, Presets.globalSources.sla.length)
      })
    )
  })
}
