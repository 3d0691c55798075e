/**
 * The core `FailedLookups` port on PostgreSQL: failed case lookups counted per actor in `support_failed_lookups`, so
 * every server process on one database shares the count (the guard against guessing tracking numbers does not weaken
 * as processes are added). A failure is one statement: an upsert that starts a new window when the last one ended,
 * and adds one otherwise; concurrent failures of one actor queue on the row and are all counted.
 *
 * @since 0.1.0
 */
import { FailedLookups } from "@support-policy/core"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import * as Rows from "./internal/rows.ts"
import * as SqlErrorText from "./internal/sqlError.ts"

/**
 * Builds the port from a `SqlClient`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<FailedLookups.FailedLookups["Service"], never, SqlClient.SqlClient> = Effect.gen(
  function* () {
    const sql = yield* SqlClient.SqlClient
    return FailedLookups.FailedLookups.of({
      record: (key, { now, windowMs }) =>
        sql<{ failures: number; window_start: unknown }>`
            INSERT INTO support_failed_lookups AS f (key, window_start, failures) VALUES (${key}, ${now}, 1)
            ON CONFLICT (key) DO UPDATE SET
              window_start = CASE WHEN f.window_start + ${windowMs} <= ${now} THEN ${now} ELSE f.window_start END,
              failures = CASE WHEN f.window_start + ${windowMs} <= ${now} THEN 1 ELSE f.failures + 1 END
            RETURNING failures, window_start`.pipe(
          Effect.flatMap(([row]) => {
            const windowStart = row === undefined ? undefined : Rows.toNumber(row.window_start)
            return row === undefined || windowStart === undefined
              ? Effect.fail(new FailedLookups.FailedLookupsFailure({ message: "record: no count returned" }))
              : Effect.succeed({ failures: row.failures, windowStart })
          }),
          Effect.catchTag("SqlError", (cause) =>
            Effect.fail(
              new FailedLookups.FailedLookupsFailure({ message: SqlErrorText.describe("record", cause), cause })
            )
          ),
          Effect.withSpan("PgFailedLookups.record")
        )
    })
  }
)

/**
 * The port on the `SqlClient` in context (table from `PgMigrations`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<FailedLookups.FailedLookups, never, SqlClient.SqlClient> = Layer.effect(
  FailedLookups.FailedLookups,
  make
)
