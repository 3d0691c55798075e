/**
 * What the contract suites cannot see from outside the ports: rows damaged in the database surface as typed `Corrupt`
 * failures (never as a wrong case), driver failures as `Unavailable` (an outage) or `Rejected` (a value the database
 * refused) with their cause, the migrations (including the upgrade of an earlier database), and the convenience
 * layers. On in-memory PGlite and on the real server.
 */
import { afterAll, assert, describe, layer } from "@effect/vitest"
import { CaseEvent, CaseLifecycle, CaseQuery, CaseStore, Incident, Outbox, Randomness } from "@support-policy/core"
import { Fixtures } from "@support-policy/core/testing"
import { PgCaseStore, PgMigrations, PgStorage } from "@support-policy/sql-pg"
import { Effect, Layer, Option, Result, Tracer } from "effect"
import { Migrator, SqlClient } from "effect/sql"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as CaseReads from "../src/internal/caseReads.ts"
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

        it.effect("an event, a clock event or facts that fail their schema or their place are Corrupt", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const store = yield* CaseStore.CaseStore
            const cases = yield* Effect.forEach([1, 2, 3], () =>
              Effect.gen(function* () {
                const input = yield* Fixtures.newCase()
                yield* store.create(input)
                return yield* store.append(yield* Fixtures.append(input, { events: 2 }))
              })
            )
            const [a, b, c] = cases.map((x) => x.case)
            // an event of the record: its page fails, the case itself (beside the record) still reads
            yield* sql`UPDATE support_case_events SET data = jsonb_set(data, '{type}', '"teleported"')
                       WHERE case_id = ${a.id} AND sequence = 2`
            corruptCase(`case ${a.id}, event 2`)(yield* failure(store.events(a.id, { limit: 10 })))
            assert.isTrue(Option.isSome(yield* store.get(a.id)))
            // a clock event: every read of the case fails, and so does a write (nothing is written)
            yield* sql`UPDATE support_case_clock_events SET data = jsonb_set(data, '{sequence}', '9')
                       WHERE case_id = ${b.id} AND sequence = 2`
            corruptCase(`case ${b.id}: clock event 2`)(yield* failure(store.get(b.id)))
            corruptCase(`case ${b.id}: clock event 2`)(yield* failure(store.append(yield* Fixtures.append(cases[1]))))
            const after = yield* sql<{ sequence: number; events: number }>`
              SELECT sequence, (SELECT count(*)::integer FROM support_case_events WHERE case_id = ${b.id}) AS events
              FROM support_cases WHERE id = ${b.id}`
            assert.deepStrictEqual(
              after.map((r) => [r.sequence, r.events]),
              [[3, 3]]
            )
            // facts that are not at the case's sequence
            yield* sql`UPDATE support_cases SET facts = jsonb_set(facts, '{sequence}', '2') WHERE id = ${c.id}`
            corruptCase(`case ${c.id}: its facts say sequence 2, its row 3`)(yield* failure(store.get(c.id)))
          })
        )

        it.effect(
          "a clock record that grew reads as a new store reads it whole; a rewritten or shortened one is read again",
          () =>
            Effect.gen(function* () {
              const sql = yield* SqlClient.SqlClient
              const store = yield* CaseStore.CaseStore
              const input = yield* Fixtures.newCase()
              yield* store.create(input)
              let stored = yield* store.append(yield* Fixtures.append(input, { events: 2 }))
              const cached = yield* store.get(input.case.id)
              assert.deepStrictEqual(Option.getOrThrow(cached), stored)
              // the store read this clock record before: now it asks for the three new events only
              stored = yield* store.append(yield* Fixtures.append(stored, { events: 3 }))
              const grown = Option.getOrThrow(yield* store.getByTrackingNumber(input.case.trackingNumber))
              const fresh = yield* Effect.flatMap(PgCaseStore.make, (other) => other.get(input.case.id))
              assert.deepStrictEqual(grown, Option.getOrThrow(fresh))
              assert.deepStrictEqual(
                grown.clockRecord.map((e) => e.sequence),
                [1, 2, 3, 4, 5, 6]
              )
              // the record rewritten (as erasure does: every row deleted and inserted again), one row damaged: the
              // first row's xmin changed, so the store reads the whole record again and finds the damage
              const rows = yield* sql<{ sequence: number; data: unknown }>`
                SELECT sequence, data FROM support_case_clock_events WHERE case_id = ${input.case.id}`
              yield* sql`DELETE FROM support_case_clock_events WHERE case_id = ${input.case.id}`
              for (const r of rows) {
                yield* sql`INSERT INTO support_case_clock_events (case_id, sequence, data)
                           VALUES (${input.case.id}, ${r.sequence}, ${JSON.stringify(r.data)}::jsonb)`
              }
              yield* sql`UPDATE support_case_clock_events SET data = jsonb_set(data, '{type}', '"teleported"')
                       WHERE case_id = ${input.case.id} AND sequence = 3`
              corruptCase(`case ${input.case.id}, clock event 3`)(yield* failure(store.get(input.case.id)))
              // a row removed at the end: the store notices the last row it had is gone and reads the record again
              yield* sql`UPDATE support_case_clock_events SET data = jsonb_set(data, '{type}', '"replied"')
                       WHERE case_id = ${input.case.id} AND sequence = 3`
              assert.isTrue(Option.isSome(yield* store.get(input.case.id)))
              yield* sql`DELETE FROM support_case_clock_events WHERE case_id = ${input.case.id} AND sequence = 6`
              const shorter = Option.getOrThrow(yield* store.get(input.case.id))
              assert.deepStrictEqual(
                shorter.clockRecord.map((e) => e.sequence),
                [1, 2, 3, 4, 5]
              )
              // and a write after it appends to what the database holds
              const next = yield* store.append(yield* Fixtures.append(shorter))
              assert.deepStrictEqual(
                Option.getOrThrow(yield* store.get(input.case.id)).clockRecord.map((e) => e.sequence),
                next.clockRecord.map((e) => e.sequence)
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

      describe("words of Chinese, Japanese or Korean characters", () => {
        it.effect("a rare word is read among its cases, a common one case by case: the same pages and counts", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const store = yield* CaseStore.CaseStore
            const tag = (yield* Fixtures.id("w")).replaceAll("-", "")
            const texts = [
              "订单还没有发货", // the word, a longer phrase
              "已经发货了",
              "发 货", // the characters apart
              "石英台面",
              "no Chinese here",
              "还没有发票"
            ]
            const base = Date.UTC(2025, 5, 2, 1)
            const inputs = yield* Effect.forEach(texts, (text, i) =>
              Fixtures.newCase({
                subject: `${tag} ${text}`,
                openedAt: base + ((i * 7) % texts.length) * 60_000,
                nextDueAt: i % 3 === 0 ? null : base + ((i * 5) % texts.length) * 3_600_000
              })
            )
            for (const input of inputs) yield* store.create(input)
            // a note with the word on the case without Chinese: staff find it, the requester does not
            const stored = Option.getOrThrow(yield* store.get(inputs[4].case.id))
            yield* store.append(
              yield* Fixtures.append(stored, { type: "noteAdded", body: "供应商说已发货", messages: 0 })
            )
            const ids = (...i: Array<number>) => i.map((n) => inputs[n].case.id).sort()
            const rarely = CaseReads.make(sql)
            const commonly = CaseReads.make(sql, { rareRows: 0 })
            const words = [
              { q: "发货", staff: ids(0, 1, 4), requester: ids(0, 1) },
              { q: "货", staff: ids(0, 1, 2, 4), requester: ids(0, 1, 2) },
              { q: "还没有", staff: ids(0, 5), requester: ids(0, 5) },
              { q: "还没有 发票", staff: ids(5), requester: ids(5) },
              { q: "石台", staff: [], requester: [] },
              { q: "斑马", staff: [], requester: [] }
            ]
            for (const { q, ...expected } of words) {
              for (const scope of ["staff", "requester"] as const) {
                const filter: CaseQuery.Filter = { text: { terms: CaseQuery.terms(`${tag} ${q}`), scope } }
                for (const reads of [rarely, commonly]) {
                  const all = yield* reads.find({ ...filter, sort: "received", order: "asc", limit: 20 })
                  assert.deepStrictEqual(all.map((c) => c.id).sort(), expected[scope], `${q} (${scope})`)
                  assert.strictEqual(yield* reads.count(filter, 20), expected[scope].length)
                }
                // page by page, in every order, both ways alike
                for (const sort of ["received", "updated", "due"] as const) {
                  for (const order of ["asc", "desc"] as const) {
                    const pages = (reads: CaseReads.Reads) =>
                      Effect.gen(function* () {
                        const seen: Array<string> = []
                        let after: CaseQuery.Query["after"]
                        for (let i = 0; i < 10; i++) {
                          const page = yield* reads.find({ ...filter, sort, order, limit: 2, after })
                          seen.push(...page.map((c) => c.id))
                          if (page.length < 2) break
                          after = CaseQuery.cursorOf(page[page.length - 1], sort)
                        }
                        return seen
                      })
                    const rare = yield* pages(rarely)
                    assert.deepStrictEqual(yield* pages(commonly), rare, `${q} (${scope}, ${sort} ${order})`)
                    assert.deepStrictEqual([...rare].sort(), expected[scope])
                  }
                }
              }
            }
          })
        )

        it.effect("a word no case holds answers from its count, without reading a page", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const store = yield* CaseStore.CaseStore
            const tag = (yield* Fixtures.id("n")).replaceAll("-", "")
            yield* store.create(yield* Fixtures.newCase({ subject: `${tag} 订单还没有发货` }))
            /** The statements `read` sends, from the spans the SQL client opens for them. */
            const statements = <A, E>(read: Effect.Effect<A, E>) =>
              Effect.gen(function* () {
                const spans: Array<Tracer.NativeSpan> = []
                const tracer = Tracer.make({
                  span(options) {
                    const span = new Tracer.NativeSpan(options)
                    spans.push(span)
                    return span
                  }
                })
                const result = yield* Effect.withTracer(read, tracer)
                const texts = spans.flatMap((span) => {
                  const text = span.attributes.get("db.query.text")
                  return typeof text === "string" ? [text] : []
                })
                return { result, texts }
              })
            for (const reads of [CaseReads.make(sql), CaseReads.make(sql, { rareRows: 0 })]) {
              const filter = (q: string): CaseQuery.Filter => ({
                text: { terms: CaseQuery.terms(`${tag} ${q}`), scope: "staff" }
              })
              const absent = yield* statements(
                reads.find({ ...filter("斑马"), sort: "received", order: "asc", limit: 20 })
              )
              assert.deepStrictEqual(absent.result, [])
              assert.strictEqual(absent.texts.length, 1, absent.texts.join("\n---\n"))
              const none = yield* statements(reads.count(filter("斑马"), 20))
              assert.deepStrictEqual([none.result, none.texts.length], [0, 1])
              // a word some case holds: its count, then its page
              const present = yield* statements(
                reads.find({ ...filter("发货"), sort: "received", order: "asc", limit: 20 })
              )
              assert.strictEqual(present.result.length, 1)
              assert.strictEqual(present.texts.length, 2, present.texts.join("\n---\n"))
            }
          })
        )
      })

      describe("submissions made at the same time", () => {
        it.effect("share their commits, and each gets its own answer", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const store = yield* CaseStore.CaseStore
            const inputs = yield* Effect.forEach(Array.from({ length: 24 }), () => Fixtures.newCase())
            const created = yield* Effect.forEach(inputs, (input) => store.create(input), { concurrency: "unbounded" })
            for (const [i, c] of created.entries()) {
              assert.isTrue(c.created)
              assert.strictEqual(c.stored.case.id, inputs[i].case.id)
              assert.isTrue(Option.isSome(yield* store.get(inputs[i].case.id)))
            }
            // rows written by one transaction carry its id: fewer transactions than cases
            const [{ commits }] = yield* sql<{ commits: number }>`
              SELECT count(DISTINCT xmin::text)::integer AS commits FROM support_cases
              WHERE ${sql.in(
                "id",
                inputs.map((input) => input.case.id)
              )}`
            assert.isAtMost(commits, 12)
          })
        )

        it.effect("a submission that breaks a constraint fails alone; the others with it are stored", () =>
          Effect.gen(function* () {
            const store = yield* CaseStore.CaseStore
            const taken = yield* Fixtures.newCase()
            yield* store.create(taken)
            const others = yield* Effect.forEach(Array.from({ length: 7 }), () => Fixtures.newCase())
            const clash = yield* Fixtures.newCase({ trackingNumber: taken.case.trackingNumber })
            const nul = yield* Fixtures.newCase()
            const withNul = { ...nul, case: { ...nul.case, subject: "a\u0000b" } }
            const inputs = [...others.slice(0, 3), clash, withNul, ...others.slice(3)]
            const results = yield* Effect.forEach(inputs, (input) => Effect.result(store.create(input)), {
              concurrency: "unbounded"
            })
            const clashed = results[3]
            assert.isTrue(Result.isFailure(clashed) && clashed.failure._tag === "TrackingNumberTaken")
            const refused = results[4]
            assert.isTrue(
              Result.isFailure(refused) &&
                refused.failure._tag === "CaseStoreFailure" &&
                refused.failure.reason === "Rejected"
            )
            for (const input of [clash, withNul]) assert.isTrue(Option.isNone(yield* store.get(input.case.id)))
            for (const input of others) assert.isTrue(Option.isSome(yield* store.get(input.case.id)))
          })
        )

        it.effect("a requester's opening limit holds among them", () =>
          Effect.gen(function* () {
            const store = yield* CaseStore.CaseStore
            const requesterId = yield* Fixtures.id("requester")
            const limit = { id: "per-day", since: Fixtures.baseTime - 86_400_000, max: 3 }
            const inputs = yield* Effect.forEach(Array.from({ length: 8 }), (_, i) =>
              Fixtures.newCase({ requesterId, openedAt: Fixtures.baseTime + i })
            )
            const results = yield* Effect.forEach(
              inputs,
              (input) => Effect.result(store.create({ ...input, openingLimits: [limit] })),
              { concurrency: "unbounded" }
            )
            assert.strictEqual(results.filter(Result.isSuccess).length, 3)
            assert.strictEqual(yield* store.countOpenedSince(requesterId, 0), 3)
          })
        )

        it.effect("inside a caller's transaction, a submission is part of it", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const store = yield* CaseStore.CaseStore
            const input = yield* Fixtures.newCase()
            yield* sql.withTransaction(Effect.andThen(store.create(input), Effect.fail("roll back"))).pipe(Effect.flip)
            assert.isTrue(Option.isNone(yield* store.get(input.case.id)))
            const kept = yield* Fixtures.newCase()
            yield* sql.withTransaction(store.create(kept))
            assert.isTrue(Option.isSome(yield* store.get(kept.case.id)))
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

        it.effect("give the search indexes pending lists of 1 MB", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const indexes = yield* sql<{ relname: string; reloptions: ReadonlyArray<string> | null }>`
              SELECT c.relname, c.reloptions FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
              JOIN pg_am a ON a.oid = c.relam
              WHERE i.indrelid = 'support_case_search'::regclass AND a.amname = 'gin' ORDER BY c.relname`
            assert.deepStrictEqual(
              indexes.map((i) => [i.relname, i.reloptions]),
              ["grams", "internal", "public"].map((part) => [
                `support_case_search_${part}_idx`,
                ["gin_pending_list_limit=1024"]
              ])
            )
          })
        )
      })

      describe("driver failures", () => {
        it.effect("a value the database refuses is Rejected, not Unavailable, and nothing is written", () =>
          Effect.gen(function* () {
            const store = yield* CaseStore.CaseStore
            // the desk's input checks refuse these first; a store must still tell them apart from an outage
            const nul = yield* Fixtures.newCase()
            const withNul = { ...nul, case: { ...nul.case, subject: "a\u0000b" } }
            const nulError = yield* failure(store.create(withNul))
            assert.strictEqual((nulError as CaseStore.CaseStoreFailure).reason, "Rejected")
            assert.isTrue(Option.isNone(yield* store.get(nul.case.id)))
            const fixture = yield* Fixtures.newCase()
            // 3,000 characters that do not compress: too large for a btree index entry
            let seed = 7
            const noise = Array.from({ length: 3_000 }, () => {
              seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
              return String.fromCharCode(33 + (seed % 89))
            }).join("")
            const long = { ...fixture, case: { ...fixture.case, parties: [...fixture.case.parties, noise] } }
            const longError = yield* failure(store.create(long))
            assert.strictEqual((longError as CaseStore.CaseStoreFailure).reason, "Rejected")
            assert.isTrue(Option.isNone(yield* store.get(long.case.id)))
            const surrogate = yield* Fixtures.newCase()
            const withSurrogate = { ...surrogate, case: { ...surrogate.case, subject: "a\ud800b" } }
            const surrogateError = yield* failure(store.create(withSurrogate))
            assert.strictEqual((surrogateError as CaseStore.CaseStoreFailure).reason, "Rejected")
          })
        )

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

describe("PgMigrations: an earlier database", () => {
  layer(Randomness.layer, { excludeTestServices: true, timeout: "120 seconds" })("upgrade", (it) => {
    it.effect("gets the facts, clock records and search text of its cases filled in, and reads as a new one", () =>
      Effect.gen(function* () {
        // a database with the migrations of the earlier version only, and a case written the way it wrote cases
        const earlier = Object.fromEntries(
          Object.entries(PgMigrations.migrations).filter(([key]) => Number.parseInt(key, 10) < 10)
        )
        const input = yield* Fixtures.newCase({ counterparties: ["supplier-1"] })
        const append = yield* Fixtures.append(input, { events: 2 })
        const note = {
          sequence: 4,
          at: append.case.updatedAt,
          actor: { role: "agent", id: "agent-1" },
          type: "noteAdded",
          body: "internal remark about the zebrawood samples"
        } as const
        const events = [...input.events, ...append.events, note]
        const c = { ...append.case, sequence: 4 }
        const store = yield* Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          yield* Migrator.make({})({ loader: Migrator.fromRecord(earlier), table: PgMigrations.table })
          yield* sql`INSERT INTO support_cases (id, tracking_number, requester_id, status, priority, category,
                       opened_at, updated_at, sequence, next_due_at, data)
                     VALUES (${c.id}, ${c.trackingNumber}, ${c.requester.id}, ${c.status}, ${c.priority},
                       ${c.category}, ${c.openedAt}, ${c.updatedAt}, 4, ${c.nextDueAt}, ${JSON.stringify(c)}::jsonb)`
          for (const e of events) {
            yield* sql`INSERT INTO support_case_events (case_id, sequence, type, at, data)
                       VALUES (${c.id}, ${e.sequence}, ${e.type}, ${e.at}, ${JSON.stringify(e)}::jsonb)`
          }
          // the upgrade
          yield* PgMigrations.run
          const store = yield* PgCaseStore.make
          const stored = Option.getOrThrow(yield* store.get(c.id))
          assert.deepStrictEqual(stored.facts, CaseLifecycle.factsUnsafe(events))
          assert.deepStrictEqual(stored.clockRecord, events.map(CaseEvent.withoutText))
          assert.deepStrictEqual(
            (yield* store.events(c.id, { limit: 10, readers: "requester" })).map((e) => e.sequence),
            [1, 2, 3]
          )
          // its text is found as a new case's is: the subject for anyone, the internal note for staff only
          const found = (q: string, scope: CaseQuery.Scope) =>
            Effect.map(
              store.find({ text: { terms: CaseQuery.terms(q), scope }, sort: "received", order: "asc", limit: 5 }),
              (cases) => cases.map((found) => found.id)
            )
          assert.deepStrictEqual(yield* found(c.subject, "requester"), [c.id])
          assert.deepStrictEqual(yield* found("zebrawood", "staff"), [c.id])
          assert.deepStrictEqual(yield* found("zebrawood", "requester"), [])
          // and it takes writes as a new one
          yield* store.append(yield* Fixtures.append(stored))
          return (yield* store.events(c.id, { limit: 10 })).map((e) => e.sequence)
        }).pipe(Effect.provide(PgTest.layerPglite))
        assert.deepStrictEqual(store, [1, 2, 3, 4, 5])
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
          Option.map(stored, (s) => s.case),
          Option.some(input.case)
        )
        Fs.rmSync(dataDir, { recursive: true, force: true })
      }).pipe(Effect.orDie)
    )
  })
})
