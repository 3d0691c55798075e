/**
 * Every storage port of `@support-policy/core` on PostgreSQL at once — `CaseStore`, `Outbox`, `IncidentStore` and
 * `TaskStore` —
 * with the migrations applied first.
 *
 * - `layer` needs a `SqlClient`: provide `PgClient.layer(...)` / `PgClient.layerConfig(...)` from `@effect/sql-pg`
 *   for a PostgreSQL server, or `PgliteClient.layer(...)` from `@effect/sql-pglite` for embedded PGlite.
 * - `layerUrl(url)` connects to a server by connection URL; `layerPglite({ dataDir })` opens an embedded database in
 *   a folder (or in memory with `"memory://"`). Both also give the `SqlClient`, for the host's own queries.
 *
 * @since 0.1.0
 */
import { PgliteClient } from "@effect/sql-pglite"
import { PgClient } from "@effect/sql-pg"
import type { CaseStore, Incident, Outbox, TaskStore } from "@support-policy/core"
import { Layer, type Redacted } from "effect"
import type { Migrator, SqlClient, SqlError } from "effect/sql"
import * as PgCaseStore from "./PgCaseStore.ts"
import * as PgIncidentStore from "./PgIncidentStore.ts"
import * as PgMigrations from "./PgMigrations.ts"
import * as PgOutbox from "./PgOutbox.ts"
import * as PgTaskStore from "./PgTaskStore.ts"

/**
 * The services the storage layers provide.
 *
 * @since 0.1.0
 * @category models
 */
export type Services = CaseStore.CaseStore | Outbox.Outbox | Incident.IncidentStore | TaskStore.TaskStore

/**
 * The case store, outbox, incident store and task store on the `SqlClient` in context, after applying the migrations.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Services, Migrator.MigrationError | SqlError.SqlError, SqlClient.SqlClient> =
  Layer.mergeAll(PgCaseStore.layer, PgOutbox.layer, PgIncidentStore.layer, PgTaskStore.layer).pipe(
    Layer.provide(PgMigrations.layer)
  )

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
 * lives as long as the layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerPglite = (options: {
  readonly dataDir: string
}): Layer.Layer<
  Services | SqlClient.SqlClient | PgliteClient.PgliteClient,
  Migrator.MigrationError | SqlError.SqlError
> => layer.pipe(Layer.provideMerge(PgliteClient.layer({ dataDir: options.dataDir })))
