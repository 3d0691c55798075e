/**
 * The demo's worker (`SupportWorker` with the demo's options): once started, it closes answered cases that stay idle
 * past the policy's lifecycle window (clause 6.3), without anyone calling the desk, on the sweep's one-minute period.
 */
import { assert, describe, it } from "@effect/vitest"
import { Presets, Randomness, SupportDesk, SupportWorker, TaskStore } from "@support-policy/core"
import { Effect, Fiber, Layer, Option } from "effect"
import { TestClock } from "effect/testing"
import { workerOptions } from "../src/DemoServer.ts"

const at = (local: string) => Date.parse(`${local}+08:00`)

describe("demo worker", () => {
  it.effect("closes a resolved case once it has been idle for the policy's business days", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(at("2025-06-09T10:00:00")) // a Monday
      const desk = yield* SupportDesk.SupportDesk
      const submission = yield* desk.submit({
        requester: { id: "buyer-ana", audience: "buyer" },
        channel: "online-form",
        category: "consultation",
        subject: "Samples",
        description: "How do I request samples?",
        language: "en"
      })
      const tn = submission.view.case.trackingNumber
      yield* desk.resolve({ role: "agent", id: "agent-sam" }, tn, { body: "Use the sample button." })

      // the sweeps only (the SLA watcher polls every second, which a test clock jumping a week would wake 600 000
      // times; its own tests are in packages/core)
      const worker = yield* Effect.forkChild(Layer.launch(SupportWorker.layer({ ...workerOptions, alerts: false })))
      yield* TestClock.adjust("1 minute")
      const agent = { role: "agent", id: "agent-sam" } as const
      assert.strictEqual((yield* desk.getCase(agent, tn)).case.status, "resolved")
      const tasks = yield* TaskStore.TaskStore
      const sweep = Option.getOrThrow(yield* tasks.get(SupportWorker.closeIdleTask))
      assert.strictEqual(sweep.periodMillis, 60_000)
      assert.isAtLeast(sweep.runs, 1)

      // Monday + 5 business days is the next Monday 10:00; the sweep runs every minute
      yield* TestClock.setTime(at("2025-06-16T10:05:00"))
      yield* TestClock.adjust("2 minutes")
      assert.strictEqual((yield* desk.getCase(agent, tn)).case.status, "closed")
      yield* Fiber.interrupt(worker)
    }).pipe(Effect.provide(SupportDesk.layerMemory(Presets.globalSources, { randomness: Randomness.layerSeeded(7) })))
  )
})
