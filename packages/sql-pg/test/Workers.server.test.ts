/**
 * The desk's worker in three processes on one PostgreSQL server, as a host runs them behind a load balancer: real
 * child processes (`test/support/workerProcess.ts`), one of them killed with SIGKILL mid-way.
 *
 * - SLA alerts: 1,000 cases under a test policy with a 24/7 calendar and a one-minute first-response target (a
 *   warning at 90 %, the breach at the due instant), opened 50 ms apart and loaded at once (`BulkCases`), so that
 *   their 2,000 instants fall within the next minute. The workers poll every 500 ms and claim 10 cases at a time with
 *   a 1.5-second lease (the watcher's options). Every (clock, level) must be in its case's record exactly once, none missing, each within 5 s
 *   of its instant, with one notification per person it names. The lag distribution is printed.
 * - The idle-case sweep, every 2 seconds in all three processes: each idle case is closed once, and the sweep runs
 *   once per period between them, not once per process.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { type CaseStore, Presets, Randomness, SupportDesk, SupportPolicy, SupportWorker } from "@support-policy/core"
import { Clock, Effect, Exit, Layer, Redacted, Scope } from "effect"
import { SqlClient } from "effect/sql"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { PgStorage } from "../src/index.ts"
import * as BulkCases from "./support/BulkCases.ts"
import * as PgTest from "./support/PgTest.ts"

const CASES = 1_000
const IDLE_CASES = 30
const TARGET_MS = 60_000
const WARNING_MS = 54_000
const LEVELS = ["warning", "breached"]
const SWEEP_PERIOD_MS = 2_000
const LAG_BOUND_MS = 5_000

const all = [["00:00", "24:00"]]
/** The preset with a 24/7 calendar, only its first-response rule, a minute long, and idle cases closed after a day. */
const testPolicy = (): SupportPolicy.Encoded => {
  const p = JSON.parse(JSON.stringify(Presets.globalSources))
  p.id = "around-the-clock-test"
  p.calendar = {
    clause: "2.1",
    spec: {
      timeZone: "UTC",
      week: { monday: all, tuesday: all, wednesday: all, thursday: all, friday: all, saturday: all, sunday: all },
      holidays: []
    }
  }
  const first = p.sla.find((r: { id: string }) => r.id === "first-response")
  first.target = { businessMinutes: 1 }
  first.warnAt = [0.9]
  first.escalations = [
    { id: "warning", when: { fractionOfTarget: 0.9 }, notify: ["assignee"] },
    { id: "breached", when: "due", notify: ["assignee", "queueLead"] }
  ]
  p.sla = [first]
  p.lifecycle.closeResolvedAfterBusinessDays = 1
  return p
}

const workerScript = Path.join(import.meta.dirname, "support", "workerProcess.ts")
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]

describe.skipIf(PgTest.skipServer)("the worker in three processes on PostgreSQL", () => {
  const folder = Fs.mkdtempSync(Path.join(Os.tmpdir(), "sp-workers-"))
  const policyFile = Path.join(folder, "policy.json")
  const policy = SupportPolicy.makeUnsafe(testPolicy())
  const children: Array<ChildProcess> = []
  let url = ""
  let run: <A, E>(
    effect: Effect.Effect<A, E, SupportDesk.SupportDesk | CaseStore.CaseStore | SqlClient.SqlClient>
  ) => Promise<A>
  let closeDesk: () => Promise<void> = async () => {}
  let idleIds: ReadonlyArray<string> = []
  let workersStartedAt = 0

  const startWorker = (): Promise<ChildProcess> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["--conditions=@support-policy/source", workerScript], {
        env: {
          ...process.env,
          DATABASE_URL: url,
          POLICY_FILE: policyFile,
          CLOSE_IDLE_EVERY: "2 seconds",
          ALERT_POLL: "500 millis",
          ALERT_LEASE: "1500",
          ALERT_LIMIT: "10"
        },
        stdio: ["ignore", "pipe", "pipe"]
      })
      children.push(child)
      let out = ""
      child.stdout.on("data", (chunk) => {
        out += String(chunk)
        if (/ready \d+/.test(out)) resolve(child)
      })
      child.stderr.on("data", (chunk) => {
        out += String(chunk)
      })
      child.on("exit", (code, signal) => reject(new Error(`worker exited (${code ?? signal}) before ready:\n${out}`)))
    })

  beforeAll(async () => {
    Fs.writeFileSync(policyFile, JSON.stringify(testPolicy()))
    url = Redacted.value(await Effect.runPromise(PgTest.freshUrl))
    const layer = SupportDesk.layer(policy).pipe(
      Layer.provideMerge(PgStorage.layerUrl(Redacted.make(url), { maxConnections: 8 })),
      Layer.provide(Randomness.layer)
    )
    const scope = Scope.makeUnsafe()
    const context = await Effect.runPromise(Layer.buildWithScope(layer, scope))
    run = (effect) => Effect.runPromise(Effect.provideContext(effect, context))
    closeDesk = () => Effect.runPromise(Scope.close(scope, Exit.void))

    // idle cases: answered two days ago, to be closed by the sweep (after one business day of this policy)
    const twoDaysAgo = Date.now() - 2 * 86_400_000
    idleIds = await run(
      Effect.forEach(
        Array.from({ length: IDLE_CASES }, (_, i) => i),
        (i) =>
          Effect.gen(function* () {
            const desk = yield* SupportDesk.SupportDesk
            const submitted = yield* desk.submit({
              requester: { id: `idle-buyer-${i}`, audience: "buyer" },
              channel: "email",
              category: "consultation",
              subject: `Idle ${i}`,
              description: "A question answered long ago.",
              language: "en"
            })
            yield* desk.resolve({ role: "agent", id: "agent-1" }, submitted.view.case.trackingNumber, {
              body: "Done."
            })
            return submitted.view.case.id
          }).pipe(Effect.provideService(Clock.Clock, BulkCases.clockAt(twoDaysAgo + i))),
        { concurrency: 4 }
      )
    )
  }, 120_000)

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
    await closeDesk()
    Fs.rmSync(folder, { recursive: true, force: true })
  })

  it("fire each SLA alert of 1,000 cases once, within 5 s, though one process is killed mid-way", async () => {
    const expected = LEVELS.length * CASES
    // the template is a case the desk submits (as of an hour ago, so its alerts are due) and deletes again: before the
    // workers start, so that none of them writes an alert into it meanwhile
    const docs = await run(BulkCases.template)
    const workers = await Promise.all([startWorker(), startWorker(), startWorker()])
    workersStartedAt = Date.now()

    const counts = { alerts: 0 }
    const countAlerts = () =>
      run(
        SqlClient.SqlClient.use(
          (sql) =>
            sql<{ n: number }>`
            SELECT count(*)::integer AS n FROM support_case_events
            WHERE type IN ('slaWarning', 'slaBreached', 'slaEscalated')`
        )
      ).then(([row]) => {
        counts.alerts = row.n
        return row.n
      })
    // 1,000 cases opened 50 ms apart, the last one now: warnings from 4 s to 54 s from now, breaches from 10 s to 60 s
    const now = Date.now()
    await run(
      SqlClient.SqlClient.use((sql) =>
        BulkCases.insert(docs, {
          from: 0,
          to: CASES,
          opened: sql`${now - 50 * (CASES - 1)}::bigint + g::bigint * 50`,
          targetMs: TARGET_MS,
          alertAfterMs: WARNING_MS
        })
      )
    )
    const caseIds = Array.from({ length: CASES }, (_, g) => `bench-${g}`)
    let killed: number | undefined
    const killer = (async () => {
      // SIGKILL one worker once about a third of the alerts are in
      while ((await countAlerts()) < expected / 3) await sleep(100)
      killed = workers[0].pid
      workers[0].kill("SIGKILL")
    })()
    // the last case's breach falls due a minute from now
    const deadline = now + TARGET_MS + 15_000
    while (Date.now() < deadline && (await countAlerts()) < expected) await sleep(250)
    await killer
    assert.isDefined(killed, "a worker should have been killed mid-way")

    const rows = await run(
      SqlClient.SqlClient.use(
        (sql) =>
          sql<{ case_id: string; data: any }>`
          SELECT case_id, data FROM support_case_events
          WHERE type IN ('slaWarning', 'slaBreached', 'slaEscalated')`
      )
    )
    const seen = new Map<string, number>()
    const lags: Array<number> = []
    const lagsByLevel: Record<string, Array<number>> = {}
    for (const { case_id, data } of rows) {
      const key = `${case_id}/${data.metric}#${data.instance}/${data.level}`
      seen.set(key, (seen.get(key) ?? 0) + 1)
      const lag = data.at - data.dueAt
      lags.push(lag)
      lagsByLevel[data.level] = [...(lagsByLevel[data.level] ?? []), lag]
    }
    const duplicates = [...seen].filter(([, n]) => n > 1)
    assert.deepStrictEqual(duplicates, [], "a (clock, level) appears more than once")
    const missing = caseIds.flatMap((id) =>
      LEVELS.map((level) => `${id}/firstResponse#1/${level}`).filter((k) => !seen.has(k))
    )
    assert.deepStrictEqual(missing.slice(0, 10), [], `${missing.length} alerts missing`)
    assert.strictEqual(rows.length, expected)

    lags.sort((a, b) => a - b)
    const line = (name: string, values: Array<number>) => {
      values.sort((a, b) => a - b)
      return (
        `${name.padEnd(9)} n=${String(values.length).padStart(4)}  p50 ${percentile(values, 50)} ms  ` +
        `p90 ${percentile(values, 90)} ms  p99 ${percentile(values, 99)} ms  max ${values[values.length - 1]} ms`
      )
    }
    console.log(
      [
        `SLA alert lag (fired at − fell due) of ${CASES} cases' ${expected} alerts due within a minute, ` +
          `3 worker processes, one SIGKILLed after a third of the alerts (${Math.ceil(expected / 3)}):`,
        line("all", [...lags]),
        ...Object.entries(lagsByLevel).map(([level, values]) => line(level, values))
      ].join("\n")
    )
    assert.isAtLeast(lags[0], 0, "an alert fired before it fell due")
    assert.isAtMost(lags[lags.length - 1], LAG_BOUND_MS, "an alert fired more than 5 s after it fell due")

    // the notifications went out with their events: one per person a level names, exactly once
    const [outbox] = await run(
      SqlClient.SqlClient.use(
        (sql) =>
          sql<{ breached: number; warned: number; people: number }>`
          SELECT count(*) FILTER (WHERE kind = 'slaBreached')::integer AS breached,
                 count(*) FILTER (WHERE kind = 'slaWarning')::integer AS warned,
                 count(DISTINCT data->'recipient'->>'id') FILTER (WHERE kind = 'slaBreached')::integer AS people
          FROM support_outbox`
      )
    )
    // a breach reaches the pool's lead (the pool itself has no address); a warning only the pool
    assert.deepStrictEqual(outbox, { breached: CASES, warned: 0, people: 1 })
  }, 240_000)

  it("run the idle-case sweep once per period between them, closing each idle case once", async () => {
    assert.isAbove(workersStartedAt, 0, "the workers ran")
    const [closed] = await run(
      SqlClient.SqlClient.use(
        (sql) =>
          sql<{ cases: number; events: number }>`
          SELECT count(DISTINCT case_id)::integer AS cases, count(*)::integer AS events
          FROM support_case_events WHERE type = 'closed' AND ${sql.in("case_id", idleIds)}`
      )
    )
    assert.deepStrictEqual(closed, { cases: IDLE_CASES, events: IDLE_CASES })
    const [task] = await run(
      SqlClient.SqlClient.use(
        (sql) =>
          sql<{
            runs: number
          }>`SELECT runs::integer AS runs FROM support_tasks WHERE name = ${SupportWorker.closeIdleTask}`
      )
    )
    const periods = Math.ceil((Date.now() - workersStartedAt) / SWEEP_PERIOD_MS) + 1
    console.log(`idle-case sweep: ${task.runs} runs in ${periods} periods of 2 s, by 3 processes`)
    assert.isAtLeast(task.runs, 2)
    assert.isAtMost(task.runs, periods, "a period's sweep ran more than once")
  })
})
