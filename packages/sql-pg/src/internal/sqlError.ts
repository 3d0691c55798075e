/**
 * What a driver failure means for the stores: text for it (the `SqlError`'s message and the database's own, which
 * names the table, the constraint or the connection problem), and whether it is an outage (`"Unavailable"`: retry
 * later) or a value the database refused (`"Rejected"`: retrying the same write never helps).
 *
 * The classification reads the `SqlError`'s reason and, for the reasons that do not settle it, the SQLSTATE the
 * server sent (`code` of the reason's cause), so it works with every driver that builds `SqlError`s from PostgreSQL
 * errors (`@effect/sql-pg`, and a PGlite `SqlClient`):
 *
 * | reason / SQLSTATE class                                              | store failure |
 * | -------------------------------------------------------------------- | ------------- |
 * | `ConstraintError`, `UniqueViolation` not handled by the store (23)   | Rejected      |
 * | class 22 data exception (NUL in text, `\u0000` or a lone surrogate in JSON, a value out of range) | Rejected |
 * | class 54 program limit exceeded (an index row too large)             | Rejected      |
 * | `ConnectionError` (08), `AuthenticationError` (28), timeouts, deadlocks, serialization failures, class 53 (insufficient resources), 57 (shutdown, cancel), 58 (system), XX (internal), no SQLSTATE at all | Unavailable |
 * | anything else (`SqlSyntaxError`, `AuthorizationError`: a deployment problem) | Unavailable |
 */
import { type Cause, Effect } from "effect"
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

/** The SQLSTATE of a failure, when the driver kept the server's error as the cause. */
export const sqlState = (error: SqlError.SqlError): string | undefined => {
  const cause = error.reason.cause
  const code = typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined
}

/** Whether a failure is a value the database refused (client-caused), or an outage. */
export const reasonOf = (error: SqlError.SqlError): "Unavailable" | "Rejected" => {
  switch (error.reason._tag) {
    case "ConstraintError":
    case "UniqueViolation":
      return "Rejected"
    case "UnknownError": {
      const state = sqlState(error)
      return state !== undefined && (state.startsWith("22") || state.startsWith("54") || state.startsWith("23"))
        ? "Rejected"
        : "Unavailable"
    }
    default:
      return "Unavailable"
  }
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

/**
 * The outcome of a transaction as the stores report it: a `SqlError` (failed, or a defect because the rollback
 * failed with the connection) goes to `onSqlError`, even when the transaction had failed for another reason first
 * (the connection died while it rolled back); any other failure is kept; interruptions and other defects stay.
 */
export const settleTransaction =
  <E2>(onSqlError: (error: SqlError.SqlError) => Effect.Effect<never, E2>) =>
  <A, E, R>(
    self: Effect.Effect<A, E | SqlError.SqlError, R>
  ): Effect.Effect<A, Exclude<E, SqlError.SqlError> | E2, R> =>
    Effect.catchCause(self, (cause): Effect.Effect<never, Exclude<E, SqlError.SqlError> | E2> => {
      for (const reason of cause.reasons) {
        if (reason._tag === "Die" && SqlError.isSqlError(reason.defect)) return onSqlError(reason.defect)
      }
      for (const reason of cause.reasons) {
        if (reason._tag !== "Fail") continue
        return SqlError.isSqlError(reason.error)
          ? onSqlError(reason.error)
          : Effect.fail(reason.error as Exclude<E, SqlError.SqlError>)
      }
      return Effect.failCause(cause as Cause.Cause<never>)
    })
