/**
 * Text for a driver failure: the `SqlError`'s message and the database's own message (which names the table, the
 * constraint or the connection problem).
 */
import { Effect } from "effect"
import { SqlError } from "effect/sql"

export const describe = (operation: string, error: SqlError.SqlError): string => {
  const driver = error.reason.cause
  const detail =
    driver instanceof Error
      ? driver.message
      : typeof driver === "object" && driver !== null
        ? String((driver as { message?: unknown }).message ?? "")
        : ""
  return detail && !error.message.includes(detail)
    ? `${operation}: ${error.message}: ${detail}`
    : `${operation}: ${error.message}`
}

/**
 * A transaction whose connection died fails its rollback, which `SqlClient.withTransaction` turns into a defect. The
 * transaction did not commit (the server aborts it with the session), so it is an ordinary driver failure: this
 * hands such a defect to `onSqlError`, and lets every other defect through.
 */
export const recoverLostConnection =
  <E2>(onSqlError: (error: SqlError.SqlError) => Effect.Effect<never, E2>) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | E2, R> =>
    Effect.catchDefect(self, (defect) => (SqlError.isSqlError(defect) ? onSqlError(defect) : Effect.die(defect)))
