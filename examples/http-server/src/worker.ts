/**
 * `pnpm --filter @support-policy/example-http-server worker`: the desk's worker alone, for hosts that run web and
 * worker processes apart. Start as many as you like, on the same PostgreSQL database as the demo server
 * (`DATABASE_URL`): they share the SLA alerts (claimed case by case with `FOR UPDATE SKIP LOCKED` and a lease) and
 * each period's run of outbox delivery and of the sweeps (claimed from the task table), so nothing runs twice and
 * nothing is lost when one of them stops.
 *
 * - `DATABASE_URL` (required): the PostgreSQL database. Embedded PGlite belongs to one process — the demo server,
 *   which runs a worker itself.
 * - `POLICY_FILE`: the policy, as for the demo server (the preset otherwise); every process must run the same one.
 * - `SMTP_URL`: where the outbox is delivered, as for the demo server; default the demo server's embedded sink,
 *   `smtp://127.0.0.1:${SMTP_SINK_PORT:-2526}`, so its mail shows at the server's `/mail`. Every process that runs
 *   a worker must send to the same server.
 *
 * SIGINT or SIGTERM stops it: a run in progress is interrupted, and another worker takes it over when its lease ends.
 */
import { NodeRuntime } from "@effect/platform-node"
import { SupportWorker } from "@support-policy/core"
import { Effect, Layer } from "effect"
import * as DemoMail from "./DemoMail.ts"
import * as DemoServer from "./DemoServer.ts"
import * as PolicyFile from "./PolicyFile.ts"
import * as Preflight from "./Preflight.ts"

const databaseUrl = process.env.DATABASE_URL === "" ? undefined : process.env.DATABASE_URL
if (databaseUrl === undefined) {
  console.error(
    "DATABASE_URL is required: a worker process shares a PostgreSQL database with the demo server and other " +
      "workers (embedded PGlite is one process's: `pnpm demo` runs a worker in its own process)."
  )
  process.exit(2)
}
// the demo server's sink, unless SMTP_URL names another server
const smtpUrl =
  process.env.SMTP_URL === undefined || process.env.SMTP_URL === ""
    ? `smtp://127.0.0.1:${Preflight.orExit(() => Preflight.portFromEnvironment("SMTP_SINK_PORT", 2526, 1))}`
    : process.env.SMTP_URL

const main = Effect.gen(function* () {
  const { policy, file } = yield* PolicyFile.fromEnvironment().pipe(
    Effect.catchTag("PolicyFileFailure", (failure) =>
      Effect.sync(() => {
        console.error(`POLICY_FILE: ${PolicyFile.describe(failure)}`)
        process.exit(2)
      })
    )
  )
  yield* Effect.sync(() => console.log(`Policy: ${PolicyFile.summary(policy, file)}`))
  const worker = SupportWorker.layer(DemoServer.withDelivery(DemoServer.workerOptions)).pipe(
    Layer.provide(DemoMail.transport(smtpUrl)),
    Layer.provide(
      DemoServer.deskLayer({ databaseUrl, policy, satisfactionSecret: process.env.SATISFACTION_SECRET || undefined })
    )
  )
  yield* Effect.sync(() =>
    console.log(
      `Worker ${process.pid} running: SLA alerts and outbox delivery (to ${smtpUrl}) every second, idle cases ` +
        "every minute, retention hourly."
    )
  )
  return yield* Layer.launch(worker)
})

NodeRuntime.runMain(main)
