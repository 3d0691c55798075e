/**
 * The agents' console: views by status and assignee with their counts, search by words, order reference and
 * tracking number (a mistyped one answered with the numbers meant), what a requester may find, display names from
 * the staff directory, and the cases changed since an instant.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Actor from "../src/Actor.ts"
import * as Directory from "../src/Directory.ts"
import * as SupportDesk from "../src/SupportDesk.ts"
import * as TrackingNumber from "../src/TrackingNumber.ts"
import {
  agent,
  buyer,
  deskLayer,
  failure,
  otherBuyer,
  policy,
  setNow,
  submit,
  supplier
} from "./SupportDesk.helpers.ts"

const Desk = SupportDesk.SupportDesk

const people: ReadonlyArray<Directory.Person> = [
  { id: "agent-ann", name: "Ann Lee", role: "agent", queues: ["general"] },
  { id: "agent-sam", name: "Sam Chen", role: "agent" },
  { id: "am-kim", name: "Kim Wong", role: "accountManager" }
]

const withDirectory = deskLayer().pipe(Layer.provide(Directory.layerMemory(people)))

const tracking = (page: SupportDesk.CasePage) => page.items.map((c) => c.trackingNumber)

/** A tracking number with one character changed, so its check fails. */
const mistype = (tn: string): string => {
  const i = tn.length - 3
  const c = tn[i] === "7" ? "8" : "7"
  return tn.slice(0, i) + c + tn.slice(i + 1)
}

describe("SupportDesk console", () => {
  it.effect("views by status and assignee, Assign to me, counts per view", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T10:00")
      const a = yield* submit(buyer, { subject: "Cannot log in" })
      const b = yield* submit(otherBuyer, { subject: "Where is my parcel?" })
      yield* setNow("2025-06-09T11:00")
      yield* desk.requestInformation(agent, b, { body: "Which order?" })
      const find = (input: SupportDesk.FindInput) => Effect.map(desk.findCases(agent, input), tracking)
      assert.deepStrictEqual(yield* find({ view: "open" }), [a])
      assert.deepStrictEqual(yield* find({ view: "awaitingRequester" }), [b])
      assert.deepStrictEqual(yield* find({ view: "mine" }), [])
      assert.sameMembers(yield* find({ view: "unassigned" }), [a, b])
      yield* desk.assign(agent, a, { to: { role: "agent", id: agent.id } })
      assert.deepStrictEqual(yield* find({ view: "mine" }), [a])
      assert.deepStrictEqual(yield* find({ view: "unassigned" }), [b])
      assert.deepStrictEqual(yield* find({ view: "active", assignee: "me" }), [a])
      assert.deepStrictEqual(yield* find({ view: "active", assignee: "none" }), [b])
      const counts = Object.fromEntries((yield* desk.countViews(agent)).map((c) => [c.view, c.count]))
      assert.deepInclude(counts, {
        active: 2,
        mine: 1,
        unassigned: 1,
        open: 1,
        awaitingRequester: 1,
        closed: 0,
        all: 2
      })
      assert.deepStrictEqual(
        Object.keys(counts),
        SupportDesk.views.map((v) => v)
      )
      // paging with no cap: one at a time through every case, by receipt
      const first = yield* desk.findCases(agent, { view: "all", sort: "received", order: "asc", limit: 1 })
      assert.deepStrictEqual(tracking(first), [a])
      assert.isNotNull(first.next)
      const second = yield* desk.findCases(agent, {
        view: "all",
        sort: "received",
        order: "asc",
        limit: 1,
        after: first.next!
      })
      assert.deepStrictEqual(tracking(second), [b])
      assert.isNull(second.next)
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("searches words of descriptions, order references and tracking numbers; suggests a mistyped number", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T10:00")
      const mine = yield* submit(buyer, {
        subject: "Parcel held",
        description: "The parcel is stuck in customs since Monday.",
        orderReference: "PO-55123"
      })
      const theirs = yield* submit(otherBuyer, { subject: "订单没有发货", description: "我的订单还没有发货。" })
      const search = (actor: Actor.Actor, q: string) => desk.findCases(actor, { q })
      assert.deepStrictEqual(tracking(yield* search(agent, "customs")), [mine])
      assert.deepStrictEqual(tracking(yield* search(agent, "po-55123")), [mine])
      assert.deepStrictEqual(tracking(yield* search(agent, "发货")), [theirs])
      const exact = yield* search(agent, mine.toLowerCase().replaceAll("-", " "))
      assert.strictEqual(exact.exact?.trackingNumber, mine)
      // a mistyped character: the check fails, and the number meant is suggested
      const typo = mistype(mine)
      assert.isFalse(TrackingNumber.isValid(policy.tracking.prefix, typo))
      const meant = yield* search(agent, typo)
      assert.deepStrictEqual(meant.didYouMean, [mine])
      assert.deepStrictEqual(meant.items, [])
      // a requester finds their own cases only, and is never told of another's number
      assert.deepStrictEqual(tracking(yield* search(buyer, "customs")), [mine])
      assert.deepStrictEqual(tracking(yield* search(buyer, "发货")), [])
      assert.deepStrictEqual((yield* search(otherBuyer, typo)).didYouMean, [])
      assert.deepStrictEqual((yield* search(buyer, typo)).didYouMean, [mine])
      assert.isNull((yield* search(otherBuyer, mine)).exact)
      // a query no index can serve is refused, naming the field
      const short = yield* failure(search(agent, "po x"))
      assert.strictEqual(short._tag, "InputInvalid")
      assert.deepStrictEqual(short._tag === "InputInvalid" ? short.problems.map((p) => p.path) : [], ["q"])
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("names people from the directory and the caller's own data; lists the staff; polls changes", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      assert.deepStrictEqual(
        (yield* desk.people(agent)).map((p) => p.name),
        ["Ann Lee", "Kim Wong", "Sam Chen"]
      )
      assert.strictEqual((yield* failure(desk.people(buyer)))._tag, "ActionForbidden")
      const me = Actor.agent("agent-zoe", { name: "Zoe Park" })
      assert.deepStrictEqual(yield* desk.displayNames(me, ["agent-ann", "am-kim", "agent-zoe", "nobody"]), {
        "agent-ann": "Ann Lee",
        "am-kim": "Kim Wong",
        "agent-zoe": "Zoe Park"
      })
      yield* setNow("2025-06-09T10:00")
      const a = yield* submit(buyer)
      yield* setNow("2025-06-09T12:00")
      const b = yield* submit(supplier)
      const since = (yield* desk.changes(agent, { since: Date.UTC(2025, 5, 9, 3, 0), limit: 10 })).map(
        (c) => c.trackingNumber
      )
      assert.deepStrictEqual(since, [b])
      const all = (yield* desk.changes(agent, { since: 0, limit: 10 })).map((c) => c.trackingNumber)
      assert.deepStrictEqual(all, [a, b])
    }).pipe(Effect.provide(withDirectory))
  )
})
