import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm"
import { PgStorage } from "@support-policy/sql-pg"
import { PgliteClient } from "@support-policy/sql-pg/pglite"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"

// the storage on a PGlite database opened with your own options: in memory, with the pg_trgm extension
const storage = PgStorage.layer.pipe(
  Layer.provideMerge(PgliteClient.layer({ dataDir: "memory://", extensions: { pg_trgm } }))
)

const program = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient // the same database, for queries of your own
  yield* sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`
  const rows = yield* sql<{ score: number }>`SELECT similarity('Where is my order?', 'where is my ordr') AS score`
  console.log(`similarity: ${rows[0]?.score.toFixed(2)}`)
})

Effect.runPromise(program.pipe(Effect.provide(storage)))
