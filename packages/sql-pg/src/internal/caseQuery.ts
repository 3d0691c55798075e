/**
 * `CaseQuery` in SQL: the WHERE fragments of its filters and words, and its orders with keyset paging, for
 * `PgCaseStore.find` and `count`. Each word is a `LIKE '%word%'` on the normalized text of `support_case_search`,
 * served by its trigram indexes, and, when it has Chinese, Japanese or Korean characters, a containment test on its
 * grams (trigram indexes cannot find one- or two-character words, and under the C locale they skip such characters).
 */
import { CaseQuery } from "@support-policy/core"
import type { SqlClient, Statement } from "effect/sql"

const likePattern = (term: string): string => `%${term.replace(/[\\%_]/g, "\\$&")}%`

/**
 * The conditions on a row of `support_case_search` that holds `term` (a word is never split between rows: rows are
 * whole writes' texts, and a word holds no line break). A word with Chinese, Japanese or Korean characters is found
 * through the rows' grams: a word of one or two such characters by its grams alone (they tell exactly, see
 * `CaseQuery.gramsSuffice`), a longer one checked with LIKE as well, where `column || ''` keeps the planner off the
 * trigram indexes (the C locale skips such characters, and a trigram index scan without trigrams reads the whole
 * index). The grams are one array that PostgreSQL reads when it plans a statement sent with its values
 * (`string_to_array` of a parameter is folded to a constant), so that its statistics of the grams weigh how common
 * the word is.
 */
const holding = (sql: SqlClient.SqlClient, term: string, scope: CaseQuery.Scope): Array<Statement.Fragment> => {
  const pattern = likePattern(term)
  const grams = CaseQuery.termGrams(term)
  const column = (name: string) => sql.literal(grams.length > 0 ? `(s.${name} || '')` : `s.${name}`)
  const text =
    scope === "requester"
      ? sql`${column("public_text")} LIKE ${pattern}`
      : sql`(${column("public_text")} LIKE ${pattern} OR ${column("internal_text")} LIKE ${pattern})`
  if (grams.length === 0) return [text]
  // grams hold no spaces: they are runs of those scripts' characters
  const holdsGrams = sql`s.grams @> string_to_array(${grams.join(" ")}, ' ')`
  // a row's grams are of both its texts: a requester's word must be in the public one
  return scope === "staff" && CaseQuery.gramsSuffice(term) ? [holdsGrams] : [holdsGrams, text]
}

/** The cases whose text holds `term`: found through the rows that hold it. */
const containing = (sql: SqlClient.SqlClient, term: string, scope: CaseQuery.Scope): Statement.Fragment =>
  sql`id IN (SELECT s.case_id FROM support_case_search s WHERE ${sql.and(holding(sql, term, scope))})`

/**
 * The cases whose text holds a common `term`, tested case by case (`OFFSET 0` keeps the planner from joining the rows
 * that hold it), so that a page in the cases' order walks them in that order and stops when it is full.
 */
const testedEach = (sql: SqlClient.SqlClient, term: string, scope: CaseQuery.Scope): Statement.Fragment =>
  sql`EXISTS (SELECT 1 FROM support_case_search s
              WHERE s.case_id = support_cases.id AND ${sql.and(holding(sql, term, scope))} OFFSET 0)`

/** How many rows may hold a word of Chinese, Japanese or Korean characters for it to be rare (see {@link census}). */
export const RARE_ROWS = 2_000

/** How many cases hold a word of Chinese, Japanese or Korean characters: these few, or many. */
export interface Census {
  readonly term: string
  readonly caseIds: ReadonlyArray<string> | "many"
}

/** Whether the count found no case that holds the word: the page is empty, and the count 0. */
export const noCase = (counted: Census | undefined): boolean =>
  counted !== undefined && counted.caseIds !== "many" && counted.caseIds.length === 0

/**
 * The statement that counts the cases of the filter's first word of Chinese, Japanese or Korean characters: up to
 * `rareRows` + 1 rows that hold it, through the grams' index. The planner weighs such a word by its
 * statistics, which cannot tell a rare word from one that no case holds, nor a common phrase of three characters
 * from its pairs. So a page is read among the cases of a rare word (their ids), and through the cases in the page's
 * order, each tested, for a common one, where the walk stops when the page is full. What it counts are rows: a word
 * that one long case holds in more than `rareRows` of its rows counts as common.
 */
export const census = (
  sql: SqlClient.SqlClient,
  filter: CaseQuery.Filter,
  rareRows: number = RARE_ROWS
): { readonly term: string; readonly rows: Statement.Statement<{ readonly case_id: string }> } | undefined => {
  const term = filter.text?.terms.find((t) => CaseQuery.termGrams(t).length > 0)
  if (term === undefined) return undefined
  return {
    term,
    rows: sql<{ readonly case_id: string }>`
      SELECT s.case_id FROM support_case_search s
      WHERE ${sql.and(holding(sql, term, filter.text?.scope ?? "staff"))} LIMIT ${rareRows + 1}`
  }
}

/**
 * Whether a filter has words: its statements are then sent with their values to be planned (`unprepared`), since
 * how common a word is decides the plan.
 */
export const hasWords = (filter: CaseQuery.Filter): boolean => (filter.text?.terms.length ?? 0) > 0

/** The conditions of a filter (words included), to be joined with AND. */
export const where = (
  sql: SqlClient.SqlClient,
  filter: CaseQuery.Filter,
  counted?: Census
): Array<Statement.Fragment> => {
  const out: Array<Statement.Fragment> = []
  if (filter.statuses !== undefined) out.push(sql.in("status", filter.statuses))
  if (filter.assignee === null) out.push(sql`assignee_id IS NULL`)
  else if (filter.assignee !== undefined) out.push(sql`assignee_id = ${filter.assignee}`)
  if (filter.queues !== undefined) out.push(sql.in("assignee_queue", filter.queues))
  if (filter.priorities !== undefined) out.push(sql.in("priority", filter.priorities))
  if (filter.categories !== undefined) out.push(sql.in("category", filter.categories))
  if (filter.channels !== undefined) out.push(sql.in("channel", filter.channels))
  if (filter.partyId !== undefined) {
    out.push(sql`id IN (SELECT case_id FROM support_case_parties WHERE party_id = ${filter.partyId})`)
  }
  if (filter.accountManagerId !== undefined) {
    out.push(
      sql`(account_manager_id = ${filter.accountManagerId} OR (assignee_id = ${filter.accountManagerId} AND data->'assignee'->>'role' = 'accountManager'))`
    )
  }
  if (filter.openedBefore !== undefined) out.push(sql`opened_at < ${filter.openedBefore}`)
  if (filter.updatedSince !== undefined) out.push(sql`updated_at >= ${filter.updatedSince}`)
  for (const term of filter.text?.terms ?? []) {
    out.push(
      counted?.term !== term
        ? containing(sql, term, filter.text?.scope ?? "staff")
        : counted.caseIds === "many"
          ? testedEach(sql, term, filter.text?.scope ?? "staff")
          : sql.in("id", counted.caseIds)
    )
  }
  return out
}

const keyColumn = (sort: CaseQuery.Sort) =>
  sort === "due" ? "next_due_at" : sort === "updated" ? "updated_at" : "opened_at"

/**
 * The statements of a page, in order: one when the sort key is never null; for the `due` order, the cases with a
 * next due instant, then those without (null keys come last), each a plain index range after the cursor.
 */
export const pages = (
  sql: SqlClient.SqlClient,
  query: CaseQuery.Query,
  counted?: Census
): ReadonlyArray<{ readonly where: ReadonlyArray<Statement.Fragment>; readonly orderBy: Statement.Fragment }> => {
  const base = where(sql, query, counted)
  const column = sql(keyColumn(query.sort))
  const asc = query.order === "asc"
  const byKey = asc ? sql`ORDER BY ${column} ASC, id ASC` : sql`ORDER BY ${column} DESC, id DESC`
  const byId = asc ? sql`ORDER BY id ASC` : sql`ORDER BY id DESC`
  const after = query.after
  const keyed = (): Array<Statement.Fragment> =>
    after === undefined || after.key === null
      ? []
      : [asc ? sql`(${column}, id) > (${after.key}, ${after.id})` : sql`(${column}, id) < (${after.key}, ${after.id})`]
  if (query.sort !== "due") return [{ where: [...base, ...keyed()], orderBy: byKey }]
  const nulls = {
    where: [
      ...base,
      sql`next_due_at IS NULL`,
      ...(after?.key === null ? [asc ? sql`id > ${after.id}` : sql`id < ${after.id}`] : [])
    ],
    orderBy: byId
  }
  if (after?.key === null) return [nulls]
  return [{ where: [...base, sql`next_due_at IS NOT NULL`, ...keyed()], orderBy: byKey }, nulls]
}
