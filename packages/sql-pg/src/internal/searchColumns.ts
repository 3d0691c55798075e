/**
 * The console's columns of `support_cases` (decision 80): what `CaseQuery` filters on besides the original columns
 * (channel, queue, account manager), and a case's searchable text in three parts with its Chinese, Japanese and
 * Korean grams. Computed by core (`CaseQuery.publicText`, `peopleText`, `internalText`, `grams`), so PostgreSQL never
 * decides what a word is: a new case writes all of it, an append adds its events' text and rewrites the people part
 * (anonymisation removes the requester's name and email from the case, so from its text too).
 *
 * Erasure of personal data must rewrite these columns from the redacted record: {@link rebuild} does.
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

/** The search columns of a new case. */
export const forNewCase = (c: SupportCase.SupportCase, events: ReadonlyArray<CaseEvent.CaseEvent>) => {
  const pub = CaseQuery.publicText(events, c)
  const people = CaseQuery.peopleText(c)
  const internal = CaseQuery.internalText(events)
  return {
    search_public: pub,
    search_people: people,
    search_internal: internal,
    search_grams: CaseQuery.grams([pub, people, internal].join("\n"))
  }
}

/** What an append adds to the search columns: text of the new events, the people part as it is now, new grams. */
export const forAppend = (c: SupportCase.SupportCase, events: ReadonlyArray<CaseEvent.CaseEvent>) => {
  const pub = CaseQuery.publicText(events)
  const people = CaseQuery.peopleText(c)
  const internal = CaseQuery.internalText(events)
  const gramList = CaseQuery.grams([pub, people, internal].join("\n"))
  return { pub, people, internal, grams: JSON.stringify(gramList), gramList }
}

/**
 * Rewrites the search columns of cases from their stored records (the migration that added them; erasure after it
 * redacts a record). Reads and writes a batch of cases at a time.
 */
export const rebuild = (caseIds?: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    let after = ""
    for (;;) {
      const rows = yield* sql<{ id: string; sequence: number; data: unknown; events: unknown }>`
        SELECT c.id, c.sequence, c.data,
          (SELECT coalesce(jsonb_agg(e.data ORDER BY e.sequence), '[]'::jsonb)
             FROM support_case_events e WHERE e.case_id = c.id) AS events
        FROM support_cases c
        WHERE c.id > ${after} ${caseIds === undefined ? sql`` : sql`AND ${sql.in("c.id", caseIds)}`}
        ORDER BY c.id LIMIT 200`
      if (rows.length === 0) return
      for (const row of rows) {
        const c = Rows.json(row.data) as SupportCase.SupportCase
        const events = Rows.json(row.events) as ReadonlyArray<CaseEvent.CaseEvent>
        const search = forNewCase(c, events)
        yield* sql`
          UPDATE support_cases SET ${sql.update({
            ...filterColumns(c),
            search_public: search.search_public,
            search_people: search.search_people,
            search_internal: search.search_internal
          })},
            search_grams = ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(search.search_grams)}::jsonb))
          WHERE id = ${row.id}`
      }
      after = rows[rows.length - 1].id
    }
  })

/** The migration's fill of the cases stored before it. */
export const backfill = rebuild()
