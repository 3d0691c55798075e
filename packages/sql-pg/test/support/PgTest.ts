/**
 * Test layers: a `SqlClient` on the PostgreSQL server that `test/globalSetup.ts` started (a fresh database per layer
 * build), and on in-memory PGlite.
 */
import { PGlite } from "@electric-sql/pglite"
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm"
import { PgClient } from "@effect/sql-pg"
import { PgliteClient } from "@support-policy/sql-pg/pglite"
import { Effect, Layer, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { inject } from "vitest"
import type { Status } from "../globalSetup.ts"
import * as PgServer from "./PgServer.ts"

/** Whether the PostgreSQL tests were left out on purpose (`SUPPORT_POLICY_PG=skip`); the report shows them skipped. */
export const skipServer = process.env.SUPPORT_POLICY_PG === "skip"

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits for the server that globalSetup is starting; fails with its error when it could not start. */
export const endpoint: Effect.Effect<PgServer.Endpoint> = Effect.promise(async () => {
  const file = inject("pgStatusFile")
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline) {
    if (Fs.existsSync(file)) {
      const status = JSON.parse(Fs.readFileSync(file, "utf8")) as Status
      if (status.state === "ready") return status.endpoint
      if (status.state === "failed") throw new Error(`The test PostgreSQL server could not start:\n${status.error}`)
      throw new Error(`PostgreSQL tests were not meant to run: ${status.reason}`)
    }
    await sleep(50)
  }
  throw new Error(`The test PostgreSQL server did not start within 90 s (no ${file})`)
})

let databases = 0

/**
 * Creates a new, empty database on the test server and returns its name. Each test file (or layer) gets its own, so
 * files running in parallel do not see each other's rows.
 */
export const createDatabase: Effect.Effect<{ readonly endpoint: PgServer.Endpoint; readonly database: string }> =
  Effect.gen(function* () {
    const ep = yield* endpoint
    const database = `sp_test_${process.pid}_${++databases}_${Math.random().toString(36).slice(2, 8)}`
    yield* Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* sql.unsafe(`CREATE DATABASE ${database}`)
    }).pipe(
      Effect.provide(
        PgClient.layer({ host: ep.socketDir, port: ep.port, username: ep.username, database: ep.database })
      ),
      Effect.orDie
    )
    return { endpoint: ep, database }
  })

/** A `SqlClient` on a fresh database of the test server, through its unix socket. */
export const layerServer = (
  options: { readonly maxConnections?: number } = {}
): Layer.Layer<SqlClient.SqlClient | PgClient.PgClient> =>
  Layer.unwrap(
    Effect.map(createDatabase, ({ endpoint: ep, database }) =>
      PgClient.layer({
        host: ep.socketDir,
        port: ep.port,
        username: ep.username,
        database,
        maxConnections: options.maxConnections ?? 10
      })
    )
  ).pipe(Layer.orDie)

/** The connection URL (TCP on loopback) of a fresh database of the test server. */
export const freshUrl: Effect.Effect<Redacted.Redacted> = Effect.map(createDatabase, ({ endpoint: ep, database }) =>
  Redacted.make(PgServer.url(ep, database))
)

/** The installed PGlite's version: a template made by another version is not reused. */
const pgliteVersion = (
  JSON.parse(
    Fs.readFileSync(
      Path.join(Path.dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite")), "../package.json"),
      "utf8"
    )
  ) as { readonly version: string }
).version
const templateFile = Path.resolve(
  Path.dirname(fileURLToPath(import.meta.url)),
  `../../../../node_modules/.cache/support-policy-sql-pg/pglite-${pgliteVersion}-initdb.tar`
)

let template: Promise<Blob> | undefined

/**
 * A freshly initialised, empty PGlite data directory (a tarball from `dumpDataDir`), cached on disk under
 * `node_modules/.cache`: PGlite runs `initdb` on every new database, which takes 5–10 s on these machines, whereas
 * loading the tarball takes about one. Built once per machine (or per clean clone) by the first test that needs it.
 */
export const pgliteTemplate = (): Promise<Blob> => {
  template ??= (async () => {
    if (!Fs.existsSync(templateFile)) {
      const fresh = await PGlite.create({ dataDir: "memory://" })
      const dump = await fresh.dumpDataDir("none")
      await fresh.close()
      Fs.mkdirSync(Path.dirname(templateFile), { recursive: true })
      const temp = `${templateFile}.${process.pid}.tmp`
      Fs.writeFileSync(temp, Buffer.from(await dump.arrayBuffer()))
      Fs.renameSync(temp, templateFile)
    }
    return new Blob([Fs.readFileSync(templateFile)])
  })()
  return template
}

/** A new PGlite instance from the template, in memory or in a folder. */
export const openPglite = async (dataDir = "memory://"): Promise<PGlite> =>
  PGlite.create({ dataDir, loadDataDir: await pgliteTemplate(), extensions: { pg_trgm } })

/** A `SqlClient` on a new in-memory PGlite instance (closed with the layer). */
export const layerPglite: Layer.Layer<SqlClient.SqlClient | PgliteClient.PgliteClient> = Layer.unwrap(
  Effect.map(
    Effect.acquireRelease(
      Effect.promise(() => openPglite()),
      (pglite) => Effect.promise(() => pglite.close())
    ),
    (liveClient) => PgliteClient.layer({ liveClient })
  )
).pipe(Layer.orDie)

/**
 * One in-memory PGlite instance for a whole test file: `layer` gives a `SqlClient` on it each time it is built;
 * `close` (for `afterAll`) shuts it down. Suites built from it run one after another.
 */
export const sharedPglite = (): {
  readonly layer: Layer.Layer<SqlClient.SqlClient | PgliteClient.PgliteClient>
  readonly close: () => Promise<void>
} => {
  let instance: Promise<PGlite> | undefined
  const get = () => {
    instance ??= openPglite()
    return instance
  }
  return {
    layer: Layer.unwrap(Effect.map(Effect.promise(get), (liveClient) => PgliteClient.layer({ liveClient }))).pipe(
      Layer.orDie
    ),
    close: async () => {
      if (instance !== undefined) await (await instance).close()
    }
  }
}

/**
 * One database on the test server for a whole test file: `layer` connects to it each time it is built (the database
 * is created on the first build).
 */
export const sharedServerDatabase = (
  options: { readonly maxConnections?: number } = {}
): {
  readonly layer: Layer.Layer<SqlClient.SqlClient | PgClient.PgClient>
  readonly url: Effect.Effect<Redacted.Redacted>
} => {
  let created: Promise<{ readonly endpoint: PgServer.Endpoint; readonly database: string }> | undefined
  const database = Effect.promise(() => {
    created ??= Effect.runPromise(createDatabase)
    return created
  })
  return {
    layer: Layer.unwrap(
      Effect.map(database, ({ endpoint: ep, database }) =>
        PgClient.layer({
          host: ep.socketDir,
          port: ep.port,
          username: ep.username,
          database,
          maxConnections: options.maxConnections ?? 10
        })
      )
    ).pipe(Layer.orDie),
    url: Effect.map(database, ({ endpoint: ep, database }) => Redacted.make(PgServer.url(ep, database)))
  }
}
