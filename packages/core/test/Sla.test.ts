/**
 * Scenario tests of the SLA engine with the Global Sources preset (calendar Mon–Fri 09:00–18:00 at +08:00 with Hong
 * Kong public holidays) and with host policies derived from it. Expected instants are worked out by hand in the
 * comments, in business hours of that calendar (a business day is 9 hours).
 */
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { Temporal } from "temporal-polyfill"
import { Presets, Sla, SupportPolicy } from "../src/index.ts"
import { caseRecord, HOUR, hk, local } from "./fixtures/slaCases.ts"

const preset = Presets.globalSources

const evaluate = (record: Parameters<typeof Sla.evaluate>[1], now: string, policy = preset) =>
  Sla.evaluate(policy, record, hk(now))

const clock = (evaluation: Sla.Evaluation, rule: string, instance = 1): Sla.Clock => {
  const found = evaluation.clocks.find((c) => c.rule === rule && c.instance === instance)
  assert.isDefined(found, `no clock ${rule} #${instance}`)
  return found!
}

const steps = (c: Sla.Clock) => c.trace.map((t) => `${t.step}${t.event === undefined ? "" : ` ${t.event}`}`)

/** The preset's JSON, to derive host policies from. */
const presetJson = (): any => JSON.parse(JSON.stringify(preset))

describe("Sla.plan", () => {
  const plan = (receivedAt: string, facts: Partial<Omit<Sla.Intake, "receivedAt">> = {}) =>
    Sla.plan(preset, {
      receivedAt: Temporal.Instant.from(`${receivedAt}+08:00`),
      priority: "normal",
      category: "consultation",
      channel: "email",
      ...facts
    })

  it("6.1 general inquiries are answered within 2 business days: received Friday 17:30, due Tuesday 17:30", () => {
    // Friday 2025-04-11 17:30: 0.5 h on Friday, 9 h on Monday, 8.5 h on Tuesday = 18 h = 2 business days
    const targets = plan("2025-04-11T17:30")
    const first = targets.find((t) => t.metric === "firstResponse")!
    assert.strictEqual(first.rule, "first-response")
    assert.strictEqual(first.clause, "6.1")
    assert.strictEqual(first.targetMs, 18 * HOUR)
    assert.strictEqual(local(first.due.epochMilliseconds), "2025-04-15T17:30")
    // the warning at 75 %: 13.5 h in, Tuesday 13:00
    assert.deepStrictEqual(
      first.warnings.map((w) => local(w.epochMilliseconds)),
      ["2025-04-15T13:00"]
    )
  })

  it("6.3 every case is resolved or explained within 7 business days, skipping Good Friday and Easter Monday", () => {
    // Fri 11th 0.5 h, Mon 14th–Thu 17th 36 h, (Fri 18th Good Friday, Mon 21st Easter Monday), Tue 22nd and
    // Wed 23rd 18 h, Thu 24th 8.5 h: 63 h = 7 business days
    const resolution = plan("2025-04-11T17:30").find((t) => t.metric === "resolution")!
    assert.strictEqual(resolution.clause, "6.3")
    assert.strictEqual(local(resolution.due.epochMilliseconds), "2025-04-24T17:30")
    assert.strictEqual(resolution.recurring, false)
  })

  it("a case received on the eve of a Hong Kong holiday is counted past the holiday", () => {
    // Thursday 2025-04-17 16:00, eve of Good Friday: Fri 18th, Sat, Sun and Easter Monday 21st are closed, so the
    // two business days are Tuesday 22nd and Wednesday 23rd
    const first = plan("2025-04-17T16:00").find((t) => t.metric === "firstResponse")!
    assert.strictEqual(local(first.due.epochMilliseconds), "2025-04-23T16:00")
    // eve of National Day (Wednesday 2025-10-01): Tuesday 17:00 is due Friday 17:00
    const national = plan("2025-09-30T17:00").find((t) => t.metric === "firstResponse")!
    assert.strictEqual(local(national.due.epochMilliseconds), "2025-10-03T17:00")
  })

  it("a case received out of hours is counted from the next opening", () => {
    // Saturday 10:00: counting starts Monday 09:00; 18 h later is Tuesday 18:00
    const first = plan("2025-04-12T10:00").find((t) => t.metric === "firstResponse")!
    assert.strictEqual(local(first.due.epochMilliseconds), "2025-04-15T18:00")
  })

  it("6.2 a high-priority case also gets a recurring progress-update target of 1 business day", () => {
    const targets = plan("2025-06-02T10:00", { priority: "high", category: "platform-bugs" })
    assert.deepStrictEqual(
      targets.map((t) => [t.metric, t.rule, t.clause, t.recurring, local(t.due.epochMilliseconds)]),
      [
        ["firstResponse", "first-response", "6.1", false, "2025-06-04T10:00"],
        ["progressUpdate", "progress-update", "6.2", true, "2025-06-03T10:00"],
        ["resolution", "resolution", "6.3", false, "2025-06-11T10:00"]
      ]
    )
  })
})

describe("Sla.PlannedTarget", () => {
  it("gives each instant as epoch milliseconds and as the same Temporal.Instant, created once", () => {
    const t = hk("2025-04-11T17:30")
    const plan = Sla.plan(preset, {
      receivedAt: Temporal.Instant.fromEpochMilliseconds(t),
      priority: "high",
      category: preset.categories[0].id,
      channel: "online-form",
      audience: preset.categories[0].audiences[0]
    })
    assert.isAbove(plan.length, 1)
    for (const target of plan) {
      assert.strictEqual(target.startsAtMs, t)
      assert.strictEqual(target.startsAt.epochMilliseconds, target.startsAtMs)
      assert.strictEqual(target.due.epochMilliseconds, target.dueAt)
      assert.deepStrictEqual(
        target.warnings.map((w) => w.epochMilliseconds),
        target.warningsAt
      )
      assert.strictEqual(target.due, target.due, "read twice, the same instant")
      // spread and serialised, a target keeps every field
      assert.strictEqual({ ...target }.due.epochMilliseconds, target.dueAt)
      assert.strictEqual(JSON.parse(JSON.stringify(target)).due, target.due.toJSON())
    }
  })
})

describe("Sla.planOf", () => {
  it("reads off the evaluation of a submission exactly the plan `Sla.plan` gives, for every case of the preset", () => {
    let compared = 0
    for (const at of ["2025-04-11T17:30", "2025-04-17T12:00", "2025-06-14T11:00", "2025-12-24T17:30"]) {
      const t = hk(at)
      for (const category of preset.categories) {
        for (const priority of preset.priorities) {
          for (const channel of preset.channels) {
            for (const flags of [[], ...preset.requesterFlags.map((f) => [f.id])]) {
              const facts = { priority: priority.id, category: category.id, channel: channel.id }
              const record: Parameters<typeof Sla.evaluate>[1] = [
                {
                  sequence: 1,
                  at: t,
                  actor: { role: "requester", id: "r" },
                  type: "submitted",
                  ...facts,
                  audience: category.audiences[0],
                  requester: { id: "r", flags }
                }
              ]
              const planned = Sla.plan(preset, {
                ...facts,
                receivedAt: Temporal.Instant.fromEpochMilliseconds(t),
                audience: category.audiences[0],
                requesterFlags: flags
              })
              const read = Sla.planOf(Sla.evaluate(preset, record, t))
              const plain = (p: ReadonlyArray<Sla.PlannedTarget>) =>
                p.map((x) => ({
                  ...x,
                  startsAt: x.startsAt.epochMilliseconds,
                  due: x.due.epochMilliseconds,
                  warnings: x.warnings.map((w) => w.epochMilliseconds)
                }))
              assert.deepStrictEqual(plain(read), plain(planned), `${at} ${JSON.stringify(facts)} ${flags}`)
              compared++
            }
          }
        }
      }
    }
    assert.isAbove(compared, 100)
  })
})

describe("Sla.evaluate", () => {
  it("6.1 a reply within 2 business days meets the first-response clock", () => {
    const record = caseRecord({ at: "2025-04-11T17:30" }, ["2025-04-14T11:00", "replied"])
    const evaluation = evaluate(record, "2025-04-14T12:00")
    const first = clock(evaluation, "first-response")
    assert.strictEqual(first.state, "met")
    assert.strictEqual(local(first.metAt), "2025-04-14T11:00")
    assert.strictEqual(first.usedMs, 2.5 * HOUR)
    assert.strictEqual(first.leftMs, 15.5 * HOUR)
    assert.strictEqual(local(first.dueAt), "2025-04-15T17:30")
    assert.deepStrictEqual(steps(first), ["started submitted", "met replied"])
    // the resolution clock keeps running
    assert.strictEqual(clock(evaluation, "resolution").state, "running")
    assert.strictEqual(evaluation.status, "open")
  })

  it("6.1 no reply by the due instant breaches the clock; a late reply records when it was met", () => {
    const record = caseRecord({ at: "2025-04-11T17:30" }, ["2025-04-16T10:00", "replied"])
    const before = clock(evaluate(record, "2025-04-15T17:30"), "first-response")
    assert.strictEqual(before.state, "running")
    assert.strictEqual(before.leftMs, 0)
    const breached = clock(evaluate(record, "2025-04-15T17:31"), "first-response")
    assert.strictEqual(breached.state, "breached")
    assert.strictEqual(breached.outcome, "open")
    assert.strictEqual(local(breached.breachedAt), "2025-04-15T17:30")
    const late = clock(evaluate(record, "2025-04-16T12:00"), "first-response")
    assert.strictEqual(late.state, "breached")
    assert.strictEqual(late.outcome, "met")
    assert.strictEqual(local(late.metAt), "2025-04-16T10:00")
    assert.deepStrictEqual(steps(late), ["started submitted", "breached", "met replied"])
  })

  it("6.2 a high-priority case gets rolling progress updates, every business day until resolved", () => {
    // received Monday 2025-06-02 10:00 (no holidays that fortnight)
    const record = caseRecord(
      { at: "2025-06-02T10:00", category: "platform-bugs", priority: "high" },
      ["2025-06-03T09:30", "progressUpdated"], // period 1 met (due Tue 10:00)
      ["2025-06-05T12:00", "progressUpdated"], // period 2 was due Wed 09:30: breached, met late
      ["2025-06-06T11:00", "resolved"] // period 3 (due Fri 12:00) met by the resolution notice
    )
    const evaluation = evaluate(record, "2025-06-06T12:00")
    const periods = evaluation.clocks.filter((c) => c.metric === "progressUpdate")
    assert.deepStrictEqual(
      periods.map((p) => [p.instance, local(p.startedAt), local(p.dueAt), p.state, p.outcome]),
      [
        [1, "2025-06-02T10:00", "2025-06-03T10:00", "met", "met"],
        [2, "2025-06-03T09:30", "2025-06-04T09:30", "breached", "met"],
        [3, "2025-06-05T12:00", "2025-06-06T12:00", "met", "met"]
      ]
    )
    assert.strictEqual(local(periods[1].breachedAt), "2025-06-04T09:30")
    // no period after the resolution
    assert.strictEqual(Sla.current(evaluation, "progressUpdate")!.instance, 3)
    assert.strictEqual(evaluation.status, "resolved")
  })

  it("6.2 while a high-priority case is open, the current period is running and due 1 business day after the last update", () => {
    const record = caseRecord({ at: "2025-06-02T10:00", category: "platform-bugs", priority: "high" }, [
      "2025-06-02T16:00",
      "replied"
    ])
    const evaluation = evaluate(record, "2025-06-03T09:00")
    const current = Sla.current(evaluation, "progressUpdate")!
    assert.strictEqual(current.instance, 2)
    assert.strictEqual(current.state, "running")
    assert.strictEqual(local(current.dueAt), "2025-06-03T16:00")
    assert.deepStrictEqual(current.warningsAt.map(local), ["2025-06-03T13:45"])
    // the next thing that changes without a new event: this warning
    assert.strictEqual(local(evaluation.nextChangeAt), "2025-06-03T13:45")
  })

  it("6.3 an explanation meets the resolution target as a resolution does", () => {
    const record = caseRecord({ at: "2025-06-02T09:00" }, ["2025-06-03T09:00", "explained"])
    const evaluation = evaluate(record, "2025-06-03T10:00")
    assert.strictEqual(clock(evaluation, "resolution").state, "met")
    // the explanation is also the first response
    assert.strictEqual(clock(evaluation, "first-response").state, "met")
    assert.strictEqual(evaluation.status, "explained")
  })

  it("6.3 the resolution clock pauses while the case awaits the requester, and the deadline moves by the pause", () => {
    // submitted Monday 2025-06-02 09:00; without a pause due 63 h later, Tuesday 2025-06-10 18:00
    const record = caseRecord(
      { at: "2025-06-02T09:00" },
      ["2025-06-02T11:00", "informationRequested"],
      ["2025-06-04T14:00", "requesterResponded"]
    )
    const paused = clock(evaluate(record, "2025-06-03T12:00"), "resolution")
    assert.strictEqual(paused.state, "paused")
    assert.strictEqual(local(paused.pausedSince), "2025-06-02T11:00")
    assert.strictEqual(paused.usedMs, 2 * HOUR)
    // the request for information is the first response
    assert.strictEqual(clock(evaluate(record, "2025-06-03T12:00"), "first-response").state, "met")

    const resumed = clock(evaluate(record, "2025-06-04T15:00"), "resolution")
    assert.strictEqual(resumed.state, "running")
    assert.strictEqual(resumed.usedMs, 3 * HOUR)
    // paused Mon 11:00 – Wed 14:00 = 7 + 9 + 5 = 21 business hours: the deadline moves from Tue 10th 18:00 to
    // Fri 13th 12:00
    assert.strictEqual(local(resumed.dueAt), "2025-06-13T12:00")
    assert.deepStrictEqual(steps(resumed), [
      "started submitted",
      "paused informationRequested",
      "resumed requesterResponded"
    ])
    assert.strictEqual(resumed.trace[1].hold, "awaitingRequester")
    assert.strictEqual(local(resumed.trace[2].dueAt), "2025-06-13T12:00")
  })

  it("7.2 a verification hold pauses the resolution clock but not the first response", () => {
    const record = caseRecord(
      { at: "2025-06-02T09:00", category: "misconduct-fraud-report", priority: "high" },
      ["2025-06-02T10:00", "verificationStarted"],
      ["2025-06-03T10:00", "verificationConcluded", { outcome: "verified" }]
    )
    const during = evaluate(record, "2025-06-02T17:00")
    assert.deepStrictEqual(during.holds, ["verificationHold"])
    assert.strictEqual(clock(during, "resolution").state, "paused")
    assert.strictEqual(clock(during, "first-response").state, "running")
    assert.strictEqual(clock(during, "progress-update").state, "running")
    const after = clock(evaluate(record, "2025-06-03T11:00"), "resolution")
    assert.strictEqual(after.state, "running")
    assert.strictEqual(after.usedMs, 2 * HOUR)
  })

  it("6.5 a link to an open system-wide incident pauses the resolution clock until every linked incident ends", () => {
    const record = caseRecord(
      { at: "2025-06-02T09:00", category: "technical-diagnosis" },
      ["2025-06-02T10:00", "incidentLinked", { incidentId: "INC-1" }],
      ["2025-06-02T11:00", "incidentLinked", { incidentId: "INC-2" }],
      ["2025-06-02T12:00", "incidentUnlinked", { incidentId: "INC-1", reason: "incidentResolved" }],
      ["2025-06-02T15:00", "incidentUnlinked", { incidentId: "INC-2", reason: "incidentResolved" }]
    )
    const midway = evaluate(record, "2025-06-02T13:00")
    assert.deepStrictEqual(midway.holds, ["incidentLinked"])
    assert.strictEqual(clock(midway, "resolution").state, "paused")
    const after = clock(evaluate(record, "2025-06-02T16:00"), "resolution")
    assert.strictEqual(after.state, "running")
    // 1 h before the first link, 1 h after the last unlink
    assert.strictEqual(after.usedMs, 2 * HOUR)
    assert.deepStrictEqual(steps(after), ["started submitted", "paused incidentLinked", "resumed incidentUnlinked"])
  })

  it("7.3 a refusal stops every clock as refused, never as met", () => {
    const record = caseRecord({ at: "2025-06-02T09:00", category: "platform-bugs", priority: "high" }, [
      "2025-06-02T10:00",
      "refused",
      { reason: "harassment" }
    ])
    const evaluation = evaluate(record, "2025-06-20T10:00")
    assert.strictEqual(evaluation.status, "refused")
    assert.deepStrictEqual(
      evaluation.clocks.map((c) => [c.rule, c.state, c.outcome, c.metAt, local(c.stoppedAt)]),
      [
        ["first-response", "refused", "refused", undefined, "2025-06-02T10:00"],
        ["progress-update", "refused", "refused", undefined, "2025-06-02T10:00"],
        ["resolution", "refused", "refused", undefined, "2025-06-02T10:00"]
      ]
    )
    assert.isUndefined(evaluation.nextChangeAt)
  })

  it("a reopen restarts the first response and keeps the resolution time already used", () => {
    const record = caseRecord(
      { at: "2025-06-02T09:00" },
      ["2025-06-02T10:00", "replied"],
      ["2025-06-04T12:00", "resolved"], // 9 + 9 + 3 = 21 h used
      ["2025-06-06T09:00", "reopened"]
    )
    const evaluation = evaluate(record, "2025-06-06T12:00")
    assert.strictEqual(evaluation.cycle, 2)
    assert.strictEqual(evaluation.status, "open")
    const [firstBefore, resolutionBefore] = [clock(evaluation, "first-response", 1), clock(evaluation, "resolution", 1)]
    assert.strictEqual(firstBefore.state, "met")
    assert.strictEqual(resolutionBefore.state, "met")
    assert.strictEqual(resolutionBefore.usedMs, 21 * HOUR)

    // first response: restart, 18 h from Friday 09:00 is Monday 18:00
    const first = clock(evaluation, "first-response", 2)
    assert.strictEqual(first.cycle, 2)
    assert.strictEqual(local(first.dueAt), "2025-06-09T18:00")
    assert.strictEqual(first.trace[0].reason, "reopenedRestart")

    // resolution: keeps 21 h, 42 h left from Friday 09:00 is Thursday 12th 15:00
    const resolution = clock(evaluation, "resolution", 2)
    assert.strictEqual(resolution.carriedMs, 21 * HOUR)
    assert.strictEqual(resolution.usedMs, 24 * HOUR)
    assert.strictEqual(local(resolution.dueAt), "2025-06-12T15:00")
    assert.strictEqual(resolution.trace[0].reason, "reopenedKeepElapsed")
  })

  it("withdrawn, merged and unresolved closed cases cancel the running clocks", () => {
    for (const type of ["withdrawn", "merged", "closed"] as const) {
      const record = caseRecord({ at: "2025-06-02T09:00" }, ["2025-06-02T10:00", type])
      const evaluation = evaluate(record, "2025-06-03T10:00")
      assert.deepStrictEqual(
        evaluation.clocks.map((c) => c.state),
        ["cancelled", "cancelled"],
        type
      )
      assert.strictEqual(evaluation.status, type)
    }
  })

  it("evaluating as of an earlier instant ignores the later events", () => {
    const record = caseRecord({ at: "2025-06-02T09:00" }, ["2025-06-03T09:00", "resolved"])
    const earlier = evaluate(record, "2025-06-02T17:00")
    assert.strictEqual(earlier.status, "open")
    assert.strictEqual(clock(earlier, "resolution").usedMs, 8 * HOUR)
    assert.strictEqual(evaluate(record, "2025-06-03T09:00").status, "resolved")
    // before the submission there is nothing to measure
    const none = evaluate(record, "2025-06-01T09:00")
    assert.strictEqual(none.status, "notSubmitted")
    assert.deepStrictEqual(none.clocks, [])
  })

  it("accepts `now` as a Temporal.Instant or as epoch milliseconds", () => {
    const record = caseRecord({ at: "2025-06-02T09:00" })
    const a = Sla.evaluate(preset, record, Temporal.Instant.from("2025-06-02T12:00+08:00"))
    const b = Sla.evaluate(preset, record, hk("2025-06-02T12:00"))
    assert.deepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)))
  })

  it("the evaluation encodes to JSON that the Sla.Evaluation schema decodes", () => {
    const record = caseRecord(
      { at: "2025-06-02T09:00", category: "platform-bugs", priority: "high" },
      ["2025-06-02T11:00", "informationRequested"],
      ["2025-06-03T11:00", "requesterResponded"],
      ["2025-06-04T11:00", "progressUpdated"]
    )
    const evaluation = evaluate(record, "2025-06-05T11:00")
    const json = JSON.parse(JSON.stringify(evaluation))
    const decoded = Schema.decodeUnknownSync(Sla.Evaluation)(json)
    assert.strictEqual(decoded.clocks.length, evaluation.clocks.length)
    assert.deepStrictEqual(decoded.clocks[0].trace, JSON.parse(JSON.stringify(evaluation.clocks[0].trace)))
    const optional = new Set(["breachedAt", "metAt", "stoppedAt", "pausedSince"])
    for (const c of json.clocks) {
      assert.includeMembers(
        Object.keys(c),
        Object.keys(Sla.Clock.fields).filter((k) => !optional.has(k))
      )
    }
  })

  it("explain tells why the deadline is what it is", () => {
    const record = caseRecord(
      { at: "2025-06-02T09:00" },
      ["2025-06-02T11:00", "informationRequested"],
      ["2025-06-04T14:00", "requesterResponded"]
    )
    const lines = Sla.explain(preset, clock(evaluate(record, "2025-06-04T15:00"), "resolution"))
    assert.deepStrictEqual(lines, [
      "Mon 2 Jun 2025, 09:00 (UTC+08:00) on #1 submitted: started rule resolution (clause 6.3), target 7 business days; due Tue 10 Jun 2025, 18:00 (UTC+08:00)",
      "Mon 2 Jun 2025, 11:00 (UTC+08:00) on #2 informationRequested: paused while awaitingRequester; 2h business time used",
      "Wed 4 Jun 2025, 14:00 (UTC+08:00) on #3 requesterResponded: resumed after awaitingRequester; 2h business time used; due Fri 13 Jun 2025, 12:00 (UTC+08:00)"
    ])
  })
})

describe("Sla.evaluate: priority and category changes", () => {
  /**
   * A host policy: high priority gets a first response within 4 business hours, others within 2 business days,
   * with the given choice for what a priority change does.
   */
  const hostPolicy = (onPriorityChange: SupportPolicy.Recalculation) => {
    const json = presetJson()
    json.sla.unshift({
      ...json.sla[0],
      id: "first-response-high",
      appliesTo: { priorities: ["high"] },
      target: { businessHours: 4 },
      onPriorityChange
    })
    return SupportPolicy.makeUnsafe(json)
  }

  it("keepElapsed: the business time already used counts against the new target", () => {
    // normal case Monday 09:00; raised to high at 10:00 (1 h used): 4 h from 09:00 is 13:00
    const record = caseRecord({ at: "2025-06-02T09:00" }, ["2025-06-02T10:00", "priorityChanged"])
    const evaluation = evaluate(record, "2025-06-02T11:00", hostPolicy("keepElapsed"))
    const first = evaluation.clocks.filter((c) => c.metric === "firstResponse")
    assert.strictEqual(first.length, 1)
    assert.strictEqual(first[0].rule, "first-response-high")
    assert.strictEqual(first[0].targetMs, 4 * HOUR)
    assert.strictEqual(first[0].usedMs, 2 * HOUR)
    assert.strictEqual(local(first[0].dueAt), "2025-06-02T13:00")
    assert.deepStrictEqual(steps(first[0]), ["started submitted", "retargeted priorityChanged"])
    assert.strictEqual(first[0].trace[1].rule, "first-response")
    // the progress-update rule (restart) starts at the change
    const progress = Sla.current(evaluation, "progressUpdate")!
    assert.strictEqual(local(progress.startedAt), "2025-06-02T10:00")
    assert.strictEqual(local(progress.dueAt), "2025-06-03T10:00")
  })

  it("keepElapsed: when the time used already exceeds the new target, the clock is breached from the change", () => {
    // raised at 15:00 with 6 h used, more than the new 4 h
    const record = caseRecord({ at: "2025-06-02T09:00" }, ["2025-06-02T15:00", "priorityChanged"])
    const first = Sla.current(evaluate(record, "2025-06-02T15:30", hostPolicy("keepElapsed")), "firstResponse")!
    assert.strictEqual(first.state, "breached")
    assert.strictEqual(local(first.breachedAt), "2025-06-02T15:00")
    assert.strictEqual(first.leftMs, 0)
  })

  it("restart: the old clock is cancelled and a new one starts at the change with the full new target", () => {
    const record = caseRecord({ at: "2025-06-02T09:00" }, ["2025-06-02T10:00", "priorityChanged"])
    const evaluation = evaluate(record, "2025-06-02T11:00", hostPolicy("restart"))
    const [old, fresh] = evaluation.clocks.filter((c) => c.metric === "firstResponse")
    assert.strictEqual(old.rule, "first-response")
    assert.strictEqual(old.state, "cancelled")
    assert.strictEqual(old.trace[1].reason, "superseded")
    assert.strictEqual(fresh.rule, "first-response-high")
    assert.strictEqual(fresh.instance, 2)
    assert.strictEqual(local(fresh.startedAt), "2025-06-02T10:00")
    assert.strictEqual(local(fresh.dueAt), "2025-06-02T14:00")
  })

  it("6.2 lowering a high-priority case to normal cancels its progress-update clock", () => {
    const record = caseRecord({ at: "2025-06-02T09:00", category: "platform-bugs", priority: "high" }, [
      "2025-06-02T10:00",
      "priorityChanged",
      { from: "high", to: "normal" }
    ])
    const evaluation = evaluate(record, "2025-06-03T10:00")
    const progress = clock(evaluation, "progress-update")
    assert.strictEqual(progress.state, "cancelled")
    assert.strictEqual(progress.trace[1].reason, "noLongerApplies")
    assert.strictEqual(evaluation.priority, "normal")
  })

  it("a category change moves the case to the rule of its new category", () => {
    const json = presetJson()
    json.sla.push({
      ...json.sla[2],
      id: "resolution-technical",
      appliesTo: { categories: ["platform-bugs"] },
      target: { businessDays: 3 },
      onPriorityChange: "keepElapsed"
    })
    // the new rule comes after the catch-all: put it first so it applies
    json.sla.unshift(json.sla.pop())
    const policy = SupportPolicy.makeUnsafe(json)
    const record = caseRecord({ at: "2025-06-02T09:00" }, ["2025-06-02T12:00", "categoryChanged"])
    const resolution = Sla.current(evaluate(record, "2025-06-02T13:00", policy), "resolution")!
    assert.strictEqual(resolution.rule, "resolution-technical")
    // 27 h from Monday 09:00: Wednesday 18:00
    assert.strictEqual(local(resolution.dueAt), "2025-06-04T18:00")
  })
})
