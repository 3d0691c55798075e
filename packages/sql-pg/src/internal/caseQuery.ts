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
 * The cases whose text holds `term`: some row of `support_case_search` holds it (a word is never split between rows:
 * rows are whole writes' texts, and a word holds no line break). A word with Chinese, Japanese or Korean characters is
 * found through the rows' grams and only checked with LIKE: its trigrams may be none (the C locale skips such
 * characters), and a trigram index scan without trigrams reads the whole index; `column || ''` keeps the planner off
 * the trigram index for it.
 */
const containing = (sql: SqlClient.SqlClient, term: string, scope: CaseQuery.Scope): Statement.Fragment => {
  const pattern = likePattern(term)
  const grams = CaseQuery.termGrams(term)
  const column = (name: string) => sql.literal(grams.length > 0 ? `(s.${name} || '')` : `s.${name}`)
  const text =
    scope === "requester"
      ? sql`${column("public_text")} LIKE ${pattern}`
      : sql`(${column("public_text")} LIKE ${pattern} OR ${column("internal_text")} LIKE ${pattern})`
  const conditions =
    grams.length === 0
      ? [text]
      : [sql`s.grams @> ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(grams)}::jsonb))`, text]
  return sql`id IN (SELECT s.case_id FROM support_case_search s WHERE ${sql.and(conditions)})`
}

/** The conditions of a filter (words included), to be joined with AND. */
export const where = (sql: SqlClient.SqlClient, filter: CaseQuery.Filter): Array<Statement.Fragment> => {
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
  for (const term of filter.text?.terms ?? []) out.push(containing(sql, term, filter.text?.scope ?? "staff"))
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
  query: CaseQuery.Query
): ReadonlyArray<{ readonly where: ReadonlyArray<Statement.Fragment>; readonly orderBy: Statement.Fragment }> => {
  const base = where(sql, query)
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
