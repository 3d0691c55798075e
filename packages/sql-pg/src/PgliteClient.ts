/**
 * Effect's `SqlClient` on embedded [PGlite](https://pglite.dev) (`@electric-sql/pglite`: PostgreSQL compiled to
 * WebAssembly, running in the host's process), so the storage layers of this package run on it exactly as on a
 * PostgreSQL server.
 *
 * PGlite is one database session. Every statement and every transaction takes that session for as long as it runs,
 * so a statement of one fiber never lands inside another fiber's transaction. Failures are `SqlError`s classified by
 * their SQLSTATE as `@effect/sql-pg` classifies them (`UniqueViolation` for 23505, and so on), so code that handles
 * a reason handles it on both. A `COMMIT` that PostgreSQL turns into a rollback (the transaction had failed) fails.
 *
 * Load extensions with PGlite's own option, e.g. `extensions: { pg_trgm }` with `pg_trgm` from
 * `@electric-sql/pglite/contrib/pg_trgm`.
 *
 * This module is the `@support-policy/sql-pg/pglite` entry point; the main entry point never loads PGlite.
 *
 * @since 0.1.0
 */
import { PGlite, type PGliteInterface, type PGliteOptions, type Results } from "@electric-sql/pglite"
import { Context, Effect, Layer, type Scope, Semaphore, Stream } from "effect"
import { Reactivity } from "effect/reactivity"
import { SqlClient, type SqlConnection, SqlError, Statement } from "effect/sql"
import { classify } from "./internal/sqlError.ts"

/**
 * A `SqlClient` on a PGlite instance, with the instance itself for what only PGlite does (`dumpDataDir`, `listen`,
 * an extension's namespace).
 *
 * @since 0.1.0
 * @category models
 */
export interface PgliteClient extends SqlClient.SqlClient {
  readonly pglite: PGliteInterface
}

/**
 * The service of the PGlite client (the layers also provide it as the `SqlClient`).
 *
 * @since 0.1.0
 * @category services
 */
export const PgliteClient = Context.Service<PgliteClient>("@support-policy/sql-pg/PgliteClient")

/**
 * What to open: PGlite's own options (`dataDir`, a folder or `"memory://"`; `extensions`; …) for a database this
 * client opens and closes, or `liveClient`, an open instance that stays the caller's to close.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = PGliteOptions | { readonly liveClient: PGliteInterface }

const closeTimeout = "5 seconds"

/**
 * Opens the database (unless `liveClient` is given) and builds the client; the database closes with the scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<PgliteClient, SqlError.SqlError, Scope.Scope | Reactivity.Reactivity> =>
  Effect.gen(function* () {
    const pglite =
      "liveClient" in options
        ? options.liveClient
        : yield* Effect.acquireRelease(
            Effect.tryPromise({
              try: () => PGlite.create(options),
              catch: (cause) => fail(cause, "PgliteClient: could not open the database", "connect")
            }),
            (pglite) => Effect.promise(() => pglite.close()).pipe(Effect.timeoutOption(closeTimeout), Effect.asVoid)
          )
    return yield* fromInstance(pglite)
  })

const fromInstance = Effect.fnUntraced(function* (pglite: PGliteInterface) {
  const connection = new PgliteConnection(pglite)
  // One session: a statement holds it while it runs, a transaction from BEGIN to COMMIT or ROLLBACK.
  const session = Semaphore.makeUnsafe(1)
  const lease = Effect.as(session.takeScoped(1), connection)
  const client = yield* SqlClient.make({
    driver: "pglite",
    acquirer: lease,
    transactionAcquirer: lease,
    borrower: (f) => session.withPermit(f(connection)),
    compiler,
    commit,
    releaseSavepoint: (name) => `RELEASE SAVEPOINT ${name}`,
    spanAttributes: [["db.system.name", "postgresql"]]
  })
  return Object.assign(client, { pglite }) as PgliteClient
})

/**
 * The client as a layer, giving both `PgliteClient` and `SqlClient`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<PgliteClient | SqlClient.SqlClient, SqlError.SqlError> =>
  Layer.effectContext(
    Effect.map(make(options), (client) =>
      Context.make(PgliteClient, client).pipe(Context.add(SqlClient.SqlClient, client))
    )
  ).pipe(Layer.provide(Reactivity.layer))

const fail = (cause: unknown, message: string, operation: string): SqlError.SqlError =>
  new SqlError.SqlError({ reason: classify(cause, message, operation) })

class PgliteConnection implements SqlConnection.Connection {
  readonly pglite: PGliteInterface
  constructor(pglite: PGliteInterface) {
    this.pglite = pglite
  }

  query(sql: string, params: ReadonlyArray<unknown>, operation: string, rowMode?: "array") {
    return Effect.tryPromise({
      try: (): Promise<Results<any>> =>
        this.pglite.query(sql, params as Array<unknown>, rowMode === undefined ? undefined : { rowMode }),
      catch: (cause) => fail(cause, "PgliteClient: the statement failed", operation)
    })
  }
  rows(
    sql: string,
    params: ReadonlyArray<unknown>,
    operation: string,
    transformRows: (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined
  ) {
    return Effect.map(this.query(sql, params, operation), (result) =>
      transformRows ? transformRows(result.rows) : result.rows
    )
  }
  execute(
    sql: string,
    params: ReadonlyArray<unknown>,
    transformRows: (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined
  ) {
    return this.rows(sql, params, "execute", transformRows)
  }
  executeUnprepared(
    sql: string,
    params: ReadonlyArray<unknown>,
    transformRows: (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined
  ) {
    return this.rows(sql, params, "executeUnprepared", transformRows)
  }
  executeRaw(sql: string, params: ReadonlyArray<unknown>) {
    return this.query(sql, params, "executeRaw")
  }
  executeValues(sql: string, params: ReadonlyArray<unknown>) {
    return Effect.map(
      this.query(sql, params, "executeValues", "array"),
      (result) => result.rows as ReadonlyArray<ReadonlyArray<unknown>>
    )
  }
  executeValuesUnprepared(sql: string, params: ReadonlyArray<unknown>) {
    return Effect.map(
      this.query(sql, params, "executeValuesUnprepared", "array"),
      (result) => result.rows as ReadonlyArray<ReadonlyArray<unknown>>
    )
  }
  executeStream(
    sql: string,
    params: ReadonlyArray<unknown>,
    transformRows: (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined
  ) {
    // PGlite hands over a whole result at once; the stream emits its rows.
    return Stream.fromArrayEffect(this.rows(sql, params, "executeStream", transformRows))
  }
}

/** PostgreSQL answers `COMMIT` in a failed transaction with `ROLLBACK`: that is a failure, not a commit. */
const commit = (conn: SqlConnection.Connection): Effect.Effect<void, SqlError.SqlError> =>
  Effect.flatMap(conn.executeRaw("COMMIT", []) as Effect.Effect<Results, SqlError.SqlError>, (result) =>
    result.command === "ROLLBACK"
      ? Effect.fail(
          fail(
            new Error("COMMIT rolled back an aborted transaction"),
            "PgliteClient: COMMIT rolled back an aborted transaction",
            "commit"
          )
        )
      : Effect.void
  )

const escapeIdentifier = Statement.defaultEscape('"')

/** PostgreSQL's dialect: `$n` placeholders, double-quoted identifiers, `UPDATE … FROM (VALUES …)`. */
const compiler = Statement.makeCompiler({
  dialect: "pg",
  placeholder: (index) => `$${index}`,
  onIdentifier: escapeIdentifier,
  onRecordUpdate: (placeholders, valueAlias, valueColumns, values, returning) => [
    `(values ${placeholders}) AS ${valueAlias}${valueColumns}${returning ? ` RETURNING ${returning[0]}` : ""}`,
    returning ? values.flat().concat(returning[1]) : values.flat()
  ],
  onCustom: () => ["", []]
})
