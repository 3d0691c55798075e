/**
 * `pnpm demo`: the support desk over HTTP, with a requester page and an agent console.
 *
 * - `PORT` sets the port (default 3000).
 * - `DATABASE_URL` (`postgres://user@host:port/db`) runs it on a PostgreSQL server; without it the data lives in
 *   embedded PGlite in `examples/http-server/.data` (`DEMO_DATA_DIR` sets another folder). A restart keeps the data.
 * - `POLICY_FILE=path/to/policy.json` runs the desk on that policy (a `SupportPolicy` JSON document) instead of the
 *   Global Sources preset; a file that does not decode is refused with every bad field named.
 * - `LOG_REQUESTS=1` logs every request.
 *
 * The desk's worker (SLA alerts, the idle-case and retention sweeps) runs in this process; `pnpm --filter
 * @support-policy/example-http-server worker` runs more workers in processes of their own (`src/worker.ts`).
 */
import { Effect } from "effect"
import * as DemoActors from "./DemoActors.ts"
import * as PolicyFile from "./PolicyFile.ts"

const parsePort = (value: string | undefined): number => {
  if (value === undefined || value === "") return 3000
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`PORT must be a whole number from 0 to 65535, got "${value}"`)
    process.exit(2)
  }
  return port
}

const port = parsePort(process.env.PORT)
const databaseUrl = process.env.DATABASE_URL === "" ? undefined : process.env.DATABASE_URL
const dataDir = process.env.DEMO_DATA_DIR === "" ? undefined : process.env.DEMO_DATA_DIR

const { policy, file } = await Effect.runPromise(
  PolicyFile.fromEnvironment().pipe(
    Effect.catchTag("PolicyFileFailure", (failure) =>
      Effect.sync(() => {
        console.error(`POLICY_FILE: ${PolicyFile.describe(failure)}`)
        process.exit(2)
      })
    )
  )
)
console.log(`Policy: ${PolicyFile.summary(policy, file)}`)
// the server's modules load once the policy is known to be good, so a bad file is refused at once
const DemoServer = await import("./DemoServer.ts")

console.log(databaseUrl === undefined ? "Starting the demo on embedded PGlite…" : "Starting the demo on PostgreSQL…")
const demo = await DemoServer.start({
  port,
  databaseUrl,
  dataDir,
  policy,
  logRequests: process.env.LOG_REQUESTS === "1"
}).catch((error: unknown) => {
  console.error("The demo could not start:", error)
  process.exit(1)
})

const ms = (n: number) => `${Math.round(n)} ms`
const where = demo.storage.kind === "pglite" ? `PGlite in ${demo.storage.dataDir}` : "PostgreSQL (DATABASE_URL)"
const tokenWidth = Math.max(...DemoActors.identities.map((i) => i.token.length))

console.log(`
Support desk demo — ${policy.title} v${policy.version}

  Requester page   ${demo.url}/
  Agent console    ${demo.url}/agent
  API reference    ${demo.url}/docs
  OpenAPI          ${demo.url}/openapi.json

Storage: ${where}; ${
  demo.seed.seeded ? `seeded ${demo.seed.trackingNumbers.length} demo cases` : "kept from the previous run"
}.
Worker: SLA alerts every second, idle cases every minute, retention every hour (in this process).

Demo bearer tokens (the pages have a picker; for curl: -H "Authorization: Bearer <token>"):
${DemoActors.identities.map((i) => `  ${i.token.padEnd(tokenWidth)}  ${i.label}`).join("\n")}

Try: curl -s ${demo.url}/v1/channels

Ready in ${ms(performance.now())} (database ${ms(demo.timings.storageMs)}, seed ${ms(demo.timings.seedMs)}, listen ${ms(
  demo.timings.listenMs
)}). Ctrl-C stops it.`)

let stopping = false
const stop = (signal: string) => {
  if (stopping) return
  stopping = true
  console.log(`\n${signal}: stopping…`)
  demo.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    }
  )
}
process.on("SIGINT", () => stop("SIGINT"))
process.on("SIGTERM", () => stop("SIGTERM"))
