/**
 * Clause 7.4's quality review: every closing selects the case for review or not (always after a breach, a refusal or
 * a reopening, else at the policy's sample rate, drawn from `Randomness`), reviewers record their rating, and the
 * cases awaiting review are listed.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Actor from "../src/Actor.ts"
import type * as CaseEvent from "../src/CaseEvent.ts"
import * as Randomness from "../src/Randomness.ts"
import type * as SupportPolicy from "../src/SupportPolicy.ts"
import * as SupportDesk from "../src/SupportDesk.ts"
import {
  accountManager,
  administrator,
  agent,
  buyer,
  failure,
  hk,
  policy,
  setNow,
  stored,
  submit,
  supplier,
  types
} from "./SupportDesk.helpers.ts"

const Desk = SupportDesk.SupportDesk

const withSampleRate = (sampleRate: number): SupportPolicy.SupportPolicy => ({
  ...policy,
  qualityReview: { ...policy.qualityReview, sampleRate }
})

const deskWith = (p: SupportPolicy.SupportPolicy, seed = 42) =>
  SupportDesk.layerMemory(p, { randomness: Randomness.layerSeeded(seed) })

/** The reasons of a case's quality-review selection, or null when it was not selected. */
const selection = (tn: string) =>
  Effect.map(stored(tn), (s) => {
    const found = s.events.filter((e): e is CaseEvent.Of<"qualityReviewSelected"> => e.type === "qualityReviewSelected")
    assert.isAtMost(found.length, 1)
    return found.length === 0 ? null : found[0]
  })

/** Submits at 10:00 on a Monday, answers within the hour, and closes: a case with nothing to review. */
const closedQuietly = (subject: string, requester: Actor.Requester = buyer) =>
  Effect.gen(function* () {
    const desk = yield* Desk
    yield* setNow("2025-06-09T10:00")
    const tn = yield* submit(requester, { subject })
    yield* setNow("2025-06-09T11:00")
    yield* desk.resolve(agent, tn, { body: "Done." })
    yield* desk.close(agent, tn, {})
    return tn
  })

describe("SupportDesk quality review (clause 7.4)", () => {
  it.effect("7.4 a case closed after a breached clock is always selected, by the system, after its closing", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T10:00")
      const tn = yield* submit(buyer)
      yield* setNow("2025-06-13T10:00") // the first response was due within 2 business days
      yield* desk.resolve(agent, tn, { body: "Sorry for the wait. Done." })
      yield* desk.close(agent, tn, {})
      const record = (yield* stored(tn)).events
      assert.deepStrictEqual(types(record).slice(-2), ["closed", "qualityReviewSelected"])
      const selected = (yield* selection(tn))!
      assert.deepStrictEqual(selected.reasons, ["breached"])
      assert.deepStrictEqual(selected.actor, { role: "system", id: "support-desk" })
      assert.strictEqual(selected.at, hk("2025-06-13T10:00"))
      // the requester's copy of the record does not show it
      const view = yield* desk.getCase(buyer, tn)
      assert.isFalse(types(view.events).includes("qualityReviewSelected"))
    }).pipe(Effect.provide(deskWith(withSampleRate(0))))
  )

  it.effect("7.4 a refused or reopened case is always selected when it closes; a quiet one is not at rate 0", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T10:00")
      const refused = yield* submit(buyer, { subject: "Refused" })
      const reopened = yield* submit(supplier, { subject: "Reopened" })
      yield* setNow("2025-06-09T11:00")
      yield* desk.refuse(agent, refused, { reason: "abusive-language" })
      yield* desk.close(agent, refused, {})
      yield* desk.resolve(accountManager, reopened, { body: "Done." })
      yield* desk.reopen(supplier, reopened, { reason: "It broke again." })
      yield* desk.resolve(accountManager, reopened, { body: "Fixed for good." })
      yield* desk.close(accountManager, reopened, {})
      assert.deepStrictEqual((yield* selection(refused))?.reasons, ["refused"])
      assert.deepStrictEqual((yield* selection(reopened))?.reasons, ["reopened"])
      const quiet = yield* closedQuietly("Quiet")
      assert.isNull(yield* selection(quiet))
    }).pipe(Effect.provide(deskWith(withSampleRate(0))))
  )

  it.effect("7.4 lists only the reasons the policy's alwaysReview names", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T10:00")
      const tn = yield* submit(buyer)
      yield* setNow("2025-06-09T11:00")
      yield* desk.refuse(agent, tn, { reason: "harassment" })
      yield* desk.close(agent, tn, {})
      assert.isNull(yield* selection(tn))
    }).pipe(
      Effect.provide(
        deskWith({
          ...withSampleRate(0),
          qualityReview: { ...policy.qualityReview, sampleRate: 0, alwaysReview: ["breached"] }
        })
      )
    )
  )

  it.effect("7.4 at sample rate 1 every closing is selected, by an agent's close or by the idle sweep", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      const closedByAgent = yield* closedQuietly("By an agent")
      assert.deepStrictEqual((yield* selection(closedByAgent))?.reasons, ["sampled"])
      yield* setNow("2025-06-09T12:00")
      const idle = yield* submit(buyer, { subject: "Idle" })
      yield* desk.resolve(agent, idle, { body: "Done." })
      yield* setNow("2025-06-16T12:00")
      assert.strictEqual((yield* desk.closeIdle()).length, 1)
      assert.deepStrictEqual((yield* selection(idle))?.reasons, ["sampled"])
    }).pipe(Effect.provide(deskWith(withSampleRate(1))))
  )

  const sampled = (seed: number) =>
    Effect.gen(function* () {
      const picked: Array<boolean> = []
      for (let i = 0; i < 60; i++) {
        // a requester per case: the preset limits a requester to 10 new cases a day (clause 7.3)
        const requester = Actor.requester({ id: `buyer-${i}`, audience: "buyer" })
        picked.push((yield* selection(yield* closedQuietly(`Case ${i}`, requester))) !== null)
      }
      return picked
    }).pipe(Effect.provide(deskWith(withSampleRate(0.5), seed)))

  it.effect("7.4 other cases are sampled at the sample rate, reproducibly with seeded randomness", () =>
    Effect.gen(function* () {
      const first = yield* sampled(7)
      const count = first.filter((p) => p).length
      // 60 draws at 1/2: outside 15 … 45 has a probability below 1e-4
      assert.isAtLeast(count, 15)
      assert.isAtMost(count, 45)
      assert.deepStrictEqual(yield* sampled(7), first)
      assert.notDeepEqual(yield* sampled(8), first)
    })
  )

  it.effect("7.4 an agent or administrator records a review; the case leaves the list awaiting review", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      const a = yield* closedQuietly("A")
      const b = yield* closedQuietly("B")
      const open = yield* submit(buyer, { subject: "Still open" })
      const idOf = (tn: string) => Effect.map(stored(tn), (s) => s.case.id)
      const pending = yield* desk.qualityReviews(agent, { limit: 10 })
      assert.deepStrictEqual(
        pending.map((p) => [p.case.id, p.reasons]),
        [
          [yield* idOf(a), ["sampled"]],
          [yield* idOf(b), ["sampled"]]
        ]
      )
      assert.strictEqual((yield* desk.qualityReviews(agent, { limit: 1 })).length, 1)

      const view = yield* desk.recordQualityReview(agent, a, { rating: 4, note: "Clear and quick." })
      const review = view.events[view.events.length - 1]
      assert.deepStrictEqual(
        { type: review.type, actor: review.actor, rating: review.type === "qualityReviewed" ? review.rating : 0 },
        { type: "qualityReviewed", actor: { role: "agent", id: "agent-ann" }, rating: 4 }
      )
      assert.deepStrictEqual(
        (yield* desk.qualityReviews(administrator, { limit: 10 })).map((p) => p.case.id),
        [yield* idOf(b)]
      )
      yield* desk.recordQualityReview(administrator, b, { rating: 2 })
      assert.deepStrictEqual(yield* desk.qualityReviews(agent, { limit: 10 }), [])
      // the requester does not see reviews
      assert.isFalse(types((yield* desk.getCase(buyer, a)).events).includes("qualityReviewed"))

      // who may review, in which state, with which rating
      assert.strictEqual((yield* failure(desk.recordQualityReview(buyer, a, { rating: 5 })))._tag, "ActionForbidden")
      assert.strictEqual((yield* failure(desk.qualityReviews(buyer, { limit: 1 })))._tag, "ActionForbidden")
      assert.strictEqual((yield* failure(desk.qualityReviews(accountManager, { limit: 1 })))._tag, "ActionForbidden")
      assert.strictEqual(
        (yield* failure(desk.recordQualityReview(agent, open, { rating: 3 })))._tag,
        "TransitionNotAllowed"
      )
      const invalid = yield* failure(desk.recordQualityReview(agent, a, { rating: 6 }))
      assert.strictEqual(invalid._tag, "InputInvalid")
      assert.include(invalid._tag === "InputInvalid" ? invalid.message : "", "rating")
    }).pipe(Effect.provide(deskWith(withSampleRate(1))))
  )
})
