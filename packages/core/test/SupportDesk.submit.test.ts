import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import * as BusinessCalendar from "../src/BusinessCalendar.ts"
import type * as CaseEvent from "../src/CaseEvent.ts"
import { CaseStore } from "../src/CaseStore.ts"
import * as Randomness from "../src/Randomness.ts"
import * as SupportDesk from "../src/SupportDesk.ts"
import * as SupportPolicy from "../src/SupportPolicy.ts"
import * as TrackingNumber from "../src/TrackingNumber.ts"
import {
  accountManager,
  buyer,
  deskLayer,
  failure,
  HOUR,
  hk,
  local,
  messages,
  otherAccountManager,
  policy,
  request,
  setNow,
  stored,
  supplier,
  supplierWithoutManager,
  types
} from "./SupportDesk.helpers.ts"

const calendar = SupportPolicy.calendar(policy)

describe("SupportDesk.submit", () => {
  it.effect("6.4 tracking number and handling record: an email request is acknowledged with its reply-by time", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00") // a Monday, in hours
      const desk = yield* SupportDesk.SupportDesk
      const submission = yield* desk.submit(request(buyer))
      const c = submission.view.case

      assert.isTrue(submission.created)
      assert.isTrue(TrackingNumber.isValid("GS", c.trackingNumber), c.trackingNumber)
      assert.match(c.trackingNumber, /^GS-[0-9A-Z]{4}-[0-9A-Z]{5}$/)
      assert.strictEqual(c.status, "open")
      assert.strictEqual(c.channel, "email")
      assert.strictEqual(c.priority, "normal")
      assert.deepStrictEqual(c.parties, ["buyer-ada"])

      // the handling record: the submission and the routing, at the instant received
      const record = (yield* stored(c.trackingNumber)).events
      assert.deepStrictEqual(types(record), ["submitted", "assigned"])
      assert.deepStrictEqual(
        record.map((e) => e.sequence),
        [1, 2]
      )
      assert.isTrue(record.every((e) => e.at === hk("2025-06-09T10:00")))
      // the requester's copy hides the desk's routing
      assert.deepStrictEqual(types(submission.view.events), ["submitted"])

      // 6.1: 2 business days → Wednesday 10:00; 6.3: 7 business days → the next Wednesday 10:00
      assert.strictEqual(local(submission.replyBy!), "2025-06-11T10:00")
      const resolution = submission.plan.find((p) => p.metric === "resolution")!
      assert.strictEqual(local(resolution.due.epochMilliseconds), "2025-06-18T10:00")
      assert.isUndefined(submission.plan.find((p) => p.metric === "progressUpdate"))
      assert.strictEqual(c.nextDueAt, submission.replyBy)

      // the acknowledgment is in the outbox with the case, stating the tracking number and the reply-by time
      const outbox = yield* messages(c.id)
      assert.strictEqual(outbox.length, 1)
      const ack = outbox[0]
      assert.deepStrictEqual(ack, submission.acknowledgment)
      assert.strictEqual(ack.kind, "acknowledgment")
      assert.strictEqual(ack.recipient.email, "ada@example.com")
      assert.strictEqual(ack.trackingNumber, c.trackingNumber)
      assert.include(ack.body, c.trackingNumber)
      assert.include(
        ack.body,
        "We will reply within 2 business days, by Wed 11 Jun 2025, 10:00 (UTC+08:00) (clause 6.1)."
      )
      assert.include(
        ack.body,
        "resolved or explained within 7 business days, by Wed 18 Jun 2025, 10:00 (UTC+08:00) (clause 6.3)."
      )
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect(
    "2.2 a request through live chat outside hours is taken as an online form and acknowledged with the next opening",
    () =>
      Effect.gen(function* () {
        yield* setNow("2025-06-13T20:00") // a Friday evening: the desk is closed until Monday 09:00
        const desk = yield* SupportDesk.SupportDesk
        const submission = yield* desk.submit(request(buyer, { channel: "live-chat" }))

        assert.deepStrictEqual(submission.channel, {
          requested: "live-chat",
          taken: "online-form",
          nextOpening: hk("2025-06-16T09:00")
        })
        assert.strictEqual(submission.view.case.channel, "online-form")
        const submitted = (yield* stored(submission.view.case.trackingNumber)).events[0] as CaseEvent.Of<"submitted">
        assert.strictEqual(submitted.channel, "online-form")

        // the clock starts at the next opening: 2 business days (18 business hours) from Monday 09:00
        const replyBy = submission.replyBy!
        assert.strictEqual(BusinessCalendar.businessMillisBetween(calendar, hk("2025-06-16T09:00"), replyBy), 18 * HOUR)
        assert.isTrue(replyBy > hk("2025-06-17T17:59") && replyBy <= hk("2025-06-18T09:00"), local(replyBy))

        const ack = submission.acknowledgment!
        assert.include(ack.body, "Live chat is staffed during our service hours only")
        assert.include(ack.body, "Online form")
        assert.include(ack.body, "Our team is back on Mon 16 Jun 2025, 09:00 (UTC+08:00).")
      }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("2.2 live chat in hours stays live chat", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-11T11:00")
      const desk = yield* SupportDesk.SupportDesk
      const submission = yield* desk.submit(request(buyer, { channel: "live-chat" }))
      assert.deepStrictEqual(submission.channel, { requested: "live-chat", taken: "live-chat", nextOpening: null })
      assert.notInclude(submission.acknowledgment!.body, "staffed during our service hours only")
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("2.2 without a configured fallback, a closed channel's request goes to the first always-open channel", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-14T10:00") // a Saturday
      const desk = yield* SupportDesk.SupportDesk
      const submission = yield* desk.submit(request(buyer, { channel: "live-chat" }))
      assert.strictEqual(submission.channel.taken, "email")
      assert.strictEqual(submission.channel.nextOpening, hk("2025-06-16T09:00"))
    }).pipe(
      Effect.provide(
        SupportDesk.layerMemory(
          {
            ...policy,
            channels: policy.channels.map(({ whenClosed: _, ...channel }) => channel)
          },
          { randomness: Randomness.layerSeeded(3) }
        )
      )
    )
  )

  it.effect("2.2 the desk's whenClosed option overrides the policy's", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-14T10:00") // a Saturday
      const desk = yield* SupportDesk.SupportDesk
      const submission = yield* desk.submit(request(buyer, { channel: "live-chat" }))
      assert.strictEqual(submission.channel.taken, "email")
    }).pipe(
      Effect.provide(
        SupportDesk.layerMemory(policy, { whenClosed: { "live-chat": "email" }, randomness: Randomness.layerSeeded(3) })
      )
    )
  )

  it.effect("2.3 the self-help centre does not open cases, and nothing is written", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* SupportDesk.SupportDesk
      const error = yield* failure(desk.submit(request(buyer, { channel: "self-help-centre" })))
      assert.strictEqual(error._tag, "ChannelNotAccepted")
      assert.strictEqual((error as SupportDesk.ChannelNotAccepted).reason, "doesNotOpenCases")
      const store = yield* CaseStore
      assert.strictEqual(yield* store.countOpenedSince("buyer-ada", 0), 0)
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("2.4 the account-manager channel is for requesters with a dedicated account manager only", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* SupportDesk.SupportDesk
      const error = yield* failure(desk.submit(request(supplierWithoutManager, { channel: "account-manager" })))
      assert.strictEqual(error._tag, "ChannelNotAccepted")
      assert.strictEqual((error as SupportDesk.ChannelNotAccepted).reason, "requesterFlags")

      const ok = yield* desk.submit(request(supplier, { channel: "account-manager", category: "listing-optimisation" }))
      assert.isFalse("assignee" in ok.view.case, "requesters do not see the desk's internal assignee")
      assert.deepStrictEqual((yield* stored(ok.view.case.trackingNumber)).case.assignee, {
        role: "accountManager",
        id: "am-kim"
      })
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("2.4 a high-priority case with an account manager is routed to them", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* SupportDesk.SupportDesk
      // platform bugs are high priority (6.2); the supplier has a dedicated account manager
      const submission = yield* desk.submit(request(supplier, { category: "platform-bugs" }))
      const c = submission.view.case
      assert.strictEqual(c.priority, "high")
      assert.deepStrictEqual((yield* stored(c.trackingNumber)).case.assignee, { role: "accountManager", id: "am-kim" })
      const record = (yield* stored(c.trackingNumber)).events
      assert.deepStrictEqual(record[1], {
        sequence: 2,
        at: hk("2025-06-09T10:00"),
        actor: { role: "system", id: "support-desk" },
        type: "assigned",
        to: { role: "accountManager", id: "am-kim" }
      })
      // 6.2: a high-priority case gets a progress update within 1 business day, told in the acknowledgment
      const progress = submission.plan.find((p) => p.metric === "progressUpdate")!
      assert.strictEqual(local(progress.due.epochMilliseconds), "2025-06-10T10:00")
      assert.include(
        submission.acknowledgment!.body,
        "progress update within 1 business day, by Tue 10 Jun 2025, 10:00 (UTC+08:00)"
      )

      // the account manager finds it in their queue and can read it; another account manager cannot
      const queue = yield* desk.queue(accountManager)
      assert.deepStrictEqual(
        queue.map((q) => q.id),
        [c.id]
      )
      assert.strictEqual((yield* desk.getCase(accountManager, c.trackingNumber)).case.id, c.id)
      assert.strictEqual((yield* failure(desk.getCase(otherAccountManager, c.trackingNumber)))._tag, "CaseNotFound")
      assert.deepStrictEqual(yield* desk.queue(otherAccountManager), [])

      // a normal-priority case of the same supplier stays with the agents
      const normal = yield* desk.submit(request(supplier, { category: "listing-optimisation" }))
      assert.deepStrictEqual((yield* stored(normal.view.case.trackingNumber)).case.assignee, { role: "agent" })
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("1.5 a fraud report goes to trust and safety, even from a requester with an account manager", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* SupportDesk.SupportDesk
      const submission = yield* desk.submit(request(supplier, { category: "misconduct-fraud-report" }))
      assert.strictEqual(submission.view.case.priority, "high")
      assert.deepStrictEqual((yield* stored(submission.view.case.trackingNumber)).case.assignee, {
        role: "agent",
        queue: "trust-and-safety"
      })
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("bad input is refused with errors naming each field", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* SupportDesk.SupportDesk
      const shape = yield* failure(
        desk.submit({
          ...request(buyer),
          subject: "   ",
          language: "English!",
          requester: { id: "", audience: "buyer" }
        })
      )
      assert.strictEqual(shape._tag, "InputInvalid")
      const paths = (shape as SupportDesk.InputInvalid).problems.map((p) => p.path).sort()
      assert.deepStrictEqual(paths, ["language", "requester.id", "subject"])

      const extra = yield* failure(desk.submit({ ...request(buyer), priority: "high" } as SupportDesk.SubmitInput))
      assert.deepStrictEqual(
        (extra as SupportDesk.InputInvalid).problems.map((p) => p.path),
        ["priority"]
      )

      const policyRefs = yield* failure(
        desk.submit(
          request(
            { ...buyer, audience: "buyer", flags: ["vip"] },
            {
              channel: "fax",
              category: "product-uploads" // a supplier category (3.2)
            }
          )
        )
      )
      const problems = (policyRefs as SupportDesk.InputInvalid).problems
      assert.deepStrictEqual(problems.map((p) => p.path).sort(), ["category", "channel", "requester.flags[0]"])
      assert.include(problems.find((p) => p.path === "category")!.message, "not offered to buyers")

      const store = yield* CaseStore
      assert.strictEqual(yield* store.countOpenedSince("buyer-ada", 0), 0)
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("7.3 a requester over the policy's cases-per-day limit is throttled until the window passes", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* SupportDesk.SupportDesk
      const limit = policy.refusal.rateLimits.find((l) => l.measure === "casesOpened")!
      for (let i = 0; i < limit.limit; i++) {
        yield* desk.submit(request(buyer, { subject: `Question ${i}`, idempotencyKey: `question-${i}` }))
        yield* TestClock.adjust("1 minute")
      }
      // a retry of a submission that was taken is answered with its case, not throttled
      const retry = yield* desk.submit(request(buyer, { subject: "Question 0", idempotencyKey: "question-0" }))
      assert.isFalse(retry.created)
      const error = yield* failure(desk.submit(request(buyer, { subject: "One too many" })))
      assert.strictEqual(error._tag, "RateLimitExceeded")
      const throttled = error as SupportDesk.RateLimitExceeded
      assert.strictEqual(throttled.count, limit.limit)
      assert.strictEqual(throttled.limitId, "cases-per-day")
      assert.strictEqual(throttled.requesterId, "buyer-ada")
      // another requester is not affected
      yield* desk.submit(request(supplier, { category: "listing-optimisation" }))
      // once the first case is more than 24 hours old, one more is taken
      yield* setNow("2025-06-10T10:00:30")
      const later = yield* desk.submit(request(buyer, { subject: "The next day" }))
      assert.isTrue(later.created)
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect(
    "a retried submission with the same idempotency key returns the first case; another request conflicts",
    () =>
      Effect.gen(function* () {
        yield* setNow("2025-06-09T10:00")
        const desk = yield* SupportDesk.SupportDesk
        const first = yield* desk.submit(request(buyer, { idempotencyKey: "key-1" }))
        yield* TestClock.adjust("5 seconds")
        const again = yield* desk.submit(request(buyer, { idempotencyKey: "key-1" }))
        assert.isFalse(again.created)
        assert.strictEqual(again.view.case.id, first.view.case.id)
        assert.isNull(again.acknowledgment)
        assert.strictEqual(again.replyBy, first.replyBy)
        assert.strictEqual((yield* messages(first.view.case.id)).length, 1)

        const conflict = yield* failure(desk.submit(request(buyer, { idempotencyKey: "key-1", subject: "Different" })))
        assert.strictEqual(conflict._tag, "IdempotencyConflict")
        // the same key from another requester is another submission
        const other = yield* desk.submit(
          request(supplier, { idempotencyKey: "key-1", category: "listing-optimisation" })
        )
        assert.isTrue(other.created)
      }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("6.4 a tracking number is found however the requester types it", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* SupportDesk.SupportDesk
      const submission = yield* desk.submit(request(buyer))
      const tn = submission.view.case.trackingNumber
      const typed = tn.replace(/-/g, " ").toLowerCase()
      assert.strictEqual((yield* desk.getCase(buyer, typed)).case.id, submission.view.case.id)
      assert.strictEqual((yield* desk.getCase(buyer, tn.slice(3))).case.id, submission.view.case.id)
      // a mistyped character is caught by the check character: no case
      const body = tn.slice(3).replace("-", "")
      const swapped = body[1] + body[0] + body.slice(2)
      if (swapped !== body) {
        assert.strictEqual((yield* failure(desk.getCase(buyer, `GS-${swapped}`)))._tag, "CaseNotFound")
      }
    }).pipe(Effect.provide(deskLayer()))
  )
})
