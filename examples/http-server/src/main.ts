/**
 * `pnpm demo`: the support desk over HTTP, with a requester page and an agent console.
 *
 * - `PORT` sets the port (default 3000); `HOST` the interface (default 127.0.0.1, this machine only; `0.0.0.0` for
 *   every interface: the demo's tokens are public, so only on a network you trust).
 * - `DATABASE_URL` (`postgres://user@host:port/db`) runs it on a PostgreSQL server; without it the data lives in
 *   embedded PGlite in `examples/http-server/.data` (`DEMO_DATA_DIR` sets another folder). A restart keeps the data.
 * - `POLICY_FILE=path/to/policy.json` runs the desk on that policy (a `SupportPolicy` JSON document) instead of the
 *   Global Sources preset; a file that does not decode is refused with every bad field named.
 * - `LOG_REQUESTS=1` logs every request.
 * - `SMTP_URL` (`smtp://host:port`) delivers the desk's mail to that server; without it, to an embedded sink on
 *   `127.0.0.1:${SMTP_SINK_PORT:-2526}` shown at `/mail` and `/demo/mail`. `SMTP_INBOUND_PORT` (default 2525) is the
 *   inbound SMTP port on 127.0.0.1.
 * - `PUBLIC_URL` (`https://support.example.com`) is the address people reach the demo at, for the links in its mail
 *   (the rating link of a resolution: `<PUBLIC_URL>/rate#<token>`); default: the address it listens on.
 *   `SATISFACTION_SECRET` (at least 32 characters) signs those links; default: a fixed demo secret.
 *
 * The desk's worker (SLA alerts, outbox delivery, the idle-case and retention sweeps) runs in this process; `pnpm
 * --filter @support-policy/example-http-server worker` runs more workers in processes of their own (`src/worker.ts`),
 * which deliver to the same sink.
 */
import * as Path from "node:path"
import { Effect } from "effect"
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
const smtpUrl = process.env.SMTP_URL === "" ? undefined : process.env.SMTP_URL
const smtpSinkPort = Preflight.orExit(() => Preflight.portFromEnvironment("SMTP_SINK_PORT", 2526))
const smtpInboundPort = Preflight.orExit(() => Preflight.portFromEnvironment("SMTP_INBOUND_PORT", 2525))

const publicUrl = process.env.PUBLIC_URL === "" ? undefined : process.env.PUBLIC_URL
if (publicUrl !== undefined && !/^https?:\/\/[^/\s]+(\/\S*)?$/.test(publicUrl)) {
  console.error(`PUBLIC_URL must be an http:// or https:// address, got "${publicUrl}"`)
  process.exit(2)
}
const satisfactionSecret = process.env.SATISFACTION_SECRET === "" ? undefined : process.env.SATISFACTION_SECRET
if (satisfactionSecret !== undefined && satisfactionSecret.length < 32) {
  console.error("SATISFACTION_SECRET must be at least 32 characters")
  process.exit(2)
}

// a port in use or a folder in use: one line, before the desk and its database are loaded
try {
  await Preflight.checkPort(port, host)
  if (databaseUrl === undefined) {
    Preflight.checkDataDirLock(dataDir ?? Path.join(import.meta.dirname, "..", ".data"))
  }
  if (smtpUrl === undefined) {
    await Preflight.checkPort(smtpSinkPort, "127.0.0.1").catch(() => {
      throw new Preflight.DemoStartError(
        `Port ${smtpSinkPort} on 127.0.0.1 (the mail sink) is in use: stop what is listening there, or set ` +
          "SMTP_SINK_PORT to another port (0 picks a free one)."
      )
    })
  }
} catch (error) {
  console.error(error instanceof Preflight.DemoStartError ? error.message : String(error))
  process.exit(1)
}
const DemoActors = await import("./DemoActors.ts")
const PolicyFile = await import("./PolicyFile.ts")

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
  host,
  databaseUrl,
  dataDir,
  policy,
  smtpUrl,
  smtpSinkPort,
  smtpInboundPort,
  publicUrl,
  satisfactionSecret,
  logRequests: process.env.LOG_REQUESTS === "1"
}).catch((error: unknown) => {
  if (error instanceof Preflight.DemoStartError) console.error(error.message)
  else console.error("The demo could not start:", error)
  process.exit(1)
})

const ms = (n: number) => `${Math.round(n)} ms`
/** The environment `pnpm mail` needs when the demo does not listen on its default ports. */
const mailEnv = (d: typeof demo) =>
  `${d.mail?.inboundPort === 2525 ? "" : `SMTP_INBOUND_PORT=${d.mail?.inboundPort} `}${d.port === 3000 ? "" : `PORT=${d.port} `}`
const where = demo.storage.kind === "pglite" ? `PGlite in ${demo.storage.dataDir}` : "PostgreSQL (DATABASE_URL)"
const tokenWidth = Math.max(...DemoActors.identities.map((i) => i.token.length))

console.log(`
Support desk demo — ${policy.title} v${policy.version}

  Requester page   ${demo.url}/
  Agent console    ${demo.url}/agent
  API reference    ${demo.url}/docs
  OpenAPI          ${demo.url}/openapi.json
  Mail sent        ${demo.url}/mail   (JSON: ${demo.url}/demo/mail)${
    smtpUrl === undefined ? `; the sink is smtp://127.0.0.1:${demo.mail?.sinkPort}` : `; delivered to ${smtpUrl}`
  }

Listening on ${host}${host === "127.0.0.1" ? " (this machine only; HOST=0.0.0.0 listens on every interface)" : ""}.
Storage: ${where}; ${
  demo.seed.seeded ? `seeded ${demo.seed.trackingNumbers.length} demo cases` : "kept from the previous run"
}.
Worker: SLA alerts and outbox delivery every second, idle cases every minute, retention every hour (in this process).

Demo bearer tokens (the pages have a picker; for curl: -H "Authorization: Bearer <token>"):
${DemoActors.identities.map((i) => `  ${i.token.padEnd(tokenWidth)}  ${i.label}`).join("\n")}

Try: curl -s ${demo.url}/v1/channels
${
  demo.mail?.inboundPort == null
    ? ""
    : `
Inbound mail: SMTP on 127.0.0.1:${demo.mail.inboundPort}. A mail from a demo requester's address opens or answers
their case (addresses at ${demo.url}/demo/identities). Try:
  ${mailEnv(demo)}pnpm mail --from ana@buyer.example --subject "Where is my order?" --text "PO-1234 has not arrived."
then answer the acknowledgment (quoting it, as a mail client does):
  ${mailEnv(demo)}pnpm mail --from ana@buyer.example --reply --text "It arrived, thank you!"
`
}
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
