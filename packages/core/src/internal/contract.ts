/**
 * Helpers shared by the contract suites of `@support-policy/core/testing` (never imported by the main entry: it
 * imports `@effect/vitest`).
 */
import * as Vitest from "@effect/vitest"
import { Effect, Exit, Layer, Option } from "effect"
import type * as CaseStore from "../CaseStore.ts"
import type * as Incident from "../Incident.ts"
import type * as Outbox from "../Outbox.ts"
import type * as PolicyStore from "../PolicyStore.ts"
import * as Randomness from "../Randomness.ts"
import type * as TaskStore from "../TaskStore.ts"

/** The storage ports a contract suite runs against. */
export type Storage =
  | CaseStore.CaseStore
  | Outbox.Outbox
  | Incident.IncidentStore
  | PolicyStore.PolicyStore
  | TaskStore.TaskStore

/** The test API a suite registers its tests with. */
export type It = Vitest.Vitest.MethodsNonLive<Storage | Randomness.Randomness>

/** Options of the suites. */
export interface SuiteOptions {
  /** Timeout of the tests that run many concurrent writes (ms; default 60 000). */
  readonly timeout?: number | undefined
}

/**
 * Builds the adapter's layer once for the suite, with live services (real clock: adapters may use timeouts) and
 * cryptographic randomness for the test data, and registers the tests in a describe block named `title`.
 */
export const run = <E>(title: string, layer: Layer.Layer<Storage, E>, register: (it: It) => void): void =>
  Vitest.layer(Layer.merge(layer, Randomness.layer), { excludeTestServices: true, timeout: "120 seconds" })(
    title,
    register
  )

/** Asserts that an effect dies (a defect of the caller), and returns the defect's text. */
export const expectDie = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<string, never, R> =>
  Effect.map(Effect.exit(effect), (exit) => {
    Vitest.assert.isTrue(Exit.isFailure(exit) && Exit.hasDies(exit), `expected a defect, got ${String(exit)}`)
    return Exit.isFailure(exit) ? String(exit.cause) : ""
  })

/** Tries each change to a value that a store returned or was given; a frozen value may throw, which is fine. */
export const tryMutate = (...mutations: ReadonlyArray<() => unknown>): void => {
  for (const mutate of mutations) {
    try {
      mutate()
    } catch {
      // frozen: the store protects itself by refusing the change
    }
  }
}

/** Asserts that an error has the tag and the fields given (and no other cause of failure). */
export const assertError = (error: unknown, tag: string, fields: Record<string, unknown>): void => {
  const actual = error as Record<string, unknown>
  Vitest.assert.strictEqual(actual._tag, tag, `expected ${tag}, got ${String(error)}`)
  for (const [key, value] of Object.entries(fields)) {
    Vitest.assert.deepStrictEqual(actual[key], value, `${tag}.${key}`)
  }
}

/** A stored case, which must exist. */
export const getCase = (store: CaseStore.CaseStore["Service"], caseId: string) =>
  Effect.map(store.get(caseId), (found) => {
    Vitest.assert.isTrue(Option.isSome(found), `case ${caseId} should exist`)
    return Option.getOrThrow(found)
  })

/** The whole record of a case, as the store pages it (`events` with no bound but a large limit). */
export const recordOf = (store: CaseStore.CaseStore["Service"], caseId: string) =>
  store.events(caseId, { limit: 1_000_000 })

/**
 * Claims everything available at `now` in batches of `limit`, until a claim returns nothing, and returns the batches.
 * Other data in a shared database is claimed as well (and left to its lease); callers look at their own messages.
 */
export const claimAll = (
  outbox: Outbox.Outbox["Service"],
  options: { readonly now: number; readonly leaseMillis: number; readonly limit?: number | undefined }
): Effect.Effect<ReadonlyArray<ReadonlyArray<Outbox.Delivery>>, Outbox.OutboxFailure> =>
  Effect.gen(function* () {
    const batches: Array<ReadonlyArray<Outbox.Delivery>> = []
    for (let i = 0; i < 10_000; i++) {
      const batch = yield* outbox.claim({
        limit: options.limit ?? 100,
        now: options.now,
        leaseMillis: options.leaseMillis
      })
      if (batch.length === 0) return batches
      batches.push(batch)
    }
    return yield* Effect.die(new Error("claimAll: the outbox never ran dry (are leases ignored?)"))
  })

/** The deliveries of the given message ids among claimed batches, in claim order. */
export const mine = (
  batches: ReadonlyArray<ReadonlyArray<Outbox.Delivery>>,
  ids: ReadonlyArray<string>
): ReadonlyArray<Outbox.Delivery> => {
  const wanted = new Set(ids)
  return batches.flat().filter((d) => wanted.has(d.message.id))
}
