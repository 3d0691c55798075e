/**
 * Faults, with real parts: the SMTP server down while 1,000 notifications are written (all delivered once it is back,
 * none lost); a dispatcher process killed mid-batch (none lost: its leases run out and another dispatcher sends them);
 * three dispatchers on one PostgreSQL server (the test server of `@support-policy/sql-pg`): no message sent twice
 * while all three are healthy.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as Path from "node:path"
import { Outbox, Presets, Randomness, SupportDesk } from "@support-policy/core"
import { EmailDelivery, EmailThreading, NodemailerTransport } from "@support-policy/email"
import { PgStorage } from "@support-policy/sql-pg"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import * as PgTest from "../../sql-pg/test/support/PgTest.ts"
import * as Setup from "./support/Setup.ts"
import * as SmtpSink from "./support/SmtpSink.ts"

const threading = EmailThreading.make(Setup.threading)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Submits `n` requests (each writes one acknowledgment) and answers the acknowledgments' Message-IDs. */
const submitMany = (n: number) =>
  Effect.gen(function* () {
    const desk = yield* SupportDesk.SupportDesk
    const ids: Array<string> = []
    const outboxIds: Array<string> = []
    for (let i = 0; i < n; i++) {
      const submission = yield* desk.submit({
        requester: { ...Setup.profileOf(Setup.ana), id: `buyer-${i}`, email: `buyer-${i}@buyer.example` },
        channel: "email",
        category: "order-delivery",
        subject: `Order ${i}`,
        description: "Where is it?",
        language: "en"
      })
      ids.push(threading.messageId(submission.acknowledgment!))
      outboxIds.push(submission.acknowledgment!.id)
    }
    return Object.assign(ids, { outboxIds })
  })

/** Distinct Message-IDs the sink received, and how often each came. */
const tally = (sink: SmtpSink.Sink) => {
  const counts = new Map<string, number>()
  for (const m of sink.received) counts.set(m.email.messageId ?? "", (counts.get(m.email.messageId ?? "") ?? 0) + 1)
  return counts
}

const waitUntil = async (condition: () => boolean, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

// the messages of these tests are written with the real clock; the contract suites' are far in the past
describe("delivery faults", () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it("delivers all of 1,000 notifications written while the SMTP server is down, once it is back", async () => {
    const sink = await SmtpSink.start()
    await sink.stop()
    const runtime = ManagedRuntime.make(
      EmailDelivery.layerLoop({
        ...Setup.deliveryOptions,
        intervalMillis: 20,
        batchSize: 50,
        concurrency: 8,
        maxAttempts: 1_000,
        backoff: { baseMillis: 100, maxMillis: 400, jitter: 0.2 }
      }).pipe(Layer.provideMerge(Setup.layer(sink)))
    )
    cleanups.push(async () => {
      await runtime.dispose()
      await sink.stop()
    })
    const expected = await runtime.runPromise(submitMany(1_000))
    // the dispatcher has been failing meanwhile: the first message was tried and is waiting for its next attempt
    await sleep(500)
    const first = await runtime.runPromise(
      Effect.flatMap(Effect.service(Outbox.Outbox), (o) => o.get(expected.outboxIds[0]))
    )
    expect(first._tag === "Some" && first.value.status).toBe("pending")
    expect(first._tag === "Some" && first.value.attempts).toBeGreaterThanOrEqual(1)
    expect(first._tag === "Some" && first.value.lastError).toMatch(/ECONNREFUSED|connect/i)
    expect(sink.received).toHaveLength(0)
    await sink.start()
    await waitUntil(() => tally(sink).size >= 1_000, 60_000, "1,000 mails")
    const counts = tally(sink)
    for (const id of expected) expect(counts.has(id), id).toBe(true)
    const failed = await runtime.runPromise(
      Effect.flatMap(Effect.service(Outbox.Outbox), (o) => o.listFailed({ limit: 10 }))
    )
    expect(failed).toEqual([])
    // every message is marked sent (the last marks may follow the last mails by a moment)
    const unsent = () =>
      runtime.runPromise(
        Effect.flatMap(Effect.service(Outbox.Outbox), (o) =>
          Effect.map(
            Effect.forEach(expected.outboxIds, (id) => o.get(id)),
            (all) => all.filter((d) => !(d._tag === "Some" && d.value.status === "sent")).length
          )
        )
      )
    let left = await unsent()
    for (let i = 0; i < 50 && left > 0; i++) {
      await sleep(100)
      left = await unsent()
    }
    expect(left).toBe(0)
  }, 90_000)

  describe.skipIf(PgTest.skipServer)("on a PostgreSQL server", () => {
    const onServer = async (n: number) => {
      const url = await Effect.runPromise(PgTest.freshUrl)
      const writer = ManagedRuntime.make(
        SupportDesk.layer(Presets.globalSources).pipe(
          Layer.provideMerge(PgStorage.layerUrl(url, { maxConnections: 4 })),
          Layer.provide(Randomness.layer)
        )
      )
      cleanups.push(() => writer.dispose())
      const expected = await writer.runPromise(submitMany(n))
      return { url, writer, expected }
    }

    const dispatcher = (url: Redacted.Redacted, sink: SmtpSink.Sink, leaseMillis: number) =>
      ManagedRuntime.make(
        EmailDelivery.layerLoop({ ...Setup.deliveryOptions, leaseMillis, intervalMillis: 20, batchSize: 20 }).pipe(
          Layer.provideMerge(NodemailerTransport.layer(sink.url)),
          Layer.provideMerge(PgStorage.layerUrl(url, { maxConnections: 3 }))
        )
      )

    it("loses nothing when a dispatcher process is killed mid-batch", async () => {
      const sink = await SmtpSink.start(0, { delayMs: 15 })
      cleanups.push(() => sink.stop())
      const { url, expected } = await onServer(200)
      const child: ChildProcess = spawn(
        process.execPath,
        ["--conditions=@support-policy/source", Path.join(import.meta.dirname, "support", "dispatcher.ts")],
        {
          env: { ...process.env, DATABASE_URL: Redacted.value(url), SMTP_URL: sink.url, LEASE_MS: "1500" },
          stdio: ["ignore", "pipe", "pipe"]
        }
      )
      cleanups.push(async () => {
        if (child.exitCode === null) child.kill("SIGKILL")
      })
      await waitUntil(() => sink.received.length >= 30, 60_000, "the child to send 30 mails")
      child.kill("SIGKILL")
      await new Promise((r) => child.once("exit", r))
      const atKill = sink.received.length
      expect(atKill).toBeLessThan(200)

      const survivor = dispatcher(url, sink, 1_500)
      cleanups.push(() => survivor.dispose())
      await survivor.runPromise(Effect.void)
      await waitUntil(() => expected.every((id) => tally(sink).has(id)), 60_000, "every message")
      // at least once: only mails in flight when the child died may come twice
      const counts = tally(sink)
      const twice = [...counts.values()].filter((c) => c > 1).length
      expect(twice).toBeLessThanOrEqual(20)
    }, 120_000)

    it("sends no message twice with three dispatchers on one database", async () => {
      const sink = await SmtpSink.start()
      cleanups.push(() => sink.stop())
      const { url, expected } = await onServer(300)
      const dispatchers = [dispatcher(url, sink, 30_000), dispatcher(url, sink, 30_000), dispatcher(url, sink, 30_000)]
      for (const d of dispatchers) cleanups.push(() => d.dispose())
      await Promise.all(dispatchers.map((d) => d.runPromise(Effect.void)))
      await waitUntil(() => sink.received.length >= 300, 60_000, "300 mails")
      await sleep(500)
      const counts = tally(sink)
      expect(sink.received).toHaveLength(300)
      for (const id of expected) expect(counts.get(id), id).toBe(1)
    }, 120_000)
  })
})
