/**
 * How the PostgreSQL case store reports a failure: a driver error as `CaseStoreFailure` with the reason its SQLSTATE
 * gives (`"Unavailable"` for an outage, `"Rejected"` for a value the database refused), a row that does not decode as
 * `"Corrupt"`.
 */
import { CaseStore } from "@support-policy/core"
import { Effect, Result } from "effect"
import type { SqlError } from "effect/sql"
import type * as Rows from "./rows.ts"
import * as SqlErrorText from "./sqlError.ts"

/** A driver error of `operation` as the store's failure. */
export const storeFailure =
  (operation: string) =>
  (cause: SqlError.SqlError): Effect.Effect<never, CaseStore.CaseStoreFailure> =>
    Effect.fail(
      new CaseStore.CaseStoreFailure({
        reason: SqlErrorText.reasonOf(cause),
        message: SqlErrorText.describe(operation, cause),
        cause
      })
    )

/** A decoded row, or `"Corrupt"` with the decoder's message. */
export const corrupt = <A>(decoded: Rows.Decoded<A>): Effect.Effect<A, CaseStore.CaseStoreFailure> =>
  Result.isSuccess(decoded)
    ? Effect.succeed(decoded.success)
    : Effect.fail(new CaseStore.CaseStoreFailure({ reason: "Corrupt", message: decoded.failure }))
