/**
 * SLA alerts on the Global Sources preset, with `TestClock`: the worker (`SupportWorker.layer`, polling every second)
 * appends each warning, breach and escalation of the preset's levels once, within a second of its instant, to the
 * people the level names; pauses, resolutions, priority changes and reopenings move or cancel them; alerts are staff
 * only and inert for the clocks.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import * as Actor from "../src/Actor.ts"
import type * as CaseEvent from "../src/CaseEvent.ts"
import * as CaseStore from "../src/CaseStore.ts"
import type * as Directory from "../src/Directory.ts"
import * as Randomness from "../src/Randomness.ts"
import * as Sla from "../src/Sla.ts"
import * as SupportDesk from "../src/SupportDesk.ts"
import * as SupportWorker from "../src/SupportWorker.ts"
import { agent, buyer, hk, local, messages, policy, setNow, stored, submit } from "./SupportDesk.helpers.ts"

const staff: Directory.Organisation & { readonly people: ReadonlyArray<Directory.Person> } = {
  people: [
    { id: "agent-ann", role: "agent", email: "ann@desk.example", name: "Ann" },
    { id: "lead-lin", role: "agent", email: "lin@desk.example", name: "Lin" },
    { id: "lead-tom", role: "agent", email: "tom@desk.example", name: "Tom" },
    { id: "mgr-mo", role: "administrator", email: "mo@desk.example", name: "Mo" }
  ],
  queueLeads: { "*": "lead-lin", technical: "lead-tom" },
  roles: { supportManager: ["mgr-mo"] }
}

const deskLayer = SupportDesk.layerMemory(policy, { randomness: Randomness.layerSeeded(11), staff })

/**
 * Runs the worker (the watcher only; the sweeps are tested elsewhere) from `from` (local time) for `seconds` seconds,
 * polling every second. Between runs no worker runs, as when every process is down: the test clock then jumps days
 * at once instead of waking a poller every second of them.
 */
const runFrom = (from: string, seconds: number) =>
  Effect.gen(function* () {
    yield* setNow(from)
    const worker = yield* Effect.forkChild(Layer.launch(SupportWorker.layer({ closeIdle: false, retention: false })))
    for (let i = 0; i < seconds; i++) yield* TestClock.adjust("1 second")
    yield* Fiber.interrupt(worker)
  })

const alertsOf = (trackingNumber: string) =>
  Effect.map(stored(trackingNumber), (s) =>
    s.events.filter(
      (e): e is CaseEvent.SlaAlert => e.type === "slaWarning" || e.type === "slaBreached" || e.type === "slaEscalated"
    )
  )

/** `type metric#instance level dueAt(local)` per alert, for compact assertions. */
const summary = (alerts: ReadonlyArray<CaseEvent.SlaAlert>) =>
  alerts.map((a) => `${a.type} ${a.metric}#${a.instance} ${a.level} ${local(a.dueAt)}`)

/** Each alert was appended within a second after the instant it fell due. */
const assertOnTime = (alerts: ReadonlyArray<CaseEvent.SlaAlert>) => {
  for (const a of alerts) {
    const lag = a.at - a.dueAt
    assert.isTrue(lag >= 0 && lag <= 1_000, `${a.type} ${a.level} fired ${lag} ms after it fell due`)
  }
}

describe("SLA alerts", () => {
  it.effect("fires each level of the preset once, within a second, to the people it names", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00") // a Monday
      const desk = yield* SupportDesk.SupportDesk
      const tn = yield* submit(buyer) // first response due Wed 10:00 (2 business days)
      yield* desk.assign(agent, tn, { to: { role: "agent", id: "agent-ann" } })

      // 75 % of 18 business hours is 13.5 h: Tuesday 14:30
      yield* runFrom("2025-06-10T14:29:57", 2)
      assert.deepStrictEqual(yield* alertsOf(tn), [])
      yield* runFrom("2025-06-10T14:29:59", 2)
      const warned = yield* alertsOf(tn)
      assert.deepStrictEqual(summary(warned), ["slaWarning firstResponse#1 warning 2025-06-10T14:30"])
      assert.deepStrictEqual(warned[0].to, [{ role: "agent", id: "agent-ann" }])
      assert.deepStrictEqual(warned[0].actor, Actor.system)
      yield* runFrom("2025-06-10T15:00", 5) // nothing more until the deadline
      assert.strictEqual((yield* alertsOf(tn)).length, 1)

      // the deadline, Wednesday 10:00: breached, to the assignee and the lead of the general pool
      yield* runFrom("2025-06-11T09:59:58", 4)
      // one business day later, Thursday 10:00: the support manager
      yield* runFrom("2025-06-12T09:59:58", 4)
      const alerts = yield* alertsOf(tn)
      assert.deepStrictEqual(summary(alerts), [
        "slaWarning firstResponse#1 warning 2025-06-10T14:30",
        "slaBreached firstResponse#1 breached 2025-06-11T10:00",
        "slaEscalated firstResponse#1 support-manager 2025-06-12T10:00"
      ])
      assertOnTime(alerts)
      assert.deepStrictEqual(alerts[1].to, [
        { role: "agent", id: "agent-ann" },
        { role: "agent", id: "lead-lin" }
      ])
      assert.deepStrictEqual(alerts[2].to, [{ role: "administrator", id: "mgr-mo" }])

      // one notification per person, with the directory's address, in the same unit of work as its event
      const sent = (yield* messages((yield* stored(tn)).case.id)).filter((m) => m.kind.startsWith("sla"))
      assert.deepStrictEqual(
        sent.map((m) => [m.kind, m.recipient.email, m.sequence]),
        [
          ["slaWarning", "ann@desk.example", alerts[0].sequence],
          ["slaBreached", "ann@desk.example", alerts[1].sequence],
          ["slaBreached", "lin@desk.example", alerts[1].sequence],
          ["slaEscalated", "mo@desk.example", alerts[2].sequence]
        ]
      )
      assert.match(sent[1].subject, /SLA breached: first response was due Wed 11 Jun 2025, 10:00/)

      // the resolution clock's own levels come later, each once: nothing repeats
      yield* runFrom("2025-06-16T12:14:58", 4)
      assert.deepStrictEqual(summary((yield* alertsOf(tn)).slice(3)), [
        "slaWarning resolution#1 warning 2025-06-16T12:15"
      ])
    }).pipe(Effect.provide(deskLayer))
  )

  it.effect("alerts are staff only and change no clock", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* SupportDesk.SupportDesk
      const tn = yield* submit(buyer)
      yield* setNow("2025-06-11T10:00:01")
      const round = yield* desk.fireAlerts()
      assert.deepStrictEqual(
        round.fired.map((a) => a.type),
        ["slaWarning", "slaBreached"]
      )
      const requesterView = yield* desk.getCase(buyer, tn)
      assert.isFalse(requesterView.events.some((e) => e.type.startsWith("sla")))
      const agentView = yield* desk.getCase(agent, tn)
      assert.strictEqual(agentView.events.filter((e) => e.type.startsWith("sla")).length, 2)
      // the clocks of the record with its alerts are those of the record without them
      const record = (yield* stored(tn)).events
      const t = hk("2025-06-20T10:00")
      assert.deepStrictEqual(
        JSON.parse(JSON.stringify(Sla.evaluate(policy, record, t))),
        JSON.parse(
          JSON.stringify(
            Sla.evaluate(
              policy,
              record.filter((e) => !e.type.startsWith("sla")),
              t
            )
          )
        )
      )
    }).pipe(Effect.provide(deskLayer))
  )

  it.effect("a pause moves a warning past its old instant: no early alert", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* SupportDesk.SupportDesk
      // content verification pauses the resolution clock (7.2); its 75 % warning was due Monday 16 June 12:15
      const tn = yield* submit(buyer, { category: "account-access" })
      yield* desk.reply(agent, tn, { body: "We are looking into it." })
      yield* setNow("2025-06-13T10:00") // Friday
      yield* desk.holdForVerification(agent, tn, { reason: "ID documents" })
      yield* setNow("2025-06-16T10:00") // Monday: 9 business hours later
      yield* desk.concludeVerification(agent, tn, { outcome: "verified" })
      yield* runFrom("2025-06-16T12:14:58", 5)
      assert.deepStrictEqual(summary(yield* alertsOf(tn)), [])
      // the warning moved by the 9 business hours of the hold: Tuesday 17 June 12:15
      yield* runFrom("2025-06-17T12:14:58", 4)
      const alerts = yield* alertsOf(tn)
      assert.deepStrictEqual(summary(alerts), ["slaWarning resolution#1 warning 2025-06-17T12:15"])
      assertOnTime(alerts)
    }).pipe(Effect.provide(deskLayer))
  )

  it.effect("a case resolved before its warnings alerts no one, and leaves the watcher's index", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* SupportDesk.SupportDesk
      const tn = yield* submit(buyer)
      yield* setNow("2025-06-09T12:00")
      yield* desk.reply(agent, tn, { body: "Here is how." })
      yield* setNow("2025-06-10T10:00")
      yield* desk.resolve(agent, tn, { body: "Done." })
      for (const instant of ["2025-06-10T14:30", "2025-06-11T10:00", "2025-06-12T10:00", "2025-06-18T10:00"]) {
        yield* runFrom(instant, 3)
      }
      assert.deepStrictEqual(yield* alertsOf(tn), [])
      const store = yield* CaseStore.CaseStore
      const claims = yield* store.claimAlerts({ limit: 10, now: hk("2030-01-01T00:00"), leaseMillis: 1_000 })
      assert.deepStrictEqual(claims, [])
    }).pipe(Effect.provide(deskLayer))
  )

  it.effect("a priority change starts the progress-update levels from the change", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* SupportDesk.SupportDesk
      const tn = yield* submit(buyer)
      yield* setNow("2025-06-09T11:00")
      yield* desk.changePriority(agent, tn, { priority: "high" })
      // 1 business day (9 h) from Monday 11:00: 75 % (6.75 h) is 17:45, the deadline Tuesday 11:00
      yield* runFrom("2025-06-09T17:44:58", 4)
      yield* runFrom("2025-06-10T10:59:58", 4)
      const alerts = yield* alertsOf(tn)
      assert.deepStrictEqual(summary(alerts), [
        "slaWarning progressUpdate#1 warning 2025-06-09T17:45",
        "slaBreached progressUpdate#1 breached 2025-06-10T11:00"
      ])
      assertOnTime(alerts)
    }).pipe(Effect.provide(deskLayer))
  )

  it.effect("a reopened case gets its new first-response clock's levels", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* SupportDesk.SupportDesk
      const tn = yield* submit(buyer)
      yield* setNow("2025-06-09T11:00")
      yield* desk.reply(agent, tn, { body: "Try this." })
      yield* setNow("2025-06-09T12:00")
      yield* desk.resolve(agent, tn, { body: "Resolved." })
      yield* setNow("2025-06-10T10:00")
      yield* desk.reopen(buyer, tn, { reason: "It did not work" })
      // a new clock of 2 business days from Tuesday 10:00: 75 % on Wednesday 14:30
      yield* runFrom("2025-06-11T14:29:58", 4)
      const alerts = yield* alertsOf(tn)
      assert.deepStrictEqual(summary(alerts), ["slaWarning firstResponse#2 warning 2025-06-11T14:30"])
      assertOnTime(alerts)
    }).pipe(Effect.provide(deskLayer))
  )

  it.effect("a level to notify in service hours only waits for the next opening when it would fire at night", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* SupportDesk.SupportDesk
      const tn = yield* submit(buyer)
      // no worker ran for days: at Thursday 20:00 the warning and the breach fire late, the manager waits
      yield* setNow("2025-06-12T20:00")
      const late = yield* desk.fireAlerts()
      assert.deepStrictEqual(
        late.fired.map((a) => [a.type, local(a.dueAt), local(a.firedAt)]),
        [
          ["slaWarning", "2025-06-10T14:30", "2025-06-12T20:00"],
          ["slaBreached", "2025-06-11T10:00", "2025-06-12T20:00"]
        ]
      )
      yield* setNow("2025-06-13T08:59:59")
      assert.deepStrictEqual((yield* desk.fireAlerts()).claimed, 0)
      yield* setNow("2025-06-13T09:00")
      const morning = yield* desk.fireAlerts()
      assert.deepStrictEqual(
        morning.fired.map((a) => [a.type, a.level, local(a.dueAt), local(a.firedAt)]),
        [["slaEscalated", "support-manager", "2025-06-12T10:00", "2025-06-13T09:00"]]
      )
      assert.deepStrictEqual(summary(yield* alertsOf(tn)).length, 3)
    }).pipe(Effect.provide(deskLayer))
  )

  it.effect("lists the alerts for a staff member and their queues, newest first; refuses requesters", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* SupportDesk.SupportDesk
      const general = yield* submit(buyer)
      const technical = yield* submit(buyer, { category: "technical-diagnosis" }) // the technical queue
      yield* setNow("2025-06-11T10:00:01")
      yield* desk.fireAlerts()
      const everyQueue = yield* desk.alerts(agent)
      assert.sameDeepMembers(
        everyQueue.map((a) => [a.trackingNumber, a.type]),
        [
          [technical, "slaBreached"],
          [technical, "slaWarning"],
          [general, "slaBreached"],
          [general, "slaWarning"]
        ]
      )
      // newest first, then by case and sequence, all descending
      assert.deepStrictEqual(everyQueue, [...everyQueue].sort(CaseStore.compareAlerts))
      assert.deepStrictEqual(
        everyQueue.map((a) => a.type),
        ["slaBreached", "slaWarning", "slaBreached", "slaWarning"]
      )
      const technicalAgent = Actor.agent("agent-tech", { queues: ["technical"] })
      assert.deepStrictEqual(
        (yield* desk.alerts(technicalAgent)).map((a) => a.trackingNumber),
        [technical, technical]
      )
      // the lead of the general pool is named on its breach
      assert.deepStrictEqual(
        (yield* desk.alerts(Actor.agent("lead-lin", { queues: [] }))).map((a) => [a.trackingNumber, a.type]),
        [[general, "slaBreached"]]
      )
      assert.deepStrictEqual(yield* desk.alerts(Actor.accountManager("am-kim")), [])
      const page = yield* desk.alerts(agent, { limit: 1 })
      const next = yield* desk.alerts(agent, { limit: 10, before: page[0] })
      assert.deepStrictEqual([...page, ...next], everyQueue)
      const refused = yield* Effect.flip(desk.alerts(buyer))
      assert.strictEqual(refused._tag, "ActionForbidden")
    }).pipe(Effect.provide(deskLayer))
  )
})
