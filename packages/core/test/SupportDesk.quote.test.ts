/**
 * `SupportDesk.quote`: what a submission would be promised, by the same steps as `submit` and without writing.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Actor from "../src/Actor.ts"
import { CaseStore } from "../src/CaseStore.ts"
import * as SupportDesk from "../src/SupportDesk.ts"
import { buyer, deskLayer, failure, hk, policy, request, setNow, supplier } from "./SupportDesk.helpers.ts"

const plainPlan = (plan: ReadonlyArray<{ metric: string; rule: string; due: { epochMilliseconds: number } }>) =>
  plan.map((t) => [t.metric, t.rule, t.due.epochMilliseconds])

describe("SupportDesk.quote", () => {
  it.effect("promises what a submission at the same instant is promised, for every category, channel and time", () =>
    Effect.gen(function* () {
      const desk = yield* SupportDesk.SupportDesk
      const instants = ["2025-06-09T10:00", "2025-06-13T17:30", "2025-06-14T11:00", "2025-12-24T17:30"]
      let n = 0
      for (const at of instants) {
        for (const category of policy.categories) {
          for (const channel of policy.channels.filter((c) => c.opensCase && c.requesterFlags === undefined)) {
            const who = category.audiences.includes("buyer") ? buyer : supplier
            yield* setNow(at)
            const quote = yield* desk.quote({ category: category.id, channel: channel.id, audience: who.audience })
            const submitted = yield* desk.submit(
              request(Actor.requester({ ...who, id: `${who.id}-${n++}` }), {
                category: category.id,
                channel: channel.id
              })
            )
            assert.deepStrictEqual(quote.channel, submitted.channel, `${at} ${category.id} ${channel.id}`)
            assert.strictEqual(quote.priority, submitted.view.case.priority)
            assert.deepStrictEqual(plainPlan(quote.plan), plainPlan(submitted.plan))
            assert.strictEqual(quote.replyBy, submitted.replyBy)
          }
        }
      }
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("takes an instant, an audience and a priority of its own, and writes nothing", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* SupportDesk.SupportDesk
      const store = yield* CaseStore
      const quote = yield* desk.quote({
        category: "misconduct-fraud-report",
        channel: "email",
        priority: "normal",
        receivedAt: hk("2025-06-13T17:30")
      })
      assert.strictEqual(quote.receivedAt, hk("2025-06-13T17:30"))
      assert.strictEqual(quote.priority, "normal")
      assert.strictEqual(
        quote.audience,
        policy.categories.find((c) => c.id === "misconduct-fraud-report")!.audiences[0]
      )
      // 6.1: 2 business days from Friday 17:30 is Tuesday 17:30
      assert.strictEqual(quote.replyBy, hk("2025-06-17T17:30"))
      assert.deepStrictEqual(yield* store.listByParty("quote", { limit: 10 }), [])
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("refuses what a submission refuses, naming the field", () =>
    Effect.gen(function* () {
      const desk = yield* SupportDesk.SupportDesk
      const unknown = yield* failure(desk.quote({ category: "astrology", channel: "email", audience: "martian" }))
      assert.strictEqual(unknown._tag, "InputInvalid")
      assert.deepStrictEqual(
        (unknown as SupportDesk.InputInvalid).problems.map((p) => p.path),
        ["audience", "category"]
      )
      const priority = yield* failure(desk.quote({ category: "consultation", channel: "email", priority: "urgent" }))
      assert.strictEqual((priority as SupportDesk.InputInvalid).problems[0].path, "priority")
      const selfHelp = policy.channels.find((c) => !c.opensCase)!
      const closed = yield* failure(desk.quote({ category: "consultation", channel: selfHelp.id }))
      assert.strictEqual(closed._tag, "ChannelNotAccepted")
      assert.strictEqual((closed as SupportDesk.ChannelNotAccepted).reason, "doesNotOpenCases")
      const shape = yield* failure(desk.quote({ category: "", channel: "email", receivedAt: -1 } as never))
      assert.deepStrictEqual(
        (shape as SupportDesk.InputInvalid).problems.map((p) => p.path),
        ["category", "receivedAt"]
      )
    }).pipe(Effect.provide(deskLayer()))
  )
})
