/**
 * Test data for storage adapters: new cases, appends, outbox messages, incidents and announcements, valid by the real
 * schemas (`SupportCase`, `CaseEvent`, `Outbox.Message`, `Incident`) and with random ids, so tests can run against a
 * shared, persistent database without seeing each other's data. The contract suites are written with them; adapters
 * use them in their own tests (for example to store a case and then corrupt its row).
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import * as CaseEvent from "../CaseEvent.ts"
import * as CaseLifecycle from "../CaseLifecycle.ts"
import type * as CaseStore from "../CaseStore.ts"
import * as Erasure from "../Erasure.ts"
import * as Incident from "../Incident.ts"
import * as Outbox from "../Outbox.ts"
import * as Randomness from "../Randomness.ts"
import * as SupportCase from "../SupportCase.ts"

/**
 * An instant in 2026 (epoch ms) around which the fixtures' cases are opened.
 *
 * @since 0.1.0
 * @category constants
 */
export const baseTime = 1_780_000_000_000

/**
 * A random id with a readable prefix: `${prefix}-` and 32 hex characters.
 *
 * @since 0.1.0
 * @category constructors
 */
export const id = (prefix: string): Effect.Effect<string, never, Randomness.Randomness> =>
  Effect.map(Randomness.id, (hex) => `${prefix}-${hex}`)

const decodeCase = Schema.decodeUnknownSync(SupportCase.SupportCase)
const decodeEvents = Schema.decodeUnknownSync(CaseEvent.Record)
const decodeMessage = Schema.decodeUnknownSync(Outbox.Message)
const decodeIncident = Schema.decodeUnknownSync(Incident.Incident)
const decodeAnnouncement = Schema.decodeUnknownSync(Incident.Announcement)
const decodeTally = Schema.decodeUnknownSync(Erasure.Tally)

/**
 * A random whole number from 0 to `below` − 1.
 *
 * @since 0.1.0
 * @category constructors
 */
export const randomInt = (below: number): Effect.Effect<number, never, Randomness.Randomness> =>
  Effect.map(
    Randomness.Randomness.use((r) => r.bytes(4)),
    (b) => Math.floor(((((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) / 2 ** 32) * below)
  )

/**
 * Options of {@link message}.
 *
 * @since 0.1.0
 * @category models
 */
export interface MessageOptions {
  readonly caseId: string | null
  readonly trackingNumber?: string | null | undefined
  readonly sequence?: number | null | undefined
  readonly recipientId?: string | undefined
  readonly kind?: Outbox.Kind | undefined
  readonly createdAt: number
}

/**
 * An outbox message with a random id.
 *
 * @since 0.1.0
 * @category constructors
 */
export const message = (options: MessageOptions): Effect.Effect<Outbox.Message, never, Randomness.Randomness> =>
  Effect.map(id("msg"), (messageId) =>
    decodeMessage({
      id: messageId,
      kind: options.kind ?? "acknowledgment",
      caseId: options.caseId,
      trackingNumber: options.trackingNumber ?? null,
      sequence: options.sequence ?? null,
      recipient: {
        id: options.recipientId ?? "someone",
        role: "requester",
        email: "requester@example.com",
        name: "A Requester",
        language: "en"
      },
      subject: `About ${options.trackingNumber ?? "your request"}`,
      body: "We received your request and will reply by the time stated.",
      createdAt: options.createdAt
    })
  )

/**
 * Options of {@link newCase}. Everything is optional; ids are random unless given.
 *
 * @since 0.1.0
 * @category models
 */
export interface NewCaseOptions {
  readonly id?: string | undefined
  readonly trackingNumber?: string | undefined
  readonly requesterId?: string | undefined
  /** Parties besides the requester (a mediation counterparty). */
  readonly counterparties?: ReadonlyArray<string> | undefined
  readonly priority?: string | undefined
  readonly category?: string | undefined
  readonly openedAt?: number | undefined
  /** Default: `openedAt` + 2 days; null for a case without a running clock. */
  readonly nextDueAt?: number | null | undefined
  readonly assigneeId?: string | undefined
  readonly idempotency?: { readonly key: string; readonly fingerprint: string } | undefined
  /** How many outbox messages the submission writes (default 1, the acknowledgment). */
  readonly messages?: number | undefined
  /** The `createdAt` of those messages (default `openedAt`). */
  readonly messageCreatedAt?: number | undefined
  /** Set every optional field of the case (assignee, order reference, account manager, email, name). */
  readonly full?: boolean | undefined
  /** The case's next SLA alert instant (`NewCase.alertAt`; default none). */
  readonly alertAt?: number | null | undefined
  /** The subject and the description (the submitted event's body). */
  readonly subject?: string | undefined
  readonly description?: string | undefined
  readonly orderReference?: string | undefined
  readonly requesterName?: string | undefined
  readonly requesterEmail?: string | undefined
  readonly accountManagerId?: string | undefined
  /** The assignee's queue (with `assigneeId`, or alone: routed to a queue) and role (default agent). */
  readonly queue?: string | undefined
  readonly assigneeRole?: "agent" | "accountManager" | undefined
  readonly status?: SupportCase.Status | undefined
}

/**
 * A new case as the desk submits it: an `open` case, its `submitted` event, its outbox messages.
 *
 * @since 0.1.0
 * @category constructors
 */
export const newCase = (options: NewCaseOptions = {}): Effect.Effect<CaseStore.NewCase, never, Randomness.Randomness> =>
  Effect.gen(function* () {
    const caseId = options.id ?? (yield* id("case"))
    const trackingNumber = options.trackingNumber ?? (yield* id("TRK"))
    const requesterId = options.requesterId ?? (yield* id("requester"))
    const openedAt = options.openedAt ?? baseTime
    const priority = options.priority ?? "normal"
    const category = options.category ?? "consultation"
    const full = options.full ?? false
    const submitted = {
      sequence: 1,
      at: openedAt,
      actor: { role: "requester", id: requesterId },
      type: "submitted",
      channel: "online-form",
      category,
      priority,
      audience: "buyer",
      requester: { id: requesterId, flags: full ? ["dedicatedAccountManager"] : [] },
      subject: options.subject ?? "Where is my order?",
      body: options.description ?? "My order has not arrived."
    }
    const assigneeId = options.assigneeId ?? (full ? "agent-1" : undefined)
    const queue = options.queue ?? (assigneeId !== undefined ? "general" : undefined)
    const accountManagerId = options.accountManagerId ?? (full ? "am-1" : undefined)
    const assignee =
      assigneeId === undefined && queue === undefined
        ? {}
        : {
            assignee: {
              role: options.assigneeRole ?? "agent",
              ...(assigneeId === undefined ? {} : { id: assigneeId }),
              ...(queue === undefined ? {} : { queue })
            }
          }
    const supportCase = decodeCase({
      id: caseId,
      trackingNumber,
      policyId: "global-sources",
      policyVersion: "1.8",
      requester: {
        id: requesterId,
        audience: "buyer",
        flags: full ? ["dedicatedAccountManager"] : [],
        ...(accountManagerId === undefined ? {} : { accountManagerId }),
        ...(options.requesterEmail !== undefined || full
          ? { email: options.requesterEmail ?? "buyer@example.com" }
          : {}),
        ...(options.requesterName !== undefined || full ? { name: options.requesterName ?? "A Buyer" } : {})
      },
      parties: [requesterId, ...(options.counterparties ?? [])],
      channel: "online-form",
      category,
      priority,
      status: options.status ?? "open",
      subject: options.subject ?? "Where is my order?",
      ...(options.orderReference !== undefined || full ? { orderReference: options.orderReference ?? "PO-1234" } : {}),
      language: "en",
      ...assignee,
      openedAt,
      updatedAt: openedAt,
      sequence: 1,
      nextDueAt: options.nextDueAt === undefined ? openedAt + 2 * 86_400_000 : options.nextDueAt
    })
    const outbox = yield* Effect.forEach(Array.from({ length: options.messages ?? 1 }), () =>
      message({
        caseId,
        trackingNumber,
        sequence: 1,
        recipientId: requesterId,
        createdAt: options.messageCreatedAt ?? openedAt
      })
    )
    const events = decodeEvents([submitted])
    const facts = CaseLifecycle.factsUnsafe(events)
    return {
      case: supportCase,
      facts: {
        ...facts,
        parties: supportCase.parties,
        ...(supportCase.assignee === undefined ? {} : { assignee: supportCase.assignee })
      },
      events,
      clockRecord: events.map(CaseEvent.withoutText),
      outbox,
      ...(options.idempotency !== undefined ? { idempotency: options.idempotency } : {}),
      ...(options.alertAt !== undefined ? { alertAt: options.alertAt } : {})
    }
  })

/**
 * Options of {@link append}.
 *
 * @since 0.1.0
 * @category models
 */
export interface AppendOptions {
  /** How many `replied` events to append (default 1). */
  readonly events?: number | undefined
  /** The body of the events (to tell writers apart). */
  readonly body?: string | undefined
  /** The instant of the events (default: the case's `updatedAt` + 1 minute). */
  readonly at?: number | undefined
  /** Expect this sequence instead of the case's. */
  readonly expectedSequence?: number | undefined
  /** How many outbox messages the append writes (default 1, a reply notification). */
  readonly messages?: number | undefined
  readonly messageCreatedAt?: number | undefined
  /** Changes to the case's state. */
  readonly status?: SupportCase.Status | undefined
  readonly nextDueAt?: number | null | undefined
  readonly priority?: string | undefined
  /** The case's next SLA alert instant after the append (`Append.alertAt`; default none). */
  readonly alertAt?: number | null | undefined
  /**
   * Append these SLA alerts (one event each, in order, `events` is then ignored): the type, whom it is addressed to,
   * and the instant it fell due (default: the events' instant).
   */
  readonly alerts?:
    | ReadonlyArray<{
        readonly type: CaseEvent.SlaAlert["type"]
        readonly to: ReadonlyArray<CaseEvent.Assignee>
        readonly dueAt?: number | undefined
      }>
    | undefined
  /** The events' type: agent replies (default) or internal notes. */
  readonly type?: "replied" | "noteAdded" | undefined
  /** The requester as the case holds them after the append (anonymisation removes the name and email). */
  readonly requester?: SupportCase.Requester | undefined
}

/**
 * An append of agent replies to a case as it was read (`current`: a stored case, a new case or an append), continuing
 * its record: the facts stepped over the replies (with the status given), every reply a clock event.
 *
 * @since 0.1.0
 * @category constructors
 */
export const append = (
  read: { readonly case: SupportCase.SupportCase; readonly facts: CaseLifecycle.Facts },
  options: AppendOptions = {}
): Effect.Effect<CaseStore.Append, never, Randomness.Randomness> =>
  Effect.gen(function* () {
    const current = read.case
    const expectedSequence = options.expectedSequence ?? current.sequence
    const at = options.at ?? current.updatedAt + 60_000
    const alerts = options.alerts
    const count = alerts?.length ?? options.events ?? 1
    const events = decodeEvents(
      Array.from({ length: count }, (_, i) =>
        alerts === undefined
          ? {
              sequence: expectedSequence + 1 + i,
              at,
              actor: { role: "agent", id: "agent-1" },
              type: options.type ?? "replied",
              body: options.body ?? "Thank you, we are looking into it."
            }
          : {
              sequence: expectedSequence + 1 + i,
              at,
              actor: { role: "system", id: "support-desk" },
              type: alerts[i].type,
              metric: "firstResponse",
              rule: "first-response",
              instance: 1,
              level:
                alerts[i].type === "slaWarning" ? "warning" : alerts[i].type === "slaBreached" ? "breached" : "late",
              dueAt: alerts[i].dueAt ?? at,
              to: alerts[i].to
            }
      )
    )
    const supportCase = decodeCase({
      ...current,
      status: options.status ?? current.status,
      priority: options.priority ?? current.priority,
      requester: options.requester ?? current.requester,
      updatedAt: at,
      sequence: expectedSequence + count,
      nextDueAt: options.nextDueAt === undefined ? current.nextDueAt : options.nextDueAt
    })
    const outbox = yield* Effect.forEach(Array.from({ length: options.messages ?? 1 }), (_, i) =>
      message({
        caseId: current.id,
        trackingNumber: current.trackingNumber,
        sequence: expectedSequence + 1 + i,
        recipientId: current.requester.id,
        kind: "reply",
        createdAt: options.messageCreatedAt ?? at
      })
    )
    const facts: CaseLifecycle.Facts = {
      ...CaseLifecycle.stepAll({ ...read.facts, sequence: expectedSequence }, events),
      status: supportCase.status,
      priority: supportCase.priority,
      sequence: supportCase.sequence
    }
    return {
      caseId: current.id,
      expectedSequence,
      events,
      case: supportCase,
      facts,
      clockEvents: events.map(CaseEvent.withoutText),
      outbox,
      ...(options.alertAt !== undefined ? { alertAt: options.alertAt } : {})
    }
  })

/**
 * Options of {@link incident}.
 *
 * @since 0.1.0
 * @category models
 */
export interface IncidentOptions {
  readonly declaredAt?: number | undefined
  readonly status?: Incident.Status | undefined
  readonly linkedCaseIds?: ReadonlyArray<string> | undefined
}

/**
 * A new incident (version 1) with a random id.
 *
 * @since 0.1.0
 * @category constructors
 */
export const incident = (
  options: IncidentOptions = {}
): Effect.Effect<Incident.Incident, never, Randomness.Randomness> =>
  Effect.map(id("incident"), (incidentId) =>
    decodeIncident({
      id: incidentId,
      title: "Payments are failing",
      description: "Card payments fail for some buyers.",
      status: options.status ?? "investigating",
      declaredAt: options.declaredAt ?? baseTime,
      declaredBy: { role: "administrator", id: "admin-1" },
      resolvedAt: options.status === "resolved" ? (options.declaredAt ?? baseTime) + 3_600_000 : null,
      linkedCaseIds: options.linkedCaseIds ?? [],
      version: 1
    })
  )

/**
 * Options of {@link announcement}.
 *
 * @since 0.1.0
 * @category models
 */
export interface AnnouncementOptions {
  readonly incidentId?: string | null | undefined
  readonly postedAt?: number | undefined
  readonly expiresAt?: number | null | undefined
  readonly title?: string | undefined
}

/**
 * An announcement with a random id.
 *
 * @since 0.1.0
 * @category constructors
 */
export const announcement = (
  options: AnnouncementOptions = {}
): Effect.Effect<Incident.Announcement, never, Randomness.Randomness> =>
  Effect.map(id("announcement"), (announcementId) =>
    decodeAnnouncement({
      id: announcementId,
      incidentId: options.incidentId ?? null,
      title: options.title ?? "Card payments are failing",
      body: "We are working on it.",
      postedAt: options.postedAt ?? baseTime,
      updatedAt: options.postedAt ?? baseTime,
      expiresAt: options.expiresAt ?? null
    })
  )

/**
 * Options of {@link tally}.
 *
 * @since 0.1.0
 * @category models
 */
export interface TallyOptions {
  readonly openedAt?: number | undefined
}

/**
 * The tally a deleted case leaves: a closed case with a met first response and a breached resolution clock, deleted
 * on a requester's request.
 *
 * @since 0.1.0
 * @category constructors
 */
export const tally = (
  caseId: string,
  options: TallyOptions = {}
): Effect.Effect<Erasure.Tally, never, Randomness.Randomness> =>
  Effect.map(id("erasure"), (erasureId) => {
    const openedAt = options.openedAt ?? baseTime
    return decodeTally({
      caseId,
      policyId: "global-sources",
      policyVersion: "1.8",
      openedAt,
      updatedAt: openedAt + 10 * 86_400_000,
      status: "closed",
      channel: "online-form",
      category: "consultation",
      priority: "normal",
      audience: "buyer",
      reopenCount: 0,
      clocks: [
        {
          rule: "first-response",
          clause: "6.1",
          metric: "firstResponse",
          instance: 1,
          cycle: 1,
          state: "met",
          outcome: "met",
          targetMs: 64_800_000,
          startedAt: openedAt,
          dueAt: openedAt + 2 * 86_400_000,
          usedMs: 3_600_000,
          metAt: openedAt + 3_600_000,
          stoppedAt: openedAt + 3_600_000,
          facts: { category: "consultation", priority: "normal", channel: "online-form", queue: null, agent: "agent-1" }
        },
        {
          rule: "resolution",
          clause: "6.3",
          metric: "resolution",
          instance: 1,
          cycle: 1,
          state: "breached",
          outcome: "met",
          targetMs: 226_800_000,
          startedAt: openedAt,
          dueAt: openedAt + 9 * 86_400_000,
          usedMs: 250_000_000,
          breachedAt: openedAt + 9 * 86_400_000,
          metAt: openedAt + 10 * 86_400_000,
          stoppedAt: openedAt + 10 * 86_400_000,
          facts: { category: "consultation", priority: "normal", channel: "online-form", queue: null, agent: "agent-1" }
        }
      ],
      satisfaction: {
        rating: 4,
        at: openedAt + 10 * 86_400_000,
        facts: { category: "consultation", priority: "normal", channel: "online-form", queue: null, agent: "agent-1" }
      },
      erasure: {
        id: erasureId,
        basis: "request",
        at: openedAt + 11 * 86_400_000,
        by: { role: "administrator", id: "admin-1" }
      }
    })
  })
