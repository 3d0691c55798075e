/**
 * Many open cases at once, straight into the tables with `generate_series`, for the alerts bench and the
 * multi-process worker test: each a copy of one case the desk wrote (its document, facts, record and clock record),
 * with the id, tracking number, requester and instants replaced, so the watcher reads valid cases.
 *
 * The policy must have a 24/7 calendar (a case's due instant is its opening plus the target) and route the template's
 * request to the agents' pool. Case `g` is `bench-<g>` (tracking number `BT-<g>`, requester `r-<g>`).
 */
import { CaseEvent, CaseStore, SupportDesk } from "@support-policy/core"
import { Clock, Effect } from "effect"
import { SqlClient, type Statement } from "effect/sql"

/** A clock stopped at `at`: the desk writes the template case as of then. */
export const clockAt = (at: number): Clock.Clock => {
  const live = Clock.Clock.defaultValue()
  return {
    currentTimeMillisUnsafe: () => at,
    currentTimeMillis: Effect.succeed(at),
    currentTimeNanosUnsafe: () => BigInt(at) * 1_000_000n,
    currentTimeNanos: Effect.succeed(BigInt(at) * 1_000_000n),
    monotonicTimeNanosUnsafe: () => live.monotonicTimeNanosUnsafe(),
    monotonicTimeNanos: live.monotonicTimeNanos,
    sleep: (duration) => live.sleep(duration)
  }
}

/** One row of a record or clock record, as a document with placeholders. */
interface EventDoc {
  readonly sequence: number
  readonly type: string
  readonly readers: number
  readonly doc: string
}

/** The documents of a case the desk wrote, with placeholders for what differs per copy. */
export interface Template {
  readonly caseDoc: string
  readonly factsDoc: string
  readonly events: ReadonlyArray<EventDoc>
  readonly clockEvents: ReadonlyArray<EventDoc>
}

/**
 * Submits one case through the desk (as of an hour ago), keeps its documents with placeholders, and deletes it again.
 */
export const template = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const desk = yield* SupportDesk.SupportDesk
  const store = yield* CaseStore.CaseStore
  const opened = Date.now() - 3_600_000
  const submitted = yield* desk
    .submit({
      requester: { id: "template-requester", audience: "buyer" },
      channel: "email",
      category: "consultation",
      subject: "Where is my order?",
      description: "My order PO-1234 has not arrived.",
      language: "en"
    })
    .pipe(Effect.provideService(Clock.Clock, clockAt(opened)))
  const found = yield* store.get(submitted.view.case.id)
  if (found._tag === "None") return yield* Effect.die(new Error("the template case was not stored"))
  const stored = found.value
  const id = stored.case.id
  const record = yield* store.events(id, { limit: 100 })
  // under the case's row lock, with its alerts: a worker running meanwhile cannot write into it half-deleted
  yield* sql.withTransaction(
    Effect.gen(function* () {
      yield* sql`SELECT id FROM support_cases WHERE id = ${id} FOR UPDATE`
      yield* sql`DELETE FROM support_alert_schedule WHERE case_id = ${id}`
      yield* sql`DELETE FROM support_alert_recipients WHERE case_id = ${id}`
      yield* sql`DELETE FROM support_alerts WHERE case_id = ${id}`
      yield* sql`DELETE FROM support_outbox WHERE case_id = ${id}`
      yield* sql`DELETE FROM support_case_clock_events WHERE case_id = ${id}`
      yield* sql`DELETE FROM support_case_events WHERE case_id = ${id}`
      yield* sql`DELETE FROM support_case_search WHERE case_id = ${id}`
      yield* sql`DELETE FROM support_case_parties WHERE case_id = ${id}`
      yield* sql`DELETE FROM support_idempotency_keys WHERE case_id = ${id}`
      yield* sql`DELETE FROM support_cases WHERE id = ${id}`
    })
  )
  const placeholders = (text: string) =>
    text
      .replaceAll(id, "@ID@")
      .replaceAll(stored.case.trackingNumber, "@TN@")
      .replaceAll("template-requester", "@REQ@")
      .replaceAll(`"nextDueAt":${stored.case.nextDueAt}`, `"nextDueAt":"@DUE@"`)
      .replaceAll(`:${opened}`, `:"@AT@"`)
  const docOf = (e: CaseEvent.CaseEvent): EventDoc => ({
    sequence: e.sequence,
    type: e.type,
    readers: CaseEvent.readersRank(CaseEvent.readersOf(e)),
    doc: placeholders(JSON.stringify(e))
  })
  if (record.length !== stored.case.sequence || stored.clockRecord.length === 0) {
    return yield* Effect.die(new Error("the template's record is not complete"))
  }
  return {
    caseDoc: placeholders(JSON.stringify(stored.case)),
    factsDoc: placeholders(JSON.stringify(stored.facts)),
    events: record.map(docOf),
    clockEvents: stored.clockRecord.map(docOf)
  } satisfies Template
})

/**
 * Inserts cases `from` … `to - 1`: case `g` opened at `opened` (an SQL expression of `g`), due `targetMs` later, its
 * next alert instant `alertAfterMs` after it opened.
 */
export const insert = (
  docs: Template,
  options: {
    readonly from: number
    readonly to: number
    readonly opened: Statement.Fragment
    readonly targetMs: number
    readonly alertAfterMs: number
  }
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const fill = (doc: string) => sql`
      replace(replace(replace(replace(replace(${doc}::text, '@ID@', 'bench-' || g), '@TN@', 'BT-' || g),
        '@REQ@', 'r-' || g), '"@DUE@"', (opened + ${options.targetMs})::text), '"@AT@"', opened::text)::jsonb`
    const series = sql`
      generate_series(${options.from}::integer, ${options.to - 1}::integer) AS g,
      LATERAL (SELECT (${options.opened})::bigint AS opened) d`
    yield* sql`
      INSERT INTO support_cases (id, tracking_number, requester_id, status, priority, category, assignee_id,
                                 opened_at, updated_at, sequence, next_due_at, data, facts)
      SELECT 'bench-' || g, 'BT-' || g, 'r-' || g, 'open', 'normal', 'consultation', NULL, opened, opened,
             ${docs.events.length}, opened + ${options.targetMs}, ${fill(docs.caseDoc)}, ${fill(docs.factsDoc)}
      FROM ${series}`
    yield* sql`
      INSERT INTO support_alert_schedule (case_id, alert_at)
      SELECT 'bench-' || g, opened + ${options.alertAfterMs} FROM ${series}`
    for (const e of docs.events) {
      yield* sql`
        INSERT INTO support_case_events (case_id, sequence, type, at, readers, data)
        SELECT 'bench-' || g, ${e.sequence}, ${e.type}, opened, ${e.readers}, ${fill(e.doc)} FROM ${series}`
    }
    for (const e of docs.clockEvents) {
      yield* sql`
        INSERT INTO support_case_clock_events (case_id, sequence, data)
        SELECT 'bench-' || g, ${e.sequence}, ${fill(e.doc)} FROM ${series}`
    }
  })
