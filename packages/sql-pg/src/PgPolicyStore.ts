/**
 * The core `PolicyStore` port on PostgreSQL (a server or PGlite): every published version of the support policy in
 * `support_policy_versions`, one row each, keyed by version number. Publishing is one `INSERT`: the primary key makes
 * a version number publishable once, whatever other servers do at the same time, and an identity column gives the
 * publication order (the version in force is the row with the greatest `position`). Rows are never updated or
 * deleted. Documents are read back through `SupportPolicy.decode`: a row that does not decode is a
 * `PolicyStoreFailure` with reason `"Corrupt"`.
 *
 * Needs only a `SqlClient`; run `PgMigrations` first (or use `PgStorage.layer`).
 *
 * @since 0.1.0
 */
import { type CaseEvent, PolicyStore, SupportPolicy } from "@support-policy/core"
import { Effect, Exit, Layer, Option, Schema } from "effect"
import { SqlClient, type SqlError } from "effect/sql"
import * as Rows from "./internal/rows.ts"
import * as SqlErrorText from "./internal/sqlError.ts"

const unavailable =
  (operation: string) =>
  (cause: SqlError.SqlError): Effect.Effect<never, PolicyStore.PolicyStoreFailure> =>
    Effect.fail(
      new PolicyStore.PolicyStoreFailure({
        reason: "Unavailable",
        message: SqlErrorText.describe(operation, cause),
        cause
      })
    )

const corrupt = (message: string) => new PolicyStore.PolicyStoreFailure({ reason: "Corrupt", message })

interface VersionRow {
  readonly version: string
  readonly position: unknown
  readonly published_at: unknown
  readonly data: unknown
}

const decodeActor = Schema.decodeUnknownExit(
  Schema.Struct({
    role: Schema.Literals(["requester", "agent", "accountManager", "administrator", "system"]),
    id: Schema.String
  })
)

interface SummaryRow {
  readonly version: string
  readonly position: unknown
  readonly published_at: unknown
  readonly policy_id: string
  readonly title: unknown
  readonly effective_date: unknown
  readonly published_by: unknown
}

/** A row as a summary, read from the key columns and three fields of the document (which is not decoded whole). */
const summary = (row: SummaryRow): Effect.Effect<PolicyStore.Summary, PolicyStore.PolicyStoreFailure> => {
  const position = Rows.toNumber(row.position)
  const publishedAt = Rows.toNumber(row.published_at)
  const by = decodeActor(Rows.json(row.published_by))
  if (
    position === undefined ||
    publishedAt === undefined ||
    typeof row.title !== "string" ||
    typeof row.effective_date !== "string" ||
    Exit.isFailure(by)
  ) {
    return Effect.fail(corrupt(`policy version ${row.version}: bad summary columns`))
  }
  return Effect.succeed({
    id: row.policy_id,
    version: row.version,
    title: row.title,
    effectiveDate: row.effective_date,
    publishedAt,
    publishedBy: by.value as CaseEvent.Actor,
    position
  })
}

/** A row as a published version: its document decoded by `SupportPolicy.decode`, checked against its key. */
const published = (row: VersionRow): Effect.Effect<PolicyStore.Published, PolicyStore.PolicyStoreFailure> =>
  Effect.gen(function* () {
    const data = Rows.json(row.data) as { readonly policy?: unknown; readonly publishedBy?: unknown } | null
    const position = Rows.toNumber(row.position)
    const publishedAt = Rows.toNumber(row.published_at)
    if (position === undefined || publishedAt === undefined) {
      return yield* corrupt(`policy version ${row.version}: bad position or publication instant`)
    }
    const policy = yield* SupportPolicy.decode(data?.policy).pipe(
      Effect.mapError((e) => corrupt(`policy version ${row.version}: ${e.message}`))
    )
    if (policy.version !== row.version) {
      return yield* corrupt(`policy version ${row.version}: its document is version ${policy.version}`)
    }
    const by = decodeActor(data?.publishedBy)
    if (Exit.isFailure(by)) return yield* corrupt(`policy version ${row.version}: bad publishedBy`)
    return { policy, publishedAt, publishedBy: by.value as CaseEvent.Actor, position }
  })

/**
 * Builds the store from a `SqlClient`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<PolicyStore.PolicyStore["Service"], never, SqlClient.SqlClient> = Effect.gen(
  function* () {
    const sql = yield* SqlClient.SqlClient

    const publish = Effect.fn("PgPolicyStore.publish")(function* (publication: PolicyStore.Publication) {
      yield* PolicyStore.validatePublication(publication)
      const version = publication.policy.version
      const data = JSON.stringify({ policy: publication.policy, publishedBy: publication.publishedBy })
      const [row] = yield* sql<VersionRow>`
          INSERT INTO support_policy_versions (version, policy_id, published_at, data)
          VALUES (${version}, ${publication.policy.id}, ${publication.publishedAt}, ${data}::jsonb)
          ON CONFLICT (version) DO NOTHING
          RETURNING version, position, published_at, data`.pipe(
        Effect.catchTag("SqlError", unavailable("publish")),
        SqlErrorText.recoverLostConnection(unavailable("publish"))
      )
      if (row === undefined) return yield* new PolicyStore.PolicyVersionExists({ version })
      return yield* published(row)
    })

    const select = sql.literal("version, position, published_at, data")

    const get = (version: string) =>
      sql<VersionRow>`SELECT ${select} FROM support_policy_versions WHERE version = ${version}`.pipe(
        Effect.catchTag("SqlError", unavailable("get")),
        Effect.flatMap((rows) =>
          rows.length === 0 ? Effect.succeed(Option.none()) : Effect.map(published(rows[0]), Option.some)
        ),
        Effect.withSpan("PgPolicyStore.get")
      )

    const summaryColumns = sql.literal(
      "version, position, published_at, policy_id, data->'policy'->>'title' AS title, " +
        "data->'policy'->>'effectiveDate' AS effective_date, data->'publishedBy' AS published_by"
    )

    const list = sql<SummaryRow>`SELECT ${summaryColumns} FROM support_policy_versions ORDER BY position`.pipe(
      Effect.catchTag("SqlError", unavailable("list")),
      Effect.flatMap((rows) => Effect.forEach(rows, summary)),
      Effect.withSpan("PgPolicyStore.list")
    )

    // the version in force: one index scan of the position's unique index, one row, no document decoded
    const inForce = sql<SummaryRow>`
        SELECT ${summaryColumns} FROM support_policy_versions ORDER BY position DESC LIMIT 1`.pipe(
      Effect.catchTag("SqlError", unavailable("inForce")),
      Effect.flatMap((rows) =>
        rows.length === 0 ? Effect.succeed(Option.none()) : Effect.map(summary(rows[0]), Option.some)
      ),
      Effect.withSpan("PgPolicyStore.inForce")
    )

    return PolicyStore.PolicyStore.of({ publish, get, list, inForce })
  }
)

/**
 * The policy store on the `SqlClient` in context (tables from `PgMigrations`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<PolicyStore.PolicyStore, never, SqlClient.SqlClient> = Layer.effect(
  PolicyStore.PolicyStore,
  make
)
