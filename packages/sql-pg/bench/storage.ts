/**
 * PostgreSQL storage on a real server that the bench starts itself, with PostgreSQL's default durability (fsync on,
 * `synchronous_commit = on`: a submission is acknowledged only once its commit is on disk).
 *
 * 1. Submissions per second. Baselines: the case document written raw into a one-column table, as `BEGIN; INSERT;
 *    COMMIT` (the issue's baseline) and as a single autocommit `INSERT` (the cheapest durable write there is).
 *    Against them: `CaseStore.create` (idempotency key, case, party, submitted event and acknowledgment in one
 *    transaction) and `SupportDesk.submit` (validation, rate limit check, triage, SLA plan, acknowledgment text, then
 *    the store), in the same run on the same server, with the CPU time each takes per submission in this process
 *    and in PostgreSQL. Goal: `SupportDesk.submit` with 8 clients ≥ 0.8× `BEGIN; INSERT; COMMIT`.
 * 2. Cost against the length of the record: an agent's note and a staff read of the case (the view as the API sends
 *    it, clock traces included), on cases of 10 events and of 3,000 events, through `SupportDesk` on the store. The
 *    long records are measured twice: 3,000 notes (events no clock reads) and 3,000 replies (events the first-response
 *    clock reads, so they are in the clock record the store keeps beside the case), measured in turns with the short
 *    case. Goal: 3,000 ≤ 1.5× 10, for both.
 * 3. "Next due clocks": `CaseStore.queue` (the agents' queue and the SLA sweep) at 10 k and at 1 M open cases,
 *    bulk-loaded with `generate_series`, with the query plan. Goal: flat, ≤ 1.5× between them.
 * 4. Search (`CaseStore.find` with words, as `GET /v1/desk/search` asks it) at the same sizes: a rare order reference,
 *    a common English word, Chinese words (two characters and three, common; one case; none), and a console view
 *    with its capped count.
 *
 * Run: `pnpm bench storage` (`--quick` for short samples). Needs the PostgreSQL server binaries (see
 * `test/support/PgServer.ts`).
 */
import { PgClient } from "@effect/sql-pg"
import {
  Actor,
  type CaseLifecycle,
  CaseQuery,
  CaseStore,
  Presets,
  Randomness,
  type SupportCase,
  SupportDesk
} from "@support-policy/core"
import { Fixtures } from "@support-policy/core/testing"
import { PgStorage } from "@support-policy/sql-pg"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import * as Cpu from "../../core/bench/cpu.ts"
import type { BenchContext, BenchModule } from "../../core/bench/harness.ts"
import { formatInteger, formatOps, formatRatio, heading, table } from "../../core/bench/harness.ts"
import * as PgServer from "../test/support/PgServer.ts"

const CONCURRENCY = [1, 8] as const

interface Throughput {
  readonly opsPerSecond: number
  readonly ops: number
  /** CPU µs per operation of this process (the desk, the store, the SQL client). */
  readonly cpu: number
  /** CPU µs per operation of PostgreSQL (postmaster and backends), where `/proc` tells. */
  readonly pgCpu: number | undefined
}

/** Runs `op(i)` from `concurrency` fibers for `ms` (after a warm-up), and counts completed operations. */
const throughput = <E, R>(
  op: (i: number) => Effect.Effect<unknown, E, R>,
  options: {
    readonly concurrency: number
    readonly warmupMs: number
    readonly ms: number
    readonly next: () => number
    readonly pgPid: number | undefined
  }
): Effect.Effect<Throughput, E, R> =>
  Effect.gen(function* () {
    const loop = (until: number, count: { n: number }) =>
      Effect.whileLoop({
        while: () => performance.now() < until,
        body: () =>
          Effect.andThen(
            Effect.suspend(() => op(options.next())),
            () => Effect.sync(() => count.n++)
          ),
        step: () => {}
      })
    const fibers = Array.from({ length: options.concurrency })
    yield* Effect.forEach(fibers, () => loop(performance.now() + options.warmupMs, { n: 0 }), {
      concurrency: "unbounded",
      discard: true
    })
    const count = { n: 0 }
    const pg0 = options.pgPid === undefined ? undefined : Cpu.treeUs(options.pgPid)
    const cpu0 = Cpu.selfUs()
    const start = performance.now()
    yield* Effect.forEach(fibers, () => loop(start + options.ms, count), { concurrency: "unbounded", discard: true })
    const elapsed = performance.now() - start
    const cpu1 = Cpu.selfUs()
    const pg1 = options.pgPid === undefined ? undefined : Cpu.treeUs(options.pgPid)
    return {
      ops: count.n,
      opsPerSecond: (count.n * 1000) / elapsed,
      cpu: (cpu1 - cpu0) / count.n,
      pgCpu: pg0 === undefined || pg1 === undefined ? undefined : (pg1 - pg0) / count.n
    }
  })

/** Median duration in ms of `n` sequential calls. */
const latency = <E, R>(op: Effect.Effect<unknown, E, R>, n: number): Effect.Effect<number, E, R> =>
  Effect.gen(function* () {
    const times: Array<number> = []
    for (let i = 0; i < n; i++) {
      const start = performance.now()
      yield* op
      times.push(performance.now() - start)
    }
    times.sort((a, b) => a - b)
    return times[times.length >> 1]
  })

/** The median latencies of `ops`, each called `n` times, in turns (one call of each, then again). */
const latencies = <E, R>(
  ops: ReadonlyArray<Effect.Effect<unknown, E, R>>,
  n: number
): Effect.Effect<ReadonlyArray<number>, E, R> =>
  Effect.gen(function* () {
    const times = ops.map((): Array<number> => [])
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < ops.length; k++) {
        const start = performance.now()
        yield* ops[k]
        times[k].push(performance.now() - start)
      }
    }
    return times.map((t) => t.sort((a, b) => a - b)[t.length >> 1])
  })

const formatMs = (ms: number): string => (ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(3)} ms`)

const submissions = (context: BenchContext, pgPid: number | undefined) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const store = yield* CaseStore.CaseStore
    const desk = yield* SupportDesk.SupportDesk
    const quick = context.settings.samples < 5
    const ms = quick ? 500 : 2_500
    const warmupMs = quick ? 100 : 500

    yield* sql`CREATE TABLE bench_raw (id text PRIMARY KEY, data jsonb NOT NULL)`
    const template = yield* Fixtures.newCase({ full: true })
    const document = JSON.stringify(template.case)

    // New cases made before the clock starts, so the store bench measures storage only.
    const pool = yield* Effect.forEach(Array.from({ length: quick ? 4_000 : 40_000 }), (_, i) =>
      Fixtures.newCase({ idempotency: { key: `key-${i}`, fingerprint: "f" } })
    )
    let counter = 0
    const next = () => counter++

    const contenders: Record<string, (i: number) => Effect.Effect<unknown, unknown>> = {
      raw: (i) => sql`INSERT INTO bench_raw (id, data) VALUES (${`raw-${i}`}, ${document})`,
      rawTx: (i) => sql.withTransaction(sql`INSERT INTO bench_raw (id, data) VALUES (${`tx-${i}`}, ${document})`),
      store: (i) => {
        const input = pool[i % pool.length]
        // a fresh id, tracking number and key for each further use of a pooled case
        const round = Math.floor(i / pool.length)
        return store.create(
          round === 0
            ? input
            : {
                ...input,
                case: {
                  ...input.case,
                  id: `${input.case.id}-${round}`,
                  trackingNumber: `${input.case.trackingNumber}-${round}`
                },
                outbox: input.outbox.map((m) => ({
                  ...m,
                  id: `${m.id}-${round}`,
                  caseId: `${input.case.id}-${round}`
                })),
                idempotency: { key: `key-${i}`, fingerprint: "f" }
              }
        )
      },
      desk: (i) =>
        desk.submit({
          requester: { id: `buyer-${i}`, audience: "buyer", email: "buyer@example.com", name: "A Buyer" },
          channel: "online-form",
          category: "order-delivery",
          subject: "Where is my order?",
          description: "My order PO-1234 has not arrived; the tracking page has not changed for a week.",
          language: "en",
          idempotencyKey: `submission-${i}`
        })
    }
    // one unmeasured pass first, so that every contender runs JIT-compiled code when measured
    for (const op of Object.values(contenders)) {
      yield* throughput(op, { concurrency: 1, warmupMs: 0, ms: warmupMs * 3, next, pgPid })
    }
    const rows: Array<Array<string>> = []
    const results: Record<string, Record<number, Throughput>> = { raw: {}, rawTx: {}, store: {}, desk: {} }
    for (const concurrency of CONCURRENCY) {
      for (const [name, op] of Object.entries(contenders)) {
        results[name][concurrency] = yield* throughput(op, { concurrency, warmupMs, ms, next, pgPid })
      }
    }
    for (const concurrency of CONCURRENCY) {
      const raw = results.raw[concurrency].opsPerSecond
      const rawTx = results.rawTx[concurrency].opsPerSecond
      for (const [name, label] of [
        ["raw", "INSERT (autocommit)"],
        ["rawTx", "BEGIN; INSERT; COMMIT"],
        ["store", "CaseStore.create"],
        ["desk", "SupportDesk.submit"]
      ] as const) {
        const r = results[name][concurrency]
        const baseline = name === "raw" || name === "rawTx"
        rows.push([
          label,
          ` ${concurrency}`,
          ` ${formatOps(r.opsPerSecond)}/s`,
          ` ${formatInteger(r.ops)}`,
          ` ${Cpu.formatCpu(r.cpu)}`,
          ` ${Cpu.formatCpu(r.pgCpu)}`,
          baseline ? "" : ` ${formatRatio(r.opsPerSecond / raw)}`,
          baseline ? "" : ` ${formatRatio(r.opsPerSecond / rawTx)}`
        ])
      }
    }
    console.log(
      table(
        [
          "submission (one durable commit each)",
          " clients",
          " rate",
          " ops",
          " CPU/op",
          " PostgreSQL CPU/op",
          " vs INSERT",
          " vs BEGIN…COMMIT"
        ],
        rows
      )
    )
    console.log(
      "CPU/op: this process (desk, store, SQL client), all threads; PostgreSQL: postmaster and backends (/proc)."
    )
    const deskRatio = results.desk[8].opsPerSecond / results.rawTx[8].opsPerSecond
    console.log(
      `Goal: SupportDesk.submit with 8 clients ≥ 0.8× BEGIN; INSERT; COMMIT: ${formatRatio(deskRatio)}, ` +
        `${deskRatio >= 0.8 ? "met" : "NOT met"}`
    )
    yield* sql`DROP TABLE bench_raw`
  })

/** Latency of a note and a read on cases of a short and a long record (see the module's comment). */
const recordLength = (context: BenchContext) =>
  Effect.gen(function* () {
    const desk = yield* SupportDesk.SupportDesk
    const quick = context.settings.samples < 5
    const long = quick ? 300 : 3_000
    const calls = quick ? 20 : 200
    const agent = Actor.agent("bench-agent")
    const open = (i: number) =>
      Effect.map(
        desk.submit({
          requester: { id: `bench-record-${i}`, audience: "buyer" },
          channel: "online-form",
          category: "order-delivery",
          subject: "Where is my order?",
          description: "My order PO-1234 has not arrived.",
          language: "en"
        }),
        (s) => s.view.case.trackingNumber
      )
    /** Fills a case to `events` events (submitted and assigned, then notes or replies). */
    const fill = (tn: string, events: number, kind: "note" | "reply") =>
      Effect.forEach(
        Array.from({ length: events - 2 }, (_, i) => i),
        (i) =>
          kind === "note"
            ? desk.addNote(agent, tn, { body: `Note ${i}: checked the carrier's tracking page again.` })
            : desk.reply(agent, tn, { body: `Reply ${i}: we are still waiting for the carrier.` }),
        { discard: true }
      )
    // ten short cases, so that a measured note lands on a case of about ten events
    const short = yield* Effect.forEach(
      Array.from({ length: 10 }, (_, i) => i),
      open
    )
    yield* Effect.forEach(short, (tn) => fill(tn, 10, "note"), { discard: true })
    let started = performance.now()
    const notes = yield* open(100)
    yield* fill(notes, long, "note")
    const replies = yield* open(101)
    yield* fill(replies, long, "reply")
    console.log(
      `filled a case with ${formatInteger(long)} notes and one with ${formatInteger(long)} replies ` +
        `(${((performance.now() - started) / 1000).toFixed(1)} s)`
    )
    started = performance.now()
    let n = 0
    const note = (tn: () => string) => Effect.suspend(() => desk.addNote(agent, tn(), { body: `Measured note ${n++}` }))
    // the read as the API answers staff: the view serialized, clock traces included; a page of `limit` events
    const read = (tn: string, limit?: number) =>
      Effect.map(
        desk.getCase(agent, tn, limit === undefined ? undefined : { limit }),
        (view) => JSON.stringify(view).length
      )
    let k = 0
    const shortTn = () => short[k++ % short.length]
    // warm-up, then measure in alternation
    for (const op of [note(shortTn), note(() => notes), read(short[0], 10), read(notes, 10), read(replies, 10)]) {
      yield* latency(op, Math.min(calls, 20))
    }
    // the three cases of an operation measured in turns, call after call, so that a change in the machine's load
    // during the run weighs on the short and the long records alike
    const [noteShort, noteNotes, noteReplies] = yield* latencies(
      [note(shortTn), note(() => notes), note(() => replies)],
      calls
    )
    const [readShort, readNotes, readReplies] = yield* latencies(
      [read(short[0], 10), read(notes, 10), read(replies, 10)],
      calls
    )
    const [pageShort, pageNotes, pageReplies] = yield* latencies([read(short[0]), read(notes), read(replies)], calls)
    const results = {
      noteShort,
      noteNotes,
      noteReplies,
      readShort,
      readNotes,
      readReplies,
      pageShort,
      pageNotes,
      pageReplies
    }
    const rows = [
      [
        "a note (SupportDesk.addNote)",
        ` ${formatMs(results.noteShort)}`,
        ` ${formatMs(results.noteNotes)}`,
        ` ${formatRatio(results.noteNotes / results.noteShort)}`,
        ` ${formatMs(results.noteReplies)}`,
        ` ${formatRatio(results.noteReplies / results.noteShort)}`
      ],
      [
        "a read, latest 10 events (getCase, as sent)",
        ` ${formatMs(results.readShort)}`,
        ` ${formatMs(results.readNotes)}`,
        ` ${formatRatio(results.readNotes / results.readShort)}`,
        ` ${formatMs(results.readReplies)}`,
        ` ${formatRatio(results.readReplies / results.readShort)}`
      ],
      [
        "a read, default page (the short case: all 10)",
        ` ${formatMs(results.pageShort)}`,
        ` ${formatMs(results.pageNotes)}`,
        ` ${formatRatio(results.pageNotes / results.pageShort)}`,
        ` ${formatMs(results.pageReplies)}`,
        ` ${formatRatio(results.pageReplies / results.pageShort)}`
      ]
    ]
    console.log(
      table(
        [
          `median of ${calls} calls`,
          " 10 events",
          ` ${formatInteger(long)} notes`,
          " ratio",
          ` ${formatInteger(long)} replies`,
          " ratio"
        ],
        rows
      )
    )
    console.log(
      `  (the measured notes add to the records: the short cases end at about ${10 + Math.ceil((calls * 2) / 10)} events, ` +
        `the long ones at about ${formatInteger(long + calls)}; measured in ${((performance.now() - started) / 1000).toFixed(1)} s)`
    )
    for (const [label, ratio] of [
      [`a note on ${formatInteger(long)} notes`, results.noteNotes / results.noteShort],
      [`a note on ${formatInteger(long)} replies`, results.noteReplies / results.noteShort],
      [`a read of the latest 10 of ${formatInteger(long)} notes`, results.readNotes / results.readShort],
      [`a read of the latest 10 of ${formatInteger(long)} replies`, results.readReplies / results.readShort]
    ] as const) {
      if (ratio > 1.5) console.log(`  note: ${label} costs ${ratio.toFixed(2)}× the same on 10 events (goal ≤ 1.5×)`)
    }
  })

/**
 * Adds open cases numbered `from` … `to` (exclusive) straight into the tables, each a valid case document (the
 * store decodes what it reads). Due instants are spread over 30 days by a multiplicative hash of the number, so the
 * cases due first are scattered over the table as they are in a real one, at every size.
 */
const bulkLoad = (template: SupportCase.SupportCase, templateFacts: CaseLifecycle.Facts, from: number, to: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const gramsOf = (text: string) => `{${CaseQuery.grams(CaseQuery.normalize(text)).join(",")}}`
    const grams = gramsOf("订单还没有发货")
    const rareGrams = gramsOf("斑马石英台面")
    const base = template.openedAt
    const facts = JSON.stringify({ ...templateFacts, parties: ["@REQ@"] })
    // the document as text with placeholders for what differs per case, filled in and cast once per row
    const document = JSON.stringify({
      ...template,
      id: "@ID@",
      trackingNumber: "@TN@",
      requester: { ...template.requester, id: "@REQ@" },
      parties: ["@REQ@"],
      nextDueAt: "@DUE@"
    })
    // Secondary indexes and the tracking number's unique constraint are dropped for the load and built again after it
    // (definitions read back from the catalog, so they are the migration's): one sort beats a million insertions.
    const indexes = yield* sql<{ indexname: string; indexdef: string }>`
      SELECT indexname, indexdef FROM pg_indexes
      WHERE tablename IN ('support_cases', 'support_case_search')
        AND indexname NOT IN ('support_cases_pkey', 'support_cases_tracking_number_key', 'support_case_search_pkey')`
    const constraints = yield* sql<{ conname: string; definition: string }>`
      SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint
      WHERE conrelid = 'support_cases'::regclass AND conname = 'support_cases_tracking_number_key'`
    for (const index of indexes) yield* sql.unsafe(`DROP INDEX ${index.indexname}`)
    for (const c of constraints) yield* sql.unsafe(`ALTER TABLE support_cases DROP CONSTRAINT ${c.conname}`)
    yield* sql`
      INSERT INTO support_cases (id, tracking_number, requester_id, status, priority, category, assignee_id,
                                 opened_at, updated_at, sequence, next_due_at, data, facts, channel)
      SELECT 'bench-' || g, 'BT-' || g, r, 'open', ${template.priority}, ${template.category}, NULL,
             ${base}::bigint, ${base}::bigint + (g % 100000), 1, due,
             replace(replace(replace(replace(${document}::text, '@ID@', 'bench-' || g), '@TN@', 'BT-' || g),
                     '@REQ@', r), '"@DUE@"', due::text)::jsonb,
             replace(${facts}::text, '@REQ@', r)::jsonb,
             ${template.channel}
      FROM generate_series(${from}::integer, ${to - 1}::integer) AS g,
           LATERAL (SELECT ${base}::bigint + ((g::bigint * 2654435761) % 2592000000) AS due,
                           'bench-requester-' || (g % 50000) AS r) d`
    // searchable text as core writes it (normalized), in the rows a new case gets: the tracking number, an order
    // reference, three words of a 5 000-word vocabulary (one of them "shipment" in one case of ten), and a Chinese
    // phrase in one case of twenty (another in one case only); an internal note in one case of seven; and the people row
    yield* sql`
      INSERT INTO support_case_search (case_id, sequence, public_text, internal_text, grams)
      SELECT 'bench-' || g, 1,
             'bt-' || g || E'\n' || 'po-' || ((g::bigint * 7919) % 10000000) || E'\n' ||
               CASE WHEN g % 10 = 0 THEN 'shipment' ELSE 'word' || ((g::bigint * 31) % 5000) END || ' word' ||
               ((g::bigint * 17) % 5000) || ' word' || ((g::bigint * 13) % 5000) ||
               CASE WHEN g % 20 = 0 THEN E'\n订单还没有发货' WHEN g = 77 THEN E'\n斑马石英台面' ELSE '' END,
             CASE WHEN g % 7 = 0 THEN 'internal note ' || g ELSE '' END,
             CASE WHEN g % 20 = 0 THEN ${grams}::text[] WHEN g = 77 THEN ${rareGrams}::text[] ELSE '{}'::text[] END
      FROM generate_series(${from}::integer, ${to - 1}::integer) AS g
      UNION ALL
      SELECT 'bench-' || g, 0, '', 'requester ' || (g % 50000) || E'\n' || 'bench-requester-' || (g % 50000) ||
             '@example.com', '{}'::text[]
      FROM generate_series(${from}::integer, ${to - 1}::integer) AS g`
    for (const c of constraints)
      yield* sql.unsafe(`ALTER TABLE support_cases ADD CONSTRAINT ${c.conname} ${c.definition}`)
    for (const index of indexes) yield* sql.unsafe(index.indexdef)
    yield* sql`ANALYZE support_case_search`
    yield* sql`ANALYZE support_cases`
  })

const queueCost = (context: BenchContext) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const store = yield* CaseStore.CaseStore
    const quick = context.settings.samples < 5
    const calls = quick ? 30 : 300
    const fixture = yield* Fixtures.newCase({ nextDueAt: null })
    const template = fixture.case
    const sizes = quick ? [10_000, 100_000] : [10_000, 1_000_000]
    const now = template.openedAt + 15 * 86_400_000
    const queries = [
      { label: "queue: next 50 due", query: { limit: 50 } },
      { label: "sweep: next 100 due before now", query: { limit: 100, dueBefore: now } }
    ] as const
    const measured: Array<{ size: number; label: string; ms: number }> = []
    const plans: Array<string> = []
    const executionMs: Array<number> = []
    let loaded = 0
    for (const size of sizes) {
      const started = performance.now()
      yield* bulkLoad(template, fixture.facts, loaded, size)
      const loadSeconds = (performance.now() - started) / 1000
      loaded = size
      console.log(`loaded ${formatInteger(size)} open cases (${loadSeconds.toFixed(1)} s)`)
      for (const { label, query } of queries) {
        yield* latency(store.queue(query), Math.min(calls, 20)) // warm the cache and the plan
        measured.push({ size, label, ms: yield* latency(store.queue(query), calls) })
      }
      const staff = (q: string): CaseQuery.Filter => ({ text: { terms: CaseQuery.terms(q), scope: "staff" } })
      const page = (filter: CaseQuery.Filter) => store.find({ ...filter, sort: "updated", order: "desc", limit: 26 })
      const searches = [
        { label: "search: a rare order reference (1 case)", run: page(staff("po-7919")) },
        { label: 'search: a common word ("shipment", 1 case in 10)', run: page(staff("shipment")) },
        { label: 'search: a Chinese word ("发货", 1 case in 20)', run: page(staff("发货")) },
        { label: 'search: a Chinese phrase ("还没有", 1 case in 20)', run: page(staff("还没有")) },
        { label: 'search: a Chinese word in one case ("斑马")', run: page(staff("斑马")) },
        { label: 'search: a Chinese word in no case ("退款")', run: page(staff("退款")) },
        { label: "search: two words, one rare", run: page(staff("shipment po-79190")) },
        {
          label: "view: open, by due, first page",
          run: store.find({ statuses: ["open"], sort: "due", order: "asc", limit: 26 })
        },
        { label: "counts: open (capped at 10,000)", run: store.count({ statuses: ["open"] }, 10_000) }
      ]
      for (const { label, run } of searches) {
        yield* latency(run, Math.min(calls, 5))
        measured.push({ size, label, ms: yield* latency(run, Math.min(calls, 50)) })
      }
      const searchPlan = yield* sql<{ "QUERY PLAN": string }>`
        EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
        SELECT id, sequence, data FROM support_cases
        WHERE id IN (SELECT s.case_id FROM support_case_search s
                     WHERE s.public_text LIKE '%shipment%' OR s.internal_text LIKE '%shipment%')
        ORDER BY updated_at DESC, id DESC LIMIT 26`
      plans.push(
        `-- ${formatInteger(size)} open cases: search for a common word\n${searchPlan.map((r) => r["QUERY PLAN"]).join("\n")}`
      )
      const plan = yield* sql<{ "QUERY PLAN": string }>`
        EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
        SELECT id, sequence, data FROM support_cases
        WHERE next_due_at IS NOT NULL AND next_due_at <= ${now}
        ORDER BY next_due_at, id LIMIT 100`
      const lines = plan.map((r) => r["QUERY PLAN"])
      executionMs.push(Number(/Execution Time: ([\d.]+)/.exec(lines.join("\n"))?.[1] ?? Number.NaN))
      plans.push(`-- ${formatInteger(size)} open cases: the sweep's query\n${lines.join("\n")}`)
    }
    const labels = [...new Set(measured.map((m) => m.label))]
    const rows = labels.map((label) => {
      const small = measured.find((m) => m.size === sizes[0] && m.label === label)!.ms
      const large = measured.find((m) => m.size === sizes[1] && m.label === label)!.ms
      return [label, ` ${formatMs(small)}`, ` ${formatMs(large)}`, ` ${formatRatio(large / small)}`]
    })
    rows.push([
      "sweep, SQL only (EXPLAIN ANALYZE)",
      ` ${formatMs(executionMs[0])}`,
      ` ${formatMs(executionMs[1])}`,
      ` ${formatRatio(executionMs[1] / executionMs[0])}`
    ])
    console.log(
      table(
        [
          "CaseStore.queue, find, count (median of calls)",
          ` ${formatInteger(sizes[0])} open`,
          ` ${formatInteger(sizes[1])} open`,
          " ratio"
        ],
        rows
      )
    )
    for (const plan of plans) console.log(`\n${plan}`)
    for (const [label, , , ratio] of rows) {
      const r = Number.parseFloat(ratio)
      if (r > 1.5) console.log(`  note: ${label} grows ${ratio.trim()} between the sizes (goal ≤ 1.5×)`)
    }
  })

const bench: BenchModule = {
  name: "storage",
  run: async (context) => {
    console.log(heading("PostgreSQL storage (@support-policy/sql-pg)"))
    const found = PgServer.findBinDir()
    if ("missing" in found) {
      context.fail(`storage bench: ${found.missing}`)
      return
    }
    // PostgreSQL's default durability; a larger WAL allowance only spaces out checkpoints during the bulk load
    const server = await PgServer.start({ durability: "durable", settings: { max_wal_size: "4GB" } })
    try {
      const version = await Effect.runPromise(
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const rows = yield* sql<{ version: string; fsync: string; sync: string }>`
            SELECT version() AS version, current_setting('fsync') AS fsync,
                   current_setting('synchronous_commit') AS sync`
          return rows[0]
        }).pipe(Effect.provide(clientLayer(server, 1)))
      )
      console.log(`${version.version.split(",")[0]}; fsync=${version.fsync}, synchronous_commit=${version.sync}`)
      console.log("Unix socket, pool of 8 connections; each client is one fiber issuing one call at a time.\n")
      const layers = SupportDesk.layer(Presets.globalSources).pipe(
        Layer.provideMerge(PgStorage.layer),
        Layer.provideMerge(Randomness.layer),
        Layer.provideMerge(clientLayer(server, 8))
      )
      await Effect.runPromise(
        Effect.gen(function* () {
          yield* submissions(context, Cpu.postmasterPid(server.dataDir))
          console.log("")
          yield* recordLength(context)
          console.log("")
          yield* queueCost(context)
        }).pipe(Effect.provide(layers))
      )
    } catch (error) {
      context.fail(`storage bench: ${error instanceof Error ? error.stack : String(error)}`)
    } finally {
      server.stop()
    }
  }
}

const clientLayer = (server: PgServer.Server, maxConnections: number) =>
  PgClient.layer({
    host: server.socketDir,
    port: server.port,
    username: server.username,
    database: server.database,
    maxConnections
  })

export default bench
