/**
 * Clause 7.1, versions of the policy on the desk: administrators publish versions (decoded like any policy, the same
 * `id`, a new version number), list and read them, and move open cases to one; a case is evaluated under the version
 * it names. The storage contract (`PolicyVersionsContract`) runs the main scenario on every adapter; this file covers
 * the rest on the memory stores.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Presets from "../src/Presets.ts"
import * as Sla from "../src/Sla.ts"
import * as SupportDesk from "../src/SupportDesk.ts"
import type * as SupportPolicy from "../src/SupportPolicy.ts"
import {
  administrator,
  agent,
  buyer,
  deskLayer,
  failure,
  HOUR,
  hk,
  otherBuyer,
  setNow,
  stored,
  submit,
  supplier,
  types
} from "./SupportDesk.helpers.ts"

const Desk = SupportDesk.SupportDesk

/** Version 1.9: a first response within 1 business day. */
const v19: SupportPolicy.SupportPolicy = {
  ...Presets.globalSources,
  version: "1.9",
  effectiveDate: "2025-06-01",
  sla: Presets.globalSources.sla.map((rule) =>
    rule.id === "first-response" ? { ...rule, target: { businessDays: 1 } } : rule
  )
}

const json = (p: SupportPolicy.SupportPolicy): any => JSON.parse(JSON.stringify(p))

describe("SupportDesk policy versions (clause 7.1)", () => {
  it.effect("7.1 only an administrator lists, reads, publishes and moves; the list says which is in force", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      for (const actor of [agent, buyer]) {
        assert.strictEqual((yield* failure(desk.policyVersions(actor)))._tag, "ActionForbidden")
        assert.strictEqual((yield* failure(desk.publishPolicy(actor, json(v19))))._tag, "ActionForbidden")
        assert.strictEqual((yield* failure(desk.policyVersion(actor, "1.8")))._tag, "ActionForbidden")
        assert.strictEqual((yield* failure(desk.movePolicyVersion(actor, "1.8", {})))._tag, "ActionForbidden")
      }
      yield* setNow("2025-06-09T10:00")
      const seeded = yield* desk.policyVersions(administrator)
      assert.deepStrictEqual(
        seeded.map((v) => [v.version, v.inForce, v.publishedBy.role]),
        [["1.8", true, "system"]]
      )
      yield* setNow("2025-06-09T11:00")
      yield* desk.publishPolicy(administrator, json(v19))
      const listed = yield* desk.policyVersions(administrator)
      assert.deepStrictEqual(
        listed.map((v) => [v.version, v.inForce]),
        [
          ["1.8", false],
          ["1.9", true]
        ]
      )
      assert.deepStrictEqual(listed[1].publishedBy, { role: "administrator", id: administrator.id })
      assert.strictEqual(listed[1].publishedAt, hk("2025-06-09T11:00"))
      assert.deepStrictEqual((yield* desk.policyVersion(administrator, "1.8")).policy, Presets.globalSources)
      assert.strictEqual((yield* failure(desk.policyVersion(administrator, "3.0")))._tag, "PolicyVersionNotFound")
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect(
    "7.1 a document that does not decode is refused naming each field; a version number is published once",
    () =>
      Effect.gen(function* () {
        const desk = yield* Desk
        const bad = json(v19)
        bad.sla[0].target = { businessDays: 1, businessHours: 4 }
        bad.channels[0].availibility = "always"
        const decode = yield* failure(desk.publishPolicy(administrator, bad))
        assert.strictEqual(decode._tag, "PolicyDecodeFailure")
        const paths = decode._tag === "PolicyDecodeFailure" ? decode.problems.map((p) => p.path) : []
        assert.includeMembers(paths, ["sla[0].target", "channels[0].availibility"])
        // a cross-reference the shape allows
        const unknownPriority = json(v19)
        unknownPriority.sla[1].appliesTo = { priorities: ["urgent"] }
        const references = yield* failure(desk.publishPolicy(administrator, unknownPriority))
        assert.deepStrictEqual(references._tag === "PolicyDecodeFailure" && references.problems.map((p) => p.path), [
          "sla[1].appliesTo.priorities[0]"
        ])
        const otherPolicy = yield* failure(desk.publishPolicy(administrator, { ...json(v19), id: "acme" }))
        assert.deepStrictEqual(otherPolicy._tag === "PolicyDecodeFailure" && otherPolicy.problems[0].path, "id")
        // nothing was published by the refusals
        assert.strictEqual((yield* desk.policyInForce).version, "1.8")
        yield* desk.publishPolicy(administrator, json(v19))
        const again = yield* failure(desk.publishPolicy(administrator, { ...json(v19), title: "Changed" }))
        assert.deepStrictEqual(
          [again._tag, again._tag === "PolicyVersionExists" && again.version],
          ["PolicyVersionExists", "1.9"]
        )
        const same18 = yield* failure(desk.publishPolicy(administrator, json(Presets.globalSources)))
        assert.strictEqual(same18._tag, "PolicyVersionExists")
        assert.strictEqual((yield* desk.policyVersion(administrator, "1.9")).policy.title, v19.title)
      }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("7.1 quotes and submissions follow the version in force; a case's reads keep its own", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T10:00")
      const quote18 = yield* desk.quote({ category: "consultation", channel: "email" })
      assert.strictEqual(quote18.replyBy, hk("2025-06-11T10:00"))
      const old = yield* submit(buyer)
      yield* desk.publishPolicy(administrator, json(v19))
      const quote19 = yield* desk.quote({ category: "consultation", channel: "email" })
      assert.strictEqual(quote19.replyBy, hk("2025-06-10T10:00"))
      const fresh = yield* desk.submit({
        requester: { id: otherBuyer.id, audience: "buyer" },
        channel: "email",
        category: "consultation",
        subject: "Under 1.9",
        description: "A question.",
        language: "en"
      })
      assert.strictEqual(fresh.replyBy, hk("2025-06-10T10:00"))
      assert.include(fresh.acknowledgment?.body ?? "", "within 1 business day")
      // the old case, read and acted on, stays on 1.8
      const view = yield* desk.reply(agent, old, { body: "Looking into it." })
      assert.strictEqual(view.sla.policy.version, "1.8")
      assert.strictEqual(Sla.current(view.sla, "firstResponse")?.targetMs, 18 * HOUR)
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("7.1 moving every open case: answered and closed cases keep their version; unknown facts are skipped", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T10:00")
      const open = yield* submit(buyer, { subject: "Still open" })
      const answered = yield* submit(buyer, { subject: "Answered" })
      const listing = yield* submit(supplier, { subject: "Translations", category: "multilingual-listings" })
      yield* desk.resolve(agent, answered, { body: "Done." })
      // 1.9 no longer offers multilingual listings
      const narrower: SupportPolicy.SupportPolicy = {
        ...v19,
        categories: v19.categories.filter((c) => c.id !== "multilingual-listings")
      }
      yield* desk.publishPolicy(administrator, json(narrower))
      yield* setNow("2025-06-09T12:00")
      const move = yield* desk.movePolicyVersion(administrator, "1.9", { from: ["1.8"] })
      assert.deepStrictEqual(
        move.moved.map((m) => [m.trackingNumber, m.from]),
        [[open, "1.8"]]
      )
      assert.deepStrictEqual(
        move.skipped.map((s) => [s.trackingNumber, s.reason]),
        [[listing, 'version 1.9 has no category "multilingual-listings"']]
      )
      assert.strictEqual((yield* stored(answered)).case.policyVersion, "1.8")
      assert.strictEqual((yield* stored(listing)).case.policyVersion, "1.8")
      const moved = yield* stored(open)
      assert.deepStrictEqual(types(moved.events).slice(-1), ["policyChanged"])
      // moving again does nothing; the answered case named by its tracking number is not open
      const again = yield* desk.movePolicyVersion(administrator, "1.9", {
        trackingNumbers: [open, answered, "GS-NONE"]
      })
      assert.deepStrictEqual(again.moved, [])
      assert.deepStrictEqual(
        again.skipped.map((s) => s.trackingNumber),
        [open, answered, "GS-NONE"]
      )
      assert.include(again.skipped[1].reason, "while it is resolved")
      assert.strictEqual(
        (yield* failure(desk.movePolicyVersion(administrator, "7.0", {})))._tag,
        "PolicyVersionNotFound"
      )
      assert.strictEqual(
        (yield* failure(desk.movePolicyVersion(administrator, "1.9", { trackingNumbers: [] })))._tag,
        "InputInvalid"
      )
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("7.1 a moved case that is reopened later goes on under its new version", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T10:00")
      const tn = yield* submit(buyer)
      yield* desk.publishPolicy(administrator, json(v19))
      yield* setNow("2025-06-09T11:00")
      yield* desk.movePolicyVersion(administrator, "1.9", { trackingNumbers: [tn] })
      yield* desk.resolve(agent, tn, { body: "Done." })
      yield* setNow("2025-06-10T10:00")
      const reopened = yield* desk.reopen(buyer, tn, { reason: "Not solved" })
      assert.strictEqual(reopened.case.policyVersion, "1.9")
      // reopened Tuesday 10:00: 1.9's first response within 1 business day, Wednesday 10:00
      assert.strictEqual(Sla.current(reopened.sla, "firstResponse")?.dueAt, hk("2025-06-11T10:00"))
    }).pipe(Effect.provide(deskLayer()))
  )
})
