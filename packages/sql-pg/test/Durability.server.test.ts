/**
 * Concurrency and durability on a real PostgreSQL server, beyond the contract suite (which already runs 50 concurrent
 * writers on one case and 200 concurrent submissions against this adapter):
 * - a transaction whose connection dies half-way leaves nothing behind; a submission whose caller is interrupted
 *   half-way is written whole or not at all, and a retry with its key makes it exactly once;
 * - what was acknowledged survives a crash of the server (immediate shutdown, recovery from the write-ahead log);
 * - the same concurrency guarantees through `SupportDesk`, the way a host uses the store.
 */
import { afterAll, assert, describe, layer } from "@effect/vitest"
import { PgClient } from "@effect/sql-pg"
import { CaseStore, Outbox, Presets, Randomness, SupportDesk } from "@support-policy/core"
import { Fixtures } from "@support-policy/core/testing"
import { PgStorage } from "@support-policy/sql-pg"
import { Deferred, Effect, Exit, Fiber, Layer, Option, Schedule } from "effect"
import { SqlClient } from "effect/sql"
import * as PgServer from "./support/PgServer.ts"
import * as PgTest from "./support/PgTest.ts"

const database = PgTest.sharedServerDatabase({ maxConnections: 20 })

/** Waits until `count` statements of this database wait on a lock; returns their backends' pids. */
const blockedBackends = (count: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ pid: number }>`
      SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`
    if (rows.length < count) return yield* Effect.fail("not blocked yet" as const)
    return rows.map((row) => row.pid)
  }).pipe(Effect.retry({ schedule: Schedule.spaced("20 millis"), times: 500 }))

/** Everything a submission writes, by table: all zero when it left nothing behind. */
const traces = (input: CaseStore.NewCase) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const c = input.case
    const [row] = yield* sql<Record<string, number>>`
      SELECT
        (SELECT count(*)::integer FROM support_cases WHERE id = ${c.id}) AS cases,
        (SELECT count(*)::integer FROM support_case_events WHERE case_id = ${c.id}) AS events,
        (SELECT count(*)::integer FROM support_case_clock_events WHERE case_id = ${c.id}) AS clock,
        (SELECT count(*)::integer FROM support_case_parties WHERE case_id = ${c.id}) AS parties,
        (SELECT count(*)::integer FROM support_idempotency_keys WHERE case_id = ${c.id}) AS keys,
        (SELECT count(*)::integer FROM support_outbox WHERE case_id = ${c.id}) AS messages`
    return row
  })

const nothing = { cases: 0, events: 0, clock: 0, parties: 0, keys: 0, messages: 0 }

/**
 * Holds an uncommitted outbox message with the id of `input`'s first message, so that a submission of `input` waits
 * on it at its last insert. Returns `release`, which rolls the holding transaction back.
 */
const holdMessageId = (input: CaseStore.NewCase) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const release = yield* Deferred.make<void>()
    const holding = yield* Deferred.make<void>()
    const blocker = yield* sql
      .withTransaction(
        Effect.gen(function* () {
          const m = input.outbox[0]
          yield* sql`INSERT INTO support_outbox (id, kind, status, available_at, created_at, data)
                     VALUES (${m.id}, 'reply', 'pending', 0, 0, '{}')`
          yield* Deferred.succeed(holding, undefined)
          yield* Deferred.await(release)
          return yield* Effect.fail("roll back" as const)
        })
      )
      .pipe(Effect.exit, Effect.forkChild)
    yield* Deferred.await(holding)
    return Effect.andThen(Deferred.succeed(release, undefined), Fiber.join(blocker))
  })

/**
 * Starts `create(input)` and lets it run until its last statement (the outbox insert) waits on a lock held by another
 * transaction (an uncommitted message with the same id). Returns the create's fiber, its backend pid, and `release`
 * (rolls the blocking transaction back).
 */
const createBlockedHalfWay = (input: CaseStore.NewCase) =>
  Effect.gen(function* () {
    const store = yield* CaseStore.CaseStore
    const release = yield* holdMessageId(input)
    const created = yield* store.create(input).pipe(Effect.exit, Effect.forkChild)
    const [pid] = yield* blockedBackends(1)
    return { created, pid, release }
  })

describe.skipIf(PgTest.skipServer)("PostgreSQL server", () => {
  layer(
    SupportDesk.layer(Presets.globalSources).pipe(
      Layer.provideMerge(PgStorage.layer),
      Layer.provideMerge(database.layer),
      Layer.provideMerge(Randomness.layer)
    ),
    { excludeTestServices: true, timeout: "120 seconds" }
  )("durability", (it) => {
    it.effect("a submission whose caller is interrupted half-way is written whole or not at all, and once", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const input = yield* Fixtures.newCase({
          counterparties: ["party-x"],
          idempotency: { key: "k", fingerprint: "f" }
        })
        const { created, pid, release } = yield* createBlockedHalfWay(input)
        // the case, its parties, its event and its key are written by now, uncommitted
        yield* Fiber.interrupt(created)
        assert.deepStrictEqual(yield* traces(input), nothing)
        yield* release
        // the statement ends: cancelled with its caller when it went alone, committed when it went with a batch, which
        // its caller going away does not take back (decision 98); its connection may then serve this very query
        yield* sql<{ n: number }>`
          SELECT count(*)::integer AS n FROM pg_stat_activity
          WHERE pid = ${pid} AND pid <> pg_backend_pid() AND state <> 'idle'`.pipe(
          Effect.flatMap(([row]) => (row.n === 0 ? Effect.void : Effect.fail("still running" as const))),
          Effect.retry({ schedule: Schedule.spaced("20 millis"), times: 500 })
        )
        const whole = { cases: 1, events: 1, clock: 1, parties: 2, keys: 1, messages: 1 }
        const left = yield* traces(input)
        assert.include([JSON.stringify(nothing), JSON.stringify(whole)], JSON.stringify(left))
        // the caller's retry with its key stores it, or finds it: once either way
        const store = yield* CaseStore.CaseStore
        const again = yield* store.create(input)
        assert.strictEqual(again.created, left.cases === 0)
        assert.strictEqual(again.stored.case.id, input.case.id)
        assert.deepStrictEqual(yield* traces(input), whole)
      })
    )

    it.effect("a submission sent in a batch is written whole though its caller is interrupted", () =>
      Effect.gen(function* () {
        const store = yield* CaseStore.CaseStore
        // two lone submissions held half-way take both lanes, so the next ones gather into a batch
        const lanes = yield* Effect.forEach([1, 2], () => Fixtures.newCase())
        const held = yield* Effect.forEach(lanes, (input) => createBlockedHalfWay(input))
        yield* blockedBackends(2)
        // a full batch of 8 goes at once; one of them waits on a message id held by another transaction
        const batch = yield* Effect.forEach(Array.from({ length: 8 }), (_, i) =>
          Fixtures.newCase({ idempotency: { key: `batch-${i}`, fingerprint: "f" } })
        )
        const release = yield* holdMessageId(batch[0])
        const callers = yield* Effect.forEach(batch, (input) => store.create(input).pipe(Effect.exit, Effect.forkChild))
        yield* blockedBackends(3)
        yield* Fiber.interrupt(callers[0])
        yield* release
        for (const h of held) yield* h.release
        for (const caller of callers.slice(1)) assert.isTrue(Exit.isSuccess(yield* Fiber.join(caller)))
        for (const h of held) assert.isTrue(Exit.isSuccess(yield* Fiber.join(h.created)))
        // the interrupted caller's submission went with its batch: stored whole, and found by a retry
        const whole = { cases: 1, events: 1, clock: 1, parties: 1, keys: 1, messages: 1 }
        assert.deepStrictEqual(yield* traces(batch[0]), whole)
        const again = yield* store.create(batch[0])
        assert.isFalse(again.created)
        assert.deepStrictEqual(yield* traces(batch[0]), whole)
      })
    )

    it.effect("a submission whose connection dies half-way fails as Unavailable and leaves nothing behind", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const input = yield* Fixtures.newCase({ idempotency: { key: "k", fingerprint: "f" } })
        const { created, pid, release } = yield* createBlockedHalfWay(input)
        yield* sql`SELECT pg_terminate_backend(${pid})`
        const exit = yield* Fiber.join(created)
        yield* release
        assert.isTrue(Exit.isFailure(exit))
        const error = Option.getOrUndefined(Exit.findErrorOption(exit))
        assert.instanceOf(error, CaseStore.CaseStoreFailure)
        assert.strictEqual((error as CaseStore.CaseStoreFailure).reason, "Unavailable")
        assert.deepStrictEqual(yield* traces(input), nothing)
      })
    )

    it.effect("an action whose connection dies while it waits for the case's lock fails as Unavailable", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const desk = yield* SupportDesk.SupportDesk
        const requesterId = yield* Fixtures.id("buyer")
        const submitted = yield* desk.submit({
          requester: { id: requesterId, audience: "buyer" },
          channel: "online-form",
          category: "order-delivery",
          subject: "Where is my order?",
          description: "It has not arrived.",
          language: "en"
        })
        const c = submitted.view.case
        // another transaction holds the case's row lock until released
        const release = yield* Deferred.make<void>()
        const holding = yield* Deferred.make<void>()
        const holder = yield* sql
          .withTransaction(
            Effect.gen(function* () {
              yield* sql`SELECT id FROM support_cases WHERE id = ${c.id} FOR UPDATE`
              yield* Deferred.succeed(holding, undefined)
              yield* Deferred.await(release)
            })
          )
          .pipe(Effect.exit, Effect.forkChild)
        yield* Deferred.await(holding)
        const agent = { role: "agent", id: "agent-9" } as const
        const noting = yield* desk
          .addNote(agent, c.trackingNumber, { body: "waits" })
          .pipe(Effect.exit, Effect.forkChild)
        const [pid] = yield* blockedBackends(1)
        yield* sql`SELECT pg_terminate_backend(${pid})`
        const exit = yield* Fiber.join(noting)
        yield* Deferred.succeed(release, undefined)
        yield* Fiber.join(holder)
        // a typed failure the API answers with 503, not a defect (500)
        assert.isTrue(Exit.isFailure(exit))
        const error = Option.getOrUndefined(Exit.findErrorOption(exit))
        assert.instanceOf(error, CaseStore.CaseStoreFailure, String(exit))
        assert.strictEqual((error as CaseStore.CaseStoreFailure).reason, "Unavailable")
        const store = yield* CaseStore.CaseStore
        assert.strictEqual(Option.getOrThrow(yield* store.get(c.id)).case.sequence, c.sequence)
      })
    )

    it.effect("200 concurrent submissions through SupportDesk, 50 of them retries of another, make 150 cases", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const desk = yield* SupportDesk.SupportDesk
        const prefix = yield* Fixtures.id("buyer")
        // 150 requests; the first 50 are sent twice (same requester, same key, same request)
        const requests = Array.from({ length: 150 }, (_, i) => ({
          requester: { id: `${prefix}-${i}`, audience: "buyer" },
          channel: "online-form",
          category: "order-delivery",
          subject: `Order ${i} has not arrived`,
          description: "The tracking page has not changed for a week.",
          language: "en",
          idempotencyKey: `key-${i}`
        }))
        const submissions = [...requests, ...requests.slice(0, 50)]
        const results = yield* Effect.forEach(submissions, (input) => desk.submit(input), { concurrency: "unbounded" })
        assert.strictEqual(results.filter((r) => r.created).length, 150)
        for (let i = 0; i < 50; i++) {
          assert.strictEqual(results[150 + i].view.case.id, results[i].view.case.id, `retry ${i} names the first case`)
        }
        const [count] = yield* sql<{ n: number }>`
          SELECT count(*)::integer AS n FROM support_cases WHERE requester_id LIKE ${`${prefix}-%`}`
        assert.strictEqual(count.n, 150)
        const [acks] = yield* sql<{ n: number }>`
          SELECT count(*)::integer AS n FROM support_outbox o JOIN support_cases c ON c.id = o.case_id
          WHERE c.requester_id LIKE ${`${prefix}-%`} AND o.kind = 'acknowledgment'`
        assert.strictEqual(acks.n, 150, "one acknowledgment per case")
      })
    )

    it.effect("50 concurrent actions on one case through SupportDesk leave a gap-free record, no update lost", () =>
      Effect.gen(function* () {
        const desk = yield* SupportDesk.SupportDesk
        const store = yield* CaseStore.CaseStore
        const outbox = yield* Outbox.Outbox
        const requesterId = yield* Fixtures.id("buyer")
        const submitted = yield* desk.submit({
          requester: { id: requesterId, audience: "buyer" },
          channel: "online-form",
          category: "order-delivery",
          subject: "Where is my order?",
          description: "It has not arrived.",
          language: "en"
        })
        const ref = submitted.view.case.trackingNumber
        const agent = { role: "agent", id: "agent-7" } as const
        const outcomes = yield* Effect.forEach(
          Array.from({ length: 50 }, (_, i) => i),
          (i) => Effect.exit(desk.addNote(agent, ref, { body: `note ${i}` })),
          { concurrency: "unbounded" }
        )
        // every note is written: concurrent actions on one case queue on its row lock, none fails for it
        for (const exit of outcomes) assert.isTrue(Exit.isSuccess(exit), String(exit))
        const stored = Option.getOrThrow(yield* store.get(submitted.view.case.id))
        const record = yield* store.events(submitted.view.case.id, { limit: 1_000 })
        assert.deepStrictEqual(
          record.map((e) => e.sequence),
          Array.from({ length: 52 }, (_, i) => i + 1)
        )
        assert.strictEqual(stored.case.sequence, 52)
        assert.strictEqual(stored.facts.sequence, 52)
        const notes = record.flatMap((e) => (e.type === "noteAdded" ? [e.body] : []))
        assert.deepStrictEqual([...notes].sort(), Array.from({ length: 50 }, (_, i) => `note ${i}`).sort())
        // replies too, each with its notification
        const replies = yield* Effect.forEach(
          Array.from({ length: 20 }, (_, i) => i),
          (i) => Effect.exit(desk.reply(agent, ref, { body: `reply ${i}` })),
          { concurrency: "unbounded" }
        )
        for (const exit of replies) assert.isTrue(Exit.isSuccess(exit), String(exit))
        const messages = yield* outbox.listByCase(submitted.view.case.id)
        assert.strictEqual(messages.filter((d) => d.message.kind === "reply").length, 20)
      })
    )

    it.effect("20 concurrent submissions of a requester at 9 cases of a limit of 10 make exactly 10", () =>
      Effect.gen(function* () {
        const desk = yield* SupportDesk.SupportDesk
        const store = yield* CaseStore.CaseStore
        const requesterId = yield* Fixtures.id("buyer")
        const request = (i: number) => ({
          requester: { id: requesterId, audience: "buyer" },
          channel: "online-form",
          category: "order-delivery",
          subject: `Order ${i} has not arrived`,
          description: "The tracking page has not changed for a week.",
          language: "en"
        })
        for (let i = 0; i < 9; i++) yield* desk.submit(request(i))
        const outcomes = yield* Effect.forEach(
          Array.from({ length: 20 }, (_, i) => 100 + i),
          (i) => Effect.exit(desk.submit(request(i))),
          { concurrency: "unbounded" }
        )
        assert.strictEqual(outcomes.filter(Exit.isSuccess).length, 1)
        for (const exit of outcomes) {
          if (Exit.isFailure(exit)) {
            assert.strictEqual(Option.getOrUndefined(Exit.findErrorOption(exit))?._tag, "RateLimitExceeded")
          }
        }
        assert.strictEqual(yield* store.countOpenedSince(requesterId, 0), 10)
      })
    )
  })
})

describe.skipIf(PgTest.skipServer)("PostgreSQL server crash", () => {
  // A server of its own (with PostgreSQL's default durability), since this test kills it.
  let server: PgServer.Server | undefined
  afterAll(() => server?.stop())
  const start = Effect.promise(async () => {
    server ??= await PgServer.start({ durability: "durable" })
    return server
  })
  const connect = (s: PgServer.Server) =>
    PgStorage.layer.pipe(
      Layer.provideMerge(
        PgClient.layer({ host: s.socketDir, port: s.port, username: s.username, database: s.database })
      ),
      Layer.orDie
    )

  layer(Randomness.layer, { excludeTestServices: true, timeout: "120 seconds" })("durability", (it) => {
    it.effect("keeps every acknowledged submission through a crash and recovery", () =>
      Effect.gen(function* () {
        const s = yield* start
        const inputs = yield* Effect.forEach(Array.from({ length: 20 }), () => Fixtures.newCase())
        yield* Effect.gen(function* () {
          const store = yield* CaseStore.CaseStore
          yield* Effect.forEach(inputs, (input) => store.create(input), { concurrency: 10 })
        }).pipe(Effect.provide(connect(s)))
        // every create above returned: acknowledged. Now the server dies without a checkpoint.
        yield* Effect.promise(() => s.restart("immediate"))
        const stored = yield* Effect.gen(function* () {
          const store = yield* CaseStore.CaseStore
          const outbox = yield* Outbox.Outbox
          return yield* Effect.forEach(inputs, (input) =>
            Effect.all([store.get(input.case.id), outbox.listByCase(input.case.id)])
          )
        }).pipe(Effect.provide(connect(s)))
        stored.forEach(([found, messages], i) => {
          assert.deepStrictEqual(Option.getOrUndefined(found), {
            case: inputs[i].case,
            facts: inputs[i].facts,
            clockRecord: inputs[i].clockRecord
          })
          assert.deepStrictEqual(
            messages.map((d) => d.message),
            inputs[i].outbox
          )
        })
      })
    )
  })
})
