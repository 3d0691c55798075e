/**
 * The database schema of the support desk, as Effect `Migrator` migrations. They run on a PostgreSQL server
 * (`@effect/sql-pg`) and on PGlite (`PgliteClient`) alike, in one transaction that holds a lock on the
 * migrations table, so several server instances starting at once apply each migration exactly once.
 *
 * Tables (all prefixed `support_`):
 * - `support_cases`: the current state of each case as the core `SupportCase` document (`data`, jsonb), plus the
 *   columns the queries need, each behind an index: the tracking number (unique), the requester, and the next due
 *   instant (the agents' queue and the SLA sweep; `support_cases_due_all_idx` since `62_due_index_once`).
 * - `support_case_parties`: who is a party to which case, ordered by opening instant (`listByParty`).
 * - `support_case_events`: the handling record, one row per event, keyed by `(case_id, sequence)`, so two appends
 *   that read the same record can never both write event `n + 1`.
 * - `support_idempotency_keys`: `(requester_id, key)` → request fingerprint and case.
 * - `support_outbox`: notifications, written with the events that cause them; claimed with `FOR UPDATE SKIP LOCKED`.
 * - `support_case_clock_events`: the events of each record that move SLA clocks, without their texts: what the SLA
 *   engine reads (beside `support_cases.facts`, the facts folded from the record).
 * - `support_incidents`, `support_announcements`: system-wide incidents and public announcements (clause 6.5).
 * - `support_failed_lookups`: failed case lookups per actor, in a window (the guard against guessing).
 * - `support_alert_schedule` (a case's next SLA alert instant, claimed with `FOR UPDATE SKIP LOCKED`), `support_alerts`
 *   and `support_alert_recipients`: SLA alerts, due and fired.
 * - `support_tasks`: the periodic tasks the workers share, each with its next run and the lease of a run.
 * - `support_policy_versions`: every published version of the policy (clause 7.1), immutable, in publication order.
 * - `support_case_tallies`: what a deleted case leaves for reports (erasure, clause 7.4): anonymous facts only.
 * - The console's columns of `support_cases` (`50_case_search`): the queue, channel and account manager of a case.
 * - `support_case_search` (`60_case_search_rows`): the console's searchable text, a row per write that added text
 *   (public and staff-only parts) and one for the requester's name and email, with trigram indexes (`pg_trgm`) and
 *   an index of its Chinese, Japanese and Korean characters and character pairs (`grams`).
 *
 * The `pg_trgm` extension must be available: PostgreSQL ships it (in Debian's `postgresql` package; it is a trusted
 * extension, so a database owner may create it), and PGlite loads it from `@electric-sql/pglite/contrib/pg_trgm`
 * (`PgStorage.layerPglite` does).
 * - `support_inbound_mail`, `support_failing_addresses`: the email channel's mailbox (`PgMailbox`).
 * - `support_submission(input, lock_space)` (`63_submission_function`): a submission in one statement, after the
 *   requester's advisory lock when it carries opening limits (`support_locked_submission`, from `61_locked_submission`,
 *   is no longer called).
 * - The search indexes' pending lists (`64_search_pending_lists`): 1 MB each, so that the insert that merges one into
 *   its index waits less.
 *
 * Every migration the table does not list is applied, in id order, whatever the highest id applied: migrations are
 * numbered by range per area of work, so one with a lower id may arrive after one with a higher id (Effect's own
 * `Migrator` would skip it).
 *
 * The reasoning is in `docs/decisions/` (storage-*.md).
 *
 * @since 0.1.0
 */
import { CaseEvent, CaseLifecycle } from "@support-policy/core"
import { Effect, Layer, Result } from "effect"
import { Migrator, SqlClient, type SqlError } from "effect/sql"
import * as Rows from "./internal/rows.ts"
import * as SearchRows from "./internal/searchRows.ts"

/**
 * The name of the table where the migrator records the migrations it applied.
 *
 * @since 0.1.0
 * @category constants
 */
export const table = "support_policy_migrations"

const statements = (ddl: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    for (const statement of ddl) yield* sql.unsafe(statement)
  })

/** The readers of each event type as stored (`CaseEvent.readersRank`), as a SQL `CASE` over `type`. */
const readersCase = (): string =>
  `CASE type ${CaseEvent.eventTypes
    .map((type) => `WHEN '${type}' THEN ${CaseEvent.readersRank(CaseEvent.readersOf({ type }))}`)
    .join(" ")} ELSE 0 END`

/**
 * Fills the facts and clock records of the cases stored before they were kept (a database from an earlier version):
 * each case's record is folded once. The clock record gets every event without its texts: a superset of what any
 * policy's clocks read (events a policy ignores change no evaluation), so it is right whatever the policy; the desk
 * adds only the events that move clocks from then on.
 */
const backfillFacts = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  for (;;) {
    const batch = yield* sql<{ id: string; sequence: number }>`
        SELECT id, sequence FROM support_cases WHERE facts IS NULL ORDER BY id LIMIT 200`
    if (batch.length === 0) return
    for (const row of batch) {
      const eventRows = yield* sql<Rows.EventRow>`
          SELECT sequence, data FROM support_case_events WHERE case_id = ${row.id} ORDER BY sequence`
      const record = Rows.record(row.id, row.sequence, eventRows)
      if (Result.isFailure(record)) return yield* Effect.die(new Error(`migration 10_case_facts: ${record.failure}`))
      const facts = CaseLifecycle.factsUnsafe(record.success)
      const clock = record.success.map((e) => ({
        case_id: row.id,
        sequence: e.sequence,
        data: CaseEvent.withoutText(e)
      }))
      yield* sql`
          INSERT INTO support_case_clock_events (case_id, sequence, data)
          SELECT r.case_id, r.sequence, r.data
          FROM jsonb_populate_recordset(NULL::support_case_clock_events, ${JSON.stringify(clock)}::jsonb) AS r`
      yield* sql`UPDATE support_cases SET facts = ${JSON.stringify(facts)}::jsonb WHERE id = ${row.id}`
    }
  }
})

/**
 * Every migration, by `<id>_<name>`. Applied migrations are never edited: a change is a new migration.
 *
 * @since 0.1.0
 * @category constants
 */
export const migrations: Record<string, Effect.Effect<void, unknown, SqlClient.SqlClient>> = {
  "1_cases": statements([
    `CREATE TABLE support_cases (
      id text COLLATE "C" PRIMARY KEY,
      tracking_number text COLLATE "C" NOT NULL,
      requester_id text COLLATE "C" NOT NULL,
      status text NOT NULL,
      priority text NOT NULL,
      category text NOT NULL,
      assignee_id text COLLATE "C",
      opened_at bigint NOT NULL,
      updated_at bigint NOT NULL,
      sequence integer NOT NULL CHECK (sequence >= 1),
      next_due_at bigint,
      data jsonb NOT NULL,
      CONSTRAINT support_cases_tracking_number_key UNIQUE (tracking_number)
    )`,
    "CREATE INDEX support_cases_requester_idx ON support_cases (requester_id, opened_at DESC, id DESC)",
    // The queue and the SLA sweep read the cases due next: only cases with a running clock are in this index, in
    // (next_due_at, id) order, so "the next N" is an index range scan whatever the number of closed cases.
    "CREATE INDEX support_cases_due_idx ON support_cases (next_due_at, id) WHERE next_due_at IS NOT NULL",
    `CREATE TABLE support_case_parties (
      party_id text COLLATE "C" NOT NULL,
      opened_at bigint NOT NULL,
      case_id text COLLATE "C" NOT NULL REFERENCES support_cases (id),
      PRIMARY KEY (party_id, opened_at, case_id)
    )`,
    `CREATE TABLE support_case_events (
      case_id text COLLATE "C" NOT NULL REFERENCES support_cases (id),
      sequence integer NOT NULL CHECK (sequence >= 1),
      type text NOT NULL,
      at bigint NOT NULL,
      data jsonb NOT NULL,
      CONSTRAINT support_case_events_pkey PRIMARY KEY (case_id, sequence)
    )`,
    `CREATE TABLE support_idempotency_keys (
      requester_id text COLLATE "C" NOT NULL,
      key text COLLATE "C" NOT NULL,
      fingerprint text NOT NULL,
      case_id text COLLATE "C" NOT NULL REFERENCES support_cases (id) DEFERRABLE INITIALLY DEFERRED,
      created_at bigint NOT NULL,
      PRIMARY KEY (requester_id, key)
    )`
  ]),
  "2_outbox": statements([
    `CREATE TABLE support_outbox (
      id text COLLATE "C" PRIMARY KEY,
      -- the order messages were written in, the tie-breaker after available_at and created_at
      position bigint GENERATED ALWAYS AS IDENTITY,
      case_id text COLLATE "C",
      kind text NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      available_at bigint NOT NULL,
      last_error text,
      sent_at bigint,
      created_at bigint NOT NULL,
      data jsonb NOT NULL
    )`,
    // Claiming reads the pending messages available first; sent and failed ones leave this index.
    "CREATE INDEX support_outbox_pending_idx ON support_outbox (available_at, position) WHERE status = 'pending'",
    "CREATE INDEX support_outbox_case_idx ON support_outbox (case_id, created_at, position) WHERE case_id IS NOT NULL"
  ]),
  "3_incidents": statements([
    `CREATE TABLE support_incidents (
      id text COLLATE "C" PRIMARY KEY,
      status text NOT NULL,
      declared_at bigint NOT NULL,
      resolved_at bigint,
      version integer NOT NULL,
      data jsonb NOT NULL
    )`,
    "CREATE INDEX support_incidents_declared_idx ON support_incidents (declared_at DESC, id DESC)",
    `CREATE TABLE support_announcements (
      id text COLLATE "C" PRIMARY KEY,
      incident_id text COLLATE "C",
      posted_at bigint NOT NULL,
      expires_at bigint,
      data jsonb NOT NULL
    )`,
    "CREATE INDEX support_announcements_posted_idx ON support_announcements (posted_at DESC, id DESC)"
  ]),
  // The lifecycle sweeps (auto-closing idle cases, clause 6.3) read the cases of a few statuses by last update:
  // one index range scan per status, in (updated_at, id) order.
  "4_cases_status": statements([
    "CREATE INDEX support_cases_status_updated_idx ON support_cases (status, updated_at, id)"
  ]),
  // What an action and a read need beside the case, so neither reads the whole record (docs/decisions/0043): the
  // facts folded from the record, the events that move clocks without their texts, who may read each event (pages of
  // the record by reader), and the messages a requester sent (the message limits, counted over all their cases).
  "10_case_facts": Effect.gen(function* () {
    yield* statements([
      "ALTER TABLE support_cases ADD COLUMN facts jsonb",
      `CREATE TABLE support_case_clock_events (
        case_id text COLLATE "C" NOT NULL REFERENCES support_cases (id),
        sequence integer NOT NULL CHECK (sequence >= 1),
        data jsonb NOT NULL,
        CONSTRAINT support_case_clock_events_pkey PRIMARY KEY (case_id, sequence)
      )`,
      "ALTER TABLE support_case_events ADD COLUMN readers smallint",
      `UPDATE support_case_events SET readers = ${readersCase()}`,
      "ALTER TABLE support_case_events ALTER COLUMN readers SET NOT NULL",
      // the requester's pages (readers 'requester' or 'parties') and the counterparty's ('parties')
      "CREATE INDEX support_case_events_requester_idx ON support_case_events (case_id, sequence) WHERE readers >= 1",
      "CREATE INDEX support_case_events_parties_idx ON support_case_events (case_id, sequence) WHERE readers = 2",
      `CREATE INDEX support_case_events_messages_idx ON support_case_events ((data->'actor'->>'id'), at)
        WHERE type IN ('requesterResponded', 'counterpartyResponded', 'mediationRequested')
          AND data->'actor'->>'role' = 'requester'`
    ])
    yield* backfillFacts
    yield* statements(["ALTER TABLE support_cases ALTER COLUMN facts SET NOT NULL"])
  }),
  // Failed lookups of cases per actor, shared by every server process (the guard against guessing tracking numbers).
  "11_failed_lookups": statements([
    `CREATE TABLE support_failed_lookups (
      key text COLLATE "C" PRIMARY KEY,
      window_start bigint NOT NULL,
      failures integer NOT NULL
    )`
  ]),
  // Administrators list the messages given up, newest first (`Outbox.listFailed`).
  "20_outbox_failed": statements([
    "CREATE INDEX support_outbox_failed_idx ON support_outbox (created_at DESC, position DESC) WHERE status = 'failed'"
  ]),
  // A message that a channel may deliver twice (an email's Message-ID) is written once per case.
  "21_message_keys": statements([
    `CREATE UNIQUE INDEX support_case_events_message_key_idx ON support_case_events (case_id, (data->>'messageKey'))
     WHERE data ? 'messageKey'`
  ]),
  // The email channel's mailbox: incoming mails with their originals (base64), once per Message-ID, and the
  // addresses that bounced.
  "22_mailbox": statements([
    `CREATE TABLE support_inbound_mail (
      id text COLLATE "C" PRIMARY KEY,
      message_id text COLLATE "C" NOT NULL,
      received_at bigint NOT NULL,
      from_address text COLLATE "C" NOT NULL,
      case_id text COLLATE "C",
      outcome text NOT NULL,
      data jsonb NOT NULL,
      original text NOT NULL,
      CONSTRAINT support_inbound_mail_message_id_key UNIQUE (message_id)
    )`,
    "CREATE INDEX support_inbound_mail_received_idx ON support_inbound_mail (received_at DESC, id DESC)",
    "CREATE INDEX support_inbound_mail_case_idx ON support_inbound_mail (case_id, received_at, id) WHERE case_id IS NOT NULL",
    "CREATE INDEX support_inbound_mail_from_idx ON support_inbound_mail (from_address, received_at)",
    `CREATE TABLE support_failing_addresses (
      address text COLLATE "C" PRIMARY KEY,
      since bigint NOT NULL,
      last_at bigint NOT NULL,
      count integer NOT NULL,
      reason text NOT NULL
    )`,
    "CREATE INDEX support_failing_addresses_last_idx ON support_failing_addresses (last_at DESC, address)"
  ]),
  // SLA alerts: the next instant an escalation level of a case falls due (or the end of a watcher's lease on it), one
  // narrow row per case that has one, in a table of its own so that a claim rewrites a small row with two indexes,
  // not a case document with six; and the alert events indexed by addressee, for "my alerts, newest first".
  "30_alerts": statements([
    `CREATE TABLE support_alert_schedule (
      case_id text COLLATE "C" PRIMARY KEY REFERENCES support_cases (id),
      alert_at bigint NOT NULL
    )`,
    "CREATE INDEX support_alert_schedule_due_idx ON support_alert_schedule (alert_at, case_id)",
    `CREATE TABLE support_alerts (
      case_id text COLLATE "C" NOT NULL REFERENCES support_cases (id),
      sequence integer NOT NULL CHECK (sequence >= 1),
      fired_at bigint NOT NULL,
      data jsonb NOT NULL,
      CONSTRAINT support_alerts_pkey PRIMARY KEY (case_id, sequence)
    )`,
    `CREATE TABLE support_alert_recipients (
      recipient text COLLATE "C" NOT NULL,
      fired_at bigint NOT NULL,
      case_id text COLLATE "C" NOT NULL,
      sequence integer NOT NULL,
      PRIMARY KEY (recipient, fired_at, case_id, sequence),
      FOREIGN KEY (case_id, sequence) REFERENCES support_alerts (case_id, sequence)
    )`
  ]),
  // The periodic tasks the workers share: each task's next run and the lease of the run in progress.
  "31_tasks": statements([
    `CREATE TABLE support_tasks (
      name text COLLATE "C" PRIMARY KEY,
      period_ms bigint NOT NULL CHECK (period_ms > 0),
      next_run_at bigint NOT NULL,
      lease_until bigint NOT NULL DEFAULT 0,
      lease_token text,
      runs bigint NOT NULL DEFAULT 0,
      last_run_at bigint,
      last_error text
    )`
  ]),
  // Every published version of the policy, never updated: the version number is the key (published once), the
  // identity column the publication order (the greatest is in force).
  "40_policy_versions": statements([
    `CREATE TABLE support_policy_versions (
      version text COLLATE "C" PRIMARY KEY,
      position bigint GENERATED ALWAYS AS IDENTITY,
      policy_id text NOT NULL,
      published_at bigint NOT NULL,
      data jsonb NOT NULL,
      CONSTRAINT support_policy_versions_position_key UNIQUE (position)
    )`
  ]),
  // What a deleted case leaves (erasure): anonymous facts for reports, by opening instant and last change.
  "41_case_tallies": statements([
    `CREATE TABLE support_case_tallies (
      case_id text COLLATE "C" PRIMARY KEY,
      opened_at bigint NOT NULL,
      updated_at bigint NOT NULL,
      erased_at bigint NOT NULL,
      data jsonb NOT NULL
    )`,
    "CREATE INDEX support_case_tallies_opened_idx ON support_case_tallies (opened_at, case_id)",
    // a report of a period reads the tallies of cases that changed in or after it
    "CREATE INDEX support_case_tallies_updated_idx ON support_case_tallies (updated_at)"
  ]),
  // The console: views by status, assignee and queue in three orders, and search (decision 80). The searchable text
  // is computed by core's `CaseQuery` (normalized in JavaScript, so no collation decides what matches). The columns
  // added here are filled for the cases stored before by "60_case_search_rows", which moved the text out of the row.
  "50_case_search": Effect.gen(function* () {
    yield* statements([
      "CREATE EXTENSION IF NOT EXISTS pg_trgm",
      `ALTER TABLE support_cases
        ADD COLUMN channel text,
        ADD COLUMN assignee_queue text COLLATE "C",
        ADD COLUMN account_manager_id text COLLATE "C",
        ADD COLUMN search_public text NOT NULL DEFAULT '',
        ADD COLUMN search_people text NOT NULL DEFAULT '',
        ADD COLUMN search_internal text NOT NULL DEFAULT '',
        ADD COLUMN search_grams text[] NOT NULL DEFAULT '{}'`
    ])
    yield* statements([
      "CREATE INDEX support_cases_due_all_idx ON support_cases (next_due_at, id)",
      "CREATE INDEX support_cases_updated_idx ON support_cases (updated_at, id)",
      "CREATE INDEX support_cases_opened_idx ON support_cases (opened_at, id)",
      "CREATE INDEX support_cases_assignee_idx ON support_cases (assignee_id, next_due_at, id)",
      "CREATE INDEX support_cases_queue_idx ON support_cases (assignee_queue, next_due_at, id) WHERE assignee_queue IS NOT NULL",
      "CREATE INDEX support_cases_manager_idx ON support_cases (account_manager_id) WHERE account_manager_id IS NOT NULL",
      "CREATE INDEX support_cases_search_public_idx ON support_cases USING gin (search_public gin_trgm_ops)",
      "CREATE INDEX support_cases_search_people_idx ON support_cases USING gin (search_people gin_trgm_ops)",
      "CREATE INDEX support_cases_search_internal_idx ON support_cases USING gin (search_internal gin_trgm_ops)",
      "CREATE INDEX support_cases_search_grams_idx ON support_cases USING gin (search_grams)"
    ])
  }),
  // The searchable text leaves the case row for rows of its own (decision 94): a write then indexes only the text it
  // adds, where rewriting the row's whole text made a note on a long record, and every alert, cost more as it grew.
  "60_case_search_rows": Effect.gen(function* () {
    yield* statements([
      `CREATE TABLE support_case_search (
        case_id text COLLATE "C" NOT NULL REFERENCES support_cases (id),
        sequence integer NOT NULL CHECK (sequence >= 0),
        public_text text NOT NULL,
        internal_text text NOT NULL,
        grams text[] NOT NULL,
        CONSTRAINT support_case_search_pkey PRIMARY KEY (case_id, sequence)
      )`,
      `ALTER TABLE support_cases
        DROP COLUMN search_public, DROP COLUMN search_people, DROP COLUMN search_internal, DROP COLUMN search_grams`
    ])
    yield* SearchRows.backfill
    yield* statements([
      "CREATE INDEX support_case_search_public_idx ON support_case_search USING gin (public_text gin_trgm_ops)",
      "CREATE INDEX support_case_search_internal_idx ON support_case_search USING gin (internal_text gin_trgm_ops)",
      "CREATE INDEX support_case_search_grams_idx ON support_case_search USING gin (grams)"
    ])
  }),
  // A submission under opening limits in one round trip (decision 96): the requester's advisory lock, then the
  // submission's statement (`PgCaseStore`), which PL/pgSQL runs with a snapshot taken after the lock, so the limits'
  // counts see every submission committed before it, as the transaction of four statements it replaces did.
  "61_locked_submission": statements([
    `CREATE FUNCTION support_locked_submission(lock_space integer, requester text, statement text, input jsonb)
      RETURNS TABLE (created integer, limit_id text, count integer, max integer)
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(lock_space, hashtext(requester));
        RETURN QUERY EXECUTE statement USING input;
      END
      $$`
  ]),
  // One index on the next due instant: `support_cases_due_all_idx` (the console's, all cases) serves the queue and the
  // sweep as the partial `support_cases_due_idx` did (`next_due_at IS NOT NULL` is a range of it), and every write to
  // a case that is not a HOT update inserts into each index of the table: one fewer is a cheaper write (decision 94).
  "62_due_index_once": statements(["DROP INDEX support_cases_due_idx"]),
  // A submission in one round trip whose plan PostgreSQL keeps (decision 97): the submission's statement as PL/pgSQL,
  // which prepares each statement of a function once per connection, where `61_locked_submission` parsed and planned
  // the text it was passed on every call. Its first parameter is the submission as JSON (`PgCaseStore`), its second the
  // lock space of the requester's advisory lock, taken first when the submission carries opening limits: PL/pgSQL takes
  // a new snapshot for each statement under READ COMMITTED, so the limits' counts see every submission committed
  // before the lock was granted. Every data-modifying part depends on the case row: when the idempotency key was used
  // before, the key's insert does nothing, so the case is not inserted, so nor is anything else. Inside a caller's
  // transaction the call joins it. A change to the tables it writes replaces the function in a new migration.
  "63_submission_function": statements([
    `CREATE FUNCTION support_submission(jsonb, integer)
      RETURNS TABLE (created integer, limit_id text, count integer, max integer)
      LANGUAGE plpgsql VOLATILE AS $$
      #variable_conflict use_column
      BEGIN
        IF jsonb_array_length($1->'limits') > 0 THEN
          PERFORM pg_advisory_xact_lock($2, hashtext($1->'case'->>'requester_id'));
        END IF;
        RETURN QUERY
          WITH input AS (SELECT $1::jsonb AS j),
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
                                       opened_at, updated_at, sequence, next_due_at, data, facts, channel,
                                       assignee_queue, account_manager_id)
            SELECT r.id, r.tracking_number, r.requester_id, r.status, r.priority, r.category, r.assignee_id,
                   r.opened_at, r.updated_at, r.sequence, r.next_due_at, r.data, r.facts, r.channel,
                   r.assignee_queue, r.account_manager_id
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
            INSERT INTO support_case_events (case_id, sequence, type, at, readers, data)
            SELECT r.case_id, r.sequence, r.type, r.at, r.readers, r.data
            FROM new_case, input, jsonb_populate_recordset(NULL::support_case_events, input.j->'events') AS r
          ),
          clock AS (
            INSERT INTO support_case_clock_events (case_id, sequence, data)
            SELECT r.case_id, r.sequence, r.data
            FROM new_case, input, jsonb_populate_recordset(NULL::support_case_clock_events, input.j->'clock') AS r
          ),
          search AS (
            INSERT INTO support_case_search (case_id, sequence, public_text, internal_text, grams)
            SELECT r.case_id, r.sequence, r.public_text, r.internal_text, r.grams
            FROM new_case, input, jsonb_populate_recordset(NULL::support_case_search, input.j->'search') AS r
          ),
          messages AS (
            INSERT INTO support_outbox (id, case_id, kind, status, attempts, available_at, created_at, data)
            SELECT r.id, r.case_id, r.kind, r.status, r.attempts, r.available_at, r.created_at, r.data
            FROM new_case, input, jsonb_populate_recordset(NULL::support_outbox, input.j->'outbox') AS r
          ),
          schedule AS (
            INSERT INTO support_alert_schedule (case_id, alert_at)
            SELECT new_case.id, (input.j->>'alertAt')::bigint
            FROM new_case, input WHERE input.j->>'alertAt' IS NOT NULL
          )
          SELECT (SELECT count(*)::integer FROM new_case) AS created,
                 b.id AS limit_id, b.count, b.max
          FROM (SELECT 1) AS one LEFT JOIN blocked AS b ON true;
      END
      $$`,
    `CREATE FUNCTION support_submissions(jsonb, integer)
      RETURNS TABLE ("position" integer, created integer, limit_id text, count integer, max integer)
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        item record;
        answer record;
      BEGIN
        FOR item IN
          SELECT value, ordinality::integer AS at FROM jsonb_array_elements($1) WITH ORDINALITY
          ORDER BY hashtext(value->'case'->>'requester_id'), value->'case'->>'requester_id', value->'key'->>'key',
                   ordinality
        LOOP
          SELECT * INTO answer FROM support_submission(item.value, $2);
          "position" := item.at;
          created := answer.created;
          limit_id := answer.limit_id;
          count := answer.count;
          max := answer.max;
          RETURN NEXT;
        END LOOP;
      END
      $$`
  ]),
  // a GIN index's pending list is merged into it by the insert that fills it: 1 MB instead of 4 MB keeps that merge
  // short (decision 100)
  "64_search_pending_lists": statements(
    ["support_case_search_public_idx", "support_case_search_internal_idx", "support_case_search_grams_idx"].map(
      (index) => `ALTER INDEX ${index} SET (gin_pending_list_limit = 1024)`
    )
  )
}

/**
 * Applies the pending migrations; returns the ones it applied as `[id, name]`.
 *
 * @since 0.1.0
 * @category migrations
 */
export const run: Effect.Effect<
  ReadonlyArray<readonly [id: number, name: string]>,
  Migrator.MigrationError | SqlError.SqlError,
  SqlClient.SqlClient
> = Effect.gen(function* () {
  // Effect's migrator creates the table (as it always did) and applies nothing from an empty loader
  yield* Migrator.make({})({ loader: Migrator.fromRecord({}), table })
  const sql = yield* SqlClient.SqlClient
  const all = Object.entries(migrations)
    .map(([key, effect]) => {
      const at = key.indexOf("_")
      return { id: Number(key.slice(0, at)), name: key.slice(at + 1), effect }
    })
    .sort((a, b) => a.id - b.id)
  return yield* sql.withTransaction(
    Effect.gen(function* () {
      // several instances starting at once: one applies, the others wait and find nothing left to do
      yield* sql`LOCK TABLE ${sql(table)} IN ACCESS EXCLUSIVE MODE`
      const applied = new Set(
        (yield* sql<{ migration_id: number }>`SELECT migration_id FROM ${sql(table)}`.withoutTransform).map(
          (row) => row.migration_id
        )
      )
      const done: Array<readonly [id: number, name: string]> = []
      for (const migration of all) {
        if (applied.has(migration.id)) continue
        yield* migration.effect.pipe(
          Effect.mapError(
            (cause) =>
              new Migrator.MigrationError({
                cause,
                kind: "Failed",
                message: `Migration "${migration.id}_${migration.name}" failed`
              })
          )
        )
        yield* sql`INSERT INTO ${sql(table)} ${sql.insert({ migration_id: migration.id, name: migration.name })}`
          .withoutTransform
        done.push([migration.id, migration.name])
      }
      return done
    })
  )
})

/**
 * A layer that applies the migrations when it is built.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<never, Migrator.MigrationError | SqlError.SqlError, SqlClient.SqlClient> =
  Layer.effectDiscard(run)
