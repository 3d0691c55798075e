/**
 * The console's search text (decision 94): what `CaseQuery` words are found in, kept in `support_case_search` beside
 * the case row rather than in it. A row holds the text of the events one write appended (the first one also the
 * tracking number, order reference and subject) in two parts, what the requester reads and what only staff read, with
 * its Chinese, Japanese and Korean grams; row 0 holds the requester's name and email as the case holds them now
 * (staff-only). Rows are only ever added, except row 0 (rewritten when the name or email change: anonymisation) and
 * all of a case's rows (rewritten from the redacted record by erasure, {@link rebuild}). So a write indexes the text
 * it adds, never the case's whole text again, and the case row carries no text index at all.
 *
 * The text is computed by core (`CaseQuery.publicText`, `peopleText`, `internalText`, `grams`), so PostgreSQL never
 * decides what a word is. Also here: the plain columns of `support_cases` that a console query filters on.
 */
import { CaseQuery, type CaseEvent, type SupportCase } from "@support-policy/core"
import { Effect } from "effect"
import { SqlClient } from "effect/sql"
import * as Rows from "./rows.ts"

/** The plain columns a console query filters on. */
export const filterColumns = (c: SupportCase.SupportCase) => ({
  channel: c.channel,
  assignee_queue: c.assignee?.queue ?? null,
  account_manager_id: c.requester.accountManagerId ?? null
})

/** A row of `support_case_search`. */
export interface SearchRow {
  readonly case_id: string
  readonly sequence: number
  readonly public_text: string
  readonly internal_text: string
  readonly grams: ReadonlyArray<string>
}

/** The sequence of the row that holds the people part (events start at 1). */
const PEOPLE = 0

const peopleRow = (c: SupportCase.SupportCase): SearchRow => {
  const people = CaseQuery.peopleText(c)
  return { case_id: c.id, sequence: PEOPLE, public_text: "", internal_text: people, grams: CaseQuery.grams(people) }
}

/** The row of the text that `events` add (with the case's own text when `withCase`), or none when they add none. */
const textRow = (
  caseId: string,
  events: ReadonlyArray<CaseEvent.CaseEvent>,
  withCase?: SupportCase.SupportCase
): ReadonlyArray<SearchRow> => {
  if (events.length === 0 && withCase === undefined) return []
  const pub = CaseQuery.publicText(events, withCase)
  const internal = CaseQuery.internalText(events)
  if (pub === "" && internal === "") return []
  return [
    {
      case_id: caseId,
      sequence: events[0]?.sequence ?? 1,
      public_text: pub,
      internal_text: internal,
      grams: CaseQuery.grams(`${pub}\n${internal}`)
    }
  ]
}

/** The search rows of a new case: its opening text and its people row. */
export const forNewCase = (
  c: SupportCase.SupportCase,
  events: ReadonlyArray<CaseEvent.CaseEvent>
): ReadonlyArray<SearchRow> => [peopleRow(c), ...textRow(c.id, events, c)]

/**
 * What a write adds: a row for the new events' text, and the people row again when the requester's name or email
 * changed (an upsert).
 */
export const forAppend = (
  before: SupportCase.SupportCase,
  after: SupportCase.SupportCase,
  events: ReadonlyArray<CaseEvent.CaseEvent>
): ReadonlyArray<SearchRow> => [
  ...(CaseQuery.peopleText(before) === CaseQuery.peopleText(after) ? [] : [peopleRow(after)]),
  ...textRow(after.id, events)
]

/**
 * Rewrites the search rows (and the filter columns) of cases from their stored records: the migration that moved the
 * text into its own table, and erasure after it redacts a record. A batch of cases at a time.
 */
export const rebuild = (caseIds?: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    let after = ""
    for (;;) {
      const rows = yield* sql<{ id: string; data: unknown; events: unknown }>`
        SELECT c.id, c.data,
          (SELECT coalesce(jsonb_agg(e.data ORDER BY e.sequence), '[]'::jsonb)
             FROM support_case_events e WHERE e.case_id = c.id) AS events
        FROM support_cases c
        WHERE c.id > ${after} ${caseIds === undefined ? sql`` : sql`AND ${sql.in("c.id", caseIds)}`}
        ORDER BY c.id LIMIT 200`
      if (rows.length === 0) return
      for (const row of rows) {
        const c = Rows.json(row.data) as SupportCase.SupportCase
        const events = Rows.json(row.events) as ReadonlyArray<CaseEvent.CaseEvent>
        yield* sql`UPDATE support_cases SET ${sql.update(filterColumns(c))} WHERE id = ${row.id}`
        yield* sql`DELETE FROM support_case_search WHERE case_id = ${row.id}`
        yield* insert(sql, forNewCase(c, events))
      }
      after = rows[rows.length - 1].id
    }
  })

/** Inserts search rows (row 0 replaces the one there). */
const insert = (sql: SqlClient.SqlClient, rows: ReadonlyArray<SearchRow>) =>
  rows.length === 0
    ? Effect.void
    : sql`
        INSERT INTO support_case_search (case_id, sequence, public_text, internal_text, grams)
        SELECT r.case_id, r.sequence, r.public_text, r.internal_text, r.grams
        FROM jsonb_populate_recordset(NULL::support_case_search, ${JSON.stringify(rows)}::jsonb) AS r
        ON CONFLICT (case_id, sequence) DO UPDATE
          SET public_text = EXCLUDED.public_text, internal_text = EXCLUDED.internal_text, grams = EXCLUDED.grams`.pipe(
        Effect.asVoid
      )

/** The migration's fill of the cases stored before it. */
export const backfill = rebuild()
