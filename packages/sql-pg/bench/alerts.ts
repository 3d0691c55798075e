/**
 * SLA alerts on a real PostgreSQL server (fsync on): fire lag and database time per fired alert with 10,000 and
 * 1,000,000 open cases (100,000 with `--quick`), whose next alert instants are spread over the next hour. The goal:
 * neither grows with the number of open cases (ratio ≤ 1.5×).
 *
 * Each size starts from empty tables, bulk-loaded with `generate_series` (valid case documents and records: the
 * watcher decodes what it reads) under a test policy with a 24/7 calendar and a one-hour first-response target whose
 * breach is the one escalation level. Time is compressed the same way at both sizes: 1,200 cases (300 with `--quick`)
 * fall due in a one-minute window (15 s), 20 a second; the others fall due over an hour that starts two hours later,
 * so the two runs differ only in how many cases are open. One watcher (`SupportWorker.watchAlerts` with its default
 * options: a poll every second, 10 cases a claim, 4 at once; a pool of 8 connections) runs in this process from 5 s
 * before the window until 2 s after it.
 *
 * - **Lag**: each fired alert's `at − dueAt` (the breach fires at the first millisecond after the due instant).
 * - **Database time per alert**: the execution time on the server of every statement of the database during the
 *   window (`pg_stat_statements`: the claims, the reads and the appends), divided by the alerts fired. The statements
 *   taking most of it are listed, with the plan of the claim's scan.
 *
 * Run: `pnpm bench alerts` (`--quick` for a shorter run). Needs the PostgreSQL server binaries.
 */
import { PgClient } from "@effect/sql-pg"
import { Directory, Presets, Randomness, SupportDesk, SupportPolicy, SupportWorker } from "@support-policy/core"
import { Effect, Fiber, Layer } from "effect"
import { SqlClient } from "effect/sql"
import type { BenchContext, BenchModule } from "../../core/bench/harness.ts"
import { formatInteger, formatRatio, heading, table } from "../../core/bench/harness.ts"
import { PgStorage } from "../src/index.ts"
import * as BulkCases from "../test/support/BulkCases.ts"
import * as PgServer from "../test/support/PgServer.ts"

const HOUR = 3_600_000
const RATE = 20 // alerts per second in the measured window
const all = [["00:00", "24:00"]]

/** The preset with a 24/7 calendar and its first-response rule only: one hour, one level (the breach). */
const benchPolicy = (): SupportPolicy.SupportPolicy => {
  const p = JSON.parse(JSON.stringify(Presets.globalSources))
  p.id = "alerts-bench"
  p.calendar = {
    clause: "2.1",
    spec: {
      timeZone: "UTC",
      week: { monday: all, tuesday: all, wednesday: all, thursday: all, friday: all, saturday: all, sunday: all },
      holidays: []
    }
  }
  const first = p.sla.find((r: { id: string }) => r.id === "first-response")
  first.target = { businessHours: 1 }
  first.warnAt = []
  first.escalations = [{ id: "breached", when: "due", notify: ["assignee", "queueLead"] }]
  p.sla = [first]
  return SupportPolicy.makeUnsafe(p)
}

const staff = Directory.layerMemory([{ id: "lead-1", role: "agent", name: "Lead One", email: "lead@desk.example" }], {
  queueLeads: { [Directory.generalPool]: "lead-1" }
})

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

/**
 * Empties the tables and loads `size` open cases (`BulkCases`), opened an hour before they fall due. All but `measured`
 * fall due over an hour that starts two hours from now, scattered over the table; secondary indexes are built after
 * that load, from their definitions in the catalog. Returns a function that adds the `measured` cases, falling due at
 * RATE a second from `t0`, once the window's start is known.
 */
const load = (size: number, measured: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`TRUNCATE support_alert_schedule, support_alert_recipients, support_alerts, support_outbox,
               support_case_events, support_case_parties, support_idempotency_keys, support_cases CASCADE`
    const docs = yield* BulkCases.template
    const indexes = yield* sql<{ indexname: string; indexdef: string }>`
      SELECT indexname, indexdef FROM pg_indexes
      WHERE (tablename = 'support_cases' AND indexname NOT IN ('support_cases_pkey', 'support_cases_tracking_number_key'))
         OR indexname = 'support_alert_schedule_due_idx'`
    for (const index of indexes) yield* sql.unsafe(`DROP INDEX ${index.indexname}`)
    // due over an hour that starts in two hours: opened an hour before that
    const later = Date.now() + HOUR
    const cases = { targetMs: HOUR, alertAfterMs: HOUR + 1 }
    // numbered from `size` on, so that no case of one size has the id of a case of another (the store's cache of
    // clock records, which lives as long as the bench's store, would find the id and read the record twice)
    const base = size
    yield* BulkCases.insert(docs, {
      from: base + measured,
      to: base + size,
      opened: sql`${later}::bigint + ((g::bigint * 2654435761) % ${HOUR})`,
      ...cases
    })
    for (const index of indexes) yield* sql.unsafe(index.indexdef)
    yield* sql`ANALYZE support_cases`
    yield* sql`ANALYZE support_case_events`
    yield* sql`ANALYZE support_alert_schedule`
    return (t0: number) =>
      BulkCases.insert(docs, {
        from: base,
        to: base + measured,
        opened: sql`${t0 - HOUR}::bigint + (g - ${base})::bigint * ${Math.round(1_000 / RATE)}`,
        ...cases
      })
  })

interface Result {
  readonly size: number
  readonly fired: number
  readonly lags: ReadonlyArray<number>
  readonly serverMsPerAlert: number
  readonly walPagesPerAlert: number
  readonly walKbPerAlert: number
  readonly plan: string
  readonly loadSeconds: number
}

const runSize = (size: number, context: BenchContext) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const quick = context.settings.samples < 5
    const windowMs = quick ? 15_000 : 60_000
    const measured = (windowMs / 1_000) * RATE
    const loadStarted = performance.now()
    const addMeasured = yield* load(size, measured)
    const loadSeconds = (performance.now() - loadStarted) / 1_000
    console.log(`loaded ${formatInteger(size)} open cases (${loadSeconds.toFixed(1)} s)`)
    // the window opens 10 s from now; the watcher starts 5 s before it
    const t0 = Date.now() + 10_000
    yield* addMeasured(t0)
    yield* Effect.sleep(Math.max(0, t0 - 5_000 - Date.now()))
    const watcher = yield* Effect.forkChild(SupportWorker.watchAlerts())
    yield* Effect.sleep(Math.max(0, t0 - Date.now()))
    yield* sql`SELECT pg_stat_statements_reset()`
    yield* sql`SELECT pg_stat_reset_shared('wal')`
    yield* Effect.sleep(windowMs + 2_000)
    yield* Fiber.interrupt(watcher)
    // what the window wrote to the write-ahead log: full-page images are the first change of a page after a checkpoint
    const [wal] = yield* sql<{ fpi: number; bytes: number }>`
      SELECT wal_fpi::float8 AS fpi, wal_bytes::float8 AS bytes FROM pg_stat_wal`
    const [server] = yield* sql<{ ms: number }>`
      SELECT coalesce(sum(total_exec_time), 0)::float8 AS ms FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`
    const top = yield* sql<{ query: string; calls: number; mean: number; total: number }>`
      SELECT left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 70) AS query, calls::integer AS calls,
             mean_exec_time::float8 AS mean, total_exec_time::float8 AS total
      FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      ORDER BY total_exec_time DESC LIMIT 8`
    const rows = yield* sql<{ lag: number }>`
      SELECT (at - (data->>'dueAt')::bigint)::integer AS lag FROM support_case_events
      WHERE type = 'slaBreached'`
    const fired = rows.length
    const lags = rows.map((r) => r.lag).sort((a, b) => a - b)
    const plan = yield* sql<{ "QUERY PLAN": string }>`
      EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
      SELECT case_id, alert_at FROM support_alert_schedule
      WHERE alert_at <= ${t0 + windowMs + 60_000}
      ORDER BY alert_at, case_id LIMIT 10 FOR UPDATE SKIP LOCKED`
    return {
      size,
      fired,
      lags,
      serverMsPerAlert: server.ms / Math.max(1, fired),
      walPagesPerAlert: wal.fpi / Math.max(1, fired),
      walKbPerAlert: wal.bytes / 1024 / Math.max(1, fired),
      plan:
        `-- ${formatInteger(size)} open cases: the statements taking most server time in the window\n` +
        top
          .map(
            (t) =>
              `${t.total.toFixed(0).padStart(7)} ms ${String(t.calls).padStart(6)} × ${t.mean.toFixed(3)} ms  ${t.query}`
          )
          .join("\n") +
        `\n-- the claim's scan\n${plan.map((r) => r["QUERY PLAN"]).join("\n")}`,
      loadSeconds
    } satisfies Result
  })

const bench: BenchModule = {
  name: "alerts",
  run: async (context) => {
    console.log(heading("SLA alerts (SupportWorker on PostgreSQL)"))
    const found = PgServer.findBinDir()
    if ("missing" in found) {
      context.fail(`alerts bench: ${found.missing}`)
      return
    }
    const server = await PgServer.start({
      durability: "durable",
      settings: { max_wal_size: "4GB", shared_preload_libraries: "pg_stat_statements" }
    })
    try {
      const quick = context.settings.samples < 5
      const sizes = quick ? [10_000, 100_000] : [10_000, 1_000_000]
      const client = PgClient.layer({
        host: server.socketDir,
        port: server.port,
        username: server.username,
        database: server.database,
        maxConnections: 8
      })
      const storage = PgStorage.layer.pipe(Layer.provideMerge(client))
      const layers = SupportDesk.layer(benchPolicy()).pipe(
        Layer.provideMerge(storage),
        Layer.provide(Randomness.layer),
        Layer.provide(staff)
      )
      const results = await Effect.runPromise(
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          yield* sql`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`
          const [version] = yield* sql<{ version: string }>`SELECT version() AS version`
          console.log(`${version.version.split(",")[0]}; fsync on; ${RATE} alerts/s in the measured window`)
          const out: Array<Result> = []
          for (const size of sizes) out.push(yield* runSize(size, context))
          return out
        }).pipe(Effect.provide(layers))
      )
      const [small, large] = results as [Result, Result]
      const row = (label: string, f: (r: Result) => number, unit: string, digits = 0) => [
        label,
        ` ${f(small).toFixed(digits)} ${unit}`,
        ` ${f(large).toFixed(digits)} ${unit}`,
        ` ${formatRatio(f(large) / f(small))}`
      ]
      const rows = [
        row("alerts fired in the window", (r) => r.fired, ""),
        row("fire lag p50", (r) => percentile(r.lags, 50), "ms"),
        row("fire lag p99", (r) => percentile(r.lags, 99), "ms"),
        row("fire lag max", (r) => r.lags[r.lags.length - 1] ?? 0, "ms"),
        row("database time per alert (pg_stat_statements)", (r) => r.serverMsPerAlert, "ms", 2),
        row("WAL full-page images per alert", (r) => r.walPagesPerAlert, "", 1),
        row("WAL written per alert", (r) => r.walKbPerAlert, "KB", 1)
      ]
      console.log(
        table(
          ["per fired alert", ` ${formatInteger(small.size)} open`, ` ${formatInteger(large.size)} open`, " ratio"],
          rows
        )
      )
      for (const r of results) console.log(`\n${r.plan}`)
      for (const [label, a, b] of [
        ["lag p50", percentile(small.lags, 50), percentile(large.lags, 50)],
        ["lag p99", percentile(small.lags, 99), percentile(large.lags, 99)],
        ["database time per alert", small.serverMsPerAlert, large.serverMsPerAlert]
      ] as const) {
        if (b / a > 1.5) console.log(`  note: ${label} grows ${formatRatio(b / a)} between the sizes (goal ≤ 1.5×)`)
      }
      const expected = ((quick ? 15_000 : 60_000) / 1_000) * RATE
      for (const r of results) {
        if (r.fired < expected) context.fail(`alerts bench: ${r.fired} of ${expected} alerts fired at ${r.size} cases`)
      }
    } catch (error) {
      const driver = (error as { reason?: { cause?: unknown } })?.reason?.cause
      context.fail(
        `alerts bench: ${error instanceof Error ? error.stack : String(error)}` +
          (driver instanceof Error ? `\n${driver.message}` : "")
      )
    } finally {
      server.stop()
    }
  }
}

export default bench
