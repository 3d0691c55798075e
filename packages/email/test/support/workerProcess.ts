/**
 * The desk's worker in a process of its own, delivering mail and nothing else, for the multi-process tests:
 * `SupportWorker.layer` with `EmailDelivery.task` on `PgStorage.layerUrl`, as a host runs it, until it is killed.
 * Prints `ready <pid>` once its layers are built.
 *
 * - `DATABASE_URL`: the database (migrated by the parent first);
 * - `SMTP_PORT`: the SMTP server on 127.0.0.1;
 * - `WORKER_NAME`: the name it gives in its SMTP greeting (EHLO), so the sink tells the workers apart;
 * - `TASK_LEASE_MS`: the delivery task's lease (how long a dead worker holds the task);
 * - `LEASE_MS`: the lease of each claimed message.
 */
import { Presets, Randomness, SupportDesk, SupportWorker } from "@support-policy/core"
import { EmailDelivery, NodemailerTransport } from "@support-policy/email"
import { PgStorage } from "@support-policy/sql-pg"
import { Effect, Layer, Redacted } from "effect"

const env = (name: string): string => {
  const value = process.env[name]
  if (value === undefined || value === "") throw new Error(`workerProcess: ${name} is required`)
  return value
}

const options: EmailDelivery.Options = {
  from: "Support <support@desk.example>",
  threading: { secret: "test-secret-0123456789abcdef", domain: "desk.example" },
  templates: { policyTimeZone: Presets.globalSources.calendar.spec.timeZone },
  leaseMillis: Number(env("LEASE_MS")),
  batchSize: 20,
  concurrency: 4
}

const worker = SupportWorker.layer({
  alerts: false,
  closeIdle: false,
  retention: false,
  tasks: [EmailDelivery.task({ ...options, lease: `${Number(env("TASK_LEASE_MS"))} millis` })]
}).pipe(
  Layer.provide(
    NodemailerTransport.layer({
      host: "127.0.0.1",
      port: Number(env("SMTP_PORT")),
      secure: false,
      ignoreTLS: true,
      name: env("WORKER_NAME")
    })
  ),
  Layer.provide(
    SupportDesk.layer(Presets.globalSources).pipe(
      Layer.provideMerge(PgStorage.layerUrl(Redacted.make(env("DATABASE_URL")), { maxConnections: 3 })),
      Layer.provide(Randomness.layer)
    )
  )
)

const main = Effect.gen(function* () {
  yield* Layer.build(worker)
  yield* Effect.sync(() => process.stdout.write(`ready ${process.pid}\n`))
  return yield* Effect.never
})

Effect.runPromise(Effect.scoped(main)).catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
process.on("SIGTERM", () => process.exit(0))
