/**
 * The core `Mailbox` port on PostgreSQL: incoming mails in `support_inbound_mail` (the record as a jsonb document
 * beside the columns the queries need, the original as base64 text), unique by Message-ID, and the addresses that
 * bounced in `support_failing_addresses`.
 *
 * `record` is one `INSERT … ON CONFLICT (message_id) DO NOTHING`: of two processes receiving the same mail at once,
 * one records it and the other finds the first record.
 *
 * `erase` (a requester's erasure) deletes the rows of the mails it names, originals with them, and the failing
 * addresses, in one transaction; PostgreSQL keeps the old row versions until `VACUUM` reclaims them, as for cases.
 *
 * @since 0.1.0
 */
import { Mailbox } from "@support-policy/core"
import { Effect, Layer, Option, Result, Schema } from "effect"
import { SqlClient, type SqlError } from "effect/sql"
import * as Rows from "./internal/rows.ts"
import * as SqlErrorText from "./internal/sqlError.ts"

const unavailable =
  (operation: string) =>
  (cause: SqlError.SqlError): Effect.Effect<never, Mailbox.MailboxFailure> =>
    Effect.fail(new Mailbox.MailboxFailure({ message: SqlErrorText.describe(operation, cause), cause }))

const decodeMail = Schema.decodeUnknownResult(Mailbox.InboundMail)

interface MailRow {
  readonly id: string
  readonly data: unknown
}

interface FailingRow {
  readonly address: string
  readonly since: unknown
  readonly last_at: unknown
  readonly count: number
  readonly reason: string
}

const mailOf = (operation: string, row: MailRow): Effect.Effect<Mailbox.InboundMail, Mailbox.MailboxFailure> => {
  const decoded = decodeMail(Rows.json(row.data))
  if (Result.isFailure(decoded)) {
    return Effect.fail(
      new Mailbox.MailboxFailure({
        message: `${operation}: mail ${row.id} does not decode: ${decoded.failure.message}`
      })
    )
  }
  return decoded.success.id === row.id
    ? Effect.succeed(decoded.success)
    : Effect.fail(new Mailbox.MailboxFailure({ message: `${operation}: mail ${row.id} names ${decoded.success.id}` }))
}

const mailsOf = (operation: string) => (rows: ReadonlyArray<MailRow>) =>
  Effect.forEach(rows, (row) => mailOf(operation, row))

const failingOf = (row: FailingRow): Mailbox.FailingAddress => ({
  address: row.address,
  since: Rows.toNumber(row.since) ?? 0,
  lastAt: Rows.toNumber(row.last_at) ?? 0,
  count: row.count,
  reason: row.reason
})

/**
 * Builds the mailbox from a `SqlClient`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Mailbox.Mailbox["Service"], never, SqlClient.SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const get = (id: string) =>
    sql<MailRow>`SELECT id, data FROM support_inbound_mail WHERE id = ${id}`.pipe(
      Effect.catchTag("SqlError", unavailable("get")),
      Effect.flatMap(mailsOf("get")),
      Effect.map((mails) => Option.fromNullishOr(mails[0]))
    )

  const record = (mail: Mailbox.InboundMail, original: Uint8Array) =>
    Effect.gen(function* () {
      const valid = yield* Mailbox.validateMail(mail)
      const stored = { ...valid, from: Mailbox.normalizeAddress(valid.from) }
      const inserted = yield* sql<{ id: string }>`
        INSERT INTO support_inbound_mail (id, message_id, received_at, from_address, case_id, outcome, data, original)
        VALUES (${stored.id}, ${stored.messageId}, ${stored.receivedAt}, ${stored.from}, ${stored.caseId},
                ${stored.outcome}, ${JSON.stringify(stored)}::jsonb, ${Buffer.from(original).toString("base64")})
        ON CONFLICT (message_id) DO NOTHING
        RETURNING id`.pipe(Effect.catchTag("SqlError", unavailable("record")))
      if (inserted.length > 0) return { created: true, mail: stored }
      const first =
        yield* sql<MailRow>`SELECT id, data FROM support_inbound_mail WHERE message_id = ${stored.messageId}`.pipe(
          Effect.catchTag("SqlError", unavailable("record")),
          Effect.flatMap(mailsOf("record"))
        )
      if (first.length === 0) {
        return yield* new Mailbox.MailboxFailure({
          message: `record: mail ${stored.messageId} was neither inserted nor found`
        })
      }
      return { created: false, mail: first[0] }
    }).pipe(Effect.withSpan("PgMailbox.record"))

  const settle = (id: string, settlement: Mailbox.Settlement) =>
    sql`UPDATE support_inbound_mail
        SET outcome = ${settlement.outcome}, case_id = ${settlement.caseId},
            data = data || ${JSON.stringify(settlement)}::jsonb
        WHERE id = ${id}`.pipe(
      Effect.asVoid,
      Effect.catchTag("SqlError", unavailable("settle")),
      Effect.withSpan("PgMailbox.settle")
    )

  const original = (id: string) =>
    sql<{ original: string }>`SELECT original FROM support_inbound_mail WHERE id = ${id}`.pipe(
      Effect.catchTag("SqlError", unavailable("original")),
      Effect.map((rows) =>
        rows.length === 0 ? Option.none() : Option.some(new Uint8Array(Buffer.from(rows[0].original, "base64")))
      )
    )

  const listByCase = (caseId: string) =>
    sql<MailRow>`SELECT id, data FROM support_inbound_mail WHERE case_id = ${caseId} ORDER BY received_at, id`.pipe(
      Effect.catchTag("SqlError", unavailable("listByCase")),
      Effect.flatMap(mailsOf("listByCase"))
    )

  const list = (page: Mailbox.Page) =>
    Mailbox.validatePage("list", page).pipe(
      Effect.andThen(
        sql<MailRow>`SELECT id, data FROM support_inbound_mail ORDER BY received_at DESC, id DESC
                     LIMIT ${page.limit} OFFSET ${page.offset ?? 0}`
      ),
      Effect.catchTag("SqlError", unavailable("list")),
      Effect.flatMap(mailsOf("list"))
    )

  const countFrom = (address: string, since: number, outcomes: ReadonlyArray<Mailbox.Outcome>) =>
    outcomes.length === 0
      ? Effect.succeed(0)
      : sql<{ count: number }>`
          SELECT count(*)::integer AS count FROM support_inbound_mail
          WHERE from_address = ${Mailbox.normalizeAddress(address)} AND received_at >= ${since}
            AND ${sql.in("outcome", outcomes)}`.pipe(
          Effect.map((rows) => rows[0]?.count ?? 0),
          Effect.catchTag("SqlError", unavailable("countFrom"))
        )

  const markFailing = (address: string, options: { readonly at: number; readonly reason: string }) =>
    sql<FailingRow>`
      INSERT INTO support_failing_addresses (address, since, last_at, count, reason)
      VALUES (${Mailbox.normalizeAddress(address)}, ${options.at}, ${options.at}, 1, ${options.reason})
      ON CONFLICT (address) DO UPDATE
      SET last_at = greatest(support_failing_addresses.last_at, excluded.last_at),
          count = support_failing_addresses.count + 1, reason = excluded.reason
      RETURNING address, since, last_at, count, reason`.pipe(
      Effect.map((rows) => failingOf(rows[0])),
      Effect.catchTag("SqlError", unavailable("markFailing"))
    )

  const failing = (address: string) =>
    sql<FailingRow>`SELECT address, since, last_at, count, reason FROM support_failing_addresses
                    WHERE address = ${Mailbox.normalizeAddress(address)}`.pipe(
      Effect.map((rows) => Option.map(Option.fromNullishOr(rows[0]), failingOf)),
      Effect.catchTag("SqlError", unavailable("failing"))
    )

  const listFailing = (page: Mailbox.Page) =>
    Mailbox.validatePage("listFailing", page).pipe(
      Effect.andThen(
        sql<FailingRow>`SELECT address, since, last_at, count, reason FROM support_failing_addresses
                        ORDER BY last_at DESC, address LIMIT ${page.limit} OFFSET ${page.offset ?? 0}`
      ),
      Effect.map((rows) => rows.map(failingOf)),
      Effect.catchTag("SqlError", unavailable("listFailing"))
    )

  const clearFailing = (address: string) =>
    sql<{ address: string }>`DELETE FROM support_failing_addresses WHERE address = ${Mailbox.normalizeAddress(address)}
                             RETURNING address`.pipe(
      Effect.map((rows) => rows.length > 0),
      Effect.catchTag("SqlError", unavailable("clearFailing"))
    )

  const erase = (scope: Mailbox.ErasureScope) =>
    Effect.gen(function* () {
      const addresses = [...new Set(scope.addresses.map(Mailbox.normalizeAddress))]
      // the same rule as `Mailbox.erases`: a mail of an erased case, or from an erased address and not of a held case
      const clauses = []
      if (scope.caseIds.length > 0) clauses.push(sql.in("case_id", scope.caseIds))
      if (addresses.length > 0) {
        clauses.push(
          scope.heldCaseIds.length === 0
            ? sql.in("from_address", addresses)
            : sql.and([
                sql.in("from_address", addresses),
                sql`(case_id IS NULL OR NOT ${sql.in("case_id", scope.heldCaseIds)})`
              ])
        )
      }
      const mails =
        clauses.length === 0
          ? []
          : yield* sql<{ id: string }>`DELETE FROM support_inbound_mail WHERE ${sql.or(clauses)} RETURNING id`
      const failing =
        addresses.length === 0
          ? []
          : yield* sql<{ address: string }>`DELETE FROM support_failing_addresses
                                            WHERE ${sql.in("address", addresses)} RETURNING address`
      return { mails: mails.length, failing: failing.length }
    }).pipe(sql.withTransaction, Effect.catchTag("SqlError", unavailable("erase")), Effect.withSpan("PgMailbox.erase"))

  return Mailbox.Mailbox.of({
    record,
    settle,
    get: (id) => get(id).pipe(Effect.withSpan("PgMailbox.get")),
    original,
    listByCase,
    list,
    countFrom,
    markFailing,
    failing,
    listFailing,
    clearFailing,
    erase
  })
})

/**
 * The mailbox on the `SqlClient` in context (tables from `PgMigrations`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Mailbox.Mailbox, never, SqlClient.SqlClient> = Layer.effect(Mailbox.Mailbox, make)
