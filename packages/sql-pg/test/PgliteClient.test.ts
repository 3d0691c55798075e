/**
 * The PGlite `SqlClient` on its own: errors classified like the server client's, transactions that hold the one
 * session, a COMMIT that PostgreSQL turned into a rollback, extensions, and who closes the database. The storage
 * contract suite (StorageContract.pglite.test.ts) proves the rest through the ports.
 */
import { afterAll, assert, describe, it, layer } from "@effect/vitest"
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm"
import { PgliteClient } from "@support-policy/sql-pg/pglite"
import { Deferred, Effect, Fiber } from "effect"
import { SqlClient, type SqlError } from "effect/sql"
import * as PgTest from "./support/PgTest.ts"

const pglite = PgTest.sharedPglite()
afterAll(pglite.close)

const reasonOf = (error: SqlError.SqlError) => error.reason._tag

layer(pglite.layer, { excludeTestServices: true, timeout: "120 seconds" })("PgliteClient", (it) => {
  it.effect("classifies errors by SQLSTATE: a duplicate key is UniqueViolation, naming the constraint", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE t_unique (id int CONSTRAINT t_unique_pk PRIMARY KEY)`
      yield* sql`INSERT INTO t_unique VALUES (1)`
      const caught = yield* sql`INSERT INTO t_unique VALUES (1)`.pipe(
        Effect.as("inserted"),
        Effect.catchReason("SqlError", "UniqueViolation", (reason) => Effect.succeed(reason.constraint))
      )
      assert.strictEqual(caught, "t_unique_pk")
      assert.strictEqual(reasonOf(yield* Effect.flip(sql`SELEC 1`)), "SqlSyntaxError")
      assert.strictEqual(reasonOf(yield* Effect.flip(sql`SELECT * FROM no_such_table`)), "SqlSyntaxError")
      yield* sql`CREATE TABLE t_check (n int CHECK (n > 0))`
      assert.strictEqual(reasonOf(yield* Effect.flip(sql`INSERT INTO t_check VALUES (0)`)), "ConstraintError")
    })
  )

  it.effect("rolls a failed transaction back, and a failed nested one back to its savepoint", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE t_tx (name text)`
      yield* Effect.flip(
        sql.withTransaction(Effect.andThen(sql`INSERT INTO t_tx VALUES ('outer-failed')`, Effect.fail("boom")))
      )
      yield* sql.withTransaction(
        Effect.gen(function* () {
          yield* sql`INSERT INTO t_tx VALUES ('outer')`
          yield* Effect.flip(
            sql.withTransaction(Effect.andThen(sql`INSERT INTO t_tx VALUES ('inner-failed')`, Effect.fail("boom")))
          )
          yield* sql.withTransaction(sql`INSERT INTO t_tx VALUES ('inner')`)
        })
      )
      const rows = yield* sql<{ name: string }>`SELECT name FROM t_tx ORDER BY name`
      assert.deepStrictEqual(
        rows.map((r) => r.name),
        ["inner", "outer"]
      )
    })
  )

  it.effect("fails the transaction when PostgreSQL answers its COMMIT with a rollback", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE t_aborted (id int PRIMARY KEY)`
      yield* sql`INSERT INTO t_aborted VALUES (1)`
      // the duplicate key aborts the transaction; catching the error does not un-abort it
      const error = yield* Effect.flip(
        sql.withTransaction(
          Effect.gen(function* () {
            yield* sql`INSERT INTO t_aborted VALUES (2)`
            yield* sql`INSERT INTO t_aborted VALUES (1)`.pipe(
              Effect.catchReason("SqlError", "UniqueViolation", () => Effect.void)
            )
          })
        )
      )
      assert.include(error.message, "COMMIT rolled back an aborted transaction")
      const rows = yield* sql<{ id: number }>`SELECT id FROM t_aborted ORDER BY id`
      assert.deepStrictEqual(
        rows.map((r) => r.id),
        [1]
      )
    })
  )

  it.effect("runs another fiber's statement outside an open transaction, not inside it", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE t_session (name text)`
      const inserted = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const transaction = yield* Effect.forkChild(
        sql
          .withTransaction(
            Effect.gen(function* () {
              yield* sql`INSERT INTO t_session VALUES ('in the transaction')`
              yield* Deferred.succeed(inserted, undefined)
              yield* Deferred.await(release)
              return yield* Effect.fail("rolled back")
            })
          )
          .pipe(Effect.flip)
      )
      yield* Deferred.await(inserted)
      const outside = yield* Effect.forkChild(sql`INSERT INTO t_session VALUES ('outside')`)
      yield* Effect.yieldNow
      yield* Deferred.succeed(release, undefined)
      assert.strictEqual(yield* Fiber.join(transaction), "rolled back")
      yield* Fiber.join(outside)
      const rows = yield* sql<{ name: string }>`SELECT name FROM t_session`
      assert.deepStrictEqual(
        rows.map((r) => r.name),
        ["outside"]
      )
    })
  )

  it.effect("leaves a live client open for its owner", () =>
    Effect.gen(function* () {
      const client = yield* PgliteClient.PgliteClient
      assert.isFalse(client.pglite.closed)
    })
  )
})

describe("PgliteClient.layer", () => {
  it.effect(
    "opens a database with extensions (pg_trgm), and closes the database it opened",
    () =>
      Effect.gen(function* () {
        const loadDataDir = yield* Effect.promise(PgTest.pgliteTemplate)
        const opened = yield* Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          yield* sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`
          const [row] = yield* sql<{ s: number }>`SELECT similarity('support policy', 'support polices') AS s`
          assert.isAbove(row!.s, 0.5)
          return (yield* PgliteClient.PgliteClient).pglite
        }).pipe(Effect.provide(PgliteClient.layer({ dataDir: "memory://", loadDataDir, extensions: { pg_trgm } })))
        assert.isTrue(opened.closed)
      }).pipe(Effect.orDie),
    120_000
  )
})
