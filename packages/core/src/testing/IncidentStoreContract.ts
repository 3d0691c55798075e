/**
 * The contract of the `IncidentStore` port, as a test suite every adapter runs against itself: incidents and
 * announcements are stored as given; an update names the version it expects and writes its outbox messages in the
 * same unit of work, or nothing (also under concurrent updates); lists are ordered newest first; the current
 * announcements leave out expired ones and those of resolved incidents.
 *
 * The incidents of these tests are declared a century after the real clock's now, so they are the newest of a shared
 * database, and each test looks only at its own data.
 *
 * @since 0.1.0
 */
import { assert, describe } from "@effect/vitest"
import { Clock, Effect, type Layer, Option, Result } from "effect"
import * as Incident from "../Incident.ts"
import * as contract from "../internal/contract.ts"
import * as Outbox from "../Outbox.ts"
import * as Fixtures from "./Fixtures.ts"

/**
 * Options of the suite.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = contract.SuiteOptions

const hour = 3_600_000

// a century from now: newer than anything a previous run or a real host stored
const future = Effect.map(Clock.currentTimeMillis, (now) => now + 100 * 365 * 24 * hour)

const getIncident = (store: Incident.IncidentStore["Service"], id: string) =>
  Effect.map(store.get(id), (found) => {
    assert.isTrue(Option.isSome(found), `incident ${id} should exist`)
    return Option.getOrThrow(found)
  })

const resolve = (incident: Incident.Incident, at: number): Incident.Incident => ({
  ...incident,
  status: "resolved",
  resolvedAt: at,
  version: incident.version + 1
})

/**
 * Registers the contract tests of `IncidentStore` (with the `Outbox` written in the same unit of work) in the current
 * test file, against an adapter's layer.
 *
 * @since 0.1.0
 * @category tests
 */
export const suite = <E>(name: string, layer: Layer.Layer<contract.Storage, E>, options: Options = {}): void =>
  contract.run(`${name}: IncidentStore contract`, layer, (it) => tests(it, options))

/**
 * Registers the same tests with the `it` of a `layer(...)` block of `@effect/vitest` that provides the storage ports
 * and `Randomness` (built with `excludeTestServices: true`: the tests read the real clock).
 *
 * @since 0.1.0
 * @category tests
 */
export const tests = (it: contract.It, options: Options = {}): void => {
  const heavy = { timeout: options.timeout ?? 60_000 }

  describe("incidents", () => {
    it.effect("stores an incident with its first announcement, and reads them back", () =>
      Effect.gen(function* () {
        const store = yield* Incident.IncidentStore
        const caseId = yield* Fixtures.id("case")
        const incident = yield* Fixtures.incident({ linkedCaseIds: [caseId] })
        const announcement = yield* Fixtures.announcement({ incidentId: incident.id })
        yield* store.create(incident, announcement)
        assert.deepStrictEqual(yield* getIncident(store, incident.id), incident)
        assert.deepStrictEqual(yield* store.getAnnouncement(announcement.id), Option.some(announcement))
        const alone = yield* Fixtures.incident()
        yield* store.create(alone, null)
        assert.deepStrictEqual(yield* getIncident(store, alone.id), alone)
        const unknown = yield* Fixtures.id("unknown")
        assert.isTrue(Option.isNone(yield* store.get(unknown)))
        assert.isTrue(Option.isNone(yield* store.getAnnouncement(unknown)))
      })
    )

    it.effect("updates an incident from the version it expects, with its outbox messages", () =>
      Effect.gen(function* () {
        const store = yield* Incident.IncidentStore
        const outbox = yield* Outbox.Outbox
        const caseId = yield* Fixtures.id("case")
        const incident = yield* Fixtures.incident()
        yield* store.create(incident, null)
        const linked = { ...incident, linkedCaseIds: [caseId], version: 2 }
        const linkMessage = yield* Fixtures.message({ caseId, kind: "incidentLinked", createdAt: Fixtures.baseTime })
        yield* store.update(linked, { expectedVersion: 1, outbox: [linkMessage] })
        assert.deepStrictEqual(yield* getIncident(store, incident.id), linked)
        const resolved = resolve(linked, Fixtures.baseTime + hour)
        const resolvedMessage = yield* Fixtures.message({
          caseId,
          kind: "incidentResolved",
          createdAt: Fixtures.baseTime
        })
        yield* store.update(resolved, { expectedVersion: 2, outbox: [resolvedMessage] })
        assert.deepStrictEqual(yield* getIncident(store, incident.id), resolved)
        const messages = yield* outbox.listByCase(caseId)
        assert.deepStrictEqual(
          messages.map((d) => d.message),
          [linkMessage, resolvedMessage]
        )
        assert.isTrue(messages.every((d) => d.status === "pending" && d.attempts === 0))
      })
    )

    it.effect("refuses an update from another version with IncidentVersionConflict, and writes nothing", () =>
      Effect.gen(function* () {
        const store = yield* Incident.IncidentStore
        const outbox = yield* Outbox.Outbox
        const incident = yield* Fixtures.incident()
        yield* store.create(incident, null)
        const first = { ...incident, status: "identified" as const, version: 2 }
        yield* store.update(first, { expectedVersion: 1, outbox: [] })
        const stale = resolve(incident, Fixtures.baseTime + hour)
        const message = yield* Fixtures.message({
          caseId: null,
          kind: "incidentResolved",
          createdAt: Fixtures.baseTime
        })
        const error = yield* Effect.flip(store.update(stale, { expectedVersion: 1, outbox: [message] }))
        contract.assertError(error, "IncidentVersionConflict", { incidentId: incident.id, expected: 1, actual: 2 })
        assert.deepStrictEqual(yield* getIncident(store, incident.id), first)
        assert.isTrue(Option.isNone(yield* outbox.get(message.id)))
      })
    )

    it.effect("refuses an update of an unknown incident with IncidentNotFound, and writes nothing", () =>
      Effect.gen(function* () {
        const store = yield* Incident.IncidentStore
        const outbox = yield* Outbox.Outbox
        const never = yield* Fixtures.incident()
        const message = yield* Fixtures.message({ caseId: null, createdAt: Fixtures.baseTime })
        const error = yield* Effect.flip(
          store.update({ ...never, version: 2 }, { expectedVersion: 1, outbox: [message] })
        )
        contract.assertError(error, "IncidentNotFound", { incidentId: never.id })
        assert.isTrue(Option.isNone(yield* store.get(never.id)))
        assert.isTrue(Option.isNone(yield* outbox.get(message.id)))
      })
    )

    it.effect(
      "lets exactly one of 20 concurrent updates from the same version through",
      () =>
        Effect.gen(function* () {
          const store = yield* Incident.IncidentStore
          const outbox = yield* Outbox.Outbox
          const incident = yield* Fixtures.incident()
          yield* store.create(incident, null)
          const updates = yield* Effect.forEach(Array.from({ length: 20 }), (_, i) =>
            Effect.map(Fixtures.message({ caseId: null, createdAt: Fixtures.baseTime }), (message) => ({
              incident: { ...incident, description: `update ${i}`, version: 2 },
              message
            }))
          )
          const results = yield* Effect.forEach(
            updates,
            (u) => Effect.result(store.update(u.incident, { expectedVersion: 1, outbox: [u.message] })),
            { concurrency: "unbounded" }
          )
          const won = updates.filter((_, i) => Result.isSuccess(results[i]))
          assert.strictEqual(won.length, 1)
          for (const r of results) {
            if (Result.isFailure(r)) {
              contract.assertError(r.failure, "IncidentVersionConflict", { expected: 1, actual: 2 })
            }
          }
          assert.deepStrictEqual(yield* getIncident(store, incident.id), won[0].incident)
          for (const u of updates) {
            assert.strictEqual(Option.isSome(yield* outbox.get(u.message.id)), u === won[0])
          }
        }),
      heavy
    )

    it.effect("dies on an update that does not carry the next version, and writes nothing", () =>
      Effect.gen(function* () {
        const store = yield* Incident.IncidentStore
        const incident = yield* Fixtures.incident()
        yield* store.create(incident, null)
        const skipped = { ...incident, status: "monitoring" as const, version: 3 }
        assert.include(yield* contract.expectDie(store.update(skipped, { expectedVersion: 1, outbox: [] })), "version")
        assert.deepStrictEqual(yield* getIncident(store, incident.id), incident)
      })
    )

    it.effect("lists incidents newest first, only unresolved ones when asked, at most `limit`", () =>
      Effect.gen(function* () {
        const store = yield* Incident.IncidentStore
        const t = yield* future
        const oldest = yield* Fixtures.incident({ declaredAt: t })
        const resolved = yield* Fixtures.incident({ declaredAt: t + hour })
        const newest = yield* Fixtures.incident({ declaredAt: t + 2 * hour })
        for (const incident of [oldest, resolved, newest]) yield* store.create(incident, null)
        yield* store.update(resolve(resolved, t + 3 * hour), { expectedVersion: 1, outbox: [] })
        const ids = new Set([oldest.id, resolved.id, newest.id])
        const all = yield* store.list({ activeOnly: false, limit: 1000 })
        assert.deepStrictEqual(
          all.filter((i) => ids.has(i.id)).map((i) => i.id),
          [newest.id, resolved.id, oldest.id]
        )
        const active = yield* store.list({ activeOnly: true, limit: 1000 })
        assert.deepStrictEqual(
          active.filter((i) => ids.has(i.id)).map((i) => i.id),
          [newest.id, oldest.id]
        )
        assert.isTrue(active.every((i) => i.status !== "resolved"))
        assert.strictEqual((yield* store.list({ activeOnly: false, limit: 2 })).length, 2)
        assert.deepStrictEqual(yield* store.list({ activeOnly: false, limit: 0 }), [])
      })
    )
  })

  describe("announcements", () => {
    it.effect("replaces an announcement by id", () =>
      Effect.gen(function* () {
        const store = yield* Incident.IncidentStore
        const announcement = yield* Fixtures.announcement()
        yield* store.putAnnouncement(announcement)
        const updated = { ...announcement, body: "Fixed for most buyers.", updatedAt: announcement.updatedAt + hour }
        yield* store.putAnnouncement(updated)
        assert.deepStrictEqual(yield* store.getAnnouncement(announcement.id), Option.some(updated))
      })
    )

    it.effect("shows the announcements not expired and not of a resolved incident, newest first", () =>
      Effect.gen(function* () {
        const store = yield* Incident.IncidentStore
        const t = yield* future
        const ongoing = yield* Fixtures.incident({ declaredAt: t })
        const ended = yield* Fixtures.incident({ declaredAt: t })
        yield* store.create(ongoing, null)
        yield* store.create(ended, null)
        const standing = yield* Fixtures.announcement({ postedAt: t })
        const ofOngoing = yield* Fixtures.announcement({ incidentId: ongoing.id, postedAt: t + 1 })
        const ofEnded = yield* Fixtures.announcement({ incidentId: ended.id, postedAt: t + 2 })
        const expiring = yield* Fixtures.announcement({ postedAt: t + 3, expiresAt: t + hour })
        for (const a of [standing, ofOngoing, ofEnded, expiring]) yield* store.putAnnouncement(a)
        const ids = new Set([standing.id, ofOngoing.id, ofEnded.id, expiring.id])
        const shown = (now: number) =>
          Effect.map(store.currentAnnouncements(now), (as) => as.filter((a) => ids.has(a.id)).map((a) => a.id))
        assert.deepStrictEqual(yield* shown(t + hour - 1), [expiring.id, ofEnded.id, ofOngoing.id, standing.id])
        // expiresAt is the first instant it is no longer shown
        assert.deepStrictEqual(yield* shown(t + hour), [ofEnded.id, ofOngoing.id, standing.id])
        yield* store.update(resolve(ended, t + 2 * hour), { expectedVersion: 1, outbox: [] })
        assert.deepStrictEqual(yield* shown(t + hour), [ofOngoing.id, standing.id])
        // the announcement of a resolved incident is still stored
        assert.isTrue(Option.isSome(yield* store.getAnnouncement(ofEnded.id)))
      })
    )
  })

  describe("values", () => {
    it.effect("cannot be changed through a value written or read", () =>
      Effect.gen(function* () {
        const store = yield* Incident.IncidentStore
        const incident = yield* Fixtures.incident({ linkedCaseIds: ["case-a"] })
        const announcement = yield* Fixtures.announcement({ incidentId: incident.id })
        const expected = structuredClone({ incident, announcement })
        yield* store.create(incident, announcement)
        const read = yield* getIncident(store, incident.id)
        const readAnnouncement = Option.getOrThrow(yield* store.getAnnouncement(announcement.id))
        contract.tryMutate(
          () => ((incident as { title: string }).title = "changed"),
          () => (incident.linkedCaseIds as Array<string>).push("case-b"),
          () => ((announcement as { body: string }).body = "changed"),
          () => ((read as { status: string }).status = "resolved"),
          () => (read.linkedCaseIds as Array<string>).push("case-c"),
          () => ((readAnnouncement as { title: string }).title = "changed")
        )
        assert.deepStrictEqual(yield* getIncident(store, incident.id), expected.incident)
        assert.deepStrictEqual(yield* store.getAnnouncement(announcement.id), Option.some(expected.announcement))
      })
    )
  })
}
