/**
 * Submissions made at the same time, written by one statement and one commit (decision 98).
 *
 * Effect's `SqlResolver` gathers the submissions (keeping those made inside a transaction to that transaction) and
 * sends them as one call of `support_submissions` (`PgMigrations`, `63_submission_function`), which runs each one's
 * statement in turn, in the order of their requesters' advisory locks, so that two batches never wait on each other
 * in a circle. A submission with opening limits takes its requester's lock first: the limits' counts see every
 * submission committed before and those before it in the batch, so concurrent submissions never go past a limit.
 * Each is acknowledged only once the batch's commit is on disk, as a submission alone is.
 *
 * Submissions run in a few lanes. With a lane free, a submission goes alone, at once. Otherwise it joins the next batch,
 * which waits while `lanes` statements are on their way and gathers what arrives meanwhile, up to `maxBatch`
 * submissions (a full batch goes at once). So a single submission goes at once, and under load the
 * database gets fewer statements of several submissions each, while the application prepares the next batch beside
 * the ones PostgreSQL writes. A batch's statement runs its submissions one after the other in one backend, so a small
 * `maxBatch` keeps each batch's wait short and lets several backends work at once.
 *
 * When the server refuses the batch's statement (a broken constraint, a deadlock), nothing of it was committed, and each
 * submission runs again alone (`support_submission`), so that one submission's failure is its own. A submission made
 * inside a caller's transaction is written alone, in that transaction.
 */
import { Effect, Option, RequestResolver, Schema } from "effect"
import { type SqlClient, SqlError, SqlResolver } from "effect/sql"
import { sqlState } from "./sqlError.ts"

/** What a submission's statement answers: whether it created the case, else the opening limit it found reached. */
export const SubmissionRow = Schema.Struct({
  created: Schema.Number,
  limit_id: Schema.NullOr(Schema.String),
  count: Schema.NullOr(Schema.Number),
  max: Schema.NullOr(Schema.Number)
})
export type SubmissionRow = typeof SubmissionRow.Type

export interface Options {
  /** The first key of the requester's advisory lock (`pg_advisory_xact_lock(int, int)`). */
  readonly lockSpace: number
  /** How many batches may be on their way at once. */
  readonly lanes: number
  /** The most submissions in one batch. */
  readonly maxBatch: number
}

/**
 * Whether the server refused a batch's statement, so that nothing of it was committed and each submission may run again
 * alone: a value or constraint one of them broke (SQLSTATE classes 22 and 23), a deadlock or serialization failure
 * (40), a program limit (54). A lost connection is not: the batch may have committed, and a submission without an
 * idempotency key run again could be stored twice.
 */
const refused = (error: unknown): error is SqlError.SqlError => {
  if (!SqlError.isSqlError(error)) return false
  switch (error.reason._tag) {
    case "UniqueViolation":
    case "ConstraintError":
    case "DeadlockError":
    case "SerializationError":
      return true
    default:
      return /^(22|23|40|54)/.test(sqlState(error) ?? "")
  }
}

/** `submit(input)`: the submission (as the JSON `support_submission` reads) written, in a batch or alone. */
export const make = (sql: SqlClient.SqlClient, options: Options) => {
  let onTheirWay = 0
  const waiting: Array<() => void> = []
  const laneFree = Effect.callback<void>((resume) => {
    if (onTheirWay < options.lanes) return resume(Effect.void)
    const wake = () => resume(Effect.void)
    waiting.push(wake)
    return Effect.sync(() => {
      const at = waiting.indexOf(wake)
      if (at >= 0) waiting.splice(at, 1)
    })
  })
  const inLane = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.suspend(() => {
      onTheirWay++
      return Effect.ensuring(
        self,
        Effect.sync(() => {
          onTheirWay--
          waiting.shift()?.()
        })
      )
    })

  const batch = SqlResolver.ordered({
    Request: Schema.String,
    Result: SubmissionRow,
    execute: (inputs) =>
      inLane(sql`
        SELECT created, limit_id, count, max
        FROM support_submissions(${`[${inputs.join(",")}]`}::jsonb, ${options.lockSpace})
        ORDER BY "position"`)
  }).pipe(
    RequestResolver.setDelayEffect(Effect.andThen(Effect.yieldNow, laneFree)),
    RequestResolver.batchN(options.maxBatch)
  )

  // a row the function's declared result does not match is a defect of this module, not a failure of the call
  const alone = (input: string) =>
    Effect.flatMap(
      sql`SELECT created, limit_id, count, max FROM support_submission(${input}::jsonb, ${options.lockSpace})`,
      (rows) => Schema.decodeUnknownEffect(SubmissionRow)(rows[0]).pipe(Effect.orDie)
    )

  const batched = (input: string) =>
    SqlResolver.request(input, batch).pipe(
      Effect.catchIf(refused, () => alone(input)),
      Effect.catchTag(["SchemaError", "ResultLengthMismatch"], (error) => Effect.die(error))
    )

  return (input: string): Effect.Effect<SubmissionRow, SqlError.SqlError> =>
    Effect.flatMap(Effect.serviceOption(sql.transactionService), (transaction) => {
      // inside a caller's transaction, alone: its locks must not wait for a lane that waits for them
      if (Option.isSome(transaction)) return alone(input)
      // a free lane and no batch waiting: alone, at once
      if (onTheirWay < options.lanes && waiting.length === 0) return inLane(alone(input))
      return batched(input)
    })
}
