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

const field = (cause: unknown, name: string): unknown =>
  typeof cause === "object" && cause !== null && name in cause ? (cause as Record<string, unknown>)[name] : undefined

/**
 * The `SqlError` reason of a database error, by its SQLSTATE (`code`), as `@effect/sql-pg` classifies a server's
 * errors: so a PGlite client and a server client fail alike (a duplicate key is `UniqueViolation` on both).
 */
export const classify = (cause: unknown, message: string, operation: string): SqlError.SqlErrorReason => {
  const props = { cause, message, operation }
  const code = field(cause, "code")
  if (typeof code === "string") {
    if (code.startsWith("08")) return new SqlError.ConnectionError(props)
    if (code.startsWith("28")) return new SqlError.AuthenticationError(props)
    if (code === "42501") return new SqlError.AuthorizationError(props)
    if (code.startsWith("42")) return new SqlError.SqlSyntaxError(props)
    if (code === "23505") {
      const constraint = field(cause, "constraint")
      return new SqlError.UniqueViolation({
        ...props,
        constraint: typeof constraint === "string" && constraint.trim() !== "" ? constraint.trim() : "unknown"
      })
    }
    if (code.startsWith("23")) return new SqlError.ConstraintError(props)
    if (code === "40P01") return new SqlError.DeadlockError(props)
    if (code === "40001") return new SqlError.SerializationError(props)
    if (code === "55P03") return new SqlError.LockTimeoutError(props)
    if (code === "57014") return new SqlError.StatementTimeoutError(props)
  }
  return new SqlError.UnknownError(props)
}

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
