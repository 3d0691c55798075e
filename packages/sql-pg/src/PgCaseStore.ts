/**
 * The core `CaseStore` port on PostgreSQL (a server through `@effect/sql-pg`, or PGlite): cases, their handling
 * records (clause 6.4: "tracking numbers and handling records provided for follow-up"), idempotency keys and the
 * outbox messages written with them, each change in one transaction.
 *
 * - Beside each case (`support_cases.data`) the store keeps its facts (`support_cases.facts`) and its clock record
 *   (`support_case_clock_events`: the events that move clocks, without their texts), so reading a case and acting on
 *   it never read its record; the record is read a page at a time, newest first, by who may read it
 *   (`support_case_events.readers`, behind partial indexes).
 * - `create` is one statement (one round trip), the function `support_submission` (`PgMigrations`), that writes the
 *   idempotency key first (`INSERT … ON CONFLICT DO NOTHING`) and everything else only if the key was new. With
 *   opening limits, it runs after an advisory lock on the requester in the same transaction, so the limit's count sees
 *   every submission committed before: concurrent submissions of one requester never go past a limit (decisions 42,
 *   96 and 97).
 * - `update` locks the case row (`SELECT … FOR UPDATE`), runs the desk's decision on it, and writes the change; a
 *   write to one case waits for the one before, so concurrent actions never fail for being concurrent. `append`
 *   locks the row too and compares the sequence it was decided on. A message limit takes the author's advisory lock
 *   and counts their messages over all their cases in the same transaction.
 * - Reads take the case, its facts and its clock record in one statement (one snapshot), and decode them with the
 *   core schemas: a row that does not decode is a `CaseStoreFailure` with reason `"Corrupt"`. A driver failure is
 *   `"Unavailable"` (an outage) or `"Rejected"` (a value the database refused), by its SQLSTATE.
 * - `erase` locks the case row like `update`, checks the rewritten record against the stored one, and rewrites (or
 *   deletes) the case's rows in every table in the same transaction: its events, facts, clock record, parties, search
 *   rows, outbox messages and idempotency keys. PostgreSQL keeps the old versions of rewritten and deleted rows until
 *   `VACUUM` reclaims them (autovacuum does, in time): a `pg_dump` never shows them.
 * - SLA alerts: each write sets (or removes) the case's row of `support_alert_schedule` in its statement;
 *   `claimAlerts` is one statement that picks the due rows in `(alert_at, case_id)` order with `FOR UPDATE SKIP
 *   LOCKED` and moves their instant to the end of the lease; the alert events a write appends go to `support_alerts`
 *   and, one row per addressee, to `support_alert_recipients` (the index `listAlerts` reads), in the same statement.
 *
 * Needs only a `SqlClient`; run `PgMigrations` first (or use `PgStorage.layer`).
 *
 * @since 0.1.0
 */
import { CaseEvent, CaseStore, type Erasure, type Outbox, SlaAlert, type SupportCase } from "@support-policy/core"
import { Effect, Layer, Option, Result } from "effect"
import { SqlClient, type SqlError, type Statement } from "effect/sql"
import * as CaseReads from "./internal/caseReads.ts"
import { corrupt, storeFailure } from "./internal/caseStoreFailure.ts"
import * as Rows from "./internal/rows.ts"
import * as SearchRows from "./internal/searchRows.ts"
import * as SqlErrorText from "./internal/sqlError.ts"
import * as SubmissionBatch from "./internal/submissionBatch.ts"

/** The first key of the two-key advisory locks this store takes on a requester (`pg_advisory_xact_lock(int, int)`). */
const REQUESTER_LOCK = 0x53505251

/** The unique index that keeps a message key once per case (`PgMigrations`, "21_message_keys"). */
const messageKeyIndex = "support_case_events_message_key_idx"

/** The events that count as a requester's messages, as SQL (the same text as the partial index's predicate). */
const MESSAGE_TYPES = `type IN (${CaseStore.messageTypes.map((t) => `'${t}'`).join(", ")})`

/** The columns of `support_cases` for a case, but its id and documents. */
const caseColumns = (c: SupportCase.SupportCase) => ({
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
  ...SearchRows.filterColumns(c)
})

const eventRows = (caseId: string, events: ReadonlyArray<CaseEvent.CaseEvent>) =>
  events.map((e) => ({
    case_id: caseId,
    sequence: e.sequence,
    type: e.type,
    at: e.at,
    readers: CaseEvent.readersRank(CaseEvent.readersOf(e)),
    data: e
  }))

const clockRows = (caseId: string, events: ReadonlyArray<CaseEvent.CaseEvent>) =>
  events.map((e) => ({ case_id: caseId, sequence: e.sequence, data: e }))

const outboxRows = (messages: ReadonlyArray<Outbox.Message>) =>
  messages.map((m) => ({ ...Rows.outboxColumn(m), data: m }))

const distinct = (values: ReadonlyArray<string>): ReadonlyArray<string> => Array.from(new Set(values))

const lockRequester = (sql: SqlClient.SqlClient, requesterId: string) =>
  sql`SELECT pg_advisory_xact_lock(${REQUESTER_LOCK}, hashtext(${requesterId}))`.pipe(Effect.asVoid)

// -------------------------------------------------------------------------------------------------------------------
// submissions
// -------------------------------------------------------------------------------------------------------------------

const makeSubmissions = (sql: SqlClient.SqlClient, reads: CaseReads.Reads) => {
  /** Writes a submission, in a batch with those made at the same time (`internal/submissionBatch.ts`). */
  const write = SubmissionBatch.make(sql, { lockSpace: REQUESTER_LOCK, lanes: 2, maxBatch: 8 })

  const submission = (newCase: CaseStore.NewCase) => {
    const c = newCase.case
    const limits = newCase.openingLimits ?? []
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
      case: {
        id: c.id,
        ...caseColumns(c),
        data: c,
        facts: newCase.facts
      },
      limits: limits.map((l) => ({ id: l.id, since: l.since, max: l.max })),
      parties: distinct(c.parties).map((party) => ({ party_id: party, opened_at: c.openedAt, case_id: c.id })),
      events: eventRows(c.id, newCase.events),
      clock: clockRows(c.id, newCase.clockRecord),
      search: SearchRows.forNewCase(c, newCase.events),
      outbox: outboxRows(newCase.outbox),
      alertAt: newCase.alertAt ?? null
    })
    return write(input)
  }

  const create = Effect.fn("PgCaseStore.create")(function* (newCase: CaseStore.NewCase) {
    yield* CaseStore.validateNewCase(newCase)
    const c = newCase.case
    const idempotency = newCase.idempotency
    const inserted = yield* submission(newCase).pipe(
      SqlErrorText.settleTransaction(
        (error): Effect.Effect<never, CaseStore.TrackingNumberTaken | CaseStore.CaseStoreFailure> => {
          const constraint = error.reason._tag === "UniqueViolation" ? error.reason.constraint : undefined
          if (constraint === "support_cases_pkey" || constraint === "support_cases_tracking_number_key") {
            return Effect.fail(new CaseStore.TrackingNumberTaken({ trackingNumber: c.trackingNumber }))
          }
          if (constraint === "support_outbox_pkey") {
            return Effect.die(new Error("CaseStore.create: outbox: message ids already stored"))
          }
          return storeFailure("create")(error)
        }
      )
    )
    if (inserted?.created === 1) {
      return {
        created: true,
        stored: { case: c, facts: newCase.facts, clockRecord: newCase.clockRecord }
      } satisfies CaseStore.Created
    }
    // Not created: the key was used before (or by a concurrent submission, whose commit the insert waited for).
    const [used] = yield* sql<{ fingerprint: string; case_id: string }>`
        SELECT fingerprint, case_id FROM support_idempotency_keys
        WHERE requester_id = ${c.requester.id} AND key = ${idempotency?.key ?? ""}`.pipe(
      Effect.catchTag("SqlError", storeFailure("create"))
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
    const existing = yield* reads.get(used.case_id)
    if (Option.isNone(existing)) {
      return yield* new CaseStore.CaseStoreFailure({
        reason: "Corrupt",
        message: `idempotency key ${idempotency.key} names case ${used.case_id}, which does not exist`
      })
    }
    return { created: false, stored: existing.value } satisfies CaseStore.Created
  })

  return { create }
}

// -------------------------------------------------------------------------------------------------------------------
// writes to a case
// -------------------------------------------------------------------------------------------------------------------

/** Writes a checked change to a locked case in one statement: what `update` and `append` end with. */
const makeChangeWrite = (sql: SqlClient.SqlClient) => {
  /** The first message limit the author is at, counted in this transaction after their lock. */
  const checkMessageLimits = (limits: NonNullable<CaseStore.Change["messageLimits"]>) =>
    Effect.gen(function* () {
      if (limits.limits.length === 0) return
      yield* lockRequester(sql, limits.authorId)
      const [reached] = yield* sql<{ id: string; max: number; count: number }>`
          SELECT l.id, l.max, n.count
          FROM jsonb_to_recordset(${JSON.stringify(limits.limits)}::jsonb) AS l(id text, since bigint, max integer),
               LATERAL (SELECT count(*)::integer AS count FROM support_case_events e
                        WHERE (e.data->'actor'->>'id') = ${limits.authorId}
                          AND ${sql.literal(MESSAGE_TYPES)} AND e.data->'actor'->>'role' = 'requester'
                          AND e.at >= l.since) AS n
          WHERE n.count >= l.max
          LIMIT 1`
      if (reached !== undefined) {
        return yield* new CaseStore.MessageLimitReached({ limitId: reached.id, count: reached.count, max: reached.max })
      }
    })

  /** The SLA alert parts of a change's statement: the next alert instant, the alerts and their addressees. */
  const alertRows = (c: SupportCase.SupportCase, change: CaseStore.Change) => {
    const alerts = SlaAlert.fromEvents(c, change.events)
    return {
      alertAt: change.alertAt ?? null,
      alerts: alerts.map((a) => ({ case_id: a.caseId, sequence: a.sequence, fired_at: a.firedAt, data: a })),
      recipients: alerts.flatMap((a) =>
        SlaAlert.recipientKeys(a.to).map((recipient) => ({
          recipient,
          fired_at: a.firedAt,
          case_id: a.caseId,
          sequence: a.sequence
        }))
      )
    }
  }

  /** Writes a checked change to a locked case in one statement: events, clock events, parties, outbox, the case. */
  const writeChange = (locked: CaseStore.Stored, change: CaseStore.Change) =>
    Effect.gen(function* () {
      const c = change.case
      if (locked.case.trackingNumber !== c.trackingNumber) {
        return yield* Effect.die(
          new Error(
            `CaseStore.update: case.trackingNumber: a case keeps its tracking number "${locked.case.trackingNumber}", got "${c.trackingNumber}"`
          )
        )
      }
      if (change.messageLimits !== undefined) yield* checkMessageLimits(change.messageLimits)
      const before = distinct(locked.case.parties)
      const after = distinct(c.parties)
      const input = JSON.stringify({
        id: c.id,
        case: { id: c.id, ...caseColumns(c), data: c, facts: change.facts },
        search: SearchRows.forAppend(locked.case, c, change.events),
        events: eventRows(c.id, change.events),
        clock: clockRows(c.id, change.clockEvents),
        removed: before.filter((p) => !after.includes(p)),
        added: after
          .filter((p) => !before.includes(p))
          .map((party) => ({ party_id: party, opened_at: c.openedAt, case_id: c.id })),
        outbox: outboxRows(change.outbox),
        ...alertRows(c, change)
      })
      yield* sql`
          WITH input AS (SELECT ${input}::jsonb AS j),
          events AS (
            INSERT INTO support_case_events (case_id, sequence, type, at, readers, data)
            SELECT r.case_id, r.sequence, r.type, r.at, r.readers, r.data
            FROM input, jsonb_populate_recordset(NULL::support_case_events, input.j->'events') AS r
          ),
          clock AS (
            INSERT INTO support_case_clock_events (case_id, sequence, data)
            SELECT r.case_id, r.sequence, r.data
            FROM input, jsonb_populate_recordset(NULL::support_case_clock_events, input.j->'clock') AS r
          ),
          -- the console's search text (decision 94): a row for the new events' text, the people row when it changed
          search AS (
            INSERT INTO support_case_search (case_id, sequence, public_text, internal_text, grams)
            SELECT r.case_id, r.sequence, r.public_text, r.internal_text, r.grams
            FROM input, jsonb_populate_recordset(NULL::support_case_search, input.j->'search') AS r
            ON CONFLICT (case_id, sequence) DO UPDATE
              SET public_text = EXCLUDED.public_text, internal_text = EXCLUDED.internal_text, grams = EXCLUDED.grams
          ),
          removed AS (
            DELETE FROM support_case_parties p USING input
            WHERE p.case_id = input.j->>'id'
              AND p.party_id IN (SELECT jsonb_array_elements_text(input.j->'removed'))
          ),
          added AS (
            INSERT INTO support_case_parties (party_id, opened_at, case_id)
            SELECT r.party_id, r.opened_at, r.case_id
            FROM input, jsonb_populate_recordset(NULL::support_case_parties, input.j->'added') AS r
          ),
          messages AS (
            INSERT INTO support_outbox (id, case_id, kind, status, attempts, available_at, created_at, data)
            SELECT r.id, r.case_id, r.kind, r.status, r.attempts, r.available_at, r.created_at, r.data
            FROM input, jsonb_populate_recordset(NULL::support_outbox, input.j->'outbox') AS r
          ),
          -- the case's next SLA alert instant, set or removed; the alerts appended, and one row per addressee
          scheduled AS (
            INSERT INTO support_alert_schedule (case_id, alert_at)
            SELECT input.j->>'id', (input.j->>'alertAt')::bigint FROM input WHERE input.j->>'alertAt' IS NOT NULL
            ON CONFLICT (case_id) DO UPDATE SET alert_at = EXCLUDED.alert_at
          ),
          unscheduled AS (
            DELETE FROM support_alert_schedule s USING input
            WHERE s.case_id = input.j->>'id' AND input.j->>'alertAt' IS NULL
          ),
          alerts AS (
            INSERT INTO support_alerts (case_id, sequence, fired_at, data)
            SELECT r.case_id, r.sequence, r.fired_at, r.data
            FROM input, jsonb_populate_recordset(NULL::support_alerts, input.j->'alerts') AS r
          ),
          alert_recipients AS (
            INSERT INTO support_alert_recipients (recipient, fired_at, case_id, sequence)
            SELECT r.recipient, r.fired_at, r.case_id, r.sequence
            FROM input, jsonb_populate_recordset(NULL::support_alert_recipients, input.j->'recipients') AS r
          )
          UPDATE support_cases c
          SET status = r.status, priority = r.priority, category = r.category, assignee_id = r.assignee_id,
              updated_at = r.updated_at, sequence = r.sequence, next_due_at = r.next_due_at, data = r.data,
              facts = r.facts, channel = r.channel, assignee_queue = r.assignee_queue,
              account_manager_id = r.account_manager_id
          FROM input, jsonb_populate_record(NULL::support_cases, input.j->'case') AS r
          WHERE c.id = input.j->>'id'`.pipe(
        Effect.catchReason("SqlError", "UniqueViolation", (reason) =>
          reason.constraint === messageKeyIndex
            ? Effect.fail(
                new CaseStore.MessageKeyTaken({
                  caseId: c.id,
                  messageKey: CaseStore.messageKeys(change.events).join(", ")
                })
              )
            : Effect.die(
                new Error(
                  reason.constraint === "support_outbox_pkey"
                    ? "CaseStore: outbox: message ids already stored"
                    : `CaseStore: case ${c.id}: an event row is already there (written without the case's row lock?)`
                )
              )
        )
      )
      return { case: c, facts: change.facts, clockRecord: [...locked.clockRecord, ...change.clockEvents] }
    })

  return writeChange
}

/** The case row lock and the transaction every write to a case runs in. */
const makeLocking = (sql: SqlClient.SqlClient, reads: CaseReads.Reads) => {
  /** The case locked for a write, decoded; CaseNotFound when there is none. */
  const lock = (caseId: string) =>
    Effect.gen(function* () {
      const found = yield* reads.readStored(sql.and([sql`c.id = ${caseId}`]), true, { id: caseId }, Rows.stored)
      if (Option.isNone(found)) return yield* new CaseStore.CaseNotFound({ caseId })
      return found.value
    })

  /** Runs a write in a transaction and reports its outcome as the port says. */
  const transact = <A, E>(operation: string, write: Effect.Effect<A, E | SqlError.SqlError>) =>
    sql.withTransaction(write).pipe(SqlErrorText.settleTransaction(storeFailure(operation)))

  return { lock, transact }
}

/** Erasing a case (see `CaseStore.erase`). */
const makeErase = (sql: SqlClient.SqlClient, { lock, transact }: ReturnType<typeof makeLocking>) => {
  /** Erases a case in the transaction that locked its row (see `CaseStore.erase`). */
  const eraseLocked = (erasure: Erasure.CaseErasure) =>
    Effect.gen(function* () {
      const caseId = erasure.caseId
      const current = yield* lock(caseId)
      if (current.case.sequence !== erasure.expectedSequence) {
        return yield* new CaseStore.SequenceConflict({
          caseId,
          expected: erasure.expectedSequence,
          actual: current.case.sequence
        })
      }
      const outcome = erasure.outcome
      if (outcome._tag === "Delete") {
        // children first: parties, events and clock events refer to the case row
        yield* sql`DELETE FROM support_outbox WHERE case_id = ${caseId}`
        yield* sql`DELETE FROM support_idempotency_keys WHERE case_id = ${caseId}`
        yield* sql`DELETE FROM support_case_parties WHERE case_id = ${caseId}`
        yield* sql`DELETE FROM support_alert_recipients WHERE case_id = ${caseId}`
        yield* sql`DELETE FROM support_alerts WHERE case_id = ${caseId}`
        yield* sql`DELETE FROM support_alert_schedule WHERE case_id = ${caseId}`
        yield* sql`DELETE FROM support_case_clock_events WHERE case_id = ${caseId}`
        yield* sql`DELETE FROM support_case_search WHERE case_id = ${caseId}`
        yield* sql`DELETE FROM support_case_events WHERE case_id = ${caseId}`
        yield* sql`DELETE FROM support_cases WHERE id = ${caseId}`
        const tally = outcome.tally
        yield* sql`
            INSERT INTO support_case_tallies (case_id, opened_at, updated_at, erased_at, data)
            VALUES (${caseId}, ${tally.openedAt}, ${tally.updatedAt}, ${tally.erasure.at}, ${JSON.stringify(tally)}::jsonb)`
        return
      }
      const stored = yield* sql<{ sequence: number; type: string; at: unknown }>`
          SELECT sequence, type, at FROM support_case_events WHERE case_id = ${caseId} ORDER BY sequence`
      yield* CaseStore.validateRewrite(
        stored.map((row) => ({ sequence: row.sequence, type: row.type, at: Rows.toNumber(row.at) ?? -1 })),
        outcome.events
      )
      const c = outcome.case
      if (current.case.trackingNumber !== c.trackingNumber) {
        return yield* Effect.die(
          new Error("CaseStore.erase: outcome.case.trackingNumber: a case keeps its tracking number")
        )
      }
      const messageRows = yield* sql<Rows.OutboxRow>`
          SELECT id, status, attempts, available_at, last_error, sent_at, data FROM support_outbox
          WHERE case_id = ${caseId} FOR UPDATE`
      const deliveries = yield* corrupt(Rows.all(messageRows, Rows.delivery))
      const redacted = deliveries.map((d) => outcome.message(d.message))
      yield* Effect.forEach(deliveries, (d, i) => CaseStore.validateRedactedMessage(d.message, redacted[i]), {
        discard: true
      })
      // the stored events are rewritten in place (same keys), the new ones inserted
      const rewritten = outcome.events.slice(0, stored.length)
      if (rewritten.length > 0) {
        yield* sql`
            UPDATE support_case_events e SET data = r.data
            FROM jsonb_to_recordset(${JSON.stringify(rewritten.map((ev) => ({ sequence: ev.sequence, data: ev })))}::jsonb)
              AS r(sequence integer, data jsonb)
            WHERE e.case_id = ${caseId} AND e.sequence = r.sequence`
      }
      // the new events, the clock record and the facts rebuilt from the redacted record, and the parties, as one input
      const input = JSON.stringify({
        id: caseId,
        case: { id: caseId, ...caseColumns(c), data: c, facts: outcome.facts },
        events: eventRows(caseId, outcome.events.slice(stored.length)),
        clock: clockRows(caseId, outcome.clockRecord),
        parties: distinct(c.parties).map((party) => ({ party_id: party, opened_at: c.openedAt, case_id: caseId }))
      })
      yield* sql`DELETE FROM support_case_clock_events WHERE case_id = ${caseId}`
      yield* sql`DELETE FROM support_case_parties WHERE case_id = ${caseId}`
      yield* sql`
          WITH input AS (SELECT ${input}::jsonb AS j),
          events AS (
            INSERT INTO support_case_events (case_id, sequence, type, at, readers, data)
            SELECT r.case_id, r.sequence, r.type, r.at, r.readers, r.data
            FROM input, jsonb_populate_recordset(NULL::support_case_events, input.j->'events') AS r
          ),
          clock AS (
            INSERT INTO support_case_clock_events (case_id, sequence, data)
            SELECT r.case_id, r.sequence, r.data
            FROM input, jsonb_populate_recordset(NULL::support_case_clock_events, input.j->'clock') AS r
          ),
          parties AS (
            INSERT INTO support_case_parties (party_id, opened_at, case_id)
            SELECT r.party_id, r.opened_at, r.case_id
            FROM input, jsonb_populate_recordset(NULL::support_case_parties, input.j->'parties') AS r
          )
          UPDATE support_cases c
          SET requester_id = r.requester_id, status = r.status, priority = r.priority, category = r.category,
              assignee_id = r.assignee_id, updated_at = r.updated_at, sequence = r.sequence,
              next_due_at = r.next_due_at, data = r.data, facts = r.facts, channel = r.channel,
              assignee_queue = r.assignee_queue, account_manager_id = r.account_manager_id
          FROM input, jsonb_populate_record(NULL::support_cases, input.j->'case') AS r
          WHERE c.id = input.j->>'id'`
      // the console's search text is rebuilt from the redacted record
      yield* SearchRows.rebuild([caseId]).pipe(Effect.provideService(SqlClient.SqlClient, sql))
      if (redacted.length > 0) {
        yield* sql`
            UPDATE support_outbox o
            SET data = r.data,
                status = CASE WHEN o.status = 'pending' THEN 'failed' ELSE o.status END,
                last_error = CASE WHEN o.status = 'pending' THEN 'erased' ELSE o.last_error END
            FROM jsonb_to_recordset(${JSON.stringify(redacted.map((m) => ({ id: m.id, data: m })))}::jsonb)
              AS r(id text, data jsonb)
            WHERE o.id = r.id`
      }
      yield* sql`DELETE FROM support_idempotency_keys WHERE case_id = ${caseId}`
    })

  const erase = (erasure: Erasure.CaseErasure) =>
    CaseStore.validateErasure(erasure).pipe(
      Effect.andThen(transact("erase", eraseLocked(erasure))),
      Effect.withSpan("PgCaseStore.erase")
    )

  return { erase }
}

const makeWrites = (sql: SqlClient.SqlClient, reads: CaseReads.Reads) => {
  const writeChange = makeChangeWrite(sql)
  const { lock, transact } = makeLocking(sql, reads)
  const { erase } = makeErase(sql, { lock, transact })

  const update = <A, E>(
    caseId: string,
    decide: (current: CaseStore.Stored) => Effect.Effect<CaseStore.Decision<A>, E>
  ) =>
    transact(
      "update",
      Effect.gen(function* () {
        const current = yield* lock(caseId)
        const decision = yield* decide(current)
        if (decision.change === undefined) return decision.result
        yield* CaseStore.validateChange("update", caseId, current.case.sequence, decision.change)
        yield* writeChange(current, decision.change)
        return decision.result
      })
    ).pipe(Effect.withSpan("PgCaseStore.update"))

  const append = (a: CaseStore.Append) =>
    CaseStore.validateAppend(a).pipe(
      Effect.andThen(
        transact(
          "append",
          Effect.gen(function* () {
            const current = yield* lock(a.caseId)
            if (current.case.sequence !== a.expectedSequence) {
              return yield* new CaseStore.SequenceConflict({
                caseId: a.caseId,
                expected: a.expectedSequence,
                actual: current.case.sequence
              })
            }
            return yield* writeChange(current, a)
          })
        )
      ),
      Effect.withSpan("PgCaseStore.append")
    )

  const listTallies = (query: CaseStore.TallyQuery) => {
    const where: Array<Statement.Fragment> = [sql`true`]
    if (query.openedFrom !== undefined) where.push(sql`opened_at >= ${query.openedFrom}`)
    if (query.openedBefore !== undefined) where.push(sql`opened_at < ${query.openedBefore}`)
    if (query.updatedSince !== undefined) where.push(sql`updated_at >= ${query.updatedSince}`)
    if (query.after !== undefined) {
      where.push(sql`(opened_at, case_id) > (${query.after.openedAt}, ${query.after.caseId})`)
    }
    return CaseStore.validateTallyQuery(query).pipe(
      Effect.andThen(
        sql<Rows.TallyRow>`
            SELECT case_id, data FROM support_case_tallies WHERE ${sql.and(where)}
            ORDER BY opened_at, case_id LIMIT ${query.limit}`
      ),
      Effect.catchTag("SqlError", storeFailure("listTallies")),
      Effect.flatMap((rows) => corrupt(Rows.all(rows, Rows.tally))),
      Effect.withSpan("PgCaseStore.listTallies")
    )
  }

  return { update, append, erase, listTallies }
}

// -------------------------------------------------------------------------------------------------------------------
// SLA alerts
// -------------------------------------------------------------------------------------------------------------------

const makeAlerts = (sql: SqlClient.SqlClient) => {
  const claimAlerts = (options: CaseStore.AlertClaimOptions) =>
    CaseStore.validateAlertClaim(options).pipe(
      Effect.andThen(
        options.limit === 0
          ? Effect.succeed([])
          : sql<{ id: string; alert_at: unknown }>`
            WITH due AS (
              SELECT case_id, alert_at FROM support_alert_schedule
              WHERE alert_at <= ${options.now}
              ORDER BY alert_at, case_id
              LIMIT ${options.limit}
              FOR UPDATE SKIP LOCKED
            )
            UPDATE support_alert_schedule s SET alert_at = ${options.now + options.leaseMillis}
            FROM due WHERE s.case_id = due.case_id
            RETURNING s.case_id AS id, due.alert_at`
      ),
      Effect.catchTag("SqlError", storeFailure("claimAlerts")),
      Effect.flatMap((rows) => {
        const claims: Array<CaseStore.AlertClaim> = []
        for (const row of rows) {
          const alertAt = Rows.toNumber(row.alert_at)
          if (alertAt === undefined) return corrupt(Result.fail(`case ${row.id}: a bad alert instant`))
          claims.push({ caseId: row.id, alertAt })
        }
        // RETURNING has no order: the claim's order, earliest first, then by id ("C" collation: code units)
        return Effect.succeed(claims.sort((a, b) => a.alertAt - b.alertAt || (a.caseId < b.caseId ? -1 : 1)))
      }),
      Effect.withSpan("PgCaseStore.claimAlerts")
    )

  const listAlerts = (query: CaseStore.AlertQuery) => {
    if (query.recipients.length === 0 || query.limit === 0) {
      return Effect.as(CaseStore.validateAlertQuery(query), [])
    }
    const where: Array<Statement.Fragment> = [sql.in("recipient", query.recipients)]
    if (query.before !== undefined) {
      where.push(
        sql`(fired_at, case_id, sequence) < (${query.before.firedAt}, ${query.before.caseId}, ${query.before.sequence})`
      )
    }
    return CaseStore.validateAlertQuery(query).pipe(
      Effect.andThen(
        sql<Rows.AlertRow>`
            SELECT a.case_id, a.sequence, a.data
            FROM (SELECT DISTINCT fired_at, case_id, sequence FROM support_alert_recipients
                  WHERE ${sql.and(where)}
                  ORDER BY fired_at DESC, case_id DESC, sequence DESC
                  LIMIT ${query.limit}) r
            JOIN support_alerts a ON a.case_id = r.case_id AND a.sequence = r.sequence
            ORDER BY r.fired_at DESC, r.case_id DESC, r.sequence DESC`
      ),
      Effect.catchTag("SqlError", storeFailure("listAlerts")),
      Effect.flatMap((rows) => corrupt(Rows.all(rows, Rows.alert))),
      Effect.withSpan("PgCaseStore.listAlerts")
    )
  }

  return { claimAlerts, listAlerts }
}

// -------------------------------------------------------------------------------------------------------------------
// the store
// -------------------------------------------------------------------------------------------------------------------

/**
 * Builds the store from a `SqlClient`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<CaseStore.CaseStore["Service"], never, SqlClient.SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const reads = CaseReads.make(sql)
  const { create } = makeSubmissions(sql, reads)
  const { update, append, erase, listTallies } = makeWrites(sql, reads)
  const { claimAlerts, listAlerts } = makeAlerts(sql)
  return CaseStore.CaseStore.of({
    create,
    update,
    append,
    get: reads.get,
    getByTrackingNumber: reads.getByTrackingNumber,
    getWithPage: reads.getWithPage,
    events: reads.events,
    listByRequester: reads.listByRequester,
    listByParty: reads.listByParty,
    queue: reads.queue,
    listByStatus: reads.listByStatus,
    countOpenedSince: reads.countOpenedSince,
    claimAlerts,
    listAlerts,
    find: reads.find,
    count: reads.count,
    getMany: reads.getMany,
    erase,
    listTallies
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
