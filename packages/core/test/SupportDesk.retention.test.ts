/**
 * Retention (filed under clause 7.4): `SupportDesk.applyRetention` anonymises closed cases after the policy's days
 * (the preset: 730), unless an administrator placed a legal hold on them.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import * as Randomness from "../src/Randomness.ts"
import * as SupportDesk from "../src/SupportDesk.ts"
import type * as SupportPolicy from "../src/SupportPolicy.ts"
import { administrator, agent, buyer, failure, policy, setNow, stored, submit, types } from "./SupportDesk.helpers.ts"

const Desk = SupportDesk.SupportDesk
const DAY = 86_400_000

const deskWith = (p: SupportPolicy.SupportPolicy) =>
  SupportDesk.layerMemory(p, { randomness: Randomness.layerSeeded(42) })

/** Submits, resolves and closes a case on Monday 9 June 2025; returns its tracking number. */
const closedCase = Effect.gen(function* () {
  const desk = yield* Desk
  yield* setNow("2025-06-09T10:00")
  const tn = yield* submit(buyer)
  yield* setNow("2025-06-09T11:00")
  yield* desk.resolve(agent, tn, { body: "Done." })
  yield* desk.close(agent, tn, {})
  return tn
})

describe("SupportDesk retention (clause 7.4)", () => {
  it.effect("7.4 a closed case is anonymised 730 days after its last update; its record is kept", () =>
    Effect.gen(function* () {
      assert.strictEqual(policy.retention.keepClosedCasesForDays, 730)
      const desk = yield* Desk
      const tn = yield* closedCase
      yield* setNow("2025-06-09T12:00")
      const open = yield* submit(buyer, { subject: "Never answered" })
      const before = yield* stored(tn)
      assert.strictEqual(before.case.requester.email, "ada@example.com")

      yield* TestClock.setTime(before.case.updatedAt + 730 * DAY)
      assert.deepStrictEqual(yield* desk.applyRetention(), [])
      yield* TestClock.setTime(before.case.updatedAt + 730 * DAY + 1)
      assert.deepStrictEqual(yield* desk.applyRetention({ batchSize: 1 }), [before.case.id])

      const after = yield* stored(tn)
      assert.deepStrictEqual(after.case.requester, { id: "[redacted]", audience: "buyer", flags: [] })
      assert.strictEqual(after.case.status, "closed")
      assert.strictEqual(after.case.subject, "[redacted]")
      // the same events, in the same order, at the same instants; what they say is redacted
      assert.deepStrictEqual(
        after.events.slice(0, before.events.length).map((e) => [e.sequence, e.type, e.at]),
        before.events.map((e) => [e.sequence, e.type, e.at])
      )
      assert.notInclude(JSON.stringify(after), "Ada")
      assert.notInclude(JSON.stringify(after), "second user")
      const last = after.events[after.events.length - 1]
      assert.deepStrictEqual(
        [last.type, last.actor, last.type === "anonymised" && last.basis],
        ["anonymised", { role: "system", id: "support-desk" }, "retention"]
      )
      // idempotent; an open case is never anonymised
      assert.deepStrictEqual(yield* desk.applyRetention(), [])
      assert.strictEqual((yield* stored(tn)).events.length, after.events.length)
      assert.strictEqual((yield* stored(open)).case.requester.email, "ada@example.com")
      assert.strictEqual((yield* stored(open)).case.subject, "Never answered")
    }).pipe(Effect.provide(deskWith(policy)))
  )

  it.effect("7.4 a legal hold, placed and released by an administrator only, suspends anonymisation", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      const tn = yield* closedCase
      yield* setNow("2025-06-10T10:00")
      assert.strictEqual((yield* failure(desk.placeLegalHold(agent, tn, {})))._tag, "ActionForbidden")
      assert.strictEqual((yield* failure(desk.placeLegalHold(buyer, tn, {})))._tag, "ActionForbidden")
      yield* desk.placeLegalHold(administrator, tn, { reason: "Court order 123" })
      yield* desk.placeLegalHold(administrator, tn, {}) // already on hold: nothing written
      assert.deepStrictEqual(
        types((yield* stored(tn)).events).filter((t) => t.startsWith("legalHold")),
        ["legalHoldPlaced"]
      )
      // the requester does not see the hold
      assert.isFalse(types((yield* desk.getCase(buyer, tn)).events).includes("legalHoldPlaced"))

      const held = (yield* stored(tn)).case.updatedAt
      yield* TestClock.setTime(held + 1000 * DAY)
      assert.deepStrictEqual(yield* desk.applyRetention(), [])
      assert.strictEqual((yield* failure(desk.releaseLegalHold(agent, tn, {})))._tag, "ActionForbidden")
      yield* desk.releaseLegalHold(administrator, tn, {})
      const released = (yield* stored(tn)).case
      // the release is an update: the 730 days start again from it
      assert.deepStrictEqual(yield* desk.applyRetention(), [])
      yield* TestClock.setTime(released.updatedAt + 730 * DAY + 1)
      assert.deepStrictEqual(yield* desk.applyRetention(), [released.id])
      assert.isUndefined((yield* stored(tn)).case.requester.email)
    }).pipe(Effect.provide(deskWith(policy)))
  )

  it.effect("7.4 a legal hold does not suspend anonymisation when the policy says so", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      const tn = yield* closedCase
      yield* desk.placeLegalHold(administrator, tn, {})
      const c = (yield* stored(tn)).case
      yield* TestClock.setTime(c.updatedAt + 730 * DAY + 1)
      assert.deepStrictEqual(yield* desk.applyRetention(), [c.id])
    }).pipe(Effect.provide(deskWith({ ...policy, retention: { ...policy.retention, legalHoldSuspends: false } })))
  )
})
