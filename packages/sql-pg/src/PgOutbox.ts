/**
 * The core `Outbox` port on PostgreSQL: the delivery side of the notifications that `PgCaseStore` and
 * `PgIncidentStore` write in the same transaction as the events that cause them.
 *
 * Claiming is one statement: it picks the pending messages available at `now` (earliest `available_at`, then write
 * order) with `FOR UPDATE SKIP LOCKED`, and moves their `available_at` to the end of the lease. Several server
 * instances can claim at once: a row another claimer holds is skipped rather than waited for, and a claimed row is
 * not available again before its lease ends, so no two claims get the same message.
 *
 * @since 0.1.0
 */
import { Outbox } from "@support-policy/core"
import { Effect, Layer, Option, Result } from "effect"
import { SqlClient, type SqlError } from "effect/sql"
import * as Rows from "./internal/rows.ts"
import * as SqlErrorText from "./internal/sqlError.ts"

const unavailable =
  (operation: string) =>
  (cause: SqlError.SqlError): Effect.Effect<never, Outbox.OutboxFailure> =>
    Effect.fail(new Outbox.OutboxFailure({ message: SqlErrorText.describe(operation, cause), cause }))

const decodeAll = (operation: string, rows: ReadonlyArray<Rows.OutboxRow>) => {
  const decoded = Rows.all(rows, Rows.delivery)
  return Result.isSuccess(decoded)
    ? Effect.succeed(decoded.success)
    : Effect.fail(new Outbox.OutboxFailure({ message: `${operation}: stored row does not decode: ${decoded.failure}` }))
}

interface ClaimRow extends Rows.OutboxRow {
  readonly claim_order: unknown
  readonly position: unknown
}

const columns = "id, status, attempts, available_at, last_error, sent_at, data"

/**
 * Builds the outbox from a `SqlClient`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Outbox.Outbox["Service"], never, SqlClient.SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const select = sql.literal(columns)

  const claim = (options: { readonly limit: number; readonly now: number; readonly leaseMillis: number }) => {
    if (options.limit === 0) return Effect.as(Outbox.validateClaim(options), [])
    return Outbox.validateClaim(options).pipe(
      Effect.andThen(
        sql<ClaimRow>`
      WITH due AS (
        SELECT id, available_at AS due_at, position FROM support_outbox
        WHERE status = 'pending' AND available_at <= ${options.now}
        ORDER BY available_at, position
        LIMIT ${options.limit}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE support_outbox o
      SET attempts = o.attempts + 1, available_at = ${options.now + options.leaseMillis}
      FROM due WHERE o.id = due.id
      RETURNING o.id, o.status, o.attempts, o.available_at, o.last_error, o.sent_at, o.data,
        due.due_at AS claim_order, due.position`.pipe(
          Effect.catchTag("SqlError", unavailable("claim")),
          Effect.flatMap((rows) => {
            // RETURNING has no order: restore the claim order (available_at before the claim, then write order)
            const sorted = [...rows].sort(
              (a, b) =>
                (Rows.toNumber(a.claim_order) ?? 0) - (Rows.toNumber(b.claim_order) ?? 0) ||
                (Rows.toNumber(a.position) ?? 0) - (Rows.toNumber(b.position) ?? 0)
            )
            return decodeAll("claim", sorted)
          }),
          Effect.withSpan("PgOutbox.claim")
        )
      )
    )
  }

  const markSent = (id: string, at: number) =>
    sql`UPDATE support_outbox SET status = 'sent', sent_at = ${at} WHERE id = ${id} AND status <> 'sent'`.pipe(
      Effect.asVoid,
      Effect.catchTag("SqlError", unavailable("markSent")),
      Effect.withSpan("PgOutbox.markSent")
    )

  const markFailed = (id: string, options: { readonly error: string; readonly retryAt: number | null }) =>
    (options.retryAt === null
      ? sql`UPDATE support_outbox SET status = 'failed', last_error = ${options.error}
            WHERE id = ${id} AND status = 'pending'`
      : sql`UPDATE support_outbox SET available_at = ${options.retryAt}, last_error = ${options.error}
            WHERE id = ${id} AND status = 'pending'`
    ).pipe(
      Effect.asVoid,
      Effect.catchTag("SqlError", unavailable("markFailed")),
      Effect.withSpan("PgOutbox.markFailed")
    )

  const get = (id: string) =>
    sql<Rows.OutboxRow>`SELECT ${select} FROM support_outbox WHERE id = ${id}`.pipe(
      Effect.catchTag("SqlError", unavailable("get")),
      Effect.flatMap((rows) => decodeAll("get", rows)),
      Effect.map((deliveries) => Option.fromNullishOr(deliveries[0])),
      Effect.withSpan("PgOutbox.get")
    )

  const listByCase = (caseId: string) =>
    sql<Rows.OutboxRow>`
      SELECT ${select} FROM support_outbox WHERE case_id = ${caseId} ORDER BY created_at, position`.pipe(
      Effect.catchTag("SqlError", unavailable("listByCase")),
      Effect.flatMap((rows) => decodeAll("listByCase", rows)),
      Effect.withSpan("PgOutbox.listByCase")
    )

  const listFailed = (page: { readonly limit: number; readonly offset?: number | undefined }) =>
    Outbox.validatePage(page).pipe(
      Effect.andThen(
        sql<Rows.OutboxRow>`
          SELECT ${select} FROM support_outbox WHERE status = 'failed'
          ORDER BY created_at DESC, position DESC LIMIT ${page.limit} OFFSET ${page.offset ?? 0}`
      ),
      Effect.catchTag("SqlError", unavailable("listFailed")),
      Effect.flatMap((rows) => decodeAll("listFailed", rows)),
      Effect.withSpan("PgOutbox.listFailed")
    )

  const retry = (id: string, now: number) =>
    sql`UPDATE support_outbox SET status = 'pending', attempts = 0, available_at = ${now}
        WHERE id = ${id} AND status = 'failed'`.pipe(
      Effect.andThen(get(id)),
      Effect.catchTag("SqlError", unavailable("retry")),
      Effect.withSpan("PgOutbox.retry")
    )

  return Outbox.Outbox.of({ claim, markSent, markFailed, get, listByCase, listFailed, retry })
})

/**
 * The outbox on the `SqlClient` in context (tables from `PgMigrations`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Outbox.Outbox, never, SqlClient.SqlClient> = Layer.effect(Outbox.Outbox, make)
