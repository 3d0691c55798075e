/**
 * The reads of `PgCaseStore`: a case with its facts and clock record (one statement, one snapshot; the clock record
 * from this store's cache and the rows after it, decisions 93 and 95), pages of its record, and the lists and console
 * queries over cases.
 */
// biome-ignore lint/correctness/noUnusedImports: the declaration of `make` names `CaseEvent.Record` through it
import { type CaseEvent, type CaseQuery, CaseStore, type SupportCase } from "@support-policy/core"
import { Effect, Option, Result } from "effect"
import type { SqlClient, SqlError, Statement } from "effect/sql"
import * as CaseQuerySql from "./caseQuery.ts"
import { corrupt, storeFailure } from "./caseStoreFailure.ts"
import * as Rows from "./rows.ts"

/**
 * The reads of a store on `sql`. `rareRows`: how many rows may hold a word of Chinese, Japanese or Korean characters
 * for it to be rare (`CaseQuerySql.census`; tests lower it to read a small table as a large one).
 */
export const make = (sql: SqlClient.SqlClient, options?: { readonly rareRows?: number }) => {
  const rareRows = options?.rareRows ?? CaseQuerySql.RARE_ROWS
  /** The clock records this store read, so a read asks only for the clock events written since (`Rows.ClockCache`). */
  const clockCache = Rows.clockCache()

  /**
   * The conditions of a page of a case's record (`e`: `support_case_events`), the case named by `caseId` (a parameter,
   * or the case row's column). The audiences are literals, so the planner matches the partial indexes of the
   * requester's and the parties' pages.
   */
  const pageWhere = (caseId: Statement.Fragment, query: CaseStore.EventQuery) => {
    const where: Array<Statement.Fragment> = [sql`e.case_id = ${caseId}`]
    if (query.before !== undefined) where.push(sql`e.sequence < ${query.before}`)
    if (query.from !== undefined) where.push(sql`e.sequence >= ${query.from}`)
    if (query.readers === "requester") where.push(sql.literal("e.readers >= 1"))
    if (query.readers === "parties") where.push(sql.literal("e.readers = 2"))
    return sql.and(where)
  }

  /** A page of the case row's record as one JSON text, newest first, as a column of `selectStored`. */
  const pageColumn = (query: CaseStore.EventQuery) => sql`
          (SELECT '[' || coalesce(string_agg('{"sequence":' || p.sequence || ',"data":' || p.data::text || '}', ','
                                             ORDER BY p.sequence DESC), '') || ']'
             FROM (SELECT e.sequence, e.data FROM support_case_events e
                   WHERE ${pageWhere(sql.literal("c.id"), query)} AND e.sequence <= c.sequence
                   ORDER BY e.sequence DESC LIMIT ${query.limit}) p) AS page,`

  /**
   * A case, its facts and its clock record (with `page`, that page of its record too), in one statement (one
   * snapshot); `FOR UPDATE` locks the case row. The clock record arrives as one JSON text
   * (`[{"sequence":…,"data":…}, …]`) joined from each row's document text (decision 93), and only from the row after
   * `known.after` when this store has the record up to there (decision 95), with what tells whether it still has it:
   * the `xmin` of the record's first row and the last row up to there.
   */
  const selectStored = (
    where: Statement.Fragment,
    forUpdate: boolean,
    known?: Rows.ClockKnown,
    page?: CaseStore.EventQuery
  ) =>
    sql<Rows.StoredRow>`
        SELECT c.id, c.sequence, c.data, c.facts, a.after AS clock_after, ${page === undefined ? sql.literal("") : pageColumn(page)}
          (SELECT '[' || coalesce(string_agg('{"sequence":' || k.sequence || ',"data":' || k.data::text || '}', ','
                                             ORDER BY k.sequence), '') || ']'
             FROM support_case_clock_events k WHERE k.case_id = c.id AND k.sequence > a.after) AS clock,
          (SELECT k.xmin::text FROM support_case_clock_events k WHERE k.case_id = c.id
             ORDER BY k.sequence LIMIT 1) AS clock_origin,
          (SELECT k.sequence FROM support_case_clock_events k WHERE k.case_id = c.id AND k.sequence <= a.after
             ORDER BY k.sequence DESC LIMIT 1) AS clock_last
        FROM support_cases c,
             LATERAL (SELECT CASE WHEN c.id = ${known?.caseId ?? ""} THEN ${known?.after ?? 0}::integer ELSE 0 END
                      AS after) a
        WHERE ${where} ${forUpdate ? sql.literal("FOR UPDATE OF c") : sql.literal("")}`

  /**
   * The case a `where` finds, decoded with its clock record (and with `page`, that page of its record): from the cache
   * and the rows after it when the cache has the record, read again whole when the cache turns out stale.
   */
  const readStored = <S extends CaseStore.Stored>(
    where: Statement.Fragment,
    forUpdate: boolean,
    key: { readonly id: string } | { readonly trackingNumber: string },
    decode: (row: Rows.StoredRow, cache: Rows.ClockCache) => Result.Result<S, string | typeof Rows.STALE>,
    page?: CaseStore.EventQuery
  ) =>
    Effect.gen(function* () {
      const known = Rows.clockKnown(clockCache, key)
      let rows = yield* selectStored(where, forUpdate, known, page)
      if (rows.length === 0) return Option.none<S>()
      let decoded = decode(rows[0], clockCache)
      if (Result.isFailure(decoded) && decoded.failure === Rows.STALE) {
        rows = yield* selectStored(where, forUpdate, undefined, page)
        if (rows.length === 0) return Option.none<S>()
        decoded = decode(rows[0], clockCache)
      }
      return Option.some(yield* corrupt(decoded as Rows.Decoded<S>))
    })

  const findOne = (
    operation: string,
    where: Statement.Fragment,
    key: { readonly id: string } | { readonly trackingNumber: string }
  ) => readStored(where, false, key, Rows.stored).pipe(Effect.catchTag("SqlError", storeFailure(operation)))

  const get = (caseId: string) =>
    findOne("get", sql.and([sql`c.id = ${caseId}`]), { id: caseId }).pipe(Effect.withSpan("PgCaseStore.get"))

  const getByTrackingNumber = (trackingNumber: string) =>
    findOne("getByTrackingNumber", sql.and([sql`c.tracking_number = ${trackingNumber}`]), { trackingNumber }).pipe(
      Effect.withSpan("PgCaseStore.getByTrackingNumber")
    )

  const getWithPage = (trackingNumber: string, query: CaseStore.EventQuery) =>
    CaseStore.validateEventQuery(query).pipe(
      Effect.andThen(() =>
        readStored(
          sql.and([sql`c.tracking_number = ${trackingNumber}`]),
          false,
          { trackingNumber },
          Rows.storedPage,
          query
        )
      ),
      Effect.catchTag("SqlError", storeFailure("getWithPage")),
      Effect.withSpan("PgCaseStore.getWithPage")
    )

  const events = (caseId: string, query: CaseStore.EventQuery) =>
    CaseStore.validateEventQuery(query).pipe(
      Effect.andThen(
        () => sql<Rows.EventRow>`
            SELECT e.sequence, e.data FROM support_case_events e WHERE ${pageWhere(sql`${caseId}`, query)}
            ORDER BY e.sequence DESC LIMIT ${query.limit}`
      ),
      Effect.catchTag("SqlError", storeFailure("events")),
      Effect.flatMap((rows) => corrupt(Rows.page(caseId, rows))),
      Effect.withSpan("PgCaseStore.events")
    )

  const listCases = (
    operation: string,
    page: { readonly limit: number; readonly offset?: number | undefined },
    statement: Effect.Effect<ReadonlyArray<Rows.CaseRow>, SqlError.SqlError>
  ) =>
    CaseStore.validatePage(operation, page).pipe(
      Effect.andThen(statement),
      Effect.catchTag("SqlError", storeFailure(operation)),
      Effect.flatMap((rows) => corrupt(Rows.all(rows, Rows.supportCase))),
      Effect.withSpan(`PgCaseStore.${operation}`)
    )

  const queue = (query: CaseStore.QueueQuery) => {
    const where: Array<Statement.Fragment> = [sql`next_due_at IS NOT NULL`]
    if (query.dueBefore !== undefined) where.push(sql`next_due_at <= ${query.dueBefore}`)
    if (query.priorities !== undefined) where.push(sql.in("priority", query.priorities))
    if (query.categories !== undefined) where.push(sql.in("category", query.categories))
    if (query.assigneeId !== undefined) where.push(sql`assignee_id = ${query.assigneeId}`)
    if (query.after !== undefined) where.push(sql`(next_due_at, id) > (${query.after.nextDueAt}, ${query.after.id})`)
    return listCases(
      "queue",
      { limit: query.limit, offset: query.offset },
      sql<Rows.CaseRow>`
          SELECT id, sequence, data FROM support_cases WHERE ${sql.and(where)}
          ORDER BY next_due_at, id LIMIT ${query.limit} OFFSET ${query.offset ?? 0}`
    )
  }

  const listByStatus = (query: CaseStore.StatusQuery) => {
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
      )
    )
  }

  /** How many cases hold the filter's first word of Chinese, Japanese or Korean characters (`CaseQuerySql.census`). */
  const census = (filter: CaseQuery.Filter) =>
    Effect.gen(function* () {
      const probe = CaseQuerySql.census(sql, filter, rareRows)
      if (probe === undefined) return undefined
      const rows = yield* probe.rows.unprepared
      return {
        term: probe.term,
        caseIds: rows.length > rareRows ? "many" : [...new Set(rows.map((r) => r.case_id))]
      } satisfies CaseQuerySql.Census
    })

  /**
   * A page of a console query: the statements of `CaseQuerySql.pages`, in order, until the page is full; with the
   * census of its word of Chinese, Japanese or Korean characters when it has one.
   */
  const find = (query: CaseQuery.Query) =>
    Effect.gen(function* () {
      yield* CaseStore.validateQuery("find", query)
      const counted = yield* census(query).pipe(Effect.catchTag("SqlError", storeFailure("find")))
      const found: Array<SupportCase.SupportCase> = []
      if (CaseQuerySql.noCase(counted)) return found as ReadonlyArray<SupportCase.SupportCase>
      for (const page of CaseQuerySql.pages(sql, query, counted)) {
        const left = query.limit - found.length
        if (left <= 0) break
        const statement = sql<Rows.CaseRow>`
            SELECT id, sequence, data FROM support_cases WHERE ${sql.and(page.where)} ${page.orderBy} LIMIT ${left}`
        const rows = yield* (CaseQuerySql.hasWords(query) ? statement.unprepared : statement).pipe(
          Effect.catchTag("SqlError", storeFailure("find"))
        )
        found.push(...(yield* corrupt(Rows.all(rows, Rows.supportCase))))
      }
      return found as ReadonlyArray<SupportCase.SupportCase>
    }).pipe(Effect.withSpan("PgCaseStore.find"))

  const count = (filter: CaseQuery.Filter, limit: number) =>
    CaseStore.validateQuery("count", { ...filter, limit }).pipe(
      Effect.andThen(() => census(filter)),
      Effect.flatMap((counted) => {
        if (CaseQuerySql.noCase(counted)) return Effect.succeed([{ count: 0 }])
        const statement = sql<{ count: number }>`
          SELECT count(*)::integer AS count FROM (
            SELECT 1 FROM support_cases WHERE ${sql.and(CaseQuerySql.where(sql, filter, counted))} LIMIT ${limit})
          AS matching`
        return CaseQuerySql.hasWords(filter) ? statement.unprepared : statement
      }),
      Effect.map((rows) => rows[0]?.count ?? 0),
      Effect.catchTag("SqlError", storeFailure("count")),
      Effect.withSpan("PgCaseStore.count")
    )

  /** Cases with their whole records (reports): each record read in one statement with its case. */
  const getMany = (caseIds: ReadonlyArray<string>) =>
    Effect.gen(function* () {
      if (caseIds.length === 0) return [] as ReadonlyArray<SupportCase.WithRecord>
      const rows = yield* sql<Rows.CaseRow & { readonly events: unknown }>`
          SELECT c.id, c.sequence, c.data,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('sequence', e.sequence, 'data', e.data)
                                       ORDER BY e.sequence), '[]'::jsonb)
               FROM support_case_events e WHERE e.case_id = c.id) AS events
          FROM support_cases c WHERE ${sql.in("c.id", caseIds)}`.pipe(
        Effect.catchTag("SqlError", storeFailure("getMany"))
      )
      const byId = new Map<string, SupportCase.WithRecord>()
      for (const row of rows) byId.set(row.id, yield* corrupt(Rows.withRecord(row)))
      return caseIds.flatMap((id) => {
        const found = byId.get(id)
        return found === undefined ? [] : [found]
      })
    }).pipe(Effect.withSpan("PgCaseStore.getMany"))

  return {
    readStored,
    find,
    count,
    getMany,
    get,
    getByTrackingNumber,
    getWithPage,
    events,
    listByRequester: (requesterId: string, page: CaseStore.Page) =>
      listCases(
        "listByRequester",
        page,
        sql<Rows.CaseRow>`
            SELECT id, sequence, data FROM support_cases WHERE requester_id = ${requesterId}
            ORDER BY opened_at DESC, id DESC LIMIT ${page.limit} OFFSET ${page.offset ?? 0}`
      ),
    listByParty: (partyId: string, page: CaseStore.Page) =>
      listCases(
        "listByParty",
        page,
        sql<Rows.CaseRow>`
            SELECT c.id, c.sequence, c.data FROM support_case_parties p JOIN support_cases c ON c.id = p.case_id
            WHERE p.party_id = ${partyId}
            ORDER BY p.opened_at DESC, p.case_id DESC LIMIT ${page.limit} OFFSET ${page.offset ?? 0}`
      ),
    queue,
    listByStatus,
    countOpenedSince: (requesterId: string, since: number) =>
      sql<{ count: number }>`
          SELECT count(*)::integer AS count FROM support_cases
          WHERE requester_id = ${requesterId} AND opened_at >= ${since}`.pipe(
        Effect.map((rows) => rows[0]?.count ?? 0),
        Effect.catchTag("SqlError", storeFailure("countOpenedSince")),
        Effect.withSpan("PgCaseStore.countOpenedSince")
      )
  }
}

/** The reads of a store. */
export type Reads = ReturnType<typeof make>
