/**
 * Text for a driver failure: the `SqlError`'s message and the database's own message (which names the table, the
 * constraint or the connection problem).
 */
import { Effect } from "effect"
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

/**
 * A transaction whose connection died fails its rollback, which `SqlClient.withTransaction` turns into a defect. The
 * transaction did not commit (the server aborts it with the session), so it is an ordinary driver failure: this
 * hands such a defect to `onSqlError`, and lets every other defect through.
 */
export const recoverLostConnection =
  <E2>(onSqlError: (error: SqlError.SqlError) => Effect.Effect<never, E2>) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | E2, R> =>
    Effect.catchDefect(self, (defect) => (SqlError.isSqlError(defect) ? onSqlError(defect) : Effect.die(defect)))
