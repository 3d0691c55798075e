/**
 * The core `IncidentStore` port on PostgreSQL: system-wide incidents and public announcements (clause 6.5:
 * "platform announcements posted for system-wide incidents"). An update locks the incident row, checks its version,
 * and writes the notifications it causes (incident resolved, …) to the outbox in the same transaction.
 *
 * @since 0.1.0
 */
import { Incident } from "@support-policy/core"
import type { Outbox } from "@support-policy/core"
import { Array as Arr, Effect, Layer, Option, Result } from "effect"
import { SqlClient, type SqlError } from "effect/sql"
import * as Rows from "./internal/rows.ts"
import * as SqlErrorText from "./internal/sqlError.ts"

const unavailable =
  (operation: string) =>
  (cause: SqlError.SqlError): Effect.Effect<never, Incident.IncidentStoreFailure> =>
    Effect.fail(
      new Incident.IncidentStoreFailure({
        reason: SqlErrorText.reasonOf(cause),
        message: SqlErrorText.describe(operation, cause),
        cause
      })
    )

const corrupt = <A>(decoded: Rows.Decoded<A>): Effect.Effect<A, Incident.IncidentStoreFailure> =>
  Result.isSuccess(decoded)
    ? Effect.succeed(decoded.success)
    : Effect.fail(new Incident.IncidentStoreFailure({ reason: "Corrupt", message: decoded.failure }))

const die = (operation: string, problem: string): Effect.Effect<never> =>
  Effect.die(new Error(`IncidentStore.${operation}: ${problem}`))

const incidentColumns = (incident: Incident.Incident) => ({
  id: incident.id,
  status: incident.status,
  declared_at: incident.declaredAt,
  resolved_at: incident.resolvedAt,
  version: incident.version,
  data: JSON.stringify(incident)
})

const announcementColumns = (announcement: Incident.Announcement) => ({
  id: announcement.id,
  incident_id: announcement.incidentId,
  posted_at: announcement.postedAt,
  expires_at: announcement.expiresAt,
  data: JSON.stringify(announcement)
})

/**
 * Builds the incident store from a `SqlClient`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Incident.IncidentStore["Service"], never, SqlClient.SqlClient> = Effect.gen(
  function* () {
    const sql = yield* SqlClient.SqlClient

    const upsertAnnouncement = (announcement: Incident.Announcement) => {
      const { id: _, ...columns } = announcementColumns(announcement)
      return sql`
        INSERT INTO support_announcements ${sql.insert(announcementColumns(announcement))}
        ON CONFLICT (id) DO UPDATE SET ${sql.update(columns)}`
    }

    const create = (incident: Incident.Incident, announcement: Incident.Announcement | null) => {
      if (incident.version !== 1) return die("create", `version: a new incident has version 1, got ${incident.version}`)
      return sql
        .withTransaction(
          Effect.gen(function* () {
            yield* sql`INSERT INTO support_incidents ${sql.insert(incidentColumns(incident))}`.pipe(
              Effect.catchReason("SqlError", "UniqueViolation", () =>
                die("create", `id: incident "${incident.id}" already exists`)
              )
            )
            if (announcement !== null) yield* upsertAnnouncement(announcement)
          })
        )
        .pipe(
          Effect.catchTag("SqlError", unavailable("create")),
          SqlErrorText.recoverLostConnection(unavailable("create")),
          Effect.withSpan("PgIncidentStore.create")
        )
    }

    const update = (
      incident: Incident.Incident,
      options: { readonly expectedVersion: number; readonly outbox: ReadonlyArray<Outbox.Message> }
    ) => {
      if (incident.version !== options.expectedVersion + 1) {
        return die("update", `version: expected ${options.expectedVersion + 1}, got ${incident.version}`)
      }
      return sql
        .withTransaction(
          Effect.gen(function* () {
            const [stored] = yield* sql<{ version: number }>`
              SELECT version FROM support_incidents WHERE id = ${incident.id} FOR UPDATE`
            if (stored === undefined) return yield* new Incident.IncidentNotFound({ incidentId: incident.id })
            if (stored.version !== options.expectedVersion) {
              return yield* new Incident.IncidentVersionConflict({
                incidentId: incident.id,
                expected: options.expectedVersion,
                actual: stored.version
              })
            }
            const { id: _, ...columns } = incidentColumns(incident)
            yield* sql`UPDATE support_incidents SET ${sql.update(columns)} WHERE id = ${incident.id}`
            if (options.outbox.length > 0) {
              const rows: ReadonlyArray<Record<string, unknown>> = Rows.outboxColumns(options.outbox)
              if (!Arr.isReadonlyArrayNonEmpty(rows)) return
              yield* sql`INSERT INTO support_outbox ${sql.insert(rows)}`.pipe(
                Effect.catchReason("SqlError", "UniqueViolation", () =>
                  die("update", "outbox: message ids already stored or repeated")
                )
              )
            }
          })
        )
        .pipe(
          Effect.catchTag("SqlError", unavailable("update")),
          SqlErrorText.recoverLostConnection(unavailable("update")),
          Effect.withSpan("PgIncidentStore.update")
        )
    }

    const get = (id: string) =>
      sql<Rows.IncidentRow>`SELECT id, version, data FROM support_incidents WHERE id = ${id}`.pipe(
        Effect.catchTag("SqlError", unavailable("get")),
        Effect.flatMap((rows) =>
          rows.length === 0 ? Effect.succeed(Option.none()) : Effect.map(corrupt(Rows.incident(rows[0])), Option.some)
        ),
        Effect.withSpan("PgIncidentStore.get")
      )

    const list = (options: { readonly activeOnly: boolean; readonly limit: number }) => {
      if (!Number.isSafeInteger(options.limit) || options.limit < 0) {
        return die("list", `limit: expected a non-negative integer, got ${options.limit}`)
      }
      const where = options.activeOnly ? sql`WHERE status <> 'resolved'` : sql``
      return sql<Rows.IncidentRow>`
        SELECT id, version, data FROM support_incidents ${where}
        ORDER BY declared_at DESC, id DESC LIMIT ${options.limit}`.pipe(
        Effect.catchTag("SqlError", unavailable("list")),
        Effect.flatMap((rows) => corrupt(Rows.all(rows, Rows.incident))),
        Effect.withSpan("PgIncidentStore.list")
      )
    }

    const putAnnouncement = (announcement: Incident.Announcement) =>
      upsertAnnouncement(announcement).pipe(
        Effect.asVoid,
        Effect.catchTag("SqlError", unavailable("putAnnouncement")),
        Effect.withSpan("PgIncidentStore.putAnnouncement")
      )

    const currentAnnouncements = (now: number) =>
      sql<Rows.AnnouncementRow>`
        SELECT a.id, a.data FROM support_announcements a
        LEFT JOIN support_incidents i ON i.id = a.incident_id
        WHERE (a.expires_at IS NULL OR a.expires_at > ${now})
          AND (i.status IS NULL OR i.status <> 'resolved')
        ORDER BY a.posted_at DESC, a.id DESC`.pipe(
        Effect.catchTag("SqlError", unavailable("currentAnnouncements")),
        Effect.flatMap((rows) => corrupt(Rows.all(rows, Rows.announcement))),
        Effect.withSpan("PgIncidentStore.currentAnnouncements")
      )

    const getAnnouncement = (id: string) =>
      sql<Rows.AnnouncementRow>`SELECT id, data FROM support_announcements WHERE id = ${id}`.pipe(
        Effect.catchTag("SqlError", unavailable("getAnnouncement")),
        Effect.flatMap((rows) =>
          rows.length === 0
            ? Effect.succeed(Option.none())
            : Effect.map(corrupt(Rows.announcement(rows[0])), Option.some)
        ),
        Effect.withSpan("PgIncidentStore.getAnnouncement")
      )

    return Incident.IncidentStore.of({
      create,
      update,
      get,
      list,
      putAnnouncement,
      currentAnnouncements,
      getAnnouncement
    })
  }
)

/**
 * The incident store on the `SqlClient` in context (tables from `PgMigrations`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Incident.IncidentStore, never, SqlClient.SqlClient> = Layer.effect(
  Incident.IncidentStore,
  make
)
