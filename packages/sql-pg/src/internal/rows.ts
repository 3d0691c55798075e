/**
 * Decoding of stored rows with the core schemas. Every document column (`data`, jsonb) is decoded with the schema of
 * what it holds, and checked against the key columns beside it, so a row that was tampered with or damaged surfaces
 * as an error naming the row, never as a wrong case.
 */
import {
  CaseEvent,
  CaseLifecycle,
  type CaseStore,
  Erasure,
  Incident,
  Outbox,
  SlaAlert,
  SupportCase
} from "@support-policy/core"
import { Result, Schema } from "effect"

/** A problem with a stored row, as text for a `Corrupt` failure. */
export type Decoded<A> = Result.Result<A, string>

const decodeSupportCase = Schema.decodeUnknownResult(SupportCase.SupportCase)
const decodeFacts = Schema.decodeUnknownResult(CaseLifecycle.Facts)
const decodeEvent = Schema.decodeUnknownResult(CaseEvent.CaseEvent)
const decodeMessage = Schema.decodeUnknownResult(Outbox.Message)
const decodeIncident = Schema.decodeUnknownResult(Incident.Incident)
const decodeAnnouncement = Schema.decodeUnknownResult(Incident.Announcement)
const decodeTally = Schema.decodeUnknownResult(Erasure.Tally)
const decodeAlert = Schema.decodeUnknownResult(SlaAlert.SlaAlert)

/** PostgreSQL's `bigint` arrives as a `bigint` from `@effect/sql-pg` and as a `number` from PGlite. */
export const toNumber = (value: unknown): number | undefined => {
  if (typeof value === "number") return value
  if (typeof value === "bigint") {
    const n = Number(value)
    return Number.isSafeInteger(n) ? n : undefined
  }
  return undefined
}

/** JSON documents arrive parsed; tolerate a driver that hands over the text. */
export const json = (value: unknown): unknown => {
  if (typeof value !== "string") return value
  return Result.try({ try: () => JSON.parse(value) as unknown, catch: () => value }).pipe(Result.merge)
}

/** Row of `support_cases` as selected by the stores. */
export interface CaseRow {
  readonly id: string
  readonly sequence: number
  readonly data: unknown
}

export const supportCase = (row: CaseRow): Decoded<SupportCase.SupportCase> => {
  const decoded = decodeSupportCase(json(row.data))
  if (Result.isFailure(decoded)) return Result.fail(`case ${row.id}: ${decoded.failure.message}`)
  const value = decoded.success
  if (value.id !== row.id) return Result.fail(`case ${row.id}: its document names case ${value.id}`)
  if (value.sequence !== row.sequence) {
    return Result.fail(`case ${row.id}: its document says sequence ${value.sequence}, its row ${row.sequence}`)
  }
  return Result.succeed(value)
}

/** Row of `support_cases` with its facts and clock record (`[{ sequence, data }]`, in order). */
export interface StoredRow extends CaseRow {
  readonly facts: unknown
  readonly clock: unknown
}

/**
 * A case as stored beside its record: the case document (checked against its row), its facts (at the case's
 * sequence) and its clock record (events decoded, in increasing order, starting with the submission, none after the
 * case's sequence).
 */
export const stored = (row: StoredRow): Decoded<CaseStore.Stored> => {
  const decodedCase = supportCase(row)
  if (Result.isFailure(decodedCase)) return Result.fail(decodedCase.failure)
  const facts = decodeFacts(json(row.facts))
  if (Result.isFailure(facts)) return Result.fail(`case ${row.id}: its facts: ${facts.failure.message}`)
  if (facts.success.sequence !== row.sequence) {
    return Result.fail(`case ${row.id}: its facts say sequence ${facts.success.sequence}, its row ${row.sequence}`)
  }
  const clockRows = json(row.clock)
  if (!Array.isArray(clockRows)) return Result.fail(`case ${row.id}: its clock record is not a list`)
  const clockRecord: Array<CaseEvent.CaseEvent> = []
  let previous = 0
  for (const clockRow of clockRows as ReadonlyArray<EventRow>) {
    const decoded = decodeEvent(json(clockRow.data))
    if (Result.isFailure(decoded)) {
      return Result.fail(`case ${row.id}, clock event ${clockRow.sequence}: ${decoded.failure.message}`)
    }
    const e = decoded.success
    if (e.sequence !== clockRow.sequence || e.sequence <= previous || e.sequence > row.sequence) {
      return Result.fail(`case ${row.id}: clock event ${clockRow.sequence} is out of place`)
    }
    previous = e.sequence
    clockRecord.push(e)
  }
  if (clockRecord[0]?.type !== "submitted") {
    return Result.fail(`case ${row.id}: its clock record does not start with its submission`)
  }
  return Result.succeed({ case: decodedCase.success, facts: facts.success, clockRecord })
}

/** Row of `support_case_events`. */
export interface EventRow {
  readonly sequence: number
  readonly data: unknown
}

/**
 * The handling record of a case from its event rows (ordered by sequence): each event decoded, numbered 1, 2, 3, …
 * without gaps, and the record as long as the case says.
 */
export const record = (
  caseId: string,
  expectedLength: number,
  rows: ReadonlyArray<EventRow>
): Decoded<CaseEvent.Record> => {
  const events: Array<CaseEvent.CaseEvent> = []
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]
    if (row.sequence !== i + 1) return Result.fail(`case ${caseId}: the record has no event ${i + 1}`)
    const decoded = decodeEvent(json(row.data))
    if (Result.isFailure(decoded))
      return Result.fail(`case ${caseId}, event ${row.sequence}: ${decoded.failure.message}`)
    if (decoded.success.sequence !== row.sequence) {
      return Result.fail(
        `case ${caseId}, event ${row.sequence}: its document says sequence ${decoded.success.sequence}`
      )
    }
    events.push(decoded.success)
  }
  if (events.length !== expectedLength) {
    return Result.fail(
      `case ${caseId}: the case is at sequence ${expectedLength}, its record has ${events.length} events`
    )
  }
  return Result.succeed(events)
}

/**
 * A page of a case's record from its event rows, newest first as selected: each event decoded and checked against
 * its row, in decreasing order. Returned in record order.
 */
export const page = (caseId: string, rows: ReadonlyArray<EventRow>): Decoded<CaseEvent.Record> => {
  const events: Array<CaseEvent.CaseEvent> = []
  let previous = Number.POSITIVE_INFINITY
  for (const row of rows) {
    const decoded = decodeEvent(json(row.data))
    if (Result.isFailure(decoded)) {
      return Result.fail(`case ${caseId}, event ${row.sequence}: ${decoded.failure.message}`)
    }
    if (decoded.success.sequence !== row.sequence || row.sequence >= previous) {
      return Result.fail(
        `case ${caseId}, event ${row.sequence}: its document says sequence ${decoded.success.sequence}`
      )
    }
    previous = row.sequence
    events.push(decoded.success)
  }
  return Result.succeed(events.reverse())
}

/** A case and its whole record (`events`: `[{ sequence, data }]` in order), checked as `record` checks it. */
export const withRecord = (row: CaseRow & { readonly events: unknown }): Decoded<SupportCase.WithRecord> => {
  const decodedCase = supportCase(row)
  if (Result.isFailure(decodedCase)) return Result.fail(decodedCase.failure)
  const eventRows = json(row.events)
  if (!Array.isArray(eventRows)) return Result.fail(`case ${row.id}: its record is not a list`)
  const events = record(row.id, decodedCase.success.sequence, eventRows as ReadonlyArray<EventRow>)
  if (Result.isFailure(events)) return Result.fail(events.failure)
  return Result.succeed({ case: decodedCase.success, events: events.success })
}

/** Row of `support_outbox`. */
export interface OutboxRow {
  readonly id: string
  readonly status: string
  readonly attempts: number
  readonly available_at: unknown
  readonly last_error: string | null
  readonly sent_at: unknown
  readonly data: unknown
}

export const delivery = (row: OutboxRow): Decoded<Outbox.Delivery> => {
  const decoded = decodeMessage(json(row.data))
  if (Result.isFailure(decoded)) return Result.fail(`outbox message ${row.id}: ${decoded.failure.message}`)
  if (decoded.success.id !== row.id)
    return Result.fail(`outbox message ${row.id}: its document names ${decoded.success.id}`)
  if (row.status !== "pending" && row.status !== "sent" && row.status !== "failed") {
    return Result.fail(`outbox message ${row.id}: unknown status ${JSON.stringify(row.status)}`)
  }
  const availableAt = toNumber(row.available_at)
  const sentAt = row.sent_at === null ? null : toNumber(row.sent_at)
  if (availableAt === undefined || sentAt === undefined || !Number.isSafeInteger(row.attempts)) {
    return Result.fail(`outbox message ${row.id}: bad delivery columns`)
  }
  return Result.succeed({
    message: decoded.success,
    status: row.status,
    attempts: row.attempts,
    availableAt,
    lastError: row.last_error,
    sentAt
  })
}

/** Row of `support_incidents`. */
export interface IncidentRow {
  readonly id: string
  readonly version: number
  readonly data: unknown
}

export const incident = (row: IncidentRow): Decoded<Incident.Incident> => {
  const decoded = decodeIncident(json(row.data))
  if (Result.isFailure(decoded)) return Result.fail(`incident ${row.id}: ${decoded.failure.message}`)
  if (decoded.success.id !== row.id) return Result.fail(`incident ${row.id}: its document names ${decoded.success.id}`)
  if (decoded.success.version !== row.version) {
    return Result.fail(
      `incident ${row.id}: its document says version ${decoded.success.version}, its row ${row.version}`
    )
  }
  return Result.succeed(decoded.success)
}

/** Row of `support_announcements`. */
export interface AnnouncementRow {
  readonly id: string
  readonly data: unknown
}

export const announcement = (row: AnnouncementRow): Decoded<Incident.Announcement> => {
  const decoded = decodeAnnouncement(json(row.data))
  if (Result.isFailure(decoded)) return Result.fail(`announcement ${row.id}: ${decoded.failure.message}`)
  if (decoded.success.id !== row.id)
    return Result.fail(`announcement ${row.id}: its document names ${decoded.success.id}`)
  return Result.succeed(decoded.success)
}

/** Row of `support_case_tallies`. */
export interface TallyRow {
  readonly case_id: string
  readonly data: unknown
}

export const tally = (row: TallyRow): Decoded<Erasure.Tally> => {
  const decoded = decodeTally(json(row.data))
  if (Result.isFailure(decoded)) return Result.fail(`tally of case ${row.case_id}: ${decoded.failure.message}`)
  if (decoded.success.caseId !== row.case_id) {
    return Result.fail(`tally of case ${row.case_id}: its document names case ${decoded.success.caseId}`)
  }
  return Result.succeed(decoded.success)
}

/** Row of `support_alerts`. */
export interface AlertRow {
  readonly case_id: string
  readonly sequence: number
  readonly data: unknown
}

export const alert = (row: AlertRow): Decoded<SlaAlert.SlaAlert> => {
  const decoded = decodeAlert(json(row.data))
  if (Result.isFailure(decoded)) {
    return Result.fail(`alert ${row.case_id}/${row.sequence}: ${decoded.failure.message}`)
  }
  if (decoded.success.caseId !== row.case_id || decoded.success.sequence !== row.sequence) {
    return Result.fail(`alert ${row.case_id}/${row.sequence}: its document names another event`)
  }
  return Result.succeed(decoded.success)
}

/** Decodes every row, or the first problem. */
export const all = <R, A>(rows: ReadonlyArray<R>, decode: (row: R) => Decoded<A>): Decoded<ReadonlyArray<A>> => {
  const out: Array<A> = []
  for (const row of rows) {
    const decoded = decode(row)
    if (Result.isFailure(decoded)) return Result.fail(decoded.failure)
    out.push(decoded.success)
  }
  return Result.succeed(out)
}

/** The columns of `support_outbox` for a new message, but its document. */
export const outboxColumn = (m: Outbox.Message) => ({
  id: m.id,
  case_id: m.caseId,
  kind: m.kind,
  status: "pending",
  attempts: 0,
  available_at: m.createdAt,
  created_at: m.createdAt
})

/** The columns of `support_outbox` for new messages. */
export const outboxColumns = (messages: ReadonlyArray<Outbox.Message>) =>
  messages.map((m) => ({ ...outboxColumn(m), data: JSON.stringify(m) }))
