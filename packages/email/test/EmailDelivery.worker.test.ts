/**
 * Delivery as a task of the desk's worker (`EmailDelivery.task` on `SupportWorker`), with real parts:
 *
 * - in one process, on the memory store: a submission's acknowledgment goes out on the next run (the task's period is
 *   a second), and a run drains more than a batch;
 * - on a PostgreSQL server, three worker processes (real child processes, `test/support/workerProcess.ts`) sending to
 *   the real SMTP sink on loopback: every message is delivered exactly once, and each period's run is run by one of
 *   them; then a worker killed with SIGKILL in the middle of a run that drains 400 messages: another takes the task
 *   over once its lease ends and delivers the rest, every message arrives, and only messages the dead worker had sent
 *   but not yet marked may arrive twice.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as Path from "node:path"
import { Presets, Randomness, SupportDesk, SupportWorker, TaskStore } from "@support-policy/core"
import { EmailDelivery, EmailThreading } from "@support-policy/email"
import { PgStorage } from "@support-policy/sql-pg"
import { Effect, Layer, ManagedRuntime, Option, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { afterEach, describe, expect, it } from "vitest"
import * as PgTest from "../../sql-pg/test/support/PgTest.ts"
import * as Setup from "./support/Setup.ts"
import * as SmtpSink from "./support/SmtpSink.ts"

const threading = EmailThreading.make(Setup.threading)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Submits `n` requests (each writes one acknowledgment); their acknowledgments' Message-IDs. */
const submitMany = (n: number, prefix = "buyer") =>
  Effect.gen(function* () {
    const desk = yield* SupportDesk.SupportDesk
    const ids: Array<string> = []
    for (let i = 0; i < n; i++) {
      const submission = yield* desk.submit({
        requester: { ...Setup.profileOf(Setup.ana), id: `${prefix}-${i}`, email: `${prefix}-${i}@buyer.example` },
        channel: "email",
        category: "order-delivery",
        subject: `Order ${i}`,
        description: "Where is it?",
        language: "en"
      })
      ids.push(threading.messageId(submission.acknowledgment!))
    }
    return ids
  })

/** How often each Message-ID came. */
const tally = (mails: ReadonlyArray<SmtpSink.Received>) => {
  const counts = new Map<string, number>()
  for (const m of mails) counts.set(m.email.messageId ?? "", (counts.get(m.email.messageId ?? "") ?? 0) + 1)
  return counts
}

const waitUntil = async (condition: () => boolean, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe("EmailDelivery.task in one process", () => {
  it("sends an acknowledgment on the worker's next run, a second apart at most", async () => {
    const sink = await SmtpSink.start()
    const runtime = ManagedRuntime.make(
      SupportWorker.layer({
        alerts: false,
        closeIdle: false,
        retention: false,
        tasks: [EmailDelivery.task(Setup.deliveryOptions)]
      }).pipe(Layer.provideMerge(Setup.layer(sink)))
    )
    cleanups.push(async () => {
      await runtime.dispose()
      await sink.stop()
    })
    const [id] = await runtime.runPromise(submitMany(1))
    const written = Date.now()
    await sink.waitFor(1, 10_000)
    console.log(`acknowledgment delivered ${sink.received[0].at - written} ms after it was written`)
    expect(sink.received[0].email.messageId).toBe(id)
    const state = await runtime.runPromise(
      Effect.flatMap(Effect.service(TaskStore.TaskStore), (store) => store.get(EmailDelivery.taskName))
    )
    expect(Option.getOrThrow(state).periodMillis).toBe(1_000)
    // later messages go out on later runs of the same task
    const more = await runtime.runPromise(submitMany(3, "later"))
    await sink.waitFor(4, 10_000)
    expect(sink.received.map((m) => m.email.messageId)).toEqual([id, ...more])
  }, 60_000)

  it("drains more than a batch in one run: rounds back to back while they claim a full batch", async () => {
    const sink = await SmtpSink.start()
    const runtime = Setup.runtime(sink)
    cleanups.push(async () => {
      await runtime.dispose()
      await sink.stop()
    })
    const ids = await runtime.runPromise(submitMany(45))
    const report = await runtime.runPromise(EmailDelivery.drain({ ...Setup.deliveryOptions, batchSize: 20 }))
    expect(report).toEqual({ claimed: 45, sent: 45, retrying: 0, givenUp: 0 })
    expect([...tally(sink.received).keys()].sort()).toEqual([...ids].sort())
  }, 60_000)
})

describe.skipIf(PgTest.skipServer)("EmailDelivery.task in three worker processes on PostgreSQL", () => {
  const workerScript = Path.join(import.meta.dirname, "support", "workerProcess.ts")

  const startWorker = (url: string, sink: SmtpSink.Sink, name: string): Promise<ChildProcess> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["--conditions=@support-policy/source", workerScript], {
        env: {
          ...process.env,
          DATABASE_URL: url,
          SMTP_PORT: String(sink.port),
          WORKER_NAME: name,
          TASK_LEASE_MS: "3000",
          LEASE_MS: "1500"
        },
        stdio: ["ignore", "pipe", "pipe"]
      })
      cleanups.push(async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGKILL")
          await new Promise((r) => child.once("exit", r))
        }
      })
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

  /** A fresh database with the desk on it (migrated), for writing messages and reading the task table. */
  const freshDesk = async () => {
    const url = await Effect.runPromise(PgTest.freshUrl)
    const desk = ManagedRuntime.make(
      SupportDesk.layer(Presets.globalSources).pipe(
        Layer.provideMerge(PgStorage.layerUrl(url, { maxConnections: 4 })),
        Layer.provide(Randomness.layer)
      )
    )
    cleanups.push(() => desk.dispose())
    await desk.runPromise(Effect.void)
    return { url: Redacted.value(url), desk }
  }

  const deliveryTask = (desk: Awaited<ReturnType<typeof freshDesk>>["desk"]) =>
    desk.runPromise(
      SqlClient.SqlClient.use(
        (sql) =>
          sql<{ runs: number; last_error: string | null }>`
          SELECT runs::integer AS runs, last_error FROM support_tasks WHERE name = ${EmailDelivery.taskName}`
      )
    )

  it("delivers every message exactly once, each second's run by one of them", async () => {
    const sink = await SmtpSink.start()
    cleanups.push(() => sink.stop())
    const { url, desk } = await freshDesk()
    await Promise.all(["worker-a", "worker-b", "worker-c"].map((name) => startWorker(url, sink, name)))
    const started = Date.now()
    // written while the workers run: 300 acknowledgments, in ten bursts a quarter of a second apart
    const expected: Array<string> = []
    for (let burst = 0; burst < 10; burst++) {
      expected.push(...(await desk.runPromise(submitMany(30, `burst${burst}`))))
      await sleep(250)
    }
    await waitUntil(() => tally(sink.received).size >= 300, 60_000, "300 mails")
    await sleep(2_500) // any second copy would come within a run or two
    const counts = tally(sink.received)
    expect(sink.received).toHaveLength(300)
    for (const id of expected) expect(counts.get(id), id).toBe(1)
    const [task] = await deliveryTask(desk)
    const periods = Math.ceil((Date.now() - started) / 1_000) + 1
    const by: Record<string, number> = {}
    for (const m of sink.received) by[m.clientHostname] = (by[m.clientHostname] ?? 0) + 1
    console.log(
      `delivery by three worker processes: ${task.runs} runs in ${periods} one-second periods; mails by worker ` +
        JSON.stringify(by)
    )
    expect(task.runs).toBeGreaterThanOrEqual(2)
    expect(task.runs, "a period's run ran more than once").toBeLessThanOrEqual(periods)
    expect(task.last_error).toBeNull()
    // every message is marked sent
    const [outbox] = await desk.runPromise(
      SqlClient.SqlClient.use(
        (sql) =>
          sql<{ sent: number; other: number }>`
          SELECT count(*) FILTER (WHERE status = 'sent')::integer AS sent,
                 count(*) FILTER (WHERE status <> 'sent')::integer AS other FROM support_outbox`
      )
    )
    expect(outbox).toEqual({ sent: 300, other: 0 })
  }, 120_000)

  it("hands a run cut short by SIGKILL to another worker, which delivers the rest", async () => {
    // each mail takes the sink 20 ms: the first run drains 400 mails for about two seconds
    const sink = await SmtpSink.start(0, { delayMs: 20 })
    cleanups.push(() => sink.stop())
    const { url, desk } = await freshDesk()
    const expected = await desk.runPromise(submitMany(400))
    const names = ["worker-a", "worker-b", "worker-c"]
    const workers = await Promise.all(names.map((name) => startWorker(url, sink, name)))
    await waitUntil(() => sink.received.length >= 40, 60_000, "40 mails")
    // the worker running the task: one run drains the outbox, so every mail so far came from it
    const runner = sink.received[0].clientHostname
    expect(new Set(sink.received.map((m) => m.clientHostname))).toEqual(new Set([runner]))
    const victim = workers[names.indexOf(runner)]
    victim.kill("SIGKILL")
    await new Promise((r) => victim.once("exit", r))
    const killedAt = Date.now()
    const atKill = sink.received.length
    expect(atKill).toBeLessThan(400)

    await waitUntil(() => expected.every((id) => tally(sink.received).has(id)), 60_000, "every message")
    await sleep(1_500)
    const after = sink.received.slice(atKill)
    const others = after.filter((m) => m.clientHostname !== runner)
    // the dead worker's last sends may land a moment after it died (the sink holds each mail 20 ms), never later
    expect(after.filter((m) => m.clientHostname === runner && m.at > killedAt + 1_000)).toEqual([])
    expect(others.length).toBeGreaterThan(0)
    const takenOver = Math.min(...others.map((m) => m.at)) - killedAt
    console.log(
      `SIGKILLed ${runner} after ${atKill} of 400 mails; ${others[0].clientHostname} took the task over ` +
        `${takenOver} ms later (task lease 3 s) and sent ${others.length}; ` +
        `${[...tally(sink.received).values()].filter((n) => n > 1).length} message(s) came twice`
    )
    // at least once: only the messages the dead worker had sent but not yet marked sent come twice, at most a batch
    const counts = tally(sink.received)
    const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id)
    expect(twice.length).toBeLessThanOrEqual(20)
    const firstFrom = new Map<string, string>()
    for (const m of sink.received)
      if (!firstFrom.has(m.email.messageId ?? "")) firstFrom.set(m.email.messageId ?? "", m.clientHostname)
    for (const id of twice) expect(firstFrom.get(id), id).toBe(runner)
    for (const id of expected) expect(counts.get(id) ?? 0, id).toBeGreaterThanOrEqual(1)
    expect(counts.size).toBe(400)
  }, 120_000)
})
