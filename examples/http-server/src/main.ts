/**
 * `pnpm demo`: the support desk over HTTP, with a requester page and an agent console.
 *
 * - `PORT` sets the port (default 3000); `HOST` the interface (default 127.0.0.1, this machine only; `0.0.0.0` for
 *   every interface: the demo's tokens are public, so only on a network you trust).
 * - `DATABASE_URL` (`postgres://user@host:port/db`) runs it on a PostgreSQL server; without it the data lives in
 *   embedded PGlite in `examples/http-server/.data` (`DEMO_DATA_DIR` sets another folder). A restart keeps the data.
 * - `LOG_REQUESTS=1` logs every request.
 */
import * as Path from "node:path"
import * as Preflight from "./Preflight.ts"

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
const host = process.env.HOST === undefined || process.env.HOST === "" ? "127.0.0.1" : process.env.HOST
const databaseUrl = process.env.DATABASE_URL === "" ? undefined : process.env.DATABASE_URL
const dataDir = process.env.DEMO_DATA_DIR === "" ? undefined : process.env.DEMO_DATA_DIR

// a port in use or a folder in use: one line, before the desk and its database are loaded
try {
  await Preflight.checkPort(port, host)
  if (databaseUrl === undefined) {
    Preflight.checkDataDirLock(dataDir ?? Path.join(import.meta.dirname, "..", ".data"))
  }
} catch (error) {
  console.error(error instanceof Preflight.DemoStartError ? error.message : String(error))
  process.exit(1)
}
const DemoActors = await import("./DemoActors.ts")
const DemoServer = await import("./DemoServer.ts")

console.log(databaseUrl === undefined ? "Starting the demo on embedded PGlite…" : "Starting the demo on PostgreSQL…")
const demo = await DemoServer.start({
  port,
  host,
  databaseUrl,
  dataDir,
  logRequests: process.env.LOG_REQUESTS === "1"
}).catch((error: unknown) => {
  if (error instanceof Preflight.DemoStartError) console.error(error.message)
  else console.error("The demo could not start:", error)
  process.exit(1)
})

const ms = (n: number) => `${Math.round(n)} ms`
const where = demo.storage.kind === "pglite" ? `PGlite in ${demo.storage.dataDir}` : "PostgreSQL (DATABASE_URL)"
const tokenWidth = Math.max(...DemoActors.identities.map((i) => i.token.length))

console.log(`
Support desk demo — Global Sources Support Policy v1.8

  Requester page   ${demo.url}/
  Agent console    ${demo.url}/agent
  API reference    ${demo.url}/docs
  OpenAPI          ${demo.url}/openapi.json

Listening on ${host}${host === "127.0.0.1" ? " (this machine only; HOST=0.0.0.0 listens on every interface)" : ""}.
Storage: ${where}; ${
  demo.seed.seeded ? `seeded ${demo.seed.trackingNumbers.length} demo cases` : "kept from the previous run"
}.

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
