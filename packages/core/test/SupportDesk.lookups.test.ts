/**
 * Guessing tracking numbers (clause 6.4): a case that does not exist and a case that is not the actor's are answered
 * alike and found alike (one read, one count of a failed lookup), and past the desk's limit the actor's lookups are
 * refused until the window ends, whatever process they reach.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import * as CaseStore from "../src/CaseStore.ts"
import * as FailedLookups from "../src/FailedLookups.ts"
import * as MemoryStorage from "../src/MemoryStorage.ts"
import * as Randomness from "../src/Randomness.ts"
import * as SupportDesk from "../src/SupportDesk.ts"
import * as TrackingNumber from "../src/TrackingNumber.ts"
import { agent, buyer, failure, otherBuyer, policy, setNow, submit } from "./SupportDesk.helpers.ts"

const Desk = SupportDesk.SupportDesk
const throttle = { maxFailures: 3, windowMs: 10 * 60_000 }

/** What the desk asked the case store and the failed lookups, in order. */
const calls: Array<string> = []

const countingStore = Layer.effect(
  CaseStore.CaseStore,
  Effect.gen(function* () {
    const inner = yield* CaseStore.CaseStore
    const wrap =
      <A extends ReadonlyArray<unknown>, R>(name: string, f: (...args: A) => R) =>
      (...args: A): R => {
        calls.push(name)
        return f(...args)
      }
    return CaseStore.CaseStore.of({
      ...inner,
      get: wrap("get", inner.get),
      getByTrackingNumber: wrap("getByTrackingNumber", inner.getByTrackingNumber),
      getWithPage: wrap("getWithPage", inner.getWithPage),
      events: wrap("events", inner.events)
    })
  })
)

const countingLookups = Layer.effect(
  FailedLookups.FailedLookups,
  Effect.gen(function* () {
    const inner = yield* FailedLookups.FailedLookups
    return FailedLookups.FailedLookups.of({
      record: (key, options) => {
        calls.push(`record ${key}`)
        return inner.record(key, options)
      }
    })
  })
)

const shared = Layer.mergeAll(MemoryStorage.layerMemory, FailedLookups.layerMemory, Randomness.layerSeeded(8))

/** Two desk processes on the same stores (and the same failed lookups). */
const desks = Layer.effect(
  Desk,
  SupportDesk.make(policy, { lookupThrottle: throttle }).pipe(
    Effect.provide(Layer.mergeAll(countingStore, countingLookups))
  )
).pipe(Layer.provideMerge(shared))

describe("SupportDesk lookups", () => {
  it.effect("6.4 a missing case and another's case take the same path: one read, one failed lookup", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* Desk
      const theirs = yield* submit(otherBuyer)
      // a well-formed tracking number that no case has
      const missing = yield* TrackingNumber.make("GS").pipe(Effect.provide(Randomness.layerSeeded(999)))
      calls.length = 0
      const a = yield* failure(desk.getCase(buyer, missing))
      const missingCalls = [...calls]
      calls.length = 0
      const b = yield* failure(desk.getCase(buyer, theirs))
      const theirsCalls = [...calls]
      assert.deepStrictEqual(missingCalls, ["getWithPage", `record requester:${buyer.id}`])
      assert.deepStrictEqual(theirsCalls, missingCalls)
      assert.deepStrictEqual([a._tag, b._tag], ["CaseNotFound", "CaseNotFound"])
      // an action on another's case too
      // (an action reads the case alone: it writes the record, and shows the page the write leaves)
      calls.length = 0
      const c = yield* failure(desk.respond(buyer, theirs, { body: "hello" }))
      assert.strictEqual(c._tag, "CaseNotFound")
      assert.deepStrictEqual(calls, ["getByTrackingNumber", `record requester:${buyer.id}`])
    }).pipe(Effect.provide(desks))
  )

  it.effect("6.4 a case and the page of its record its reader sees are one read of the store", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* Desk
      const own = yield* submit(buyer)
      yield* desk.addNote(agent, own, { body: "staff only" })
      yield* desk.reply(agent, own, { body: "Your order left the warehouse." })
      for (const reader of [buyer, agent]) {
        calls.length = 0
        const view = yield* desk.getCase(reader, own, { limit: 2 })
        assert.deepStrictEqual(calls, ["getWithPage"], reader.role)
        // the same page as a read of the record alone
        const record = yield* Effect.flatMap(CaseStore.CaseStore, (store) =>
          store.events(view.case.id, { limit: 100, ...(reader.role === "requester" ? { readers: "requester" } : {}) })
        )
        assert.deepStrictEqual(view.events, record.slice(-2))
      }
      // by id: the case, then its page
      const id = (yield* desk.getCase(agent, own)).case.id
      calls.length = 0
      assert.strictEqual((yield* desk.getCase(agent, id)).case.trackingNumber, own)
      assert.deepStrictEqual(calls, ["get", "events"])
    }).pipe(Effect.provide(desks))
  )

  it.effect("6.4 past the limit an actor's lookups are refused until the window ends, even of their own cases", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* Desk
      const own = yield* submit(buyer)
      for (let i = 0; i < throttle.maxFailures; i++) {
        assert.strictEqual((yield* failure(desk.getCase(buyer, `GS-0000-0000${i}`)))._tag, "CaseNotFound")
      }
      const refused = (yield* failure(desk.getCase(buyer, "GS-0000-00009"))) as SupportDesk.LookupThrottled
      assert.strictEqual(refused._tag, "LookupThrottled")
      assert.strictEqual(refused.retryAfterMs, throttle.windowMs)
      yield* TestClock.adjust("1 minute")
      const ownRefused = (yield* failure(desk.getCase(buyer, own))) as SupportDesk.LookupThrottled
      assert.strictEqual(ownRefused._tag, "LookupThrottled")
      assert.strictEqual(ownRefused.retryAfterMs, throttle.windowMs - 60_000)
      assert.strictEqual((yield* failure(desk.reply(agent, "GS-0000-00009", { body: "x" })))._tag, "CaseNotFound")
      // another actor is not throttled by it; and after the window the actor reads their case again
      assert.strictEqual((yield* desk.getCase(agent, own)).case.trackingNumber, own)
      yield* TestClock.adjust("10 minutes")
      assert.strictEqual((yield* desk.getCase(buyer, own)).case.trackingNumber, own)
    }).pipe(Effect.provide(desks))
  )

  it.effect("6.4 the count is the store's: failures reaching another process count there too", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const first = yield* Desk
      // a second desk process on the same stores and failed lookups
      const second = yield* SupportDesk.make(policy, { lookupThrottle: throttle })
      for (let i = 0; i < throttle.maxFailures; i++) {
        yield* failure((i % 2 === 0 ? first : second).getCase(buyer, `GS-0000-0000${i}`))
      }
      assert.strictEqual((yield* failure(second.getCase(buyer, "GS-0000-00009")))._tag, "LookupThrottled")
      assert.strictEqual((yield* failure(first.getCase(buyer, "GS-0000-00009")))._tag, "LookupThrottled")
    }).pipe(Effect.provide(desks))
  )

  it.effect("6.4 the throttle can be turned off", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* SupportDesk.make(policy, { lookupThrottle: false })
      for (let i = 0; i < 30; i++) {
        assert.strictEqual((yield* failure(desk.getCase(buyer, `GS-0000-0000${i % 10}`)))._tag, "CaseNotFound")
      }
    }).pipe(Effect.provide(shared))
  )
})
