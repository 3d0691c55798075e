/**
 * Laws of the SLA engine, checked on random cases with the Global Sources preset and with a host policy on an
 * irregular calendar (London time with DST, a lunch break, a Saturday half day, a half-day exception), where
 * business days are not all alike.
 */
import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { Temporal } from "temporal-polyfill"
import { CaseEvent, Presets, Sla, SupportPolicy } from "../src/index.ts"

const HOUR = 3_600_000
const DAY = 24 * HOUR

const irregular: SupportPolicy.SupportPolicy = (() => {
  const json = JSON.parse(JSON.stringify(Presets.globalSources))
  const day = [
    ["09:00", "12:30"],
    ["13:30", "17:30"]
  ]
  json.id = "irregular-host"
  json.calendar = {
    clause: "2.1",
    spec: {
      timeZone: "Europe/London",
      week: { monday: day, tuesday: day, wednesday: day, thursday: day, friday: day, saturday: [["10:00", "13:00"]] },
      holidays: ["2025-04-18", "2025-04-21", "2025-05-05", "2025-12-25", "2025-12-26"],
      exceptions: [{ date: "2025-12-24", hours: [["09:00", "12:00"]] }]
    }
  }
  json.sla[1].target = { businessHours: 6 }
  return SupportPolicy.makeUnsafe(json)
})()

const policies = [
  { name: "Global Sources preset", policy: Presets.globalSources },
  { name: "irregular host calendar", policy: irregular }
]

const requester = { role: "requester", id: "r" } as const
const agent = { role: "agent", id: "a" } as const

/** A submission somewhere in 2025 (ms precision), with facts drawn from the preset. */
const intake = fc.record({
  at: fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2025, 11, 20) }),
  category: fc.constantFrom(...Presets.globalSources.categories.map((c) => c.id)),
  priority: fc.constantFrom("normal", "high"),
  channel: fc.constantFrom(...Presets.globalSources.channels.map((c) => c.id))
})

const submitted = (i: { at: number; category: string; priority: string; channel: string }): CaseEvent.CaseEvent => ({
  sequence: 1,
  at: i.at,
  actor: requester,
  type: "submitted",
  channel: i.channel,
  category: i.category,
  priority: i.priority,
  audience: "buyer",
  requester: { id: "r", flags: [] }
})

/** A hold that pauses the resolution clock of both policies, as its start and end events. */
const holdKinds = [
  [{ type: "informationRequested" }, { type: "requesterResponded" }],
  [{ type: "verificationStarted" }, { type: "verificationConcluded", outcome: "verified" }],
  [
    { type: "incidentLinked", incidentId: "INC-1" },
    { type: "incidentUnlinked", incidentId: "INC-1" }
  ]
] as const

const renumber = (events: ReadonlyArray<Record<string, unknown>>): CaseEvent.Record =>
  events.map((e, i) => ({ ...e, sequence: i + 1 })) as unknown as CaseEvent.Record

describe("Sla laws", () => {
  for (const { name, policy } of policies) {
    describe(name, () => {
      it("plan and evaluate agree at intake", () => {
        fc.assert(
          fc.property(intake, (i) => {
            const planned = Sla.plan(policy, {
              receivedAt: Temporal.Instant.fromEpochMilliseconds(i.at),
              priority: i.priority,
              category: i.category,
              channel: i.channel,
              audience: "buyer"
            })
            const evaluation = Sla.evaluate(policy, [submitted(i)], i.at)
            assert.deepStrictEqual(
              evaluation.clocks.map((c) => [c.metric, c.rule, c.clause, c.state, c.targetMs, c.dueAt, c.warningsAt]),
              planned.map((p) => [
                p.metric,
                p.rule,
                p.clause,
                "running",
                p.targetMs,
                p.due.epochMilliseconds,
                p.warnings.map((w) => w.epochMilliseconds)
              ])
            )
          }),
          { numRuns: 300 }
        )
      })

      it("a clock never becomes due earlier because of a pause", () => {
        fc.assert(
          fc.property(
            intake,
            fc.constantFrom(...holdKinds),
            fc.integer({ min: 0, max: 10 * DAY }),
            fc.integer({ min: 0, max: 10 * DAY }),
            fc.integer({ min: 0, max: 20 * DAY }),
            (i, [start, end], before, length, after) => {
              const pauseAt = i.at + before
              const resumeAt = pauseAt + length
              const now = resumeAt + after
              const plain = Sla.evaluate(policy, [submitted(i)], now)
              const paused = Sla.evaluate(
                policy,
                renumber([
                  submitted(i),
                  { ...start, at: pauseAt, actor: agent },
                  { ...end, at: resumeAt, actor: requester }
                ]),
                now
              )
              const resolution = (e: Sla.Evaluation) => e.clocks.find((c) => c.metric === "resolution")!
              const a = resolution(plain)
              const b = resolution(paused)
              assert.isAtLeast(b.dueAt, a.dueAt)
              assert.isAtMost(b.usedMs, a.usedMs)
              b.warningsAt.forEach((w, k) => {
                assert.isAtLeast(w, a.warningsAt[k])
              })
              // and if the paused clock is breached, so is the plain one, no later
              if (b.breachedAt !== undefined) {
                assert.isDefined(a.breachedAt)
                assert.isAtMost(a.breachedAt!, b.breachedAt)
              }
            }
          ),
          { numRuns: 300 }
        )
      })

      it("on random records: time used only grows, left = target - used, and the trace agrees", () => {
        const step = fc.record({
          gap: fc.integer({ min: 0, max: 3 * DAY }),
          event: fc.constantFrom<ReadonlyArray<Record<string, unknown>>>(
            [{ type: "replied" }],
            [{ type: "progressUpdated" }],
            [{ type: "informationRequested" }],
            [{ type: "requesterResponded" }],
            [{ type: "verificationStarted" }],
            [{ type: "verificationConcluded", outcome: "verified" }],
            [{ type: "incidentLinked", incidentId: "INC-1" }],
            [{ type: "incidentUnlinked", incidentId: "INC-1" }],
            [{ type: "priorityChanged", from: "normal", to: "high" }],
            [{ type: "priorityChanged", from: "high", to: "normal" }],
            [{ type: "categoryChanged", from: "consultation", to: "platform-bugs" }],
            [{ type: "noteAdded", body: "n" }],
            [{ type: "resolved" }],
            [{ type: "explained" }],
            [{ type: "reopened" }],
            [{ type: "refused", reason: "harassment" }],
            [{ type: "closed" }]
          )
        })
        fc.assert(
          fc.property(
            intake,
            fc.array(step, { maxLength: 20 }),
            fc.integer({ min: 0, max: 5 * DAY }),
            (i, steps, tail) => {
              let t = i.at
              const events: Array<Record<string, unknown>> = [submitted(i)]
              for (const s of steps) {
                t += s.gap
                for (const e of s.event) events.push({ ...e, at: t, actor: agent })
              }
              const record = renumber(events)
              assert.deepStrictEqual(CaseEvent.checkRecord(record), [])
              const instants = [t, t + tail, t + tail + 7 * DAY]
              const evaluations = instants.map((now) => Sla.evaluate(policy, record, now))
              for (const evaluation of evaluations) {
                for (const c of evaluation.clocks) {
                  assert.strictEqual(c.leftMs, Math.max(0, c.targetMs - c.usedMs))
                  if (c.state === "breached") assert.isAtMost(c.breachedAt!, evaluation.asOf)
                  // a clock not breached has used at most its target, unless it stands exactly at its due instant
                  else if (c.usedMs > c.targetMs) assert.strictEqual(c.dueAt, c.stoppedAt ?? evaluation.asOf)
                  // the trace (a replay of the record) ends where the clock is
                  const last = c.trace[c.trace.length - 1]
                  if (c.state === "running") {
                    const opening = [...c.trace]
                      .reverse()
                      .find((x) => x.step === "started" || x.step === "resumed" || x.step === "retargeted")!
                    if (c.breachedAt === undefined && opening.dueAt !== undefined)
                      assert.strictEqual(opening.dueAt, c.dueAt)
                  }
                  if (c.breachedAt !== undefined) {
                    assert.isTrue(c.trace.some((x) => x.step === "breached" && x.at === c.breachedAt))
                  }
                  if (c.outcome !== "open") assert.include(["met", "cancelled", "refused"], last.step)
                }
              }
              // evaluating later never takes business time back
              for (let k = 1; k < evaluations.length; k++) {
                evaluations[k - 1].clocks.forEach((c, n) => {
                  const later = evaluations[k].clocks[n]
                  assert.strictEqual(later.rule, c.rule)
                  assert.isAtLeast(later.usedMs, c.usedMs)
                })
              }
            }
          ),
          { numRuns: 300 }
        )
      })
    })
  }
})
