/**
 * The core `CaseStore` port on PostgreSQL (a server through `@effect/sql-pg`, or PGlite): cases, their handling
 * records (clause 6.4: "tracking numbers and handling records provided for follow-up"), idempotency keys and the
 * outbox messages written with them, each change in one transaction.
 *
 * - `create` is one statement (one transaction, one round trip) that writes the idempotency key first
 *   (`INSERT … ON CONFLICT DO NOTHING`) and everything else only if the key was new: a second submission with the
 *   same key waits for the first one's commit and then replays it, so concurrent retries create one case.
 * - `append` locks the case row (`SELECT … FOR UPDATE`), compares its sequence with the expected one, and inserts the
 *   events under the `(case_id, sequence)` primary key: two appends from the same sequence can never both succeed.
 * - Reads take the case and its record in one statement (one snapshot), and decode them with the core schemas: a row
 *   that does not decode is a `CaseStoreFailure` with reason `"Corrupt"`.
 *
 * Needs only a `SqlClient`; run `PgMigrations` first (or use `PgStorage.layer`).
 *
 * @since 0.1.0
 */
import { type CaseEvent, type CaseQuery, CaseStore, type Outbox, type SupportCase } from "@support-policy/core"
import { Array as Arr, Effect, Layer, Option, Result } from "effect"
import { SqlClient, type SqlError, type Statement } from "effect/sql"
import * as CaseQuerySql from "./internal/caseQuery.ts"
import * as Rows from "./internal/rows.ts"
import * as SearchColumns from "./internal/searchColumns.ts"
import * as SqlErrorText from "./internal/sqlError.ts"

const unavailable =
  (operation: string) =>
  (cause: SqlError.SqlError): Effect.Effect<never, CaseStore.CaseStoreFailure> =>
    Effect.fail(
      new CaseStore.CaseStoreFailure({ reason: "Unavailable", message: SqlErrorText.describe(operation, cause), cause })
    )

const corrupt = <A>(decoded: Rows.Decoded<A>): Effect.Effect<A, CaseStore.CaseStoreFailure> =>
  Result.isSuccess(decoded)
    ? Effect.succeed(decoded.success)
    : Effect.fail(new CaseStore.CaseStoreFailure({ reason: "Corrupt", message: decoded.failure }))

/** An append found an event row already there: another writer bypassed the row lock. */
class EventsConflict {
  readonly _tag = "EventsConflict"
}

/** The unique index that keeps a message key once per case (`PgMigrations`, "21_message_keys"). */
const messageKeyIndex = "support_case_events_message_key_idx"

/** The columns of `support_cases` for a case. */
const caseColumns = (c: SupportCase.SupportCase) => ({
  id: c.id,
  tracking_number: c.trackingNumber,
  requester_id: c.requester.id,
  status: c.status,
  priority: c.priority,
  category: c.category,
  assignee_id: c.assignee?.id ?? null,
  opened_at: c.openedAt,
  updated_at: c.updatedAt,
  sequence: c.sequence,
  next_due_at: c.nextDueAt,
  ...SearchColumns.filterColumns(c)
})

const eventColumns = (caseId: string, events: ReadonlyArray<CaseEvent.CaseEvent>) =>
  events.map((e) => ({ case_id: caseId, sequence: e.sequence, type: e.type, at: e.at, data: JSON.stringify(e) }))

const distinct = (values: ReadonlyArray<string>): ReadonlyArray<string> => Array.from(new Set(values))

interface CaseWithEventsRow extends Rows.CaseRow {
  readonly events: unknown
}

/**
 * Builds the store from a `SqlClient`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<CaseStore.CaseStore["Service"], never, SqlClient.SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  /** A case and its record, read in one statement so both come from one snapshot. */
  const selectWithRecord = (where: Statement.Fragment) =>
    sql<CaseWithEventsRow>`
        SELECT c.id, c.sequence, c.data,
          (SELECT coalesce(jsonb_agg(jsonb_build_object('sequence', e.sequence, 'data', e.data) ORDER BY e.sequence),
                           '[]'::jsonb)
             FROM support_case_events e WHERE e.case_id = c.id) AS events
        FROM support_cases c WHERE ${where}`

  const decodeWithRecord = (row: CaseWithEventsRow): Rows.Decoded<SupportCase.WithRecord> => {
    const decodedCase = Rows.supportCase(row)
    if (Result.isFailure(decodedCase)) return Result.fail(decodedCase.failure)
    const eventRows = Rows.json(row.events)
    if (!Array.isArray(eventRows)) return Result.fail(`case ${row.id}: its record is not a list`)
    const events = Rows.record(row.id, decodedCase.success.sequence, eventRows as ReadonlyArray<Rows.EventRow>)
    if (Result.isFailure(events)) return Result.fail(events.failure)
    return Result.succeed({ case: decodedCase.success, events: events.success })
  }

  const findOne = (operation: string, where: Statement.Fragment) =>
    selectWithRecord(where).pipe(
      Effect.catchTag("SqlError", unavailable(operation)),
      Effect.flatMap((rows) =>
        rows.length === 0 ? Effect.succeed(Option.none()) : Effect.map(corrupt(decodeWithRecord(rows[0])), Option.some)
      )
    )

  const get = (caseId: string) => findOne("get", sql.and([sql`c.id = ${caseId}`]))

  /** Inserts rows (none: nothing to do). */
  const insertAll = (table: string, rows: ReadonlyArray<Record<string, unknown>>) =>
    Arr.isReadonlyArrayNonEmpty(rows)
      ? sql`INSERT INTO ${sql(table)} ${sql.insert(rows)}`.pipe(Effect.asVoid)
      : Effect.void

  const insertOutbox = (operation: string, messages: ReadonlyArray<Outbox.Message>) =>
    insertAll("support_outbox", Rows.outboxColumns(messages)).pipe(
      Effect.catchReason("SqlError", "UniqueViolation", () =>
        Effect.die(new Error(`CaseStore.${operation}: outbox: message ids already stored`))
      )
    )

  const insertParties = (c: SupportCase.SupportCase, parties: ReadonlyArray<string>) =>
    insertAll(
      "support_case_parties",
      parties.map((party) => ({ party_id: party, opened_at: c.openedAt, case_id: c.id }))
    )

  /**
   * A submission is one statement — one implicit transaction, one round trip, one commit — whose data-modifying
   * parts all depend on the case row: when the idempotency key was used before, the key's insert does nothing, so
   * the case is not inserted, so nor is anything else. Inside a caller's transaction it simply joins it.
   */
  const insertSubmission = (newCase: CaseStore.NewCase) => {
    const c = newCase.case
    const input = JSON.stringify({
      hasKey: newCase.idempotency !== undefined,
      key:
        newCase.idempotency === undefined
          ? null
          : {
              requester_id: c.requester.id,
              key: newCase.idempotency.key,
              fingerprint: newCase.idempotency.fingerprint,
              case_id: c.id,
              created_at: c.openedAt
            },
      case: { ...caseColumns(c), ...SearchColumns.forNewCase(c, newCase.events), data: c },
      limits: (newCase.openingLimits ?? []).map((l) => ({ id: l.id, since: l.since, max: l.max })),
      parties: distinct(c.parties).map((party) => ({ party_id: party, opened_at: c.openedAt, case_id: c.id })),
      events: newCase.events.map((e) => ({ case_id: c.id, sequence: e.sequence, type: e.type, at: e.at, data: e })),
      outbox: newCase.outbox.map((m) => ({ ...Rows.outboxColumn(m), data: m }))
    })
    return sql<{ created: number; limit_id: string | null; count: number | null; max: number | null }>`
        WITH input AS (SELECT ${input}::jsonb AS j),
        blocked AS (
          SELECT l.id, l.max, n.count
          FROM input,
               jsonb_to_recordset(input.j->'limits') AS l(id text, since bigint, max integer),
               LATERAL (SELECT count(*)::integer AS count FROM support_cases s
                        WHERE s.requester_id = input.j->'case'->>'requester_id' AND s.opened_at >= l.since) AS n
          WHERE n.count >= l.max
          LIMIT 1
        ),
        claimed AS (
          INSERT INTO support_idempotency_keys (requester_id, key, fingerprint, case_id, created_at)
          SELECT k.requester_id, k.key, k.fingerprint, k.case_id, k.created_at
          FROM input, jsonb_populate_record(NULL::support_idempotency_keys, input.j->'key') AS k
          WHERE (input.j->>'hasKey')::boolean AND NOT EXISTS (SELECT 1 FROM blocked)
          ON CONFLICT DO NOTHING
          RETURNING case_id
        ),
        new_case AS (
          INSERT INTO support_cases (id, tracking_number, requester_id, status, priority, category, assignee_id,
                                     opened_at, updated_at, sequence, next_due_at, data, channel, assignee_queue,
                                     account_manager_id, search_public, search_people, search_internal, search_grams)
          SELECT r.id, r.tracking_number, r.requester_id, r.status, r.priority, r.category, r.assignee_id,
                 r.opened_at, r.updated_at, r.sequence, r.next_due_at, r.data, r.channel, r.assignee_queue,
                 r.account_manager_id, r.search_public, r.search_people, r.search_internal, r.search_grams
          FROM input, jsonb_populate_record(NULL::support_cases, input.j->'case') AS r
          WHERE NOT EXISTS (SELECT 1 FROM blocked)
            AND (NOT (input.j->>'hasKey')::boolean OR EXISTS (SELECT 1 FROM claimed))
          RETURNING id
        ),
        parties AS (
          INSERT INTO support_case_parties (party_id, opened_at, case_id)
          SELECT r.party_id, r.opened_at, r.case_id
          FROM new_case, input, jsonb_populate_recordset(NULL::support_case_parties, input.j->'parties') AS r
        ),
        events AS (
          INSERT INTO support_case_events (case_id, sequence, type, at, data)
          SELECT r.case_id, r.sequence, r.type, r.at, r.data
          FROM new_case, input, jsonb_populate_recordset(NULL::support_case_events, input.j->'events') AS r
        ),
        messages AS (
          INSERT INTO support_outbox (id, case_id, kind, status, attempts, available_at, created_at, data)
          SELECT r.id, r.case_id, r.kind, r.status, r.attempts, r.available_at, r.created_at, r.data
          FROM new_case, input, jsonb_populate_recordset(NULL::support_outbox, input.j->'outbox') AS r
        )
        SELECT (SELECT count(*)::integer FROM new_case) AS created,
               b.id AS limit_id, b.count, b.max
        FROM (SELECT 1) AS one LEFT JOIN blocked AS b ON true`
  }

  const create = Effect.fn("PgCaseStore.create")(function* (newCase: CaseStore.NewCase) {
    yield* CaseStore.validateNewCase(newCase)
    const c = newCase.case
    const idempotency = newCase.idempotency
    const [inserted] = yield* insertSubmission(newCase).pipe(
      Effect.catchTag(
        "SqlError",
        (error): Effect.Effect<never, CaseStore.TrackingNumberTaken | CaseStore.CaseStoreFailure> => {
          const constraint = error.reason._tag === "UniqueViolation" ? error.reason.constraint : undefined
          if (constraint === "support_cases_pkey" || constraint === "support_cases_tracking_number_key") {
            return Effect.fail(new CaseStore.TrackingNumberTaken({ trackingNumber: c.trackingNumber }))
          }
          if (constraint === "support_outbox_pkey") {
            return Effect.die(new Error("CaseStore.create: outbox: message ids already stored"))
          }
          return unavailable("create")(error)
        }
      ),
      SqlErrorText.recoverLostConnection(unavailable("create"))
    )
    let outcome: { readonly replayOf: string | undefined } = { replayOf: undefined }
    if (inserted?.created !== 1) {
      // Not created: the key was used before (or by a concurrent submission, whose commit the insert waited for).
      const [used] = yield* sql<{ fingerprint: string; case_id: string }>`
          SELECT fingerprint, case_id FROM support_idempotency_keys
          WHERE requester_id = ${c.requester.id} AND key = ${idempotency?.key ?? ""}`.pipe(
        Effect.catchTag("SqlError", unavailable("create"))
      )
      if ((idempotency === undefined || used === undefined) && inserted?.limit_id != null) {
        return yield* new CaseStore.OpeningLimitReached({
          limitId: inserted.limit_id,
          count: inserted.count ?? 0,
          max: inserted.max ?? 0
        })
      }
      if (idempotency === undefined || used === undefined) {
        return yield* new CaseStore.CaseStoreFailure({
          reason: "Unavailable",
          message: `create: case ${c.id} was not stored, and no idempotency key explains why`
        })
      }
      if (used.fingerprint !== idempotency.fingerprint) {
        return yield* new CaseStore.IdempotencyConflict({ key: idempotency.key, caseId: used.case_id })
      }
      outcome = { replayOf: used.case_id }
    }

    if (outcome.replayOf === undefined) {
      return { created: true, stored: { case: c, events: newCase.events } } satisfies CaseStore.Created
    }
    const existing = yield* get(outcome.replayOf)
    if (Option.isNone(existing)) {
      return yield* new CaseStore.CaseStoreFailure({
        reason: "Corrupt",
        message: `idempotency key ${idempotency?.key} names case ${outcome.replayOf}, which does not exist`
      })
    }
    return { created: false, stored: existing.value } satisfies CaseStore.Created
  })

  const append = Effect.fn("PgCaseStore.append")(function* (append: CaseStore.Append) {
    yield* CaseStore.validateAppend(append)
    const c = append.case
    const currentSequence = sql<{ sequence: number }>`SELECT sequence FROM support_cases WHERE id = ${append.caseId}`
    return yield* sql
      .withTransaction(
        Effect.gen(function* () {
          const [locked] = yield* sql<{ sequence: number; tracking_number: string; parties: unknown }>`
              SELECT sequence, tracking_number, data->'parties' AS parties
              FROM support_cases WHERE id = ${append.caseId} FOR UPDATE`
          if (locked === undefined) return yield* new CaseStore.CaseNotFound({ caseId: append.caseId })
          if (locked.sequence !== append.expectedSequence) {
            return yield* new CaseStore.SequenceConflict({
              caseId: append.caseId,
              expected: append.expectedSequence,
              actual: locked.sequence
            })
          }
          yield* insertAll("support_case_events", eventColumns(c.id, append.events)).pipe(
            Effect.catchReason(
              "SqlError",
              "UniqueViolation",
              (reason): Effect.Effect<never, EventsConflict | CaseStore.MessageKeyTaken> => {
                if (reason.constraint !== messageKeyIndex) return Effect.fail(new EventsConflict())
                const keys = CaseStore.messageKeys(append.events)
                const messageKey = keys.length === 1 ? keys[0] : keys.join(", ")
                return Effect.fail(new CaseStore.MessageKeyTaken({ caseId: append.caseId, messageKey }))
              }
            )
          )
          if (locked.tracking_number !== c.trackingNumber) {
            return yield* Effect.die(
              new Error(
                `CaseStore.append: case.trackingNumber: a case keeps its tracking number "${locked.tracking_number}", got "${c.trackingNumber}"`
              )
            )
          }
          const { id: _, ...columns } = { ...caseColumns(c), data: JSON.stringify(c) }
          const search = SearchColumns.forAppend(c, append.events)
          const appended = (column: string, text: string) =>
            text === ""
              ? sql`${sql(column)} = ${sql(column)}`
              : sql`${sql(column)} = CASE WHEN ${sql(column)} = '' THEN ${text}
                                          ELSE ${sql(column)} || E'\n' || ${text} END`
          yield* sql`
            UPDATE support_cases SET ${sql.update(columns)}, search_people = ${search.people},
              ${appended("search_public", search.pub)}, ${appended("search_internal", search.internal)},
              search_grams = ARRAY(SELECT DISTINCT g FROM unnest(search_grams) AS g
                                   UNION SELECT jsonb_array_elements_text(${search.grams}::jsonb))
            WHERE id = ${c.id}`
          const before = Array.isArray(locked.parties) ? (locked.parties as ReadonlyArray<string>) : []
          const after = distinct(c.parties)
          const removed = before.filter((p) => !after.includes(p))
          if (removed.length > 0) {
            yield* sql`DELETE FROM support_case_parties WHERE case_id = ${c.id} AND ${sql.in("party_id", removed)}`
          }
          yield* insertParties(
            c,
            after.filter((p) => !before.includes(p))
          )
          yield* insertOutbox("append", append.outbox)
          const rows = yield* selectWithRecord(sql.and([sql`c.id = ${c.id}`]))
          return yield* corrupt(decodeWithRecord(rows[0]))
        })
      )
      .pipe(
        Effect.catchTag("EventsConflict", () =>
          currentSequence.pipe(
            Effect.flatMap(([row]) =>
              Effect.fail(
                new CaseStore.SequenceConflict({
                  caseId: append.caseId,
                  expected: append.expectedSequence,
                  actual: row?.sequence ?? -1
                })
              )
            )
          )
        ),
        Effect.catchTag("SqlError", unavailable("append")),
        SqlErrorText.recoverLostConnection(unavailable("append"))
      )
  })

  const listCases = (
    operation: string,
    page: CaseStore.Page,
    statement: Effect.Effect<ReadonlyArray<Rows.CaseRow>, SqlError.SqlError>
  ) =>
    CaseStore.validatePage(operation, page).pipe(
      Effect.andThen(statement),
      Effect.catchTag("SqlError", unavailable(operation)),
      Effect.flatMap((rows) => corrupt(Rows.all(rows, Rows.supportCase)))
    )

  /** A page of a console query: the statements of `CaseQuerySql.pages`, in order, until the page is full. */
  const find = (query: CaseQuery.Query) =>
    Effect.gen(function* () {
      yield* CaseStore.validateQuery("find", query)
      const found: Array<SupportCase.SupportCase> = []
      for (const page of CaseQuerySql.pages(sql, query)) {
        const left = query.limit - found.length
        if (left <= 0) break
        const rows = yield* sql<Rows.CaseRow>`
            SELECT id, sequence, data FROM support_cases WHERE ${sql.and(page.where)} ${page.orderBy} LIMIT ${left}`.pipe(
          Effect.catchTag("SqlError", unavailable("find"))
        )
        found.push(...(yield* corrupt(Rows.all(rows, Rows.supportCase))))
      }
      return found as ReadonlyArray<SupportCase.SupportCase>
    }).pipe(Effect.withSpan("PgCaseStore.find"))

  const count = (filter: CaseQuery.Filter, limit: number) =>
    CaseStore.validateQuery("count", { ...filter, limit }).pipe(
      Effect.andThen(
        sql<{ count: number }>`
          SELECT count(*)::integer AS count FROM (
            SELECT 1 FROM support_cases WHERE ${sql.and(CaseQuerySql.where(sql, filter))} LIMIT ${limit}) AS matching`
      ),
      Effect.map((rows) => rows[0]?.count ?? 0),
      Effect.catchTag("SqlError", unavailable("count")),
      Effect.withSpan("PgCaseStore.count")
    )

  const getMany = (caseIds: ReadonlyArray<string>) =>
    Effect.gen(function* () {
      if (caseIds.length === 0) return [] as ReadonlyArray<SupportCase.WithRecord>
      const rows = yield* selectWithRecord(sql.in("c.id", caseIds)).pipe(
        Effect.catchTag("SqlError", unavailable("getMany"))
      )
      const byId = new Map<string, SupportCase.WithRecord>()
      for (const row of rows) byId.set(row.id, yield* corrupt(decodeWithRecord(row)))
      return caseIds.flatMap((id) => {
        const found = byId.get(id)
        return found === undefined ? [] : [found]
      })
    }).pipe(Effect.withSpan("PgCaseStore.getMany"))

  return CaseStore.CaseStore.of({
    create,
    append,
    get: (caseId) => get(caseId).pipe(Effect.withSpan("PgCaseStore.get")),
    getByTrackingNumber: (trackingNumber) =>
      findOne("getByTrackingNumber", sql.and([sql`c.tracking_number = ${trackingNumber}`])).pipe(
        Effect.withSpan("PgCaseStore.getByTrackingNumber")
      ),
    listByRequester: (requesterId, page) =>
      listCases(
        "listByRequester",
        page,
        sql<Rows.CaseRow>`
            SELECT id, sequence, data FROM support_cases WHERE requester_id = ${requesterId}
            ORDER BY opened_at DESC, id DESC LIMIT ${page.limit} OFFSET ${page.offset ?? 0}`
      ).pipe(Effect.withSpan("PgCaseStore.listByRequester")),
    listByParty: (partyId, page) =>
      listCases(
        "listByParty",
        page,
        sql<Rows.CaseRow>`
            SELECT c.id, c.sequence, c.data FROM support_case_parties p JOIN support_cases c ON c.id = p.case_id
            WHERE p.party_id = ${partyId}
            ORDER BY p.opened_at DESC, p.case_id DESC LIMIT ${page.limit} OFFSET ${page.offset ?? 0}`
      ).pipe(Effect.withSpan("PgCaseStore.listByParty")),
    queue: (query) => {
      const where: Array<Statement.Fragment> = [sql`next_due_at IS NOT NULL`]
      if (query.dueBefore !== undefined) where.push(sql`next_due_at <= ${query.dueBefore}`)
      if (query.priorities !== undefined) where.push(sql.in("priority", query.priorities))
      if (query.categories !== undefined) where.push(sql.in("category", query.categories))
      if (query.assigneeId !== undefined) where.push(sql`assignee_id = ${query.assigneeId}`)
      if (query.after !== undefined) where.push(sql`(next_due_at, id) > (${query.after.nextDueAt}, ${query.after.id})`)
      return listCases(
        "queue",
        { limit: query.limit },
        sql<Rows.CaseRow>`
            SELECT id, sequence, data FROM support_cases WHERE ${sql.and(where)}
            ORDER BY next_due_at, id LIMIT ${query.limit}`
      ).pipe(Effect.withSpan("PgCaseStore.queue"))
    },
    listByStatus: (query) => {
      const where: Array<Statement.Fragment> = [sql.in("status", query.statuses)]
      if (query.updatedBefore !== undefined) where.push(sql`updated_at < ${query.updatedBefore}`)
      if (query.after !== undefined) where.push(sql`(updated_at, id) > (${query.after.updatedAt}, ${query.after.id})`)
      return CaseStore.validateStatusQuery(query).pipe(
        Effect.andThen(
          listCases(
            "listByStatus",
            { limit: query.limit },
            sql<Rows.CaseRow>`
            SELECT id, sequence, data FROM support_cases WHERE ${sql.and(where)}
            ORDER BY updated_at, id LIMIT ${query.limit}`
          )
        ),
        Effect.withSpan("PgCaseStore.listByStatus")
      )
    },
    countOpenedSince: (requesterId, since) =>
      sql<{ count: number }>`
          SELECT count(*)::integer AS count FROM support_cases
          WHERE requester_id = ${requesterId} AND opened_at >= ${since}`.pipe(
        Effect.map((rows) => rows[0]?.count ?? 0),
        Effect.catchTag("SqlError", unavailable("countOpenedSince")),
        Effect.withSpan("PgCaseStore.countOpenedSince")
      ),
    find,
    count,
    getMany
  })
})

/**
 * The case store on the `SqlClient` in context (tables from `PgMigrations`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<CaseStore.CaseStore, never, SqlClient.SqlClient> = Layer.effect(
  CaseStore.CaseStore,
  make
)
