/**
 * What the contract suites cannot see from outside the ports: rows damaged in the database surface as typed `Corrupt`
 * failures (never as a wrong case), driver failures as `Unavailable` with their cause, the migrations, and the
 * convenience layers. On in-memory PGlite and on the real server.
 */
import { afterAll, assert, describe, layer } from "@effect/vitest"
import { CaseStore, Incident, Outbox, Randomness } from "@support-policy/core"
import { Fixtures } from "@support-policy/core/testing"
import { PgCaseStore, PgMigrations, PgStorage } from "@support-policy/sql-pg"
import { Effect, Layer, Option } from "effect"
import { SqlClient } from "effect/sql"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as PgTest from "./support/PgTest.ts"

const pglite = PgTest.sharedPglite()
afterAll(pglite.close)
const server = PgTest.sharedServerDatabase()

const backends = [
  { name: "PGlite", client: pglite.layer, skip: false },
  { name: "PostgreSQL", client: server.layer, skip: PgTest.skipServer }
] as const

/** Runs an effect and returns its failure (the test fails if it succeeds). */
const failure = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.flip(effect)

const corruptCase = (message: string) => (error: unknown) => {
  assert.instanceOf(error, CaseStore.CaseStoreFailure)
  const failure = error as CaseStore.CaseStoreFailure
  assert.strictEqual(failure.reason, "Corrupt")
  assert.include(failure.message, message)
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(backend.name, () => {
    layer(PgStorage.layer.pipe(Layer.provideMerge(backend.client), Layer.provideMerge(Randomness.layer)), {
      excludeTestServices: true,
      timeout: "120 seconds"
    })("adapter", (it) => {
      describe("rows that do not decode", () => {
        it.effect("a case whose document fails its schema is Corrupt on every read", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const store = yield* CaseStore.CaseStore
            const priority = yield* Fixtures.id("priority")
            const input = yield* Fixtures.newCase({ priority })
            yield* store.create(input)
            const c = input.case
            yield* sql`UPDATE support_cases SET data = jsonb_set(data, '{status}', '"bogus"') WHERE id = ${c.id}`
            const expectCorrupt = corruptCase(`case ${c.id}`)
            expectCorrupt(yield* failure(store.get(c.id)))
            expectCorrupt(yield* failure(store.getByTrackingNumber(c.trackingNumber)))
            expectCorrupt(yield* failure(store.listByRequester(c.requester.id, { limit: 10 })))
            expectCorrupt(yield* failure(store.listByParty(c.requester.id, { limit: 10 })))
            expectCorrupt(yield* failure(store.queue({ limit: 10, priorities: [priority] })))
          })
        )

        it.effect("a case document that names another case is Corrupt", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const store = yield* CaseStore.CaseStore
            const input = yield* Fixtures.newCase()
            yield* store.create(input)
            const other = yield* Fixtures.newCase()
            yield* sql`UPDATE support_cases SET data = ${JSON.stringify(other.case)}::jsonb WHERE id = ${input.case.id}`
            corruptCase(`names case ${other.case.id}`)(yield* failure(store.get(input.case.id)))
          })
        )

        it.effect("an event that fails its schema, a gap in the record, or a missing event is Corrupt", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const store = yield* CaseStore.CaseStore
            const cases = yield* Effect.forEach([1, 2, 3], () =>
              Effect.gen(function* () {
                const input = yield* Fixtures.newCase()
                yield* store.create(input)
                return (yield* store.append(yield* Fixtures.append(input.case, { events: 2 }))).case
              })
            )
            yield* sql`UPDATE support_case_events SET data = jsonb_set(data, '{type}', '"teleported"')
                       WHERE case_id = ${cases[0].id} AND sequence = 2`
            corruptCase(`case ${cases[0].id}, event 2`)(yield* failure(store.get(cases[0].id)))
            // an append reads the record back inside its transaction: it fails, and is rolled back
            corruptCase(`case ${cases[0].id}, event 2`)(yield* failure(store.append(yield* Fixtures.append(cases[0]))))
            const after = yield* sql<{ sequence: number; events: number }>`
              SELECT sequence, (SELECT count(*)::integer FROM support_case_events WHERE case_id = ${cases[0].id}) AS events
              FROM support_cases WHERE id = ${cases[0].id}`
            assert.deepStrictEqual(
              after.map((r) => [r.sequence, r.events]),
              [[3, 3]]
            )
            yield* sql`DELETE FROM support_case_events WHERE case_id = ${cases[1].id} AND sequence = 2`
            corruptCase(`case ${cases[1].id}: the record has no event 2`)(yield* failure(store.get(cases[1].id)))
            yield* sql`DELETE FROM support_case_events WHERE case_id = ${cases[2].id} AND sequence = 3`
            corruptCase(`case ${cases[2].id}: the case is at sequence 3, its record has 2 events`)(
              yield* failure(store.get(cases[2].id))
            )
          })
        )

        it.effect("an outbox message that fails its schema is an OutboxFailure", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const store = yield* CaseStore.CaseStore
            const outbox = yield* Outbox.Outbox
            const input = yield* Fixtures.newCase()
            yield* store.create(input)
            const id = input.outbox[0].id
            yield* sql`UPDATE support_outbox SET data = data - 'recipient' WHERE id = ${id}`
            const error = yield* failure(outbox.get(id))
            assert.instanceOf(error, Outbox.OutboxFailure)
            assert.include(error.message, `outbox message ${id}`)
            assert.instanceOf(yield* failure(outbox.listByCase(input.case.id)), Outbox.OutboxFailure)
          })
        )

        it.effect("an incident or announcement that fails its schema is Corrupt", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const incidents = yield* Incident.IncidentStore
            const incident = yield* Fixtures.incident()
            const announcement = yield* Fixtures.announcement({ incidentId: incident.id })
            yield* incidents.create(incident, announcement)
            yield* sql`UPDATE support_incidents SET data = jsonb_set(data, '{version}', '2') WHERE id = ${incident.id}`
            yield* sql`UPDATE support_announcements SET data = jsonb_set(data, '{title}', '""')
                       WHERE id = ${announcement.id}`
            const incidentError = yield* failure(incidents.get(incident.id))
            assert.strictEqual(incidentError.reason, "Corrupt")
            assert.include(incidentError.message, `incident ${incident.id}`)
            const announcementError = yield* failure(incidents.getAnnouncement(announcement.id))
            assert.strictEqual(announcementError.reason, "Corrupt")
            assert.include(announcementError.message, `announcement ${announcement.id}`)
          })
        )
      })

      describe("migrations", () => {
        it.effect("apply once: a second run applies nothing", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            assert.deepStrictEqual(yield* PgMigrations.run, [])
            const applied = yield* sql<{ migration_id: number; name: string }>`
              SELECT migration_id, name FROM ${sql(PgMigrations.table)} ORDER BY migration_id`
            assert.deepStrictEqual(
              applied.map((m) => `${m.migration_id}_${m.name}`),
              Object.keys(PgMigrations.migrations)
            )
          })
        )
      })

      describe("driver failures", () => {
        it.effect("are Unavailable failures that keep the driver's error", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            // a store on a schema without the tables: every query fails in the driver
            const schema = `empty_${(yield* Fixtures.id("s")).slice(2, 14)}`
            yield* sql.unsafe(`CREATE SCHEMA ${schema}`)
            const store = yield* PgCaseStore.make
            const error = yield* sql
              .withTransaction(Effect.andThen(sql.unsafe(`SET LOCAL search_path TO ${schema}`), store.get("anything")))
              .pipe(Effect.flip)
            assert.instanceOf(error, CaseStore.CaseStoreFailure)
            const storeFailure = error as CaseStore.CaseStoreFailure
            assert.strictEqual(storeFailure.reason, "Unavailable")
            assert.include(storeFailure.message, "support_cases")
            assert.strictEqual((storeFailure.cause as { _tag?: string })._tag, "SqlError")
          })
        )
      })
    })
  })
}

describe.skipIf(PgTest.skipServer)("PgStorage.layerUrl", () => {
  layer(
    Layer.unwrap(Effect.map(server.url, (url) => PgStorage.layerUrl(url))).pipe(
      Layer.provideMerge(Randomness.layer),
      Layer.orDie
    ),
    { excludeTestServices: true, timeout: "60 seconds" }
  )("connects by URL over TCP", (it) => {
    it.effect("stores and reads a case", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        const input = yield* Fixtures.newCase()
        yield* store.create(input)
        const stored = yield* store.get(input.case.id)
        assert.deepStrictEqual(
          Option.map(stored, (s) => s.case),
          Option.some(input.case)
        )
      })
    )
  })
})

describe("PgStorage.layerPglite", () => {
  layer(Randomness.layer, { excludeTestServices: true, timeout: "120 seconds" })("in a data folder", (it) => {
    it.effect("keeps what was stored after the database is closed and opened again", () =>
      Effect.gen(function* () {
        const dataDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "sp-pglite-"))
        // an initialised folder (initdb is PGlite's business, and slow): the layer opens it twice
        yield* Effect.promise(() => PgTest.openPglite(dataDir).then((pglite) => pglite.close()))
        const input = yield* Fixtures.newCase()
        const storage = PgStorage.layerPglite({ dataDir })
        yield* Effect.gen(function* () {
          const store = yield* CaseStore.CaseStore
          yield* store.create(input)
        }).pipe(Effect.provide(storage))
        const stored = yield* Effect.gen(function* () {
          const store = yield* CaseStore.CaseStore
          return yield* store.get(input.case.id)
        }).pipe(Effect.provide(storage))
        assert.deepStrictEqual(
          Option.map(stored, (s) => s.events),
          Option.some(input.events)
        )
        Fs.rmSync(dataDir, { recursive: true, force: true })
      }).pipe(Effect.orDie)
    )
  })
})
