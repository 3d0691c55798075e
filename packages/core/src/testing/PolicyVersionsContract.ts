/**
 * Policy versions end to end on an adapter's storage (clause 7.1), as a test suite every storage adapter runs: the
 * desk on the adapter's `CaseStore` and `PolicyStore` keeps a case opened under one version on that version's
 * deadlines after another is published, opens new cases under the version in force, and moves open cases to a
 * version with a `policyChanged` event, their clocks starting again from the move; a second desk on the same store
 * (another server process) sees a version published through the first. Versions get random numbers, so the suite
 * can run against a shared, persistent database.
 *
 * @since 0.1.0
 */
import { assert, describe } from "@effect/vitest"
import { Clock, type Duration, Effect, type Layer } from "effect"
import { Temporal } from "temporal-polyfill"
import * as Actor from "../Actor.ts"
import * as contract from "../internal/contract.ts"
import * as Presets from "../Presets.ts"
import * as Sla from "../Sla.ts"
import * as SupportDesk from "../SupportDesk.ts"
import type * as SupportPolicy from "../SupportPolicy.ts"
import * as Fixtures from "./Fixtures.ts"

/**
 * Options of the suite.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = contract.SuiteOptions

const HOUR = 3_600_000

/** Local wall-clock time at +08:00 (the preset's zone) as epoch milliseconds. */
const hk = (local: string): number => Temporal.Instant.from(`${local}+08:00`).epochMilliseconds

/** A clock the test sets; sleeping stays real. */
const settableClock = (start: number) => {
  let now = start
  const live = Clock.Clock.defaultValue()
  const clock: Clock.Clock = {
    currentTimeMillisUnsafe: () => now,
    currentTimeMillis: Effect.sync(() => now),
    currentTimeNanosUnsafe: () => BigInt(now) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => BigInt(now) * 1_000_000n),
    monotonicTimeNanosUnsafe: () => live.monotonicTimeNanosUnsafe(),
    monotonicTimeNanos: live.monotonicTimeNanos,
    sleep: (duration: Duration.Duration) => live.sleep(duration)
  }
  return { clock, set: (local: string) => (now = hk(local)), advance: (ms: number) => (now += ms) }
}

/** The preset as version `label`, with the first response and the resolution in `days`. */
const versionOf = (label: string, firstResponseDays: number, resolutionDays: number): SupportPolicy.SupportPolicy => ({
  ...Presets.globalSources,
  version: label,
  sla: Presets.globalSources.sla.map((rule) =>
    rule.id === "first-response"
      ? { ...rule, target: { businessDays: firstResponseDays } }
      : rule.id === "resolution"
        ? { ...rule, target: { businessDays: resolutionDays } }
        : rule
  )
})

const buyer = Actor.requester({ id: "buyer-versions", audience: "buyer" })
const admin = Actor.administrator("admin-versions")

const request = (subject: string): SupportDesk.SubmitInput => ({
  requester: { id: buyer.id, audience: buyer.audience },
  channel: "email",
  category: "consultation",
  subject,
  description: "How do I add a second user to my account?",
  language: "en"
})

const firstResponse = (view: SupportDesk.CaseView) => Sla.current(view.sla, "firstResponse")!

/**
 * Registers the policy-versions tests in the current test file, against an adapter's storage layer.
 *
 * @since 0.1.0
 * @category tests
 */
export const suite = <E>(name: string, layer: Layer.Layer<contract.Storage, E>, options: Options = {}): void =>
  contract.run(`${name}: policy versions contract`, layer, (it) => tests(it, options))

/**
 * Registers the same tests with the `it` of a `layer(...)` block that provides the storage ports and `Randomness`.
 *
 * @since 0.1.0
 * @category tests
 */
export const tests = (it: contract.It, _options: Options = {}): void => {
  describe("policy versions (clause 7.1)", () => {
    it.effect(
      "a case keeps its version's deadlines after another is published; new cases get the new one; a move recomputes from the move",
      () => {
        const time = settableClock(hk("2025-06-09T10:00"))
        return Effect.gen(function* () {
          const suffix = yield* Fixtures.id("v")
          const v18 = versionOf(`1.8-${suffix}`, 2, 7)
          const v19 = versionOf(`1.9-${suffix}`, 1, 5)
          const desk = yield* SupportDesk.make(v18, { policyRefreshMillis: 0 })
          assert.strictEqual((yield* desk.policyInForce).version, v18.version)

          // opened Monday 10:00 under 1.8: first response within 2 business days, Wednesday 10:00
          const a = yield* desk.submit(request("Opened under 1.8"))
          assert.strictEqual(a.view.case.policyVersion, v18.version)
          assert.strictEqual(firstResponse(a.view).dueAt, hk("2025-06-11T10:00"))

          const published = yield* desk.publishPolicy(admin, JSON.parse(JSON.stringify(v19)))
          assert.deepStrictEqual(published.policy, v19)
          assert.strictEqual((yield* desk.policyInForce).version, v19.version)

          // the 1.8 case keeps its 1.8 deadline
          const aAfter = yield* desk.getCase(admin, a.view.case.trackingNumber)
          assert.strictEqual(aAfter.case.policyVersion, v18.version)
          assert.deepStrictEqual(aAfter.sla.policy.version, v18.version)
          assert.strictEqual(firstResponse(aAfter).dueAt, hk("2025-06-11T10:00"))

          // a new case is opened under 1.9: within 1 business day, Tuesday 10:00
          const b = yield* desk.submit(request("Opened under 1.9"))
          assert.strictEqual(b.view.case.policyVersion, v19.version)
          assert.strictEqual(b.policy.version, v19.version)
          assert.strictEqual(firstResponse(b.view).dueAt, hk("2025-06-10T10:00"))

          // Monday 14:00: the administrator moves both; the 1.9 case is already there
          time.set("2025-06-09T14:00")
          const move = yield* desk.movePolicyVersion(admin, v19.version, {
            trackingNumbers: [a.view.case.trackingNumber, b.view.case.trackingNumber]
          })
          assert.deepStrictEqual(move.moved, [
            { caseId: a.view.case.id, trackingNumber: a.view.case.trackingNumber, from: v18.version }
          ])
          assert.deepStrictEqual(
            move.skipped.map((s) => s.trackingNumber),
            [b.view.case.trackingNumber]
          )
          const moved = yield* desk.getCase(admin, a.view.case.trackingNumber)
          assert.strictEqual(moved.case.policyVersion, v19.version)
          const event = moved.events.find((e) => e.type === "policyChanged")
          assert.deepStrictEqual(event?.type === "policyChanged" && [event.from, event.to, event.at, event.actor], [
            v18.version,
            v19.version,
            hk("2025-06-09T14:00"),
            { role: "administrator", id: admin.id }
          ])
          // recomputed from the move: 1 business day, the 4 hours used kept: Tuesday 10:00
          const recomputed = firstResponse(moved)
          assert.strictEqual(recomputed.startedAt, hk("2025-06-09T14:00"))
          assert.strictEqual(recomputed.usedMs, 0 + 4 * HOUR)
          assert.strictEqual(recomputed.dueAt, hk("2025-06-10T10:00"))
          // and stored: the state's next due instant follows
          assert.strictEqual(moved.case.nextDueAt, hk("2025-06-10T10:00"))
        }).pipe(Effect.provideService(Clock.Clock, time.clock))
      }
    )

    it.effect("another desk on the same store sees a version published through the first, within its refresh", () => {
      const time = settableClock(hk("2025-06-09T10:00"))
      return Effect.gen(function* () {
        const suffix = yield* Fixtures.id("v")
        const v18 = versionOf(`1.8-${suffix}`, 2, 7)
        const first = yield* SupportDesk.make(v18, { policyRefreshMillis: 1000 })
        // a second process, started with the same seed: the seed is published already, with the same document
        const second = yield* SupportDesk.make(v18, { policyRefreshMillis: 1000 })
        assert.strictEqual((yield* second.policyInForce).version, v18.version)
        const v20 = versionOf(`2.0-${suffix}`, 1, 3)
        yield* first.publishPolicy(admin, v20)
        assert.strictEqual((yield* first.policyInForce).version, v20.version)
        // the second reads the version in force again once its second is up
        assert.strictEqual((yield* second.policyInForce).version, v18.version)
        time.advance(1000)
        assert.strictEqual((yield* second.policyInForce).version, v20.version)
        const opened = yield* second.submit(request("Opened through the second process"))
        assert.strictEqual(opened.view.case.policyVersion, v20.version)
        // a seed that differs from the published document of its version is a defect of the host
        const changed = { ...v18, title: "Edited without a new version" }
        const defect = yield* contract.expectDie(SupportDesk.make(changed))
        assert.include(defect, "published with another document")
      }).pipe(Effect.provideService(Clock.Clock, time.clock))
    })
  })
}
