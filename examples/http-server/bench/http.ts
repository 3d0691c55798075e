/**
 * HTTP load on the demo server, on a real PostgreSQL server on loopback that the bench starts itself (PostgreSQL's
 * default durability: fsync on, `synchronous_commit = on`, as in the storage bench).
 *
 * 1. The baseline, at the storage level: `SupportDesk.submit` and `SupportDesk.getCase` called directly, from 64
 *    fibers, on a pool of 10 connections, in this process.
 * 2. The same through HTTP: the demo server (pool of 10) in a child process, and autocannon in this process with 64
 *    connections: `POST /v1/cases` (each request from another requester, so the policy's rate limit of 10 cases a day
 *    per requester does not answer 429) and `GET /v1/cases/{trackingNumber}` as an agent over the cases just made.
 *
 * Each run is bounded (10 s; 2 s with `--quick`) after a short warm-up. The table gives the rate, p50 and p99
 * latency, the non-2xx answers (any fails the bench) and the ratio of HTTP to the direct desk.
 *
 * Run: `pnpm bench http` (or `pnpm bench http --quick`). Needs the PostgreSQL server binaries (see
 * `packages/sql-pg/test/support/PgServer.ts`).
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as Net from "node:net"
import { PgClient } from "@effect/sql-pg"
import { Actor, Presets, Randomness, SupportDesk } from "@support-policy/core"
import { Authentication } from "@support-policy/http"
import { PgStorage } from "@support-policy/sql-pg"
import autocannon from "autocannon"
import { Effect, Layer, Option, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import type { BenchContext, BenchModule } from "../../../packages/core/bench/harness.ts"
import { formatInteger, formatOps, formatRatio, heading, table } from "../../../packages/core/bench/harness.ts"
import * as PgServer from "../../../packages/sql-pg/test/support/PgServer.ts"
import * as DemoActors from "../src/DemoActors.ts"
import * as DemoServer from "../src/DemoServer.ts"

const CONNECTIONS = 64
const POOL = 10
const READ_SET = 200
const AGENT_TOKEN = "demo-agent"

// -------------------------------------------------------------------------------------------------------------------
// the server, in a child process (this file, with SP_BENCH_HTTP_SERVER set)
// -------------------------------------------------------------------------------------------------------------------

/**
 * The demo's tokens, and `load-<n>`: buyer `load-<n>`, a requester per token, so that a load of submissions is not
 * throttled by the policy's rate limit per requester (clause 7.3).
 */
export const loadAuthentication: Layer.Layer<Authentication.Authentication> = Authentication.layer((request) =>
  Effect.sync(() =>
    Option.flatMap(Authentication.bearerToken(request.headers), (token) => {
      const demo = DemoActors.actorOf(token)
      if (demo !== undefined) return Option.some(demo)
      const load = /^load-(\d{1,12})$/.exec(token)
      return load === null
        ? Option.none()
        : Option.some(Actor.requester({ id: `load-buyer-${load[1]}`, audience: "buyer" }))
    })
  )
)

if (process.env.SP_BENCH_HTTP_SERVER === "1") {
  const demo = await DemoServer.start({
    port: Number(process.env.PORT),
    host: "127.0.0.1",
    databaseUrl: process.env.DATABASE_URL,
    maxConnections: POOL,
    seed: false,
    // the HTTP figures measure the API; the email loop would share the database's connections
    email: false,
    authentication: loadAuthentication
  })
  process.stdout.write(`listening ${demo.port}\n`)
  process.on("SIGTERM", () => void demo.close().then(() => process.exit(0)))
}

// -------------------------------------------------------------------------------------------------------------------
// measuring
// -------------------------------------------------------------------------------------------------------------------

interface Row {
  readonly label: string
  readonly rate: number
  readonly p50: number
  readonly p99: number
  readonly total: number
  readonly failed: number
}

const percentile = (sorted: ReadonlyArray<number>, p: number): number =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]

/** Runs `op(i)` from `concurrency` fibers for `ms` after `warmupMs`; the rate and latency percentiles. */
const direct = <E, R>(
  label: string,
  op: (i: number) => Effect.Effect<unknown, E, R>,
  options: { readonly concurrency: number; readonly warmupMs: number; readonly ms: number }
): Effect.Effect<Row, E, R> =>
  Effect.gen(function* () {
    let counter = 0
    const run = (until: number, times: Array<number> | null) =>
      Effect.forEach(
        Array.from({ length: options.concurrency }),
        () =>
          Effect.whileLoop({
            while: () => performance.now() < until,
            body: () => {
              const start = performance.now()
              return Effect.map(
                Effect.suspend(() => op(counter++)),
                () => times?.push(performance.now() - start)
              )
            },
            step: () => {}
          }),
        { concurrency: "unbounded", discard: true }
      )
    yield* run(performance.now() + options.warmupMs, null)
    const times: Array<number> = []
    const start = performance.now()
    yield* run(start + options.ms, times)
    const elapsed = performance.now() - start
    times.sort((a, b) => a - b)
    return {
      label,
      rate: (times.length * 1000) / elapsed,
      p50: percentile(times, 0.5),
      p99: percentile(times, 0.99),
      total: times.length,
      failed: 0
    }
  })

const submitInput = (requesterId: string): SupportDesk.SubmitInput => ({
  requester: { id: requesterId, audience: "buyer" },
  channel: "online-form",
  category: "order-delivery",
  subject: "Where is my order?",
  description: "My order PO-1234 has not arrived; the tracking page has not changed for a week.",
  language: "en"
})

const submitBody = JSON.stringify({
  category: "order-delivery",
  subject: "Where is my order?",
  description: "My order PO-1234 has not arrived; the tracking page has not changed for a week."
})

/** One autocannon run; `requests` as autocannon takes them. */
const cannon = async (
  label: string,
  url: string,
  requests: ReadonlyArray<autocannon.Request>,
  seconds: number
): Promise<Row> => {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [...requests],
    timeout: 30
  })
  return {
    label,
    rate: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    failed: result.non2xx + result.errors
  }
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = Net.createServer()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

/** Starts the demo server in a child process on `databaseUrl`; resolves once it listens. */
const startServer = async (databaseUrl: string): Promise<{ readonly url: string; readonly child: ChildProcess }> => {
  const port = await freePort()
  const child = spawn(process.execPath, ["--conditions=@support-policy/source", import.meta.filename], {
    env: { ...process.env, SP_BENCH_HTTP_SERVER: "1", PORT: String(port), DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "inherit"]
  })
  await new Promise<void>((resolve, reject) => {
    let out = ""
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes("listening")) resolve()
    })
    child.on("exit", (code) => reject(new Error(`the demo server exited (code ${code}) before listening:\n${out}`)))
  })
  return { url: `http://127.0.0.1:${port}`, child }
}

const createDatabase = (server: PgServer.Server, name: string) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* sql.unsafe(`CREATE DATABASE ${name}`)
    }).pipe(
      Effect.provide(
        PgClient.layer({
          host: server.socketDir,
          port: server.port,
          username: server.username,
          database: server.database,
          maxConnections: 1
        })
      )
    )
  )

const formatMs = (ms: number): string => (ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`)

// -------------------------------------------------------------------------------------------------------------------
// the bench
// -------------------------------------------------------------------------------------------------------------------

const run = async (context: BenchContext, server: PgServer.Server): Promise<void> => {
  const quick = context.settings.samples < 5
  const seconds = quick ? 2 : 10
  const warmupSeconds = quick ? 0.5 : 2

  // 1. the direct desk, on its own database
  await createDatabase(server, "bench_direct")
  const deskLayer = SupportDesk.layer(Presets.globalSources).pipe(
    Layer.provide(PgStorage.layerUrl(Redacted.make(PgServer.url(server, "bench_direct")), { maxConnections: POOL })),
    Layer.provide(Randomness.layer)
  )
  const [directSubmit, directRead] = await Effect.runPromise(
    Effect.gen(function* () {
      const desk = yield* SupportDesk.SupportDesk
      const options = { concurrency: CONNECTIONS, warmupMs: warmupSeconds * 1000, ms: seconds * 1000 }
      const submit = yield* direct(
        "SupportDesk.submit (direct)",
        (i) => desk.submit(submitInput(`direct-${i}`)),
        options
      )
      const queue = yield* desk.queue(DemoActors.agent, { limit: READ_SET })
      const numbers = queue.map((c) => c.trackingNumber)
      const read = yield* direct(
        "SupportDesk.getCase (direct)",
        (i) => desk.getCase(DemoActors.agent, numbers[i % numbers.length]),
        options
      )
      return [submit, read] as const
    }).pipe(Effect.provide(deskLayer))
  )

  // 2. the same through HTTP, on another database
  await createDatabase(server, "bench_http")
  const demo = await startServer(PgServer.url(server, "bench_http"))
  try {
    let requester = 0
    const submitRequest: autocannon.Request = {
      method: "POST",
      path: "/v1/cases",
      headers: { "content-type": "application/json" },
      body: submitBody,
      setupRequest: (request) => ({
        ...request,
        headers: { ...request.headers, authorization: `Bearer load-${requester++}` }
      })
    }
    await cannon("warm-up", demo.url, [submitRequest], warmupSeconds)
    const httpSubmit = await cannon("POST /v1/cases", demo.url, [submitRequest], seconds)

    const queue = await fetch(`${demo.url}/v1/desk/queue?limit=${READ_SET}`, {
      headers: { authorization: `Bearer ${AGENT_TOKEN}` }
    })
    if (!queue.ok) throw new Error(`GET /v1/desk/queue answered ${queue.status}: ${await queue.text()}`)
    const numbers = ((await queue.json()) as { items: ReadonlyArray<{ case: { trackingNumber: string } }> }).items.map(
      (i) => i.case.trackingNumber
    )
    let read = 0
    const readRequest: autocannon.Request = {
      method: "GET",
      headers: { authorization: `Bearer ${AGENT_TOKEN}` },
      setupRequest: (request) => ({ ...request, path: `/v1/cases/${numbers[read++ % numbers.length]}` })
    }
    await cannon("warm-up", demo.url, [readRequest], warmupSeconds)
    const httpRead = await cannon("GET /v1/cases/{trackingNumber}", demo.url, [readRequest], seconds)

    const rows: Array<Array<string>> = []
    for (const [http, baseline] of [
      [httpSubmit, directSubmit],
      [httpRead, directRead]
    ] as const) {
      for (const row of [baseline, http]) {
        rows.push([
          row.label,
          ` ${formatOps(row.rate)}/s`,
          ` ${formatMs(row.p50)}`,
          ` ${formatMs(row.p99)}`,
          ` ${formatInteger(row.total)}`,
          ` ${formatInteger(row.failed)}`,
          row === http ? ` ${formatRatio(http.rate / baseline.rate)}` : ""
        ])
      }
    }
    console.log(table(["operation", " rate", " p50", " p99", " done", " non-2xx", " HTTP / direct"], rows))
    for (const row of [httpSubmit, httpRead]) {
      if (row.failed > 0) context.fail(`http bench: ${row.label} had ${row.failed} non-2xx answers or errors`)
    }
  } finally {
    demo.child.kill("SIGTERM")
    await new Promise((resolve) => demo.child.once("exit", resolve))
  }
}

const bench: BenchModule = {
  name: "http",
  run: async (context) => {
    console.log(heading("HTTP load (examples/http-server, autocannon)"))
    const found = PgServer.findBinDir()
    if ("missing" in found) {
      context.fail(`http bench: ${found.missing}`)
      return
    }
    const server = await PgServer.start({ durability: "durable" })
    try {
      console.log(
        `PostgreSQL on loopback (fsync on); server and direct desk each on a pool of ${POOL} connections; ` +
          `${CONNECTIONS} connections / fibers; ${context.settings.samples < 5 ? 2 : 10} s per run.\n` +
          "The demo server runs in a child process; autocannon and the direct desk in this one (2 cores in all).\n"
      )
      await run(context, server)
    } catch (error) {
      context.fail(`http bench: ${error instanceof Error ? error.stack : String(error)}`)
    } finally {
      server.stop()
    }
  }
}

export default bench
