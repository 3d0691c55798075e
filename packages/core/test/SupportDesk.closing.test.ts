/**
 * Clause 6.3's lifecycle: `SupportDesk.closeIdle` closes answered cases and cases awaiting the requester after the
 * policy's business days without activity (the preset: 5 and 10, in the hours and holidays of clause 2.1).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { CaseStore } from "../src/CaseStore.ts"
import * as MemoryStorage from "../src/MemoryStorage.ts"
import * as Randomness from "../src/Randomness.ts"
import * as SupportDesk from "../src/SupportDesk.ts"
import {
  agent,
  buyer,
  deskLayer,
  messages,
  otherBuyer,
  policy,
  setNow,
  noteMeanwhile,
  stored,
  submit,
  types
} from "./SupportDesk.helpers.ts"

const Desk = SupportDesk.SupportDesk

/** The `closed` event of a case's record (a quality-review selection may follow it, clause 7.4). */
const closedEvent = (tn: string) =>
  Effect.map(stored(tn), (s) => {
    const found = s.events.filter((e) => e.type === "closed")
    assert.strictEqual(found.length, 1, "one closed event")
    return found[0]
  })

describe("SupportDesk.closeIdle", () => {
  it.effect("6.3 a resolved case is closed 5 business days after its last update, once, and the requester told", () =>
    Effect.gen(function* () {
      assert.strictEqual(policy.lifecycle.closeResolvedAfterBusinessDays, 5)
      const desk = yield* Desk
      yield* setNow("2025-06-09T10:00") // a Monday
      const tn = yield* submit(buyer)
      const open = yield* submit(otherBuyer) // never answered: never closed by the sweep
      yield* setNow("2025-06-09T11:00")
      const resolved = yield* desk.resolve(agent, tn, { body: "Done." })
      const id = resolved.case.id

      yield* setNow("2025-06-16T10:59") // the 5th business day, a minute early
      assert.deepStrictEqual(yield* desk.closeIdle(), [])
      assert.strictEqual((yield* stored(tn)).case.status, "resolved")

      yield* setNow("2025-06-16T11:00")
      assert.deepStrictEqual(yield* desk.closeIdle(), [id])
      const after = yield* stored(tn)
      assert.strictEqual(after.case.status, "closed")
      const closed = yield* closedEvent(tn)
      assert.deepStrictEqual(
        { type: closed.type, actor: closed.actor, reason: closed.type === "closed" ? closed.reason : undefined },
        { type: "closed", actor: { role: "system", id: "support-desk" }, reason: "inactiveAfterAnswer" }
      )
      const notice = (yield* messages(id)).at(-1)!
      assert.strictEqual(notice.kind, "closed")
      assert.strictEqual(notice.recipient.id, "buyer-ada")
      assert.strictEqual(notice.recipient.email, "ada@example.com")
      assert.include(notice.body, "5 business days")
      assert.strictEqual(notice.sequence, closed.sequence)

      // idempotent: a second run (later still) writes nothing
      yield* setNow("2025-06-30T11:00")
      assert.deepStrictEqual(yield* desk.closeIdle(), [])
      assert.strictEqual((yield* stored(tn)).events.length, after.events.length)
      assert.strictEqual((yield* stored(open)).case.status, "open")
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("6.3 any later update of an explained case restarts its 5 business days", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T10:00")
      const tn = yield* submit(buyer)
      yield* setNow("2025-06-09T11:00")
      yield* desk.explain(agent, tn, { body: "This is how it works." })
      yield* setNow("2025-06-11T15:00")
      yield* desk.addNote(agent, tn, { body: "Buyer called, satisfied." })
      yield* setNow("2025-06-16T11:00") // 5 business days after the explanation, not after the note
      assert.deepStrictEqual(yield* desk.closeIdle(), [])
      yield* setNow("2025-06-18T14:59")
      assert.deepStrictEqual(yield* desk.closeIdle(), [])
      yield* setNow("2025-06-18T15:00")
      assert.deepStrictEqual(yield* desk.closeIdle(), [(yield* stored(tn)).case.id])
      assert.strictEqual((yield* stored(tn)).case.status, "closed")
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("6.3 a case awaiting the requester is closed after 10 business days, counted around a holiday", () =>
    Effect.gen(function* () {
      assert.strictEqual(policy.lifecycle.closeAwaitingRequesterAfterBusinessDays, 10)
      const desk = yield* Desk
      yield* setNow("2025-06-27T10:00") // a Friday; 1 July is a Hong Kong holiday
      const tn = yield* submit(buyer)
      const other = yield* submit(otherBuyer)
      yield* setNow("2025-06-27T11:00")
      const asked = yield* desk.requestInformation(agent, tn, { body: "Which order?" })
      yield* desk.requestInformation(agent, other, { body: "Which order?" })
      yield* setNow("2025-07-02T09:00")
      yield* desk.respond(otherBuyer, other, { body: "PO-77" }) // answered: open again, not idle

      yield* setNow("2025-07-11T11:00") // 10 weekdays later, but one of them a holiday
      assert.deepStrictEqual(yield* desk.closeIdle(), [])
      yield* setNow("2025-07-14T11:00")
      assert.deepStrictEqual(yield* desk.closeIdle(), [asked.case.id])
      const closed = yield* closedEvent(tn)
      assert.strictEqual(closed.type === "closed" ? closed.reason : undefined, "requesterDidNotRespond")
      assert.strictEqual((yield* messages(asked.case.id)).at(-1)!.kind, "closed")
      assert.strictEqual((yield* stored(other)).case.status, "open")
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("6.3 walks past more idle cases than one batch, and two sweeps at once close each case once", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T10:00")
      const tns: Array<string> = []
      for (let i = 0; i < 7; i++) tns.push(yield* submit(buyer, { subject: `Question ${i}` }))
      yield* setNow("2025-06-09T11:00")
      for (const tn of tns) yield* desk.resolve(agent, tn, { body: "Done." })
      yield* setNow("2025-06-16T11:00")
      const [a, b] = yield* Effect.all([desk.closeIdle({ batchSize: 2 }), desk.closeIdle({ batchSize: 3 })], {
        concurrency: 2
      })
      const ids = yield* Effect.forEach(tns, (tn) => Effect.map(stored(tn), (s) => s.case.id))
      assert.deepStrictEqual([...a, ...b].sort(), [...ids].sort())
      for (const tn of tns) {
        const record = (yield* stored(tn)).events
        assert.deepStrictEqual(
          types(record).filter((t) => t === "closed"),
          ["closed"]
        )
      }
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("6.3 a case changed while the sweep closes it is judged as it is then: still idle, it is closed", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T10:00")
      const tn = yield* submit(buyer)
      yield* setNow("2025-06-09T11:00")
      yield* desk.resolve(agent, tn, { body: "Done." })
      yield* setNow("2025-06-16T11:00")
      // another writer added a note at the case's last update just before the sweep's write: still idle
      assert.deepStrictEqual(yield* desk.closeIdle(), [(yield* stored(tn)).case.id])
      assert.deepStrictEqual(types((yield* stored(tn)).events).slice(-3), ["resolved", "noteAdded", "closed"])
      assert.deepStrictEqual(yield* desk.closeIdle(), [])
    }).pipe(Effect.provide(racingDesk))
  )

  it.effect("refuses a batch size that is not a positive integer, naming it", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      const exit = yield* Effect.exit(desk.closeIdle({ batchSize: 0 }))
      assert.isTrue(exit._tag === "Failure" && String(exit.cause).includes("batchSize"))
    }).pipe(Effect.provide(deskLayer()))
  )
})

/**
 * A case store in which another writer appends a note (at the case's last update, so it stays idle) just before the
 * desk's second write (the first is the resolution).
 */
const racingStore = Layer.effect(
  CaseStore,
  Effect.gen(function* () {
    const inner = yield* CaseStore
    let writes = 0
    return CaseStore.of({
      ...inner,
      update: (caseId, decide) =>
        Effect.gen(function* () {
          if (++writes === 2) {
            yield* noteMeanwhile(inner, caseId, "meanwhile")
          }
          return yield* inner.update(caseId, decide)
        })
    })
  })
)

const racingDesk = SupportDesk.layer(policy).pipe(
  Layer.provide(racingStore),
  Layer.provideMerge(MemoryStorage.layerMemory),
  Layer.provide(Randomness.layerSeeded(9))
)
