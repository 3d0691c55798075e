/**
 * The demo's worker command (`src/worker.ts`) delivers the outbox: two worker processes on the test PostgreSQL server
 * (`DATABASE_URL`), sending to a real SMTP server on loopback (`SMTP_URL`), deliver every acknowledgment of 60
 * requests written by another process exactly once.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as Path from "node:path"
import { SupportDesk } from "@support-policy/core"
import { Effect, Exit, Layer, Redacted, Scope } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import * as SmtpSink from "../../../packages/email/test/support/SmtpSink.ts"
import * as PgTest from "../../../packages/sql-pg/test/support/PgTest.ts"
import * as DemoServer from "../src/DemoServer.ts"

const exampleDir = Path.join(import.meta.dirname, "..")
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.skipIf(PgTest.skipServer)("the demo's worker command", () => {
  const children: Array<ChildProcess> = []
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  const startWorker = (env: Record<string, string>) =>
    new Promise<{ readonly child: ChildProcess; readonly out: () => string }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--conditions=@support-policy/source", "src/worker.ts"], {
        cwd: exampleDir,
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"]
      })
      children.push(child)
      let out = ""
      const timer = setTimeout(() => reject(new Error(`src/worker.ts did not start within 90 s:\n${out}`)), 90_000)
      const check = () => {
        if (/running/.test(out)) {
          clearTimeout(timer)
          resolve({ child, out: () => out })
        }
      }
      child.stdout.on("data", (chunk) => {
        out += String(chunk)
        check()
      })
      child.stderr.on("data", (chunk) => {
        out += String(chunk)
      })
      child.on("exit", (code) => {
        clearTimeout(timer)
        reject(new Error(`src/worker.ts exited (${code}):\n${out}`))
      })
    })

  it("delivers the mail written by another process, each message once, from two worker processes", async () => {
    const sink = await SmtpSink.start()
    cleanups.push(() => sink.stop())
    const databaseUrl = Redacted.value(await Effect.runPromise(PgTest.freshUrl))
    // the writer: the desk on the same database, as the demo server's web process would be
    const scope = Scope.makeUnsafe()
    cleanups.push(() => Effect.runPromise(Scope.close(scope, Exit.void)))
    const desk = await Effect.runPromise(Layer.buildWithScope(DemoServer.deskLayer({ databaseUrl }), scope))

    const env = { DATABASE_URL: databaseUrl, SMTP_URL: sink.url }
    const workers = await Promise.all([startWorker(env), startWorker(env)])
    for (const w of workers) expect(w.out()).toContain(`outbox delivery (to ${sink.url}) every second`)

    const trackingNumbers = await Effect.runPromise(
      Effect.provideContext(
        Effect.forEach(
          Array.from({ length: 60 }, (_, i) => i),
          (i) =>
            Effect.flatMap(Effect.service(SupportDesk.SupportDesk), (d) =>
              d.submit({
                requester: {
                  id: `buyer-${i}`,
                  audience: "buyer",
                  email: `buyer-${i}@buyer.example`,
                  name: `Buyer ${i}`
                },
                channel: "online-form",
                category: "consultation",
                subject: `Question ${i}`,
                description: "Is this in stock?",
                language: "en"
              })
            ).pipe(Effect.map((s) => s.view.case.trackingNumber)),
          { concurrency: 4 }
        ),
        desk
      )
    )
    await sink.waitFor(60, 30_000)
    await sleep(2_500) // a second copy would come within a run or two
    expect(sink.received).toHaveLength(60)
    const subjects = sink.received.map((m) => m.email.subject ?? "")
    for (const trackingNumber of trackingNumbers) {
      expect(
        subjects.filter((s) => s.includes(`[${trackingNumber}]`)),
        trackingNumber
      ).toHaveLength(1)
    }
  }, 150_000)
})
