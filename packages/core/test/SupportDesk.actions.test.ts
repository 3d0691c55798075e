import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import type * as CaseEvent from "../src/CaseEvent.ts"
import { CaseStore } from "../src/CaseStore.ts"
import * as MemoryStorage from "../src/MemoryStorage.ts"
import * as Randomness from "../src/Randomness.ts"
import * as SupportDesk from "../src/SupportDesk.ts"
import {
  accountManager,
  administrator,
  agent,
  buyer,
  clock,
  deskLayer,
  failure,
  hk,
  local,
  messages,
  noteMeanwhile,
  otherBuyer,
  policy,
  setNow,
  stored,
  submit,
  supplier,
  types
} from "./SupportDesk.helpers.ts"

const Desk = SupportDesk.SupportDesk

describe("SupportDesk actions", () => {
  it.effect("6.1 a reply meets the first-response clock and is sent to the requester", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const tn = yield* submit(buyer)
      const desk = yield* Desk
      yield* setNow("2025-06-10T11:00")
      const view = yield* desk.reply(agent, tn, { body: "Open Settings > Users > Add user." })

      const first = clock(view.sla, "firstResponse")
      assert.strictEqual(first.state, "met")
      assert.strictEqual(first.metAt, hk("2025-06-10T11:00"))
      assert.strictEqual(view.case.nextDueAt, hk("2025-06-18T10:00")) // the resolution clock is next
      const sent = yield* messages(view.case.id)
      assert.deepStrictEqual(
        sent.map((m) => m.kind),
        ["acknowledgment", "reply"]
      )
      assert.strictEqual(sent[1].body, "Open Settings > Users > Add user.")
      assert.strictEqual(sent[1].sequence, 3)
      assert.strictEqual(sent[1].recipient.id, "buyer-ada")
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("6.2 a high-priority case's progress updates roll over every business day", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const tn = yield* submit(supplier, { category: "platform-bugs" })
      const desk = yield* Desk
      yield* setNow("2025-06-10T09:30")
      const view = yield* desk.progressUpdate(accountManager, tn, { body: "We reproduced the bug." })
      const periods = view.sla.clocks.filter((c) => c.metric === "progressUpdate")
      assert.deepStrictEqual(
        periods.map((c) => [c.instance, c.state, local(c.dueAt)]),
        [
          [1, "met", "2025-06-10T10:00"],
          [2, "running", "2025-06-11T09:30"]
        ]
      )
      assert.strictEqual(clock(view.sla, "firstResponse").state, "met")
      assert.strictEqual(view.case.nextDueAt, hk("2025-06-11T09:30"))
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("6.3 awaiting the requester pauses the resolution clock; their answer resumes it", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const tn = yield* submit(buyer)
      const desk = yield* Desk
      yield* setNow("2025-06-10T12:00")
      const asked = yield* desk.requestInformation(agent, tn, { body: "Which browser do you use?" })
      assert.strictEqual(asked.case.status, "awaitingRequester")
      assert.strictEqual(clock(asked.sla, "resolution").state, "paused")
      assert.isNull(asked.case.nextDueAt) // nothing is due from the desk while it waits
      assert.include(
        (yield* messages(asked.case.id)).map((m) => m.kind),
        "informationRequested"
      )

      yield* setNow("2025-06-12T12:00") // two business days later
      const answered = yield* desk.respond(buyer, tn, { body: "Firefox 140." })
      assert.strictEqual(answered.case.status, "open")
      const resolution = clock(answered.sla, "resolution")
      assert.strictEqual(resolution.state, "running")
      // due Wed 18 June 10:00 + the 18 business hours paused → Fri 20 June 10:00
      assert.strictEqual(local(resolution.dueAt), "2025-06-20T10:00")
      assert.strictEqual(answered.case.nextDueAt, resolution.dueAt)
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("7.3 a refused case shows the refusal in its handling record and stops its clocks", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const tn = yield* submit(buyer)
      const desk = yield* Desk

      const unknown = yield* failure(desk.refuse(agent, tn, { reason: "rude" }))
      assert.strictEqual(unknown._tag, "InputInvalid")
      assert.deepStrictEqual(
        (unknown as SupportDesk.InputInvalid).problems.map((p) => p.path),
        ["reason"]
      )

      yield* setNow("2025-06-10T10:00")
      yield* desk.refuse(agent, tn, { reason: "abusive-language", body: "We do not accept insults to our staff." })
      const view = yield* desk.getCase(buyer, tn)
      assert.strictEqual(view.case.status, "refused")
      const refused = view.events.find((e) => e.type === "refused") as CaseEvent.Of<"refused">
      assert.strictEqual(refused.reason, "abusive-language")
      assert.deepStrictEqual(refused.actor, { role: "agent", id: "agent-ann" })
      assert.isTrue(view.sla.clocks.length > 0)
      for (const c of view.sla.clocks) {
        assert.strictEqual(c.state, "refused", c.rule)
        assert.strictEqual(c.stoppedAt, hk("2025-06-10T10:00"))
      }
      assert.isNull(view.case.nextDueAt)
      assert.deepStrictEqual(yield* desk.queue(agent), [])
      const notice = (yield* messages(view.case.id)).find((m) => m.kind === "refused")!
      assert.include(notice.body, "clause 7.3")
      assert.include(notice.body, "Insulting, obscene or demeaning language")

      // the requester cannot reopen a refused case; an administrator can (an appeal)
      assert.strictEqual((yield* failure(desk.reopen(buyer, tn, {})))._tag, "ActionForbidden")
      const reopened = yield* desk.reopen(administrator, tn, { reason: "appeal upheld" })
      assert.strictEqual(reopened.case.status, "open")
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect(
    "7.3 a requester who floods the desk with messages, over all their cases, is throttled for the window",
    () =>
      Effect.gen(function* () {
        yield* setNow("2025-06-09T10:00")
        const a = yield* submit(buyer)
        const b = yield* submit(buyer)
        const desk = yield* Desk
        const limit = policy.refusal.rateLimits.find((l) => l.measure === "messagesSent")!
        assert.deepStrictEqual([limit.limit, limit.windowHours], [30, 1])
        // 30 messages, on two cases: the limit counts the requester, not the case
        for (let i = 1; i <= limit.limit; i++) {
          yield* TestClock.adjust("1 minute")
          yield* desk.respond(buyer, i % 2 === 0 ? a : b, { body: `Any news? (${i})` })
        }
        const error = (yield* failure(desk.respond(buyer, a, { body: "Hello??" }))) as SupportDesk.RateLimitExceeded
        assert.strictEqual(error._tag, "RateLimitExceeded")
        assert.deepStrictEqual([error.limitId, error.count], ["messages-per-hour", 30])
        assert.strictEqual((yield* stored(a)).events.length, 2 + 15)
        // another requester and staff are not limited by it
        yield* desk.respond(otherBuyer, yield* submit(otherBuyer), { body: "My own question." })
        yield* desk.reply(agent, a, { body: "We are on it." })
        // an hour after the first message, the window has room again
        yield* setNow("2025-06-09T11:01:30")
        yield* desk.respond(buyer, a, { body: "Thank you." })
      }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("7.2 verification hold pauses the resolution clock until its outcome", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const tn = yield* submit(buyer, { category: "account-access" })
      const desk = yield* Desk
      yield* setNow("2025-06-09T11:00")
      const held = yield* desk.holdForVerification(agent, tn, { reason: "identity documents" })
      assert.strictEqual(held.case.status, "onHold")
      assert.strictEqual(clock(held.sla, "resolution").state, "paused")
      const told = (yield* messages(held.case.id)).filter((m) => m.kind === "verificationHold")
      assert.strictEqual(told.length, 1, "the requester is told the content is being verified")
      assert.strictEqual(told[0]!.recipient.id, held.case.requester.id)

      // while held, the case is not resolved: the hold is concluded first, and nothing is written
      const before = (yield* stored(tn)).events.length
      const refused = yield* failure(desk.resolve(agent, tn, { body: "Done." }))
      assert.strictEqual(refused._tag, "TransitionNotAllowed")
      assert.strictEqual((yield* stored(tn)).events.length, before)

      const missing = yield* failure(desk.concludeVerification(agent, tn, { outcome: "rejected" }))
      assert.deepStrictEqual(
        (missing as SupportDesk.InputInvalid).problems.map((p) => p.path),
        ["explanation"]
      )

      yield* setNow("2025-06-11T11:00") // two business days on hold
      const concluded = yield* desk.concludeVerification(agent, tn, { outcome: "verified" })
      assert.strictEqual(concluded.case.status, "open")
      assert.strictEqual(local(clock(concluded.sla, "resolution").dueAt), "2025-06-20T10:00")
      // the first-response clock is not paused by a verification hold in the preset
      assert.strictEqual(local(clock(concluded.sla, "firstResponse").dueAt), "2025-06-11T10:00")
      assert.strictEqual(clock(concluded.sla, "firstResponse").state, "breached")
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("7.2 a rejected verification explains the case; a category the policy does not verify is not held", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* Desk
      const consultation = yield* submit(buyer)
      const notApplicable = yield* failure(desk.holdForVerification(agent, consultation, {}))
      assert.strictEqual(notApplicable._tag, "VerificationNotApplicable")

      const tn = yield* submit(supplier, { category: "supplier-onboarding" })
      yield* desk.holdForVerification(agent, tn, {})
      const view = yield* desk.concludeVerification(agent, tn, {
        outcome: "rejected",
        explanation: "The business licence could not be verified."
      })
      assert.strictEqual(view.case.status, "explained")
      assert.deepStrictEqual(types(view.events).slice(-3), [
        "verificationStarted",
        "verificationConcluded",
        "explained"
      ])
      assert.strictEqual(clock(view.sla, "resolution").state, "met")
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("6.3 a requester reopens within the policy's window of business days, not after", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-12T10:00")
      const early = yield* submit(buyer, { subject: "First" })
      const late = yield* submit(buyer, { subject: "Second" })
      yield* setNow("2025-06-13T15:00") // Friday
      const resolved = yield* desk.resolve(agent, early, { body: "Fixed." })
      yield* desk.resolve(agent, late, { body: "Fixed." })
      // 7 business days from Friday 15:00, over a weekend → Tuesday 24 June 15:00
      assert.strictEqual(policy.lifecycle.reopenWithinBusinessDays, 7)
      assert.strictEqual(local(resolved.reopenableUntil!), "2025-06-24T15:00")
      const resolvedNotice = (yield* messages(resolved.case.id)).find((m) => m.kind === "resolved")!
      assert.include(resolvedNotice.body, "reopen it until Tue 24 Jun 2025, 15:00 (UTC+08:00)")

      yield* setNow("2025-06-24T14:59")
      const reopened = yield* desk.reopen(buyer, early, { reason: "It broke again." })
      assert.strictEqual(reopened.case.status, "open")
      assert.strictEqual(reopened.sla.cycle, 2)
      assert.isNull(reopened.reopenableUntil)
      assert.isNotNull(reopened.case.nextDueAt)

      yield* setNow("2025-06-24T15:01")
      const error = yield* failure(desk.reopen(buyer, late, {}))
      assert.strictEqual(error._tag, "ReopenWindowClosed")
      assert.strictEqual((error as SupportDesk.ReopenWindowClosed).windowEndedAt, hk("2025-06-24T15:00"))
      assert.strictEqual((yield* stored(late)).case.status, "resolved")
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("an action the case's state does not allow fails naming the state and the action, and writes nothing", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const tn = yield* submit(buyer)
      const desk = yield* Desk

      // an open case is answered before it is closed (6.3)
      const closeOpen = (yield* failure(desk.close(agent, tn, {}))) as SupportDesk.TransitionNotAllowed
      assert.strictEqual(closeOpen._tag, "TransitionNotAllowed")
      assert.strictEqual(closeOpen.status, "open")
      assert.strictEqual(closeOpen.action, "close")

      yield* desk.requestInformation(agent, tn, { body: "Which account?" })
      const twice = (yield* failure(
        desk.requestInformation(agent, tn, { body: "Again?" })
      )) as SupportDesk.TransitionNotAllowed
      assert.deepStrictEqual([twice.status, twice.action], ["awaitingRequester", "requestInformation"])

      yield* desk.resolve(agent, tn, { body: "Done." })
      yield* desk.close(buyer, tn, { reason: "Thanks" })
      const before = yield* stored(tn)
      const outboxBefore = yield* messages(before.case.id)

      for (const attempt of [
        desk.resolve(agent, tn, { body: "Again." }),
        desk.reply(agent, tn, { body: "Hello?" }),
        desk.changePriority(agent, tn, { priority: "high" }),
        desk.reopen(buyer, tn, {}),
        desk.refuse(agent, tn, { reason: "harassment" })
      ] as ReadonlyArray<Effect.Effect<unknown, { readonly _tag: string }>>) {
        const error = (yield* failure(attempt)) as SupportDesk.TransitionNotAllowed
        assert.strictEqual(error._tag, "TransitionNotAllowed")
        assert.strictEqual(error.status, "closed")
        assert.include(error.message, "while it is closed")
      }
      const after = yield* stored(tn)
      assert.deepStrictEqual(after, before)
      assert.deepStrictEqual(yield* messages(before.case.id), outboxBefore)
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("2.4 escalation goes to the requester's account manager, who then handles the case", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* Desk
      const buyerCase = yield* submit(buyer)
      assert.strictEqual((yield* failure(desk.escalate(agent, buyerCase, {})))._tag, "AccountManagerMissing")

      const tn = yield* submit(supplier, { category: "listing-optimisation" })
      // before the escalation the account manager already sees the case of their requester
      const view = yield* desk.escalate(agent, tn, { reason: "Key account, urgent listing launch" })
      assert.deepStrictEqual(view.case.assignee, { role: "accountManager", id: "am-kim" })
      const escalated = (yield* messages(view.case.id)).find((m) => m.kind === "escalated")!
      assert.deepStrictEqual([escalated.recipient.id, escalated.recipient.role], ["am-kim", "accountManager"])
      const replied = yield* desk.reply(accountManager, tn, { body: "I will call you today." })
      assert.strictEqual(clock(replied.sla, "firstResponse").state, "met")
      // an account manager does not refuse requests: that is for agents (7.3)
      assert.strictEqual(
        (yield* failure(desk.refuse(accountManager, tn, { reason: "harassment" })))._tag,
        "ActionForbidden"
      )
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("a priority change starts the high-priority clocks and moves the case up the queue", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const tn = yield* submit(buyer)
      const desk = yield* Desk
      assert.strictEqual(
        ((yield* failure(desk.changePriority(agent, tn, { priority: "urgent" }))) as SupportDesk.InputInvalid)
          .problems[0].path,
        "priority"
      )
      assert.strictEqual((yield* failure(desk.changePriority(agent, tn, { priority: "normal" })))._tag, "InputInvalid")
      yield* setNow("2025-06-09T14:00")
      const view = yield* desk.changePriority(agent, tn, { priority: "high", reason: "payment blocked" })
      assert.strictEqual(view.case.priority, "high")
      const progress = clock(view.sla, "progressUpdate")
      assert.strictEqual(local(progress.dueAt), "2025-06-10T14:00")
      assert.strictEqual(view.case.nextDueAt, progress.dueAt)
      assert.deepStrictEqual(view.events.at(-1), {
        sequence: 3,
        at: hk("2025-06-09T14:00"),
        actor: { role: "agent", id: "agent-ann" },
        type: "priorityChanged",
        from: "normal",
        to: "high",
        reason: "payment blocked"
      })
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("a requester cannot see or act on someone else's case: the answer is the one for a missing case", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const tn = yield* submit(buyer)
      const desk = yield* Desk
      yield* desk.addNote(agent, tn, { body: "Customer sounded upset on the phone." })

      const hidden = yield* failure(desk.getCase(otherBuyer, tn))
      const missing = yield* failure(desk.getCase(otherBuyer, "GS-0000-00000"))
      assert.strictEqual(hidden._tag, "CaseNotFound")
      assert.strictEqual(missing._tag, "CaseNotFound")
      assert.deepStrictEqual(Object.keys(hidden).sort(), Object.keys(missing).sort())
      assert.strictEqual((hidden as { caseId: string }).caseId, tn)

      for (const attempt of [
        desk.respond(otherBuyer, tn, { body: "Let me in" }),
        desk.reopen(otherBuyer, tn, {}),
        desk.close(otherBuyer, tn, {})
      ] as ReadonlyArray<Effect.Effect<unknown, { readonly _tag: string }>>) {
        assert.strictEqual((yield* failure(attempt))._tag, "CaseNotFound")
      }
      assert.deepStrictEqual(yield* desk.listCases(otherBuyer), [])

      // the owner sees their case, without internal notes and routing
      const own = yield* desk.getCase(buyer, tn)
      assert.deepStrictEqual(types(own.events), ["submitted"])
      assert.deepStrictEqual(types((yield* desk.getCase(agent, tn)).events), ["submitted", "assigned", "noteAdded"])
      assert.deepStrictEqual(
        (yield* desk.listCases(buyer)).map((c) => c.trackingNumber),
        [tn]
      )
      // and may not act as staff on it
      assert.strictEqual((yield* failure(desk.reply(buyer, tn, { body: "hi" })))._tag, "ActionForbidden")
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("the agents' queue is ordered by the earliest due clock", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T10:00")
      yield* submit(buyer, { subject: "A" }) // first response due Wed 10:00
      yield* setNow("2025-06-09T11:00")
      const b = yield* submit(supplier, { category: "platform-bugs", subject: "B" }) // progress due Tue 11:00
      yield* setNow("2025-06-09T09:30")
      const c = yield* submit(otherBuyer, { subject: "C" }) // due Wed 09:30
      const order = (yield* desk.queue(agent)).map((x) => x.subject)
      assert.deepStrictEqual(order, ["B", "C", "A"])
      const dues = (yield* desk.queue(agent)).map((x) => local(x.nextDueAt!))
      assert.deepStrictEqual(dues, ["2025-06-10T11:00", "2025-06-11T09:30", "2025-06-11T10:00"])

      yield* setNow("2025-06-09T12:00")
      yield* desk.resolve(agent, b, { body: "Fixed in release 4.2." })
      yield* desk.reply(agent, c, { body: "Looking into it." })
      // B left the queue; C's next clock is now its resolution (Wed 18 June 09:30), after A's first response
      assert.deepStrictEqual(
        (yield* desk.queue(agent)).map((x) => x.subject),
        ["A", "C"]
      )
      assert.strictEqual((yield* failure(desk.queue(buyer)))._tag, "ActionForbidden")
    }).pipe(Effect.provide(deskLayer()))
  )
})

// -------------------------------------------------------------------------------------------------------------------
// concurrency
// -------------------------------------------------------------------------------------------------------------------

/** A case store in which another writer appends a note just before the desk's next `races` writes begin. */
const racingStore = (races: number) =>
  Layer.effect(
    CaseStore,
    Effect.gen(function* () {
      const inner = yield* CaseStore
      let left = races
      return CaseStore.of({
        ...inner,
        update: (caseId, decide) =>
          Effect.gen(function* () {
            if (left > 0) {
              left--
              yield* noteMeanwhile(inner, caseId, `meanwhile ${left}`)
            }
            return yield* inner.update(caseId, decide)
          })
      })
    })
  )

const racingDesk = (races: number) =>
  SupportDesk.layer(policy).pipe(
    Layer.provide(racingStore(races)),
    Layer.provideMerge(MemoryStorage.layerMemory),
    Layer.provide(Randomness.layerSeeded(9))
  )

describe("SupportDesk under concurrent writers", () => {
  it.effect("an action decides on the case as it is when written: after another writer's event, once", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const tn = yield* submit(buyer)
      const desk = yield* Desk
      const view = yield* desk.reply(agent, tn, { body: "Answer" })
      const record = (yield* stored(tn)).events
      assert.deepStrictEqual(types(record), ["submitted", "assigned", "noteAdded", "replied"])
      assert.deepStrictEqual(
        record.map((e) => e.sequence),
        [1, 2, 3, 4]
      )
      assert.strictEqual(view.case.sequence, 4)
      assert.deepStrictEqual(
        (yield* messages(view.case.id)).map((m) => [m.kind, m.sequence]),
        [
          ["acknowledgment", 1],
          ["reply", 4]
        ]
      )
    }).pipe(Effect.provide(racingDesk(1)))
  )

  it.effect("50 concurrent notes and replies on one case all succeed, with a gap-free record", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const tn = yield* submit(buyer)
      const desk = yield* Desk
      yield* Effect.forEach(
        Array.from({ length: 50 }, (_, i) => i),
        (i) =>
          i % 5 === 0 ? desk.reply(agent, tn, { body: `reply ${i}` }) : desk.addNote(agent, tn, { body: `note ${i}` }),
        { concurrency: "unbounded", discard: true }
      )
      const record = (yield* stored(tn)).events
      assert.deepStrictEqual(
        record.map((e) => e.sequence),
        Array.from({ length: 52 }, (_, i) => i + 1)
      )
      assert.strictEqual(types(record).filter((t) => t === "replied").length, 10)
      assert.strictEqual(types(record).filter((t) => t === "noteAdded").length, 40)
    }).pipe(Effect.provide(deskLayer()))
  )
})
