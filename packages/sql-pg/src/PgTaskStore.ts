/**
 * The core `TaskStore` port on PostgreSQL (a server or PGlite): the schedule of the periodic tasks that the workers
 * of every process share (`SupportWorker`), one row per task in `support_tasks`.
 *
 * A claim is one statement: it picks the earliest due task among those asked for whose lease has ended, with
 * `FOR UPDATE SKIP LOCKED`, and sets its lease and token. Concurrent claimers skip a row another one is taking, and
 * find it leased once that one commits, so no two processes get the same run. Renewal and completion are updates
 * fenced by the token: a process whose lease ran out (and was claimed again) changes nothing.
 *
 * @since 0.1.0
 */
import { TaskStore } from "@support-policy/core"
import { Array as Arr, Effect, Layer, Option } from "effect"
import { SqlClient, type SqlError } from "effect/sql"
import * as Rows from "./internal/rows.ts"
import * as SqlErrorText from "./internal/sqlError.ts"

const unavailable =
  (operation: string) =>
  (cause: SqlError.SqlError): Effect.Effect<never, TaskStore.TaskStoreFailure> =>
    Effect.fail(new TaskStore.TaskStoreFailure({ message: SqlErrorText.describe(operation, cause), cause }))

interface TaskRow {
  readonly name: string
  readonly period_ms: unknown
  readonly next_run_at: unknown
  readonly lease_until: unknown
  readonly runs: unknown
  readonly last_run_at: unknown
  readonly last_error: string | null
}

const number = (operation: string, name: string, value: unknown): Effect.Effect<number, TaskStore.TaskStoreFailure> => {
  const n = Rows.toNumber(value)
  return n === undefined
    ? Effect.fail(new TaskStore.TaskStoreFailure({ message: `${operation}: task ${name}: a bad number in its row` }))
    : Effect.succeed(n)
}

/**
 * Builds the task store from a `SqlClient`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<TaskStore.TaskStore["Service"], never, SqlClient.SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const register = (tasks: ReadonlyArray<TaskStore.TaskSpec>, now: number) =>
    TaskStore.validateRegister(tasks, now).pipe(
      Effect.andThen(() => {
        const rows: ReadonlyArray<Record<string, unknown>> = tasks.map((t) => ({
          name: t.name,
          period_ms: t.periodMillis,
          next_run_at: now
        }))
        return Arr.isReadonlyArrayNonEmpty(rows)
          ? sql`
            INSERT INTO support_tasks ${sql.insert(rows)}
            ON CONFLICT (name) DO UPDATE SET period_ms = EXCLUDED.period_ms`.pipe(Effect.asVoid)
          : Effect.void
      }),
      Effect.catchTag("SqlError", unavailable("register")),
      Effect.withSpan("PgTaskStore.register")
    )

  const claim = (options: {
    readonly names: ReadonlyArray<string>
    readonly now: number
    readonly leaseMillis: number
    readonly token: string
  }) =>
    TaskStore.validateClaim(options).pipe(
      Effect.andThen(
        options.names.length === 0
          ? Effect.succeed([])
          : sql<{ name: string; period_ms: unknown; next_run_at: unknown }>`
            WITH due AS (
              SELECT name FROM support_tasks
              WHERE ${sql.in("name", options.names)}
                AND next_run_at <= ${options.now} AND lease_until <= ${options.now}
              ORDER BY next_run_at, name
              LIMIT 1
              FOR UPDATE SKIP LOCKED
            )
            UPDATE support_tasks t SET lease_until = ${options.now + options.leaseMillis}, lease_token = ${options.token}
            FROM due WHERE t.name = due.name
            RETURNING t.name, t.period_ms, t.next_run_at`
      ),
      Effect.catchTag("SqlError", unavailable("claim")),
      Effect.flatMap(([row]) =>
        row === undefined
          ? Effect.succeed(Option.none<TaskStore.Claim>())
          : Effect.gen(function* () {
              return Option.some({
                name: row.name,
                periodMillis: yield* number("claim", row.name, row.period_ms),
                scheduledAt: yield* number("claim", row.name, row.next_run_at),
                token: options.token
              })
            })
      ),
      Effect.withSpan("PgTaskStore.claim")
    )

  const renew = (held: TaskStore.Claim, options: { readonly now: number; readonly leaseMillis: number }) =>
    sql<{ name: string }>`
      UPDATE support_tasks SET lease_until = ${options.now + options.leaseMillis}
      WHERE name = ${held.name} AND lease_token = ${held.token}
      RETURNING name`.pipe(
      Effect.map((rows) => rows.length > 0),
      Effect.catchTag("SqlError", unavailable("renew")),
      Effect.withSpan("PgTaskStore.renew")
    )

  const complete = (held: TaskStore.Claim, options: { readonly nextRunAt: number; readonly error: string | null }) =>
    sql<{ name: string }>`
      UPDATE support_tasks
      SET next_run_at = ${options.nextRunAt}, lease_until = 0, lease_token = NULL, runs = runs + 1,
          last_run_at = ${held.scheduledAt}, last_error = ${options.error}
      WHERE name = ${held.name} AND lease_token = ${held.token}
      RETURNING name`.pipe(
      Effect.map((rows) => rows.length > 0),
      Effect.catchTag("SqlError", unavailable("complete")),
      Effect.withSpan("PgTaskStore.complete")
    )

  const get = (name: string) =>
    sql<TaskRow>`
      SELECT name, period_ms, next_run_at, lease_until, runs, last_run_at, last_error
      FROM support_tasks WHERE name = ${name}`.pipe(
      Effect.catchTag("SqlError", unavailable("get")),
      Effect.flatMap(([row]) =>
        row === undefined
          ? Effect.succeed(Option.none<TaskStore.TaskState>())
          : Effect.gen(function* () {
              return Option.some({
                name: row.name,
                periodMillis: yield* number("get", name, row.period_ms),
                nextRunAt: yield* number("get", name, row.next_run_at),
                leaseUntil: yield* number("get", name, row.lease_until),
                runs: yield* number("get", name, row.runs),
                lastRunAt: row.last_run_at === null ? null : yield* number("get", name, row.last_run_at),
                lastError: row.last_error
              })
            })
      ),
      Effect.withSpan("PgTaskStore.get")
    )

  return TaskStore.TaskStore.of({ register, claim, renew, complete, get })
})

/**
 * The task store on the `SqlClient` in context (tables from `PgMigrations`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<TaskStore.TaskStore, never, SqlClient.SqlClient> = Layer.effect(
  TaskStore.TaskStore,
  make
)
