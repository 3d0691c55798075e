/**
 * Every storage port of `@support-policy/core` on PostgreSQL at once — `CaseStore`, `Outbox`, `IncidentStore`,
 * `FailedLookups`, `Mailbox`, `PolicyStore` and `TaskStore` — with the migrations applied first.
 *
 * - `layer` needs a `SqlClient`: provide `PgClient.layer(...)` / `PgClient.layerConfig(...)` from `@effect/sql-pg`
 *   for a PostgreSQL server, or `PgliteClient.layer(...)` from `@support-policy/sql-pg/pglite` for embedded PGlite.
 * - `layerUrl(url)` connects to a server by connection URL; `layerPglite({ dataDir })` opens an embedded database in
 *   a folder (or in memory with `"memory://"`). Both also give the `SqlClient`, for the host's own queries.
 *   `layerPglite` loads PGlite only when it is built, so a host on a server never loads it.
 *
 * @since 0.1.0
 */
import { PgClient } from "@effect/sql-pg"
import type { CaseStore, FailedLookups, Incident, Mailbox, Outbox, PolicyStore, TaskStore } from "@support-policy/core"
import { Effect, Layer, type Redacted } from "effect"
import type { Migrator, SqlClient, SqlError } from "effect/sql"
// By the package's own name, so the published build loads (and its types name) the public `./pglite` entry point.
import type { PgliteClient } from "@support-policy/sql-pg/pglite"
import * as PgCaseStore from "./PgCaseStore.ts"
import * as PgFailedLookups from "./PgFailedLookups.ts"
import * as PgIncidentStore from "./PgIncidentStore.ts"
import * as PgMailbox from "./PgMailbox.ts"
import * as PgMigrations from "./PgMigrations.ts"
import * as PgOutbox from "./PgOutbox.ts"
import * as PgPolicyStore from "./PgPolicyStore.ts"
import * as PgTaskStore from "./PgTaskStore.ts"

/**
 * The services the storage layers provide.
 *
 * @since 0.1.0
 * @category models
 */
export type Services =
  | CaseStore.CaseStore
  | Outbox.Outbox
  | Incident.IncidentStore
  | FailedLookups.FailedLookups
  | Mailbox.Mailbox
  | PolicyStore.PolicyStore
  | TaskStore.TaskStore

/**
 * The case store, outbox, incident store, failed lookups, mailbox, policy store and task store on the `SqlClient` in
 * context,
 * after applying the migrations.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Services, Migrator.MigrationError | SqlError.SqlError, SqlClient.SqlClient> =
  Layer.mergeAll(
    PgCaseStore.layer,
    PgOutbox.layer,
    PgIncidentStore.layer,
    PgFailedLookups.layer,
    PgMailbox.layer,
    PgPolicyStore.layer,
    PgTaskStore.layer
  ).pipe(Layer.provide(PgMigrations.layer))

/**
 * Storage on a PostgreSQL server, by connection URL (`postgres://user:password@host:port/database`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerUrl = (
  url: Redacted.Redacted,
  options?: Omit<PgClient.PgPoolConfig, "url">
): Layer.Layer<Services | SqlClient.SqlClient | PgClient.PgClient, Migrator.MigrationError | SqlError.SqlError> =>
  layer.pipe(Layer.provideMerge(PgClient.layer({ ...options, url })))

/**
 * Storage in embedded PGlite: `dataDir` is a folder (created when missing) or `"memory://"` for a database that
 * lives as long as the layer. Takes every option of `PgliteClient.layer` (from `@support-policy/sql-pg/pglite`),
 * such as `extensions`; the `pg_trgm` extension, which search needs, is always loaded (a host that opens its own
 * PGlite for `liveClient` passes `extensions: { pg_trgm }` from `@electric-sql/pglite/contrib/pg_trgm`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerPglite = (
  options: PgliteClient.Options
): Layer.Layer<
  Services | SqlClient.SqlClient | PgliteClient.PgliteClient,
  Migrator.MigrationError | SqlError.SqlError
> =>
  layer.pipe(
    Layer.provideMerge(
      Layer.unwrap(
        Effect.map(
          Effect.promise(() =>
            Promise.all([import("@support-policy/sql-pg/pglite"), import("@electric-sql/pglite/contrib/pg_trgm")])
          ),
          ([pglite, { pg_trgm }]) =>
            pglite.PgliteClient.layer(
              "liveClient" in options ? options : { ...options, extensions: { pg_trgm, ...options.extensions } }
            )
        )
      )
    )
  )
