/**
 * The demo server: the support desk of the Global Sources policy (or a host's, `POLICY_FILE`) on embedded PGlite (or a
 * PostgreSQL server), its HTTP API under `/v1` with `/openapi.json` and `/docs`, the demo's pages, and the desk's
 * worker (`SupportWorker`: SLA alerts, the idle-case and retention sweeps) in the same process. `start` is what
 * `pnpm demo` runs, and what the browser tests and the load bench start in-process.
 */
import { createServer } from "node:http"
import * as Path from "node:path"
import { NodeHttpServer } from "@effect/platform-node"
import {
  Presets,
  Randomness,
  SupportDesk,
  type SupportPolicy,
  SupportWorker,
  type TaskStore
} from "@support-policy/core"
import { Authentication, HttpSupportApi } from "@support-policy/http"
import { PgStorage } from "@support-policy/sql-pg"
import { Context, Effect, Exit, Layer, Redacted, Scope } from "effect"
import { HttpRouter, HttpServer } from "effect/http"
import type { SqlClient } from "effect/sql"
import * as DemoActors from "./DemoActors.ts"
import * as Pages from "./Pages.ts"
import * as Seed from "./Seed.ts"

/** The default folder of the embedded database: `examples/http-server/.data` (git-ignored). */
export const defaultDataDir = Path.join(import.meta.dirname, "..", ".data")

export interface Options {
  /** The TCP port; 0 picks a free one. Default 3000. */
  readonly port?: number | undefined
  /** The interface to listen on. Default: every interface (Node's default). */
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
   * hour), with these options, or not (`false`). Default: run it with {@link workerOptions}.
   */
  readonly worker?: SupportWorker.Options | false | undefined
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
  /** `http://localhost:<port>` */
  readonly url: string
  readonly port: number
  readonly storage: { readonly kind: "pglite"; readonly dataDir: string } | { readonly kind: "postgres" }
  readonly seed: Seed.SeedResult
  readonly timings: Timings
  /** Stops the server and closes the database (PGlite writes everything to its folder). */
  readonly close: () => Promise<void>
}

/** The demo's authentication: a fixed bearer token per demo identity. */
export const authentication: Layer.Layer<Authentication.Authentication> = Authentication.layerBearerTokens(
  DemoActors.identities.map((i) => [i.token, i.actor] as const)
)

/**
 * The desk of the policy (the Global Sources preset by default) on the storage of `options`, with the demo's staff
 * directory, the task store (for the worker) and the `SqlClient` (for the seed).
 */
export const deskLayer = (
  options: Pick<Options, "databaseUrl" | "dataDir" | "maxConnections" | "policy">
): Layer.Layer<SupportDesk.SupportDesk | TaskStore.TaskStore | SqlClient.SqlClient, unknown> => {
  const storage =
    options.databaseUrl === undefined
      ? PgStorage.layerPglite({ dataDir: options.dataDir ?? defaultDataDir })
      : PgStorage.layerUrl(Redacted.make(options.databaseUrl), { maxConnections: options.maxConnections ?? 10 })
  return SupportDesk.layer(options.policy ?? Presets.globalSources).pipe(
    Layer.provideMerge(storage),
    Layer.provide(Layer.merge(Randomness.layer, DemoActors.directory))
  )
}

/**
 * The worker's options in the demo: SLA alerts polled every second; the idle-case sweep every minute and the
 * retention sweep every hour (clauses 6.3, 7.4). Outbox delivery joins as a task of `@support-policy/email` once that
 * package exists.
 */
export const workerOptions: SupportWorker.Options = { closeIdle: "1 minute", retention: "1 hour" }

/** The HTTP routes: the API and the pages. */
export const routes = Layer.mergeAll(HttpSupportApi.layer(), Pages.layer)

/** Starts the demo; resolves once it listens. */
export const start = async (options: Options = {}): Promise<Demo> => {
  const scope = Scope.makeUnsafe()
  const close = () => Effect.runPromise(Scope.close(scope, Exit.void))
  try {
    let t = performance.now()
    const lap = () => {
      const now = performance.now()
      const ms = now - t
      t = now
      return ms
    }

    const desk = await Effect.runPromise(Layer.buildWithScope(deskLayer(options), scope))
    const storageMs = lap()

    const seed =
      options.seed === false
        ? { seeded: false, trackingNumbers: [] }
        : await Effect.runPromise(Effect.provideContext(Seed.seedOnce, desk))
    const seedLap = lap()
    const seedMs = seed.seeded ? seedLap : 0

    const server = HttpRouter.serve(routes, {
      disableLogger: options.logRequests !== true,
      disableListenLog: true
    }).pipe(
      Layer.provide(options.authentication ?? authentication),
      Layer.provideMerge(NodeHttpServer.layer(createServer, { port: options.port ?? 3000, host: options.host })),
      Layer.provide(Layer.succeedContext(desk))
    )
    const serverContext = await Effect.runPromise(Layer.buildWithScope(server, scope))
    const listenMs = lap()
    if (options.worker !== false) {
      const worker = SupportWorker.layer(options.worker ?? workerOptions).pipe(
        Layer.provide(Layer.succeedContext(desk))
      )
      await Effect.runPromise(Layer.buildWithScope(worker, scope))
    }

    const address = Context.get(serverContext, HttpServer.HttpServer).address
    const port = address._tag === "UnixPathAddress" ? 0 : address.port
    return {
      url: `http://localhost:${port}`,
      port,
      storage:
        options.databaseUrl === undefined
          ? { kind: "pglite", dataDir: options.dataDir ?? defaultDataDir }
          : { kind: "postgres" },
      seed,
      timings: { storageMs, seedMs, listenMs },
      close
    }
  } catch (error) {
    await close()
    throw error
  }
}
