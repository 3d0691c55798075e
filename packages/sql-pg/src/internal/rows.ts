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

/**
 * Row of `support_cases` with its facts and clock record: the clock rows after `clock_after` (`[{ sequence, data }]`,
 * in order, as JSON text), the first clock row's `xmin` (`clock_origin`) and the sequence of the last clock row at or
 * before `clock_after` (`clock_last`). With `clock_after` 0 the text is the whole record.
 */
export interface StoredRow extends CaseRow {
  readonly facts: unknown
  readonly clock: unknown
  readonly clock_after?: number | undefined
  readonly clock_origin?: string | null | undefined
  readonly clock_last?: number | null | undefined
  /** With `CaseStore.getWithPage`: the page's rows as one JSON text, newest first (`[{"sequence":…,"data":…}, …]`). */
  readonly page?: unknown
}

/**
 * Clock records this store decoded, by case (decision 95). A clock record only grows at its end, so a read asks the
 * database for the clock rows after the last one this store decoded, with two checks that cost one index entry each:
 * the `xmin` of the record's first row, which changes when the store rewrites the record (erasure deletes and
 * inserts every row), and the sequence of the last row up to the cached one, which changes when rows at the end were
 * removed. Either differing, the read asks again for the whole record. Bounded by the number of events kept, least
 * recently used first out.
 */
export interface ClockCache {
  readonly entries: Map<string, CachedClock>
  readonly byTrackingNumber: Map<string, string>
  readonly maxEvents: number
  events: number
}

interface CachedClock {
  readonly events: ReadonlyArray<CaseEvent.CaseEvent>
  readonly origin: string
  readonly trackingNumber: string
}

/** An empty cache that keeps at most `maxEvents` clock events (500,000 by default). */
export const clockCache = (maxEvents = 500_000): ClockCache => ({
  entries: new Map(),
  byTrackingNumber: new Map(),
  maxEvents,
  events: 0
})

/** What a read of a case can take from the cache: the clock rows up to `after` of case `caseId`. */
export interface ClockKnown {
  readonly caseId: string
  readonly after: number
}

/** The cached part of a case's clock record, by id or tracking number, for the read to ask only for what follows. */
export const clockKnown = (
  cache: ClockCache,
  key: { readonly id: string } | { readonly trackingNumber: string }
): ClockKnown | undefined => {
  const caseId = "id" in key ? key.id : cache.byTrackingNumber.get(key.trackingNumber)
  const entry = caseId === undefined ? undefined : cache.entries.get(caseId)
  const last = entry?.events[entry.events.length - 1]
  return caseId === undefined || last === undefined ? undefined : { caseId, after: last.sequence }
}

const forget = (cache: ClockCache, caseId: string): void => {
  const previous = cache.entries.get(caseId)
  if (previous === undefined) return
  cache.entries.delete(caseId)
  cache.byTrackingNumber.delete(previous.trackingNumber)
  cache.events -= previous.events.length
}

const remember = (cache: ClockCache, caseId: string, entry: CachedClock): void => {
  forget(cache, caseId)
  if (entry.events.length > cache.maxEvents) return
  cache.entries.set(caseId, entry)
  cache.byTrackingNumber.set(entry.trackingNumber, caseId)
  cache.events += entry.events.length
  for (const id of cache.entries.keys()) {
    if (cache.events <= cache.maxEvents) break
    forget(cache, id)
  }
}

/** Decodes clock rows after `previous` (the sequence of the last event before them) onto `into`, or a problem. */
const clockRows = (
  row: StoredRow,
  clockRows: unknown,
  previous: number,
  into: Array<CaseEvent.CaseEvent>
): string | undefined => {
  if (!Array.isArray(clockRows)) return `case ${row.id}: its clock record is not a list`
  for (const clockRow of clockRows as ReadonlyArray<EventRow>) {
    const decoded = decodeEvent(json(clockRow?.data))
    if (Result.isFailure(decoded))
      return `case ${row.id}, clock event ${clockRow?.sequence}: ${decoded.failure.message}`
    const e = decoded.success
    if (e.sequence !== clockRow.sequence || e.sequence <= previous || e.sequence > row.sequence) {
      return `case ${row.id}: clock event ${clockRow.sequence} is out of place`
    }
    previous = e.sequence
    into.push(e)
  }
  return undefined
}

/** A read that took only the clock rows after the cached ones, when the cache no longer holds what it took. */
export const STALE = "stale clock cache" as const

/**
 * The clock record of a stored row, decoded and checked: the cached events and the rows after them, or the whole
 * record. {@link STALE} when the row holds only the rows after a cached part that no longer matches (read again with
 * `clock_after` 0).
 */
const clockRecordOf = (
  row: StoredRow,
  trackingNumber: string,
  cache: ClockCache | undefined
): Result.Result<ReadonlyArray<CaseEvent.CaseEvent>, string | typeof STALE> => {
  const after = row.clock_after ?? 0
  const origin = row.clock_origin ?? ""
  let events: Array<CaseEvent.CaseEvent>
  if (after > 0) {
    const known = cache?.entries.get(row.id)
    const last = known?.events[known.events.length - 1]
    if (known === undefined || last?.sequence !== after || known.origin !== origin || row.clock_last !== after) {
      if (cache !== undefined) forget(cache, row.id)
      return Result.fail(STALE)
    }
    events = [...known.events]
  } else {
    events = []
  }
  const problem = clockRows(row, json(row.clock), after, events)
  if (problem !== undefined) return Result.fail(problem)
  if (events[0]?.type !== "submitted") {
    return Result.fail(`case ${row.id}: its clock record does not start with its submission`)
  }
  if (cache !== undefined) {
    remember(cache, row.id, { events: [...events], origin, trackingNumber })
  }
  return Result.succeed(events)
}

/**
 * A case as stored beside its record: the case document (checked against its row), its facts (at the case's
 * sequence) and its clock record (events decoded, in increasing order, starting with the submission, none after the
 * case's sequence). With a cache, the row may hold only the clock rows after the cached ones (`ClockCache`): they
 * are decoded onto the cached events, or the result is {@link STALE} when the cache no longer matches the record.
 */
export const stored = (row: StoredRow, cache?: ClockCache): Result.Result<CaseStore.Stored, string | typeof STALE> => {
  const decodedCase = supportCase(row)
  if (Result.isFailure(decodedCase)) return Result.fail(decodedCase.failure)
  const facts = decodeFacts(json(row.facts))
  if (Result.isFailure(facts)) return Result.fail(`case ${row.id}: its facts: ${facts.failure.message}`)
  if (facts.success.sequence !== row.sequence) {
    return Result.fail(`case ${row.id}: its facts say sequence ${facts.success.sequence}, its row ${row.sequence}`)
  }
  const clockRecord = clockRecordOf(row, decodedCase.success.trackingNumber, cache)
  if (Result.isFailure(clockRecord)) return Result.fail(clockRecord.failure)
  return Result.succeed({ case: decodedCase.success, facts: facts.success, clockRecord: clockRecord.success })
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

/** A case as stored with the page of its record read with it (`page`, newest first), each checked. */
export const storedPage = (
  row: StoredRow,
  cache?: ClockCache
): Result.Result<CaseStore.StoredPage, string | typeof STALE> => {
  const decoded = stored(row, cache)
  if (Result.isFailure(decoded)) return Result.fail(decoded.failure)
  const rows = json(row.page)
  if (!Array.isArray(rows)) return Result.fail(`case ${row.id}: the page of its record is not a list`)
  const events = page(row.id, rows as ReadonlyArray<EventRow>)
  if (Result.isFailure(events)) return Result.fail(events.failure)
  return Result.succeed({ ...decoded.success, page: events.success })
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
