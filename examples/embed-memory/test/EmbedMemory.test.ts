import { assert, describe, it } from "@effect/vitest"
import { Presets, SupportDesk } from "@support-policy/core"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { program } from "../src/main.ts"

describe("examples/embed-memory", () => {
  it.effect("runs the desk in memory: a request is submitted, answered, and its first-response clock is met", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.parse("2025-06-09T02:00:00Z")) // Monday 10:00 +08:00
      const answered = yield* program
      const firstResponse = answered.sla.clocks.find((c) => c.metric === "firstResponse")!
      assert.strictEqual(firstResponse.state, "met")
      assert.strictEqual(answered.case.status, "open")
    }).pipe(Effect.provide(SupportDesk.layerMemory(Presets.globalSources)))
  )
})
