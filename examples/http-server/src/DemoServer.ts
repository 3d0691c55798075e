/**
 * The demo server: the support desk of the Global Sources policy (or a host's, `POLICY_FILE`) on embedded PGlite (or a
 * PostgreSQL server), its HTTP API under `/v1` with `/openapi.json` and `/docs`, the demo's pages, the demo's email
 * both ways, and the desk's worker (`SupportWorker`: SLA alerts, the idle-case and retention sweeps, outbox delivery)
 * in the same process. `start` is what `pnpm demo` runs, and what the browser tests and the load bench start
 * in-process.
 *
 * It listens on 127.0.0.1 unless told otherwise (the demo's tokens are public), on a Node server with the limits of
 * `NodeServer.harden` (header and request timeouts, a connection cap, problem+json for Node's parser errors). Its
 * PGlite folder is locked for the process that opened it (`<folder>.lock`, holding the pid), so a second demo on
 * the same folder stops at once with one line instead of opening it twice; a port in use is one line too.
 */
import { createServer } from "node:http"
import * as Path from "node:path"
import { NodeHttpServer } from "@effect/platform-node"
import {
  type CaseStore,
  type Mailbox,
  type Outbox,
  Parties,
  Presets,
  Randomness,
  SupportDesk,
  type SupportPolicy,
  SupportWorker,
  type TaskStore
} from "@support-policy/core"
import { Authentication, HttpSupportApi, NodeServer } from "@support-policy/http"
import { PgStorage } from "@support-policy/sql-pg"
import { Context, Effect, Exit, Layer, Redacted, Scope } from "effect"
import { HttpRouter, HttpServer } from "effect/http"
import type { SqlClient } from "effect/sql"
import { type EmailTransport, SmtpServerIntake } from "@support-policy/email"
import * as DemoActors from "./DemoActors.ts"
import * as DemoMail from "./DemoMail.ts"
import * as Pages from "./Pages.ts"
import { checkPort, DemoStartError, freePort, lockDataDir } from "./Preflight.ts"
import * as Seed from "./Seed.ts"

/** The default folder of the embedded database: `examples/http-server/.data` (git-ignored). */
export const defaultDataDir = Path.join(import.meta.dirname, "..", ".data")

export interface Options {
  /** The TCP port; 0 picks a free one. Default 3000. */
  readonly port?: number | undefined
  /** The interface to listen on. Default `127.0.0.1` (this machine only); `0.0.0.0` for every interface. */
  readonly host?: string | undefined
  /** A PostgreSQL connection URL; when given, the demo runs on that server instead of embedded PGlite. */
  readonly databaseUrl?: string | undefined
  /** The PGlite folder (created when missing), or `"memory://"`. Default {@link defaultDataDir}. */
  readonly dataDir?: string | undefined
  /** Connections in the PostgreSQL pool (server only). Default 10. */
  readonly maxConnections?: number | undefined
  /** Seed the demo data into an empty database. Default true. */
  readonly seed?: boolean | undefined
  /** Log every request. Default false. */
  readonly logRequests?: boolean | undefined
  /** How requests become actors. Default {@link authentication}: the demo's fixed bearer tokens. */
  readonly authentication?: Layer.Layer<Authentication.Authentication> | undefined
  /** The policy the desk runs. Default: the Global Sources preset (`main.ts` reads `POLICY_FILE`). */
  readonly policy?: SupportPolicy.SupportPolicy | undefined
  /**
   * Run the desk's worker in this process (SLA alerts, and the idle-case and retention sweeps every minute and
   * hour), with these options, or not (`false`). Default: run it with {@link workerOptions}. With email on, the worker
   * also delivers the outbox (`DemoMail.deliveryTask`, every second): a process without the worker sends no mail.
   */
  readonly worker?: SupportWorker.Options | false | undefined
  /** Deliver outbound mail to this SMTP server (`smtp://host:port`); default: an embedded sink on loopback. */
  readonly smtpUrl?: string | undefined
  /** The embedded sink's port on 127.0.0.1 (without `smtpUrl`); 0 picks a free one. Default 0 (`pnpm demo`: 2526). */
  readonly smtpSinkPort?: number | undefined
  /** The inbound SMTP port on 127.0.0.1 (0 picks a free one; `false` for none). Default 0 (`pnpm demo`: 2525). */
  readonly smtpInboundPort?: number | false | undefined
  /** Deliver the outbox by email and take inbound mail. Default true. */
  readonly email?: boolean | undefined
  /**
   * The address people reach the demo at (`PUBLIC_URL`, e.g. `https://support.example.com`), for links in its mail
   * (the rating link: `<publicUrl>/rate#<token>`). Default: the address it listens on.
   */
  readonly publicUrl?: string | undefined
  /**
   * The secret of the signed rating links in the resolution mail (`SATISFACTION_SECRET`, at least 32 characters).
   * Default: a fixed demo secret.
   */
  readonly satisfactionSecret?: string | undefined
}

export interface Timings {
  /** Opening the database and applying the migrations. */
  readonly storageMs: number
  /** Seeding (0 when the database was seeded before). */
  readonly seedMs: number
  /** Starting to listen. */
  readonly listenMs: number
}

export interface Demo {
  /** `http://127.0.0.1:<port>` (the address it listens on; `localhost` when it listens on every interface) */
  readonly url: string
  readonly port: number
  readonly storage: { readonly kind: "pglite"; readonly dataDir: string } | { readonly kind: "postgres" }
  readonly seed: Seed.SeedResult
  readonly timings: Timings
  /** Where mail goes and comes in: the embedded sink's port (null with `SMTP_URL`), the inbound SMTP port. */
  readonly mail: { readonly sinkPort: number | null; readonly inboundPort: number | null } | null
  /** Stops the server and closes the database (PGlite writes everything to its folder). */
  readonly close: () => Promise<void>
}

/** The demo's authentication: a fixed bearer token per demo identity. */
export const authentication: Layer.Layer<Authentication.Authentication> = Authentication.layerBearerTokens(
  DemoActors.identities.map((i) => [i.token, i.actor] as const)
)

/**
 * The desk of the policy (the Global Sources preset by default) on the storage of `options`, with the demo's staff
 * directory, the task store (for the worker) and the `SqlClient` (for the seed). The storage gives the desk the
 * mailbox too, so the desk's erasure (a request, the retention sweep) erases the requester's incoming mail with it.
 */
export const deskLayer = (
  options: Pick<Options, "databaseUrl" | "dataDir" | "maxConnections" | "policy" | "satisfactionSecret"> & {
    /** The rating page's address (`<public URL>/rate`); without it the desk's mail carries no rating link. */
    readonly ratePage?: string | undefined
  }
): Layer.Layer<
  | SupportDesk.SupportDesk
  | SqlClient.SqlClient
  | CaseStore.CaseStore
  | Outbox.Outbox
  | Mailbox.Mailbox
  | TaskStore.TaskStore
  | Randomness.Randomness,
  unknown
> => {
  const storage =
    options.databaseUrl === undefined
      ? PgStorage.layerPglite({ dataDir: options.dataDir ?? defaultDataDir })
      : PgStorage.layerUrl(Redacted.make(options.databaseUrl), { maxConnections: options.maxConnections ?? 10 })
  return SupportDesk.layer(options.policy ?? Presets.globalSources, {
    satisfactionSecret: Redacted.make(options.satisfactionSecret ?? demoSatisfactionSecret),
    satisfactionLinkUrl: options.ratePage
  }).pipe(
    Layer.provideMerge(storage),
    Layer.provideMerge(Layer.mergeAll(Randomness.layer, parties, DemoActors.directory))
  )
}

/** The demo's secret of rating links: a real host keeps its own in its configuration (`SATISFACTION_SECRET`). */
export const demoSatisfactionSecret = "support-policy-demo-rating-secret-not-for-production"

/**
 * The worker's options in the demo: SLA alerts polled every second; the idle-case sweep every minute and the
 * retention sweep every hour (clauses 6.3, 7.4). The demo adds outbox delivery ({@link withDelivery}).
 */
export const workerOptions: SupportWorker.Options = { closeIdle: "1 minute", retention: "1 hour" }

/** The worker's options with outbox delivery (`DemoMail.deliveryTask`) added to its tasks. */
export const withDelivery = (
  options: SupportWorker.Options
): SupportWorker.Options<Outbox.Outbox | EmailTransport.EmailTransport | Mailbox.Mailbox> => ({
  ...options,
  tasks: [...(options.tasks ?? []), DemoMail.deliveryTask]
})

/** The demo's `Parties`: the orders of the demo's people (`DemoActors.orders`), for mediations (clause 4.5). */
export const parties: Layer.Layer<Parties.Parties> = Parties.layerMemory(DemoActors.orders)

export { checkPort, DemoStartError, lockDataDir } from "./Preflight.ts"

/** The URL of a server listening on `host`:`port`, for a browser. */
const urlOf = (host: string, port: number): string =>
  host === "0.0.0.0" || host === "::"
    ? `http://localhost:${port}`
    : `http://${host.includes(":") ? `[${host}]` : host}:${port}`

/** The HTTP routes: the API and the pages. */
export const routes = Layer.mergeAll(HttpSupportApi.layer(), Pages.layer)

/** Starts the demo; resolves once it listens. Fails with a {@link DemoStartError} for a folder or port in use. */
export const start = async (options: Options = {}): Promise<Demo> => {
  const host = options.host ?? "127.0.0.1"
  const port = options.port ?? 3000
  await checkPort(port, host)
  const dataDir = options.dataDir ?? defaultDataDir
  const release =
    options.databaseUrl === undefined && !dataDir.startsWith("memory://") ? lockDataDir(dataDir) : () => {}
  const scope = Scope.makeUnsafe()
  const close = () => Effect.runPromise(Scope.close(scope, Exit.void)).finally(release)
  try {
    let t = performance.now()
    const lap = () => {
      const now = performance.now()
      const ms = now - t
      t = now
      return ms
    }

    // the port is known before the desk is built, so that the desk's mail can link to the demo's pages
    const listenPort = port === 0 ? await freePort(host) : port
    const publicUrl = (options.publicUrl ?? urlOf(host, listenPort)).replace(/\/+$/, "")
    const desk = await Effect.runPromise(
      Layer.buildWithScope(deskLayer({ ...options, ratePage: `${publicUrl}/rate` }), scope)
    )
    const storageMs = lap()

    const seed =
      options.seed === false
        ? { seeded: false, trackingNumbers: [] }
        : await Effect.runPromise(Effect.provideContext(Seed.seedOnce, desk))
    const seedLap = lap()
    const seedMs = seed.seeded ? seedLap : 0

    let mail: Demo["mail"] = null
    let sink: DemoMail.Sink | undefined
    let mailContext: Context.Context<EmailTransport.EmailTransport | SmtpServerIntake.SmtpServerIntake> | undefined
    if (options.email !== false) {
      if (options.smtpUrl === undefined) {
        sink = await Effect.runPromise(Scope.provide(DemoMail.startSink(options.smtpSinkPort ?? 0), scope))
      }
      const inboundPort = options.smtpInboundPort ?? 0
      mailContext = await Effect.runPromise(
        Layer.buildWithScope(
          DemoMail.layer({ smtpUrl: options.smtpUrl ?? `smtp://127.0.0.1:${sink!.port}`, inboundPort }).pipe(
            Layer.provide(Layer.succeedContext(desk))
          ),
          scope
        )
      )
      const inbound = Context.getOption(mailContext, SmtpServerIntake.SmtpServerIntake)
      mail = { sinkPort: sink?.port ?? null, inboundPort: inbound._tag === "Some" ? inbound.value.port : null }
    }

    const server = HttpRouter.serve(Layer.mergeAll(routes, DemoMail.routes(sink, options.smtpUrl)), {
      disableLogger: options.logRequests !== true,
      disableListenLog: true
    }).pipe(
      Layer.provide(options.authentication ?? authentication),
      Layer.provideMerge(
        NodeHttpServer.layer(() => NodeServer.harden(createServer({ connectionsCheckingInterval: 1_000 })), {
          port: listenPort,
          host
        })
      ),
      Layer.provide(Layer.succeedContext(desk))
    )
    const serverContext = await Effect.runPromise(Layer.buildWithScope(server, scope))
    const listenMs = lap()
    if (options.worker !== false) {
      const worker =
        mailContext === undefined
          ? SupportWorker.layer(options.worker ?? workerOptions)
          : SupportWorker.layer(withDelivery(options.worker ?? workerOptions)).pipe(
              Layer.provide(Layer.succeedContext(mailContext))
            )
      await Effect.runPromise(Layer.buildWithScope(worker.pipe(Layer.provide(Layer.succeedContext(desk))), scope))
    }

    const address = Context.get(serverContext, HttpServer.HttpServer).address
    const listening = address._tag === "UnixPathAddress" ? 0 : address.port
    return {
      url: urlOf(host, listening),
      port: listening,
      storage:
        options.databaseUrl === undefined
          ? { kind: "pglite", dataDir: options.dataDir ?? defaultDataDir }
          : { kind: "postgres" },
      seed,
      timings: { storageMs, seedMs, listenMs },
      mail,
      close
    }
  } catch (error) {
    await close()
    // a port taken between the check and the listen
    if (String(error).includes("EADDRINUSE")) {
      throw new DemoStartError(`Port ${port} on ${host} is in use: stop what is listening there, or set PORT.`)
    }
    throw error
  }
}
