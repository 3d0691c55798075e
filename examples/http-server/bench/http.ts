/**
 * HTTP load on the demo's API, on a real PostgreSQL server on loopback that the bench starts itself (PostgreSQL's
 * default durability: fsync on, `synchronous_commit = on`, as in the storage bench). It tells the costs apart in one
 * run:
 *
 * 1. The desk called directly (`SupportDesk.submit`, `SupportDesk.getCase`) from 64 fibers in this process: the
 *    floor any server of the same calls sits on.
 *    Beside the read, the same desk on a store that reads the case and then its page in two statements (as every read
 *    did before `CaseStore.getWithPage`): what reading them together saves.
 * 2. The same calls over HTTP, served by one child process (`bench/server.ts`) on one desk twice: by the demo's
 *    `HttpSupportApi` routes, and by a bare `node:http` handler that calls the same desk and answers with the same
 *    views (no router, middleware or schema encoding), so the framework's share is a number. autocannon in this
 *    process drives 64 connections: `POST /v1/cases` (each request from another requester, so the policy's rate
 *    limit of 10 cases a day per requester does not answer 429) and `GET /v1/cases/{trackingNumber}` as an agent.
 *
 * The three ways of making a comparison's calls run in turns (direct, bare, HttpApi, direct, …; 3 rounds of 5 s each),
 * so that a change in the machine's load falls on all of them alike; figures are the medians of the rounds. Between the submissions and the reads,
 * each database gets a `VACUUM (ANALYZE)` (timed and printed), so that the reads are not charged with the cleanup the
 * submissions left. Besides rates and latencies, each run
 * reports CPU time per request: of the process that runs the desk (the server child, from its own
 * `process.cpuUsage()`, or this process for the direct calls), of PostgreSQL (postmaster and backends, from `/proc`)
 * and of the load generator. Two cores serve all three, so rates move with whatever else the
 * machine does; CPU per request does much less.
 *
 * `--profile` then runs each HTTP route again in a server started with `node --cpu-prof`, saves the profiles to
 * `examples/http-server/.profiles/` and prints the top frames of the measured window by self time, by function and by
 * package.
 *
 * Run: `pnpm bench http` (`--quick` for 2-second runs, `--profile` for the profiles). Needs the PostgreSQL server
 * binaries (see `packages/sql-pg/test/support/PgServer.ts`).
 */
import { type ChildProcess, fork } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { PgClient } from "@effect/sql-pg"
import { CaseStore, Presets, Randomness, SupportDesk } from "@support-policy/core"
import { PgStorage } from "@support-policy/sql-pg"
import autocannon from "autocannon"
import { Context, Effect, Exit, Layer, Option, Redacted, Scope } from "effect"
import { SqlClient } from "effect/sql"
import * as Cpu from "../../../packages/core/bench/cpu.ts"
import type { BenchContext, BenchModule } from "../../../packages/core/bench/harness.ts"
import { formatInteger, formatOps, formatRatio, heading, table } from "../../../packages/core/bench/harness.ts"
import * as Profile from "../../../packages/core/bench/profile.ts"
import * as PgServer from "../../../packages/sql-pg/test/support/PgServer.ts"
import * as DemoActors from "../src/DemoActors.ts"
import type * as Server from "./server.ts"

const CONNECTIONS = 64
const POOL = 10
const READ_SET = 200
const AGENT_TOKEN = "demo-agent"
const profileDir = Path.join(import.meta.dirname, "..", ".profiles")

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
  /** CPU µs per operation of the process that runs the desk. */
  readonly appCpu: number
  /** CPU µs per operation of PostgreSQL. */
  readonly pgCpu: number | undefined
  /** CPU µs per operation of the load generator (HTTP only). */
  readonly loadCpu: number | undefined
}

const percentile = (sorted: ReadonlyArray<number>, p: number): number =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]

const perOp = (before: number | undefined, after: number | undefined, ops: number): number | undefined =>
  before === undefined || after === undefined || ops === 0 ? undefined : (after - before) / ops

/** Runs `op(i)` from `concurrency` fibers for `ms` after `warmupMs`: the rate, latency percentiles and CPU per op. */
const direct = <E, R>(
  label: string,
  op: (i: number) => Effect.Effect<unknown, E, R>,
  options: { readonly concurrency: number; readonly warmupMs: number; readonly ms: number; readonly pgPid?: number }
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
    const pg0 = options.pgPid === undefined ? undefined : Cpu.treeUs(options.pgPid)
    const cpu0 = Cpu.selfUs()
    const start = performance.now()
    yield* run(start + options.ms, times)
    const elapsed = performance.now() - start
    const cpu1 = Cpu.selfUs()
    const pg1 = options.pgPid === undefined ? undefined : Cpu.treeUs(options.pgPid)
    times.sort((a, b) => a - b)
    return {
      label,
      rate: (times.length * 1000) / elapsed,
      p50: percentile(times, 0.5),
      p99: percentile(times, 0.99),
      total: times.length,
      failed: 0,
      appCpu: (cpu1 - cpu0) / times.length,
      pgCpu: perOp(pg0, pg1, times.length),
      loadCpu: undefined
    }
  })

/**
 * A case store that reads a case and the page of its record in two statements (the case, then `events`), as every
 * read did before `getWithPage` made them one: the baseline of the reads' own comparison.
 */
const pageApart = (store: CaseStore.CaseStore["Service"]): CaseStore.CaseStore["Service"] =>
  CaseStore.CaseStore.of({
    ...store,
    getWithPage: (trackingNumber, query) =>
      Effect.flatMap(store.getByTrackingNumber(trackingNumber), (found) => {
        if (Option.isNone(found)) return Effect.succeed(Option.none())
        const end = found.value.case.sequence + 1
        return Effect.map(
          store.events(found.value.case.id, { ...query, before: Math.min(query.before ?? end, end) }),
          (page) => Option.some({ ...found.value, page })
        )
      })
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
const cannon = async (url: string, requests: ReadonlyArray<autocannon.Request>, seconds: number) => {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [...requests],
    timeout: 30
  })
  return {
    rate: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    failed: result.non2xx + result.errors
  }
}

// -------------------------------------------------------------------------------------------------------------------
// the server child
// -------------------------------------------------------------------------------------------------------------------

interface ServerChild {
  /** `http://127.0.0.1:<port>` of the HttpApi routes. */
  readonly api: string
  /** `http://127.0.0.1:<port>` of the bare `node:http` handler. */
  readonly bare: string
  readonly cpu: () => Promise<Server.Cpu>
  /** Stops the child (which writes its profile, if it was started with one); resolves once it exited. */
  readonly stop: () => Promise<void>
}

/** Starts `bench/server.ts` in a child process on `databaseUrl`; with `profile`, under `--cpu-prof` to that file. */
const startServer = async (databaseUrl: string, profile?: string): Promise<ServerChild> => {
  const execArgv = ["--conditions=@support-policy/source"]
  if (profile !== undefined) {
    execArgv.push("--cpu-prof", `--cpu-prof-dir=${Path.dirname(profile)}`, `--cpu-prof-name=${Path.basename(profile)}`)
  }
  const child: ChildProcess = fork(Path.join(import.meta.dirname, "server.ts"), [], {
    execArgv,
    env: { ...process.env, SP_BENCH_DATABASE_URL: databaseUrl, SP_BENCH_POOL: String(POOL) },
    stdio: ["ignore", "inherit", "inherit", "ipc"]
  })
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  const ready = await new Promise<Server.Ready>((resolve, reject) => {
    child.once("message", (message: Server.Ready) => resolve(message))
    child.once("exit", (code) => reject(new Error(`the bench server exited (code ${code}) before listening`)))
  })
  const request = (message: Server.Request) => child.send(message)
  return {
    api: `http://127.0.0.1:${ready.api}`,
    bare: `http://127.0.0.1:${ready.bare}`,
    cpu: () =>
      new Promise((resolve) => {
        child.once("message", (message: Server.Cpu) => resolve(message))
        request({ type: "cpu" })
      }),
    stop: async () => {
      request({ type: "stop" })
      await exited
    }
  }
}

/** A warm-up run, then a measured one with the CPU time of the server, PostgreSQL and this process around it. */
const overHttp = async (
  label: string,
  server: ServerChild,
  url: string,
  requests: ReadonlyArray<autocannon.Request>,
  timing: { readonly seconds: number; readonly warmupSeconds: number },
  pgPid: number | undefined
): Promise<Row & { readonly window: Profile.Window }> => {
  if (timing.warmupSeconds > 0) await cannon(url, requests, timing.warmupSeconds)
  const server0 = await server.cpu()
  const pg0 = pgPid === undefined ? undefined : Cpu.treeUs(pgPid)
  const self0 = Cpu.selfUs()
  const result = await cannon(url, requests, timing.seconds)
  const self1 = Cpu.selfUs()
  const pg1 = pgPid === undefined ? undefined : Cpu.treeUs(pgPid)
  const server1 = await server.cpu()
  return {
    label,
    ...result,
    appCpu: (server1.cpuUs - server0.cpuUs) / result.total,
    pgCpu: perOp(pg0, pg1, result.total),
    loadCpu: perOp(self0, self1, result.total),
    window: { startUs: server0.clockUs, endUs: server1.clockUs }
  }
}

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[sorted.length >> 1]
}

const medianOrUndefined = (values: ReadonlyArray<number | undefined>): number | undefined =>
  values.some((v) => v === undefined) ? undefined : median(values as ReadonlyArray<number>)

/** One way of making the calls of a comparison, measured by `measure` (with a warm-up first when `warmup`). */
interface Contender {
  readonly label: string
  readonly measure: (warmup: boolean) => Promise<Row>
}

/**
 * Measures the contenders of a comparison in turns, `rounds` times (direct, bare, HttpApi, direct, …; the first round
 * after a warm-up each), so that a change in the machine's load during the run falls on all of them alike; each figure
 * is the median of its contender's rounds (the done and non-2xx counts are sums).
 */
const interleaved = async (contenders: ReadonlyArray<Contender>, rounds: number): Promise<ReadonlyArray<Row>> => {
  const runs: Array<Array<Row>> = contenders.map(() => [])
  for (let round = 0; round < rounds; round++) {
    for (const [i, contender] of contenders.entries()) runs[i].push(await contender.measure(round === 0))
  }
  return contenders.map((contender, i) => ({
    label: contender.label,
    rate: median(runs[i].map((r) => r.rate)),
    p50: median(runs[i].map((r) => r.p50)),
    p99: median(runs[i].map((r) => r.p99)),
    total: runs[i].reduce((n, r) => n + r.total, 0),
    failed: runs[i].reduce((n, r) => n + r.failed, 0),
    appCpu: median(runs[i].map((r) => r.appCpu)),
    pgCpu: medianOrUndefined(runs[i].map((r) => r.pgCpu)),
    loadCpu: medianOrUndefined(runs[i].map((r) => r.loadCpu))
  }))
}

/** Runs `statement` on `database` of the bench's server. */
const onDatabase = (server: PgServer.Server, database: string, statement: string) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* sql.unsafe(statement)
    }).pipe(
      Effect.provide(
        PgClient.layer({
          host: server.socketDir,
          port: server.port,
          username: server.username,
          database,
          maxConnections: 1
        })
      )
    )
  )

const createDatabase = (server: PgServer.Server, name: string) =>
  onDatabase(server, server.database, `CREATE DATABASE ${name}`)

/**
 * `VACUUM (ANALYZE)` of a database after the submissions, before the reads are measured, so that the reads are not
 * charged with the cleanup the submissions left (dead rows, the search indexes' pending lists), which autovacuum would
 * otherwise do while they run. Returns the seconds it took, which the bench prints.
 */
const settle = async (server: PgServer.Server, database: string): Promise<number> => {
  const start = performance.now()
  await onDatabase(server, database, "VACUUM (ANALYZE)")
  return (performance.now() - start) / 1000
}

const formatMs = (ms: number): string => (ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`)

/** The requests of each measured route. */
const routes = (trackingNumbers: ReadonlyArray<string>) => {
  let requester = 0
  const submit: autocannon.Request = {
    method: "POST",
    path: "/v1/cases",
    headers: { "content-type": "application/json" },
    body: submitBody,
    setupRequest: (request) => ({
      ...request,
      headers: { ...request.headers, authorization: `Bearer load-${requester++}` }
    })
  }
  let read = 0
  const get: autocannon.Request = {
    method: "GET",
    headers: { authorization: `Bearer ${AGENT_TOKEN}` },
    setupRequest: (request) => ({ ...request, path: `/v1/cases/${trackingNumbers[read++ % trackingNumbers.length]}` })
  }
  return { submit, get }
}

/** The tracking numbers of the agent's queue (the read set), through the API. */
const readSet = async (url: string): Promise<ReadonlyArray<string>> => {
  const queue = await fetch(`${url}/v1/desk/queue?limit=${READ_SET}`, {
    headers: { authorization: `Bearer ${AGENT_TOKEN}` }
  })
  if (!queue.ok) throw new Error(`GET /v1/desk/queue answered ${queue.status}: ${await queue.text()}`)
  return ((await queue.json()) as { items: ReadonlyArray<{ case: { trackingNumber: string } }> }).items.map(
    (i) => i.case.trackingNumber
  )
}

/**
 * The key paths of a JSON value, sorted: the shape two answers must share. A `null` counts as absent (the API's
 * schemas encode an optional key that holds `undefined` as `null`; `JSON.stringify` leaves it out).
 */
const shape = (value: unknown, path = ""): ReadonlyArray<string> =>
  value === null
    ? []
    : typeof value !== "object"
      ? [path]
      : Array.isArray(value)
        ? value.flatMap((v, i) => shape(v, `${path}[${i}]`))
        : Object.entries(value)
            .flatMap(([k, v]) => shape(v, `${path}.${k}`))
            .sort()

const symmetricDifference = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): ReadonlyArray<string> => {
  const [setA, setB] = [new Set(a), new Set(b)]
  return [...a.filter((x) => !setB.has(x)), ...b.filter((x) => !setA.has(x))]
}

/** Fails the bench when the bare handler and the API do not answer the same case the same way. */
const checkSameAnswer = async (server: ServerChild, trackingNumber: string, context: BenchContext) => {
  const get = async (base: string) => {
    const response = await fetch(`${base}/v1/cases/${trackingNumber}`, {
      headers: { authorization: `Bearer ${AGENT_TOKEN}` }
    })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }
  const [api, bare] = [await get(server.api), await get(server.bare)]
  const differences = [
    ...(api.status === bare.status ? [] : [`status ${api.status} / ${bare.status}`]),
    ...(["case", "events"] as const)
      .filter((key) => JSON.stringify(api.body[key]) !== JSON.stringify(bare.body[key]))
      .map(
        (key) =>
          `${key}: ${JSON.stringify(api.body[key]).slice(0, 400)} / ${JSON.stringify(bare.body[key]).slice(0, 400)}`
      ),
    ...symmetricDifference(shape(api.body), shape(bare.body)).map((path) => `only in one answer: ${path}`)
  ]
  if (differences.length > 0) {
    context.fail(
      `http bench: the bare handler does not answer GET /v1/cases/${trackingNumber} as the API does:\n` +
        differences.slice(0, 10).join("\n")
    )
  }
}

// -------------------------------------------------------------------------------------------------------------------
// the bench
// -------------------------------------------------------------------------------------------------------------------

const verdict = (met: boolean): string => (met ? "met" : "NOT met")

const run = async (context: BenchContext, pg: PgServer.Server): Promise<void> => {
  const quick = context.settings.samples < 5
  // 3 rounds of 5 s for each way of making the calls, in turns
  const timing = { seconds: quick ? 2 : 5, warmupSeconds: quick ? 0.5 : 2, rounds: quick ? 1 : 3 }
  const pgPid = Cpu.postmasterPid(pg.dataDir)

  // the direct desk in this process and the server child, each on a database of its own
  await createDatabase(pg, "bench_direct")
  await createDatabase(pg, "bench_http")
  const databaseUrl = PgServer.url(pg, "bench_http")
  const scope = Scope.makeUnsafe()
  const settled = { direct: 0, http: 0 }
  let numbers: ReadonlyArray<string> = []
  const http: Record<string, Row> = {}
  let directSubmit: Row
  let directRead: Row
  let directReadApart: Row
  let server: ServerChild | undefined
  try {
    const storage = await Effect.runPromise(
      Layer.buildWithScope(
        PgStorage.layerUrl(Redacted.make(PgServer.url(pg, "bench_direct")), { maxConnections: POOL }),
        scope
      )
    )
    const deskOn = (context: Context.Context<PgStorage.Services>) =>
      Effect.runPromise(
        Layer.buildWithScope(
          SupportDesk.layer(Presets.globalSources).pipe(
            Layer.provide(Layer.succeedContext(context)),
            Layer.provide(Randomness.layer)
          ),
          scope
        )
      ).then((services) => Context.get(services, SupportDesk.SupportDesk))
    const desk = await deskOn(storage)
    // the same desk on the same pool, reading a case and its page in two statements, as it did before they were one
    const deskTwoStatements = await deskOn(
      Context.add(storage, CaseStore.CaseStore, pageApart(Context.get(storage, CaseStore.CaseStore)))
    )
    const inProcess = (label: string, op: (i: number) => Effect.Effect<unknown, unknown>): Contender => {
      // numbered across rounds, as the HTTP requests are: each submission from a requester of its own
      let next = 0
      return {
        label,
        measure: (warmup) =>
          Effect.runPromise(
            direct(label, () => op(next++), {
              concurrency: CONNECTIONS,
              warmupMs: warmup ? timing.warmupSeconds * 1000 : 0,
              ms: timing.seconds * 1000,
              ...(pgPid === undefined ? {} : { pgPid })
            })
          )
      }
    }
    const child = await startServer(databaseUrl)
    server = child
    const overHttpTo = (label: string, url: string, request: autocannon.Request): Contender => ({
      label,
      measure: (warmup) =>
        overHttp(label, child, url, [request], { ...timing, warmupSeconds: warmup ? timing.warmupSeconds : 0 }, pgPid)
    })

    // submissions
    const first = routes([])
    ;[directSubmit, http.bareSubmit, http.apiSubmit] = await interleaved(
      [
        inProcess("SupportDesk.submit", (i) => desk.submit(submitInput(`direct-${i}`))),
        overHttpTo("POST /v1/cases, bare node:http", child.bare, first.submit),
        overHttpTo("POST /v1/cases, HttpApi", child.api, first.submit)
      ],
      timing.rounds
    )
    settled.direct = await settle(pg, "bench_direct")
    settled.http = await settle(pg, "bench_http")

    // reads, each of the cases of its own database
    const queued = (await Effect.runPromise(desk.queue(DemoActors.agent, { limit: READ_SET }))).map(
      (c) => c.trackingNumber
    )
    numbers = await readSet(child.api)
    await checkSameAnswer(child, numbers[0], context)
    const { get } = routes(numbers)
    ;[directRead, http.bareGet, http.apiGet, directReadApart] = await interleaved(
      [
        inProcess("SupportDesk.getCase", (i) => desk.getCase(DemoActors.agent, queued[i % queued.length])),
        overHttpTo("GET /v1/cases/{tn}, bare node:http", child.bare, get),
        overHttpTo("GET /v1/cases/{tn}, HttpApi", child.api, get),
        inProcess("SupportDesk.getCase, its page apart", (i) =>
          deskTwoStatements.getCase(DemoActors.agent, queued[i % queued.length])
        )
      ],
      timing.rounds
    )
  } finally {
    await server?.stop()
    await Effect.runPromise(Scope.close(scope, Exit.void))
  }

  const rows: Array<Array<string>> = []
  for (const [baseline, ...over] of [
    [directSubmit, http.bareSubmit, http.apiSubmit],
    [directRead, http.bareGet, http.apiGet, directReadApart]
  ] as const) {
    for (const row of [baseline, ...over]) {
      rows.push([
        row.label,
        ` ${formatOps(row.rate)}/s`,
        ` ${formatMs(row.p50)}`,
        ` ${formatMs(row.p99)}`,
        ` ${formatInteger(row.total)}`,
        ` ${formatInteger(row.failed)}`,
        ` ${Cpu.formatCpu(row.appCpu)}`,
        ` ${Cpu.formatCpu(row.pgCpu)}`,
        row === baseline ? "" : ` ${Cpu.formatCpu(row.loadCpu)}`,
        row === baseline ? "" : ` ${formatRatio(row.rate / baseline.rate)}`
      ])
    }
  }
  console.log(
    table(
      [
        "operation",
        " rate",
        " p50",
        " p99",
        " done",
        " non-2xx",
        " app CPU/op",
        " PostgreSQL CPU/op",
        " load-gen CPU/op",
        " rate ÷ direct"
      ],
      rows
    )
  )
  console.log(
    "\napp CPU/op: the process running the desk (this one for direct calls, the server child over HTTP), all threads."
  )
  console.log(
    `A case and its page in one statement (getWithPage) ÷ the same desk reading them apart: ` +
      `${formatRatio(directRead.rate / directReadApart.rate)} the rate, ` +
      `${formatRatio(directRead.appCpu / directReadApart.appCpu)} the desk's CPU per read, ` +
      `${directRead.pgCpu === undefined || directReadApart.pgCpu === undefined ? "—" : formatRatio(directRead.pgCpu / directReadApart.pgCpu)} PostgreSQL's.`
  )
  console.log(
    `Between the submissions and the reads, VACUUM (ANALYZE) took ${settled.direct.toFixed(1)} s (direct) and ` +
      `${settled.http.toFixed(1)} s (HTTP): the cleanup the submissions left, counted in neither.`
  )

  for (const [name, directRow, bare, api] of [
    ["GET /v1/cases/{tn}", directRead, http.bareGet, http.apiGet],
    ["POST /v1/cases", directSubmit, http.bareSubmit, http.apiSubmit]
  ] as const) {
    console.log(`\n${name}: app CPU per request`)
    console.log(
      table(
        ["part", " CPU/request", " cumulative"],
        [
          ["the desk call (direct, with its Effect fiber and SQL client)", ` ${Cpu.formatCpu(directRow.appCpu)}`, ""],
          [
            "+ a bare node:http server around it (parse, authenticate, JSON)",
            ` ${Cpu.formatCpu(bare.appCpu - directRow.appCpu)}`,
            ` ${Cpu.formatCpu(bare.appCpu)}`
          ],
          [
            "+ HttpApi instead (router, middleware, schemas, responses)",
            ` ${Cpu.formatCpu(api.appCpu - bare.appCpu)}`,
            ` ${Cpu.formatCpu(api.appCpu)}`
          ]
        ]
      )
    )
  }

  const getCpuRatio = http.apiGet.appCpu / http.bareGet.appCpu
  const getRate = http.apiGet.rate / directRead.rate
  const postRate = http.apiSubmit.rate / directSubmit.rate
  console.log("\nGoals (HttpApi routes, medians of this run):")
  console.log(
    table(
      ["goal", " measured", " verdict"],
      [
        [
          "GET server CPU/request ≤ 1.5× bare node:http",
          ` ${formatRatio(getCpuRatio)}`,
          ` ${verdict(getCpuRatio <= 1.5)}`
        ],
        ["GET rate ≥ 0.6× direct getCase", ` ${formatRatio(getRate)}`, ` ${verdict(getRate >= 0.6)}`],
        ["POST rate ≥ 0.85× direct submit", ` ${formatRatio(postRate)}`, ` ${verdict(postRate >= 0.85)}`],
        ["GET p99 < 100 ms", ` ${formatMs(http.apiGet.p99)}`, ` ${verdict(http.apiGet.p99 < 100)}`],
        ["POST p99 < 100 ms", ` ${formatMs(http.apiSubmit.p99)}`, ` ${verdict(http.apiSubmit.p99 < 100)}`]
      ]
    )
  )
  for (const row of Object.values(http)) {
    if (row.failed > 0) context.fail(`http bench: ${row.label} had ${row.failed} non-2xx answers or errors`)
  }

  if (context.profile) await profileRoutes(context, databaseUrl, numbers, timing, pgPid)
}

/** Each HTTP route again, in a server under `--cpu-prof`; prints the top frames of the measured window. */
const profileRoutes = async (
  context: BenchContext,
  databaseUrl: string,
  numbers: ReadonlyArray<string>,
  timing: { readonly seconds: number; readonly warmupSeconds: number },
  pgPid: number | undefined
) => {
  Fs.mkdirSync(profileDir, { recursive: true })
  const { submit, get } = routes(numbers)
  for (const [file, label, pick, request] of [
    ["get-api", "GET /v1/cases/{tn}, HttpApi", "api", get],
    ["get-bare", "GET /v1/cases/{tn}, bare node:http", "bare", get],
    ["post-api", "POST /v1/cases, HttpApi", "api", submit],
    ["post-bare", "POST /v1/cases, bare node:http", "bare", submit]
  ] as const) {
    const path = Path.join(profileDir, `${file}.cpuprofile`)
    Fs.rmSync(path, { force: true })
    const server = await startServer(databaseUrl, path)
    let row: Row & { readonly window: Profile.Window }
    try {
      row = await overHttp(label, server, server[pick], [request], timing, pgPid)
    } finally {
      await server.stop()
    }
    if (row.failed > 0) context.fail(`http bench (profile): ${label} had ${row.failed} non-2xx answers or errors`)
    const summary = Profile.summarize(JSON.parse(Fs.readFileSync(path, "utf8")) as Profile.CpuProfile, row.window)
    const busy = summary.totalUs - summary.idleUs
    console.log(
      `\nProfile of ${label} (${Path.relative(process.cwd(), path)}): ${formatInteger(row.total)} requests, ` +
        `${Cpu.formatCpu(busy / row.total)} of sampled main-thread time per request (under the profiler), ` +
        `${((summary.idleUs / summary.totalUs) * 100).toFixed(0)}% idle`
    )
    console.log("Top functions by self time (share of busy time):")
    console.log(Profile.formatTop(summary.byFunction, busy, 15))
    console.log("By package:")
    console.log(Profile.formatTop(summary.byPackage, busy, 10))
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
    const quick = context.settings.samples < 5
    try {
      console.log(
        `PostgreSQL on loopback (fsync on); every desk on a pool of ${POOL} connections; ` +
          `${CONNECTIONS} connections / fibers. ${quick ? "One run of 2 s" : "3 rounds of 5 s"} for each way of ` +
          "making the calls: direct, bare node:http and HttpApi in turns (medians).\n" +
          "The server runs in a child process (HttpApi and bare node:http on one desk); autocannon and the direct " +
          "desk in this one; PostgreSQL beside them: 2 cores in all.\n"
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
