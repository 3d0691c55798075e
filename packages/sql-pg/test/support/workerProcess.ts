/**
 * One worker process for the multi-process tests and the alerts bench: `SupportWorker.layer` on `PgStorage.layerUrl`,
 * as a host runs it, until it is killed. Prints `ready <pid>` once its layers are built.
 *
 *   node --conditions=@support-policy/source packages/sql-pg/test/support/workerProcess.ts
 *
 * - `DATABASE_URL`: the database (migrated by the parent first);
 * - `POLICY_FILE`: the policy as JSON (`SupportPolicy`);
 * - `CLOSE_IDLE_EVERY`: the idle-case sweep's period (e.g. `2 seconds`), or `off` (the default);
 * - `ALERT_POLL`: the SLA watcher's poll interval (default 1 second), or `off`;
 * - `ALERT_LEASE`: how long a claimed case is leased, in milliseconds (default 3 000);
 * - `ALERT_LIMIT`: how many due cases a round claims (default 10).
 */
import * as Fs from "node:fs"
import { Directory, Randomness, SupportDesk, SupportPolicy, SupportWorker } from "@support-policy/core"
import { Effect, Layer, Redacted } from "effect"
import { PgStorage } from "../../src/index.ts"

/** The staff the workers' escalations reach: a lead of the agents' pool and a support manager. */
const staff = Directory.layerMemory(
  [
    { id: "lead-1", role: "agent", name: "Lead One", email: "lead@desk.example" },
    { id: "manager-1", role: "administrator", name: "Manager One", email: "manager@desk.example" }
  ],
  { queueLeads: { [Directory.generalPool]: "lead-1" }, roles: { supportManager: ["manager-1"] } }
)

const env = (name: string): string => {
  const value = process.env[name]
  if (value === undefined || value === "") throw new Error(`workerProcess: ${name} is required`)
  return value
}

const main = Effect.gen(function* () {
  const policy = yield* SupportPolicy.decode(JSON.parse(Fs.readFileSync(env("POLICY_FILE"), "utf8")))
  const closeIdle = process.env.CLOSE_IDLE_EVERY ?? "off"
  const poll = process.env.ALERT_POLL ?? "1 second"
  const worker = SupportWorker.layer({
    alerts:
      poll === "off"
        ? false
        : {
            pollInterval: poll as `${number} ${"millis" | "second" | "seconds"}`,
            leaseMillis: Number(process.env.ALERT_LEASE ?? "3000"),
            limit: Number(process.env.ALERT_LIMIT ?? "20")
          },
    closeIdle: closeIdle === "off" ? false : (closeIdle as `${number} seconds`),
    retention: false
  }).pipe(
    Layer.provide(
      SupportDesk.layer(policy).pipe(
        Layer.provideMerge(PgStorage.layerUrl(Redacted.make(env("DATABASE_URL")), { maxConnections: 4 })),
        Layer.provide(Randomness.layer),
        Layer.provide(staff)
      )
    )
  )
  yield* Layer.build(worker)
  yield* Effect.sync(() => process.stdout.write(`ready ${process.pid}\n`))
  return yield* Effect.never
})

Effect.runPromise(Effect.scoped(main)).catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
process.on("SIGTERM", () => process.exit(0))
