import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import type * as CaseEvent from "../src/CaseEvent.ts"
import { CaseStore, CaseStoreFailure } from "../src/CaseStore.ts"
import * as MemoryStorage from "../src/MemoryStorage.ts"
import * as Randomness from "../src/Randomness.ts"
import * as SupportDesk from "../src/SupportDesk.ts"
import {
  accountManager,
  agent,
  buyer,
  clock,
  deskLayer,
  failure,
  hk,
  local,
  messages,
  policy,
  setNow,
  stored,
  submit,
  supplier,
  types
} from "./SupportDesk.helpers.ts"

const Desk = SupportDesk.SupportDesk

describe("SupportDesk incidents and announcements", () => {
  it.effect("6.5 an incident's resolution notifies every linked requester", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T09:00")
      const incident = yield* desk.declareIncident(agent, {
        title: "Image uploads failing",
        description: "Product image uploads fail with an error since 08:40."
      })
      assert.strictEqual(incident.status, "investigating")
      // 6.5: the policy announces incidents: the declaration posts an announcement
      const shown = yield* desk.announcements
      assert.deepStrictEqual(
        shown.map((a) => [a.incidentId, a.title]),
        [[incident.id, "Image uploads failing"]]
      )

      yield* setNow("2025-06-09T10:00")
      const first = yield* submit(buyer, { category: "technical-diagnosis" })
      const second = yield* submit(supplier, { category: "product-uploads" })
      const unrelated = yield* submit(buyer, { subject: "Another question" })

      yield* setNow("2025-06-09T12:00")
      const linked = yield* desk.linkCase(agent, incident.id, first)
      yield* desk.linkCase(agent, incident.id, second)
      // linking twice changes nothing
      yield* desk.linkCase(agent, incident.id, second)
      assert.deepStrictEqual(
        types((yield* stored(second)).events).filter((t) => t === "incidentLinked"),
        ["incidentLinked"]
      )
      // the preset pauses the resolution clock of a linked case (6.5), not its first response
      assert.strictEqual(clock(linked.sla, "resolution").state, "paused")
      assert.strictEqual(clock(linked.sla, "firstResponse").state, "running")
      assert.deepStrictEqual(linked.sla.holds, ["incidentLinked"])
      assert.strictEqual((yield* desk.getIncident(incident.id)).linkedCaseIds.length, 2)

      const updated = yield* desk.updateIncident(agent, incident.id, {
        status: "identified",
        announcement: { body: "The storage service is degraded; a fix is being rolled out." }
      })
      assert.strictEqual(updated.status, "identified")
      assert.strictEqual((yield* desk.announcements).length, 2)

      yield* setNow("2025-06-10T12:00") // one business day (9 business hours) later
      const resolution = yield* desk.resolveIncident(agent, incident.id, { note: "Please try your upload again." })
      assert.strictEqual(resolution.incident.status, "resolved")
      assert.strictEqual(resolution.incident.resolvedAt, hk("2025-06-10T12:00"))

      const firstCase = yield* stored(first)
      const secondCase = yield* stored(second)
      assert.sameMembers([...resolution.notifiedCaseIds], [firstCase.case.id, secondCase.case.id])
      for (const c of [firstCase, secondCase]) {
        const unlinked = c.events.at(-1) as CaseEvent.Of<"incidentUnlinked">
        assert.strictEqual(unlinked.type, "incidentUnlinked")
        assert.strictEqual(unlinked.reason, "incidentResolved")
        assert.deepStrictEqual(unlinked.actor, { role: "system", id: "support-desk" })
        const notices = (yield* messages(c.case.id)).filter((m) => m.kind === "incidentResolved")
        assert.strictEqual(notices.length, 1)
        assert.strictEqual(notices[0].recipient.id, c.case.requester.id)
        assert.strictEqual(notices[0].sequence, unlinked.sequence)
        assert.include(notices[0].body, "Please try your upload again.")
      }
      // the unrelated case is untouched and its requester is not notified
      const other = yield* stored(unrelated)
      assert.deepStrictEqual(types(other.events), ["submitted", "assigned"])
      assert.deepStrictEqual(
        (yield* messages(other.case.id)).map((m) => m.kind),
        ["acknowledgment"]
      )

      // the resolution clock resumed with the 9 business hours of the incident added: Wed 18 June 10:00 → Thu 19 June
      const view = yield* desk.getCase(buyer, first)
      assert.strictEqual(clock(view.sla, "resolution").state, "running")
      assert.strictEqual(local(clock(view.sla, "resolution").dueAt), "2025-06-19T10:00")
      // the incident's announcements are no longer shown
      assert.deepStrictEqual(yield* desk.announcements, [])

      // resolving again notifies nobody twice
      const again = yield* desk.resolveIncident(agent, incident.id, {})
      assert.deepStrictEqual(again.notifiedCaseIds, [])
      // a resolved incident takes no more links
      assert.strictEqual((yield* failure(desk.linkCase(agent, incident.id, unrelated)))._tag, "IncidentAlreadyResolved")
      assert.strictEqual(
        (yield* failure(desk.updateIncident(agent, incident.id, { status: "monitoring" })))._tag,
        "IncidentAlreadyResolved"
      )
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("6.5 linking notifies the requester, and only staff manage incidents", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T09:00")
      assert.strictEqual(
        (yield* failure(desk.declareIncident(buyer, { title: "x", description: "y" })))._tag,
        "ActionForbidden"
      )
      assert.strictEqual(
        (yield* failure(desk.declareIncident(accountManager, { title: "x", description: "y" })))._tag,
        "ActionForbidden"
      )
      const badInput = yield* failure(desk.declareIncident(agent, { title: "", description: "y" }))
      assert.deepStrictEqual(
        (badInput as SupportDesk.InputInvalid).problems.map((p) => p.path),
        ["title"]
      )
      const incident = yield* desk.declareIncident(agent, { title: "Login outage", description: "Logins fail." })
      const tn = yield* submit(buyer, { category: "account-access" })
      const view = yield* desk.linkCase(agent, incident.id, tn)
      const notice = (yield* messages(view.case.id)).find((m) => m.kind === "incidentLinked")!
      assert.strictEqual(notice.recipient.id, "buyer-ada")
      assert.include(notice.body, "Login outage")
      assert.strictEqual((yield* failure(desk.linkCase(agent, "no-such-incident", tn)))._tag, "IncidentNotFound")
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("6.5 announcements are posted, updated and expire", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T09:00")
      const posted = yield* desk.postAnnouncement(agent, {
        title: "Scheduled maintenance",
        body: "The platform is read-only on Saturday 02:00–04:00.",
        expiresAt: hk("2025-06-14T04:00")
      })
      assert.strictEqual(posted.incidentId, null)
      yield* setNow("2025-06-10T09:00")
      const changed = yield* desk.updateAnnouncement(agent, posted.id, { body: "Moved to Sunday 02:00–04:00." })
      assert.strictEqual(changed.updatedAt, hk("2025-06-10T09:00"))
      assert.deepStrictEqual(
        (yield* desk.announcements).map((a) => a.body),
        ["Moved to Sunday 02:00–04:00."]
      )
      yield* setNow("2025-06-14T04:00")
      assert.deepStrictEqual(yield* desk.announcements, [])
      assert.strictEqual(
        (yield* failure(desk.updateAnnouncement(agent, "missing", { body: "x" })))._tag,
        "AnnouncementNotFound"
      )
      assert.strictEqual(
        (yield* failure(desk.postAnnouncement(buyer, { title: "x", body: "y" })))._tag,
        "ActionForbidden"
      )
    }).pipe(Effect.provide(deskLayer()))
  )
})

/** A case store whose `n`-th next update fails as if the database went away (set by the test). */
const failingStore = (() => {
  let failAt = 0
  let updates = 0
  const layer = Layer.effect(
    CaseStore,
    Effect.gen(function* () {
      const inner = yield* CaseStore
      return CaseStore.of({
        ...inner,
        update: (caseId, decide) =>
          ++updates === failAt
            ? Effect.fail(new CaseStoreFailure({ reason: "Unavailable", message: "update: the database went away" }))
            : inner.update(caseId, decide)
      })
    })
  )
  return {
    desk: SupportDesk.layer(policy).pipe(
      Layer.provide(layer),
      Layer.provideMerge(MemoryStorage.layerMemory),
      Layer.provide(Randomness.layerSeeded(5))
    ),
    failOnUpdate: (n: number) =>
      Effect.sync(() => {
        updates = 0
        failAt = n
      })
  }
})()

describe("SupportDesk.resolveIncident is safely re-runnable", () => {
  it.effect("6.5 a failure half-way leaves an active incident and consistent cases; a second call finishes", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T09:00")
      const incident = yield* desk.declareIncident(agent, { title: "Payments failing", description: "Cards fail." })
      const tns = [yield* submit(buyer), yield* submit(supplier), yield* submit(buyer, { subject: "third" })]
      for (const tn of tns) yield* desk.linkCase(agent, incident.id, tn)
      yield* setNow("2025-06-09T12:00")
      // the second case's unlinking fails: the store went away
      yield* failingStore.failOnUpdate(2)
      const error = yield* failure(desk.resolveIncident(agent, incident.id, { note: "Fixed." }))
      assert.strictEqual(error._tag, "CaseStoreFailure")
      // no half state: the incident is still active (and announced), the first case alone is unlinked, with its notice
      assert.strictEqual((yield* desk.getIncident(incident.id)).status, "investigating")
      assert.strictEqual((yield* desk.announcements).length, 1)
      const linkedNow = yield* Effect.forEach(tns, (tn) =>
        Effect.map(stored(tn), (c) => c.facts.linkedIncidents.includes(incident.id))
      )
      assert.deepStrictEqual(linkedNow, [false, true, true])
      // a second call finishes the work, notifying each requester exactly once
      yield* failingStore.failOnUpdate(0)
      const resolution = yield* desk.resolveIncident(agent, incident.id, { note: "Fixed." })
      assert.strictEqual(resolution.incident.status, "resolved")
      for (const tn of tns) {
        const c = yield* stored(tn)
        assert.deepStrictEqual(c.facts.linkedIncidents, [])
        assert.strictEqual((yield* messages(c.case.id)).filter((m) => m.kind === "incidentResolved").length, 1)
      }
      assert.deepStrictEqual(
        [...resolution.notifiedCaseIds].sort(),
        (yield* Effect.forEach(tns.slice(1), (tn) => Effect.map(stored(tn), (c) => c.case.id))).sort()
      )
      assert.deepStrictEqual(yield* desk.announcements, [])
      // and once resolved, calling again changes nothing
      const again = yield* desk.resolveIncident(agent, incident.id, {})
      assert.deepStrictEqual(again.notifiedCaseIds, [])
    }).pipe(Effect.provide(failingStore.desk))
  )

  it.effect("6.5 a case linked while the incident is being resolved is not left linked to a resolved incident", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T09:00")
      const incident = yield* desk.declareIncident(agent, { title: "Search is down", description: "No results." })
      const tns = yield* Effect.forEach([1, 2, 3, 4, 5, 6], (i) => submit(buyer, { subject: `case ${i}` }))
      yield* desk.linkCase(agent, incident.id, tns[0])
      // links and the resolution race
      yield* Effect.all(
        [
          ...tns.slice(1).map((tn) => Effect.exit(desk.linkCase(agent, incident.id, tn))),
          Effect.exit(desk.resolveIncident(agent, incident.id, {}))
        ],
        { concurrency: "unbounded" }
      )
      const final = yield* desk.getIncident(incident.id)
      if (final.status !== "resolved") yield* desk.resolveIncident(agent, incident.id, {})
      for (const tn of tns) assert.deepStrictEqual((yield* stored(tn)).facts.linkedIncidents, [], tn)
    }).pipe(Effect.provide(deskLayer()))
  )
})
