/**
 * Policy versions in the SLA engine (clause 7.1): a case is evaluated for its whole life under the version it was
 * opened under; when an administrator moves it (`policyChanged`), the clocks it still owes start again under the new
 * version at the move, keeping the business time used when the new rule keeps elapsed time on a change.
 *
 * The calendar is the preset's (Mon–Fri 09:00–18:00 at +08:00; a business day is 9 hours). Version "1.9" shortens
 * the first response to 1 business day, the resolution to 5, and the high-priority progress update to 4 hours.
 */
import { assert, describe, it } from "@effect/vitest"
import { Presets, Sla, type SupportPolicy } from "../src/index.ts"
import { caseRecord, HOUR, hk, local } from "./fixtures/slaCases.ts"

const v18 = Presets.globalSources

const v19: SupportPolicy.SupportPolicy = {
  ...v18,
  version: "1.9",
  sla: v18.sla.map((rule) =>
    rule.id === "first-response"
      ? { ...rule, target: { businessDays: 1 } }
      : rule.id === "resolution"
        ? { ...rule, target: { businessDays: 5 } }
        : rule.id === "progress-update"
          ? { ...rule, target: { businessHours: 4 } }
          : rule
  )
}

const versions = (version: string) => (version === "1.8" ? v18 : version === "1.9" ? v19 : undefined)

const evaluate = (record: Parameters<typeof Sla.evaluate>[1], now: string, policy = v19) =>
  Sla.evaluate(policy, record, hk(now), { versions })

const clocks = (evaluation: Sla.Evaluation, metric: Sla.Clock["metric"]) =>
  evaluation.clocks.filter((c) => c.metric === metric)

describe("Sla.evaluate with policy versions (clause 7.1)", () => {
  it("a case never moved is evaluated under the version given, with or without versions", () => {
    const record = caseRecord({ at: "2025-06-09T10:00" })
    const plain = Sla.evaluate(v18, record, hk("2025-06-10T10:00"))
    const withVersions = Sla.evaluate(v18, record, hk("2025-06-10T10:00"), { versions })
    assert.deepStrictEqual(JSON.parse(JSON.stringify(withVersions)), JSON.parse(JSON.stringify(plain)))
    assert.deepStrictEqual(plain.policy, { id: "global-sources", version: "1.8" })
  })

  it("a move restarts what the case still owes from the move; a rule that keeps elapsed time keeps it", () => {
    // opened Monday 10:00 under 1.8; moved to 1.9 Monday 14:00, 4 business hours in
    const record = caseRecord({ at: "2025-06-09T10:00" }, ["2025-06-09T14:00", "policyChanged"])
    const evaluation = evaluate(record, "2025-06-09T15:00")
    assert.deepStrictEqual(evaluation.policy, { id: "global-sources", version: "1.9" })

    const [oldFirst, newFirst] = clocks(evaluation, "firstResponse")
    // the 1.8 clock stops at the move, cancelled: it was on track (due Wednesday 10:00) and is not breached
    assert.deepStrictEqual([oldFirst.instance, oldFirst.state, oldFirst.outcome], [1, "cancelled", "cancelled"])
    assert.strictEqual(local(oldFirst.stoppedAt), "2025-06-09T14:00")
    assert.strictEqual(oldFirst.usedMs, 4 * HOUR)
    assert.strictEqual(oldFirst.trace.at(-1)?.reason, "policyChanged")
    assert.strictEqual(oldFirst.trace.at(-1)?.event, "policyChanged")
    // 1.9's first response (1 business day, keepElapsed) counts the 4 hours: 5 left, due Tuesday 10:00
    assert.deepStrictEqual([newFirst.instance, newFirst.state, newFirst.targetMs], [2, "running", 9 * HOUR])
    assert.strictEqual(local(newFirst.startedAt), "2025-06-09T14:00")
    assert.strictEqual(newFirst.carriedMs, 4 * HOUR)
    assert.strictEqual(newFirst.usedMs, 5 * HOUR)
    assert.strictEqual(local(newFirst.dueAt), "2025-06-10T10:00")
    assert.strictEqual(newFirst.trace[0].reason, "policyChangedKeepElapsed")
    assert.include(Sla.explain(v19, newFirst).join("\n"), "the case moved to another version of the policy")

    // the resolution: 5 business days (45 h) with 4 h used: 41 h from Monday 14:00 is next Monday 10:00
    const newResolution = clocks(evaluation, "resolution")[1]
    assert.strictEqual(newResolution.rule, "resolution")
    assert.strictEqual(local(newResolution.dueAt), "2025-06-16T10:00")
    assert.strictEqual(Sla.current(evaluation, "resolution"), newResolution)
  })

  it("a rule that restarts on a change gets its full target from the move", () => {
    // a high-priority case: its progress-update rule restarts on a change; 1.9 wants an update every 4 hours
    const record = caseRecord({ at: "2025-06-09T10:00", priority: "high", category: "technical-diagnosis" }, [
      "2025-06-09T16:00",
      "policyChanged"
    ])
    const updates = clocks(evaluate(record, "2025-06-09T17:00"), "progressUpdate")
    assert.deepStrictEqual(
      updates.map((c) => [c.state, c.targetMs, c.carriedMs]),
      [
        ["cancelled", 9 * HOUR, 0],
        ["running", 4 * HOUR, 0]
      ]
    )
    // 16:00 + 4 business hours = Tuesday 11:00
    assert.strictEqual(local(updates[1].dueAt), "2025-06-10T11:00")
    assert.strictEqual(updates[1].trace[0].reason, "policyChangedRestart")
  })

  it("what ended before the move stays as its version measured it; a breach stays a breach", () => {
    // replied Monday 11:00 (met under 1.8); the resolution clock breached under 1.8 before the move
    const record = caseRecord(
      { at: "2025-06-02T10:00" },
      ["2025-06-02T11:00", "replied"],
      ["2025-06-16T10:00", "policyChanged"]
    )
    const evaluation = evaluate(record, "2025-06-16T11:00")
    const first = clocks(evaluation, "firstResponse")
    // met once; the case owes no first response in this cycle, so 1.9 starts none
    assert.deepStrictEqual(
      first.map((c) => [c.state, c.outcome, local(c.metAt)]),
      [["met", "met", "2025-06-02T11:00"]]
    )
    const [oldResolution, newResolution] = clocks(evaluation, "resolution")
    // 1.8's 7 days from Monday 2 June 10:00: due Wednesday 11 June 10:00, breached, then stopped by the move
    assert.strictEqual(oldResolution.state, "breached")
    assert.strictEqual(local(oldResolution.breachedAt), "2025-06-11T10:00")
    assert.strictEqual(oldResolution.outcome, "cancelled")
    // 1.9's resolution keeps the time used (more than 5 days): breached from the move
    assert.strictEqual(newResolution.state, "breached")
    assert.strictEqual(local(newResolution.breachedAt), "2025-06-16T10:00")
  })

  it("before the move the record is evaluated under the old version alone", () => {
    const record = caseRecord({ at: "2025-06-09T10:00" }, ["2025-06-10T10:00", "policyChanged"])
    const before = evaluate(record, "2025-06-09T12:00")
    assert.deepStrictEqual(before.policy, { id: "global-sources", version: "1.8" })
    assert.deepStrictEqual(
      before.clocks.map((c) => [c.rule, c.targetMs, c.state]),
      [
        ["first-response", 18 * HOUR, "running"],
        ["resolution", 63 * HOUR, "running"]
      ]
    )
  })

  it("holds in force carry over: clocks that start at the move while the case awaits the requester are paused", () => {
    const record = caseRecord(
      { at: "2025-06-09T10:00" },
      ["2025-06-09T11:00", "informationRequested"],
      ["2025-06-09T12:00", "policyChanged"],
      ["2025-06-10T12:00", "requesterResponded"]
    )
    const atMove = evaluate(record, "2025-06-09T15:00")
    const resolution = Sla.current(atMove, "resolution")!
    assert.deepStrictEqual([resolution.state, local(resolution.pausedSince)], ["paused", "2025-06-09T12:00"])
    assert.deepStrictEqual(atMove.holds, ["awaitingRequester"])
    // resumed on the answer, with the hour used before the request carried: 45 h - 1 h from Tuesday 12:00
    const later = Sla.current(evaluate(record, "2025-06-10T13:00"), "resolution")!
    assert.strictEqual(later.state, "running")
    assert.strictEqual(later.usedMs, 2 * HOUR)
    assert.strictEqual(local(later.dueAt), "2025-06-17T11:00")
  })

  it("a record moved twice is evaluated under each version in turn; an unknown version keeps the one before", () => {
    const record = caseRecord(
      { at: "2025-06-09T10:00" },
      ["2025-06-09T11:00", "policyChanged", { from: "1.8", to: "1.9" }],
      ["2025-06-09T12:00", "policyChanged", { from: "1.9", to: "1.8" }],
      ["2025-06-09T13:00", "policyChanged", { from: "1.8", to: "2.0-unknown" }]
    )
    const evaluation = evaluate(record, "2025-06-09T14:00")
    assert.deepStrictEqual(evaluation.policy, { id: "global-sources", version: "1.8" })
    assert.deepStrictEqual(
      clocks(evaluation, "firstResponse").map((c) => [c.instance, c.targetMs, c.state]),
      [
        [1, 18 * HOUR, "cancelled"],
        [2, 9 * HOUR, "cancelled"],
        [3, 18 * HOUR, "cancelled"],
        [4, 18 * HOUR, "running"]
      ]
    )
    // keepElapsed all along: 4 business hours used by 14:00
    assert.strictEqual(Sla.current(evaluation, "firstResponse")!.usedMs, 4 * HOUR)
  })

  it("without versions, a policyChanged event is ignored", () => {
    const moved = caseRecord({ at: "2025-06-09T10:00" }, ["2025-06-09T14:00", "policyChanged"])
    const plain = caseRecord({ at: "2025-06-09T10:00" })
    const a = Sla.evaluate(v18, moved, hk("2025-06-09T15:00"))
    const b = Sla.evaluate(v18, plain, hk("2025-06-09T15:00"))
    assert.deepStrictEqual(
      a.clocks.map((c) => [c.rule, c.state, c.dueAt, c.usedMs]),
      b.clocks.map((c) => [c.rule, c.state, c.dueAt, c.usedMs])
    )
  })
})
