/**
 * The outbox: notifications the desk owes people (an acknowledgment with the tracking number and the reply-by time,
 * replies, progress updates, incident resolutions, …), written in the same unit of work as the events that cause
 * them, and delivered later by an adapter (the email adapter). A notification is never sent for an event that was
 * not stored, and never lost for one that was.
 *
 * Delivery is at least once: an adapter claims due messages for a lease, delivers them, and marks each sent or
 * failed (with the next attempt's instant). A claimed message whose lease runs out is claimed again.
 *
 * The life of a message: written `pending`, available from its `createdAt`; each claim counts an attempt and makes it
 * unavailable until the lease ends; `markSent` makes it `sent` (final); `markFailed` makes it available again from
 * `retryAt`, or `failed` (never claimed again) when `retryAt` is null. Instants are epoch milliseconds given by the
 * caller, so the store needs no clock.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Option, Schema } from "effect"
import * as CaseEvent from "./CaseEvent.ts"
import * as memory from "./internal/memoryStore.ts"

/**
 * What a notification is about.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Kind = Schema.Literals([
  "acknowledgment",
  "reply",
  "progressUpdate",
  "informationRequested",
  "verificationHold",
  "resolved",
  "explained",
  "refused",
  "reopened",
  "closed",
  "mediationUpdate",
  "incidentLinked",
  "incidentResolved",
  "escalated",
  "assigned",
  "slaWarning",
  "slaBreached",
  "slaEscalated"
])

/**
 * @since 0.1.0
 * @category models
 */
export type Kind = typeof Kind.Type

/**
 * What a notification says, as data: the template it was written from (`"acknowledgment"`, `"reply"`,
 * `"closedIdle"`, …; several templates may share a {@link Kind}) and its parameters (the tracking number, due
 * instants in epoch milliseconds, the agent's message, …). The `subject` and `body` of a message are the English text
 * of the desk; a delivery adapter renders other languages (and a host's own templates) from this data.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Data = Schema.Struct({
  template: Schema.String,
  params: Schema.Record(Schema.String, Schema.Unknown)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Data = typeof Data.Type

/**
 * A notification to deliver.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Message = Schema.Struct({
  /** Random id; also the idempotency key of the delivery. */
  id: CaseEvent.Id,
  kind: Kind,
  /** The case it is about, if any. */
  caseId: Schema.NullOr(CaseEvent.Id),
  trackingNumber: Schema.NullOr(Schema.String),
  /** The sequence of the event that caused it, if any. */
  sequence: Schema.NullOr(Schema.Int),
  recipient: Schema.Struct({
    id: CaseEvent.Id,
    role: CaseEvent.ActorRole,
    email: Schema.optionalKey(Schema.String),
    name: Schema.optionalKey(Schema.String),
    language: Schema.String,
    /** Where the recipient reads times (IANA name), when known; the policy's zone otherwise. */
    timeZone: Schema.optionalKey(Schema.String)
  }),
  subject: Schema.String,
  body: Schema.String,
  createdAt: CaseEvent.EpochMillis,
  /** What the message says as data, for rendering it in other languages (absent on messages written before it). */
  data: Schema.optionalKey(Data)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Message = typeof Message.Type

/**
 * The delivery state of a message.
 *
 * @since 0.1.0
 * @category models
 */
export interface Delivery {
  readonly message: Message
  /** `pending` until sent or given up; `sent` and `failed` are final. */
  readonly status: "pending" | "sent" | "failed"
  /** How many times the message was claimed. */
  readonly attempts: number
  /**
   * When a pending message may next be claimed (epoch ms): its `createdAt` at first, the end of the lease after a
   * claim, `retryAt` after a failed attempt.
   */
  readonly availableAt: number
  /** The error of the last failed attempt. */
  readonly lastError: string | null
  readonly sentAt: number | null
}

/**
 * A storage failure of the outbox. `cause` keeps the driver's error.
 *
 * @since 0.1.0
 * @category errors
 */
export class OutboxFailure extends Schema.TaggedError<OutboxFailure>()("OutboxFailure", {
  message: Schema.String,
  cause: Schema.optionalKey(Schema.Defect())
}) {}

/**
 * The outbox port, as read by delivery adapters. Messages are written by `CaseStore` (and `IncidentStore`) in the
 * same unit of work as their events.
 *
 * @since 0.1.0
 * @category services
 */
export class Outbox extends Context.Service<
  Outbox,
  {
    /**
     * Claims up to `limit` pending messages available at `now` (`availableAt <= now`), for `leaseMillis`: each one's
     * `attempts` grows by one and its `availableAt` becomes `now + leaseMillis`, so no other claim gets it until the
     * lease ends. Earliest `availableAt` first, then in the order they were written. Returns the claimed deliveries.
     * Two concurrent claims never get the same message.
     */
    readonly claim: (options: {
      readonly limit: number
      readonly now: number
      readonly leaseMillis: number
    }) => Effect.Effect<ReadonlyArray<Delivery>, OutboxFailure>
    /** Marks a message delivered (`sent`, at `at`). Marking a sent message again, or an unknown id, does nothing. */
    readonly markSent: (id: string, at: number) => Effect.Effect<void, OutboxFailure>
    /**
     * Records a failed attempt of a pending message: it is claimed again from `retryAt`, or given up (`failed`) when
     * `retryAt` is null. A sent or failed message, or an unknown id, is left as it is.
     */
    readonly markFailed: (
      id: string,
      options: { readonly error: string; readonly retryAt: number | null }
    ) => Effect.Effect<void, OutboxFailure>
    /** One message with its delivery state. */
    readonly get: (id: string) => Effect.Effect<Option.Option<Delivery>, OutboxFailure>
    /** The messages of a case (`message.caseId`), oldest first: by `createdAt`, then in the order they were written. */
    readonly listByCase: (caseId: string) => Effect.Effect<ReadonlyArray<Delivery>, OutboxFailure>
    /**
     * The messages given up (`failed`), for administrators: newest first (by `createdAt`, then the reverse of the
     * order written), `limit` of them after skipping `offset`.
     */
    readonly listFailed: (page: {
      readonly limit: number
      readonly offset?: number | undefined
    }) => Effect.Effect<ReadonlyArray<Delivery>, OutboxFailure>
    /**
     * Gives a failed message another chance: it becomes `pending` again, available from `now`, with its attempts
     * counted from 0 (its `lastError` is kept until the next attempt). A message that is not `failed` is left as it
     * is. Answers the message's delivery state after the call, none for an unknown id.
     */
    readonly retry: (id: string, now: number) => Effect.Effect<Option.Option<Delivery>, OutboxFailure>
  }
>()("@support-policy/core/Outbox") {}

/**
 * Checks the options of `claim` before an adapter claims anything: a whole `limit` of 0 or more, a positive whole
 * `leaseMillis`, a whole `now`. A malformed call is a defect of the caller: it dies naming the field.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateClaim = (options: {
  readonly limit: number
  readonly now: number
  readonly leaseMillis: number
}): Effect.Effect<void> => {
  const problems: Array<string> = []
  if (!Number.isSafeInteger(options.limit) || options.limit < 0) {
    problems.push(`limit: expected a non-negative integer, got ${options.limit}`)
  }
  if (!Number.isSafeInteger(options.leaseMillis) || options.leaseMillis <= 0) {
    problems.push(`leaseMillis: expected a positive integer, got ${options.leaseMillis}`)
  }
  if (!Number.isSafeInteger(options.now)) problems.push(`now: expected an integer, got ${options.now}`)
  return problems.length > 0 ? Effect.die(new Error(`Outbox.claim: ${problems.join("; ")}`)) : Effect.void
}

/**
 * Checks the page of `listFailed`: a whole `limit` of 0 or more and a whole `offset` of 0 or more. A malformed call is
 * a defect of the caller: it dies naming the field.
 *
 * @since 0.1.0
 * @category validation
 */
export const validatePage = (page: { readonly limit: number; readonly offset?: number | undefined }) => {
  const problems: Array<string> = []
  if (!Number.isSafeInteger(page.limit) || page.limit < 0) {
    problems.push(`limit: expected a non-negative integer, got ${page.limit}`)
  }
  if (page.offset !== undefined && (!Number.isSafeInteger(page.offset) || page.offset < 0)) {
    problems.push(`offset: expected a non-negative integer, got ${page.offset}`)
  }
  return problems.length > 0 ? Effect.die(new Error(`Outbox.listFailed: ${problems.join("; ")}`)) : Effect.void
}

/**
 * The in-memory outbox, on the state it shares with `CaseStore.layerMemory` and `Incident.layerMemory`, which write
 * its messages. `MemoryStorage.layerMemory` gives all three at once.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<Outbox, never, memory.MemoryStore> = Layer.effect(
  Outbox,
  Effect.gen(function* () {
    const state = yield* memory.MemoryStore

    const claim = (options: { readonly limit: number; readonly now: number; readonly leaseMillis: number }) => {
      return Effect.flatMap(validateClaim(options), () =>
        Effect.sync(() => {
          const due: Array<memory.OutboxEntry> = []
          for (const entry of state.outbox.values()) {
            if (entry.status === "pending" && entry.availableAt <= options.now) due.push(entry)
          }
          due.sort((a, b) => a.availableAt - b.availableAt || a.order - b.order)
          const claimed = due.slice(0, options.limit)
          for (const entry of claimed) {
            entry.attempts++
            entry.availableAt = options.now + options.leaseMillis
          }
          return Object.freeze(claimed.map(memory.delivery))
        })
      )
    }

    const markSent = (id: string, at: number) =>
      Effect.sync(() => {
        const entry = state.outbox.get(id)
        if (entry === undefined || entry.status === "sent") return
        entry.status = "sent"
        entry.sentAt = at
      })

    const markFailed = (id: string, options: { readonly error: string; readonly retryAt: number | null }) =>
      Effect.sync(() => {
        const entry = state.outbox.get(id)
        if (entry === undefined || entry.status !== "pending") return
        entry.lastError = options.error
        if (options.retryAt === null) entry.status = "failed"
        else entry.availableAt = options.retryAt
      })

    const get = (id: string) =>
      Effect.sync(() => Option.map(Option.fromNullishOr(state.outbox.get(id)), memory.delivery))

    const listByCase = (caseId: string) =>
      Effect.sync(() => {
        const found: Array<memory.OutboxEntry> = []
        for (const entry of state.outbox.values()) if (entry.message.caseId === caseId) found.push(entry)
        found.sort((a, b) => a.message.createdAt - b.message.createdAt || a.order - b.order)
        return Object.freeze(found.map(memory.delivery))
      })

    const listFailed = (page: { readonly limit: number; readonly offset?: number | undefined }) =>
      Effect.flatMap(validatePage(page), () =>
        Effect.sync(() => {
          const found: Array<memory.OutboxEntry> = []
          for (const entry of state.outbox.values()) if (entry.status === "failed") found.push(entry)
          found.sort((a, b) => b.message.createdAt - a.message.createdAt || b.order - a.order)
          const offset = page.offset ?? 0
          return Object.freeze(found.slice(offset, offset + page.limit).map(memory.delivery))
        })
      )

    const retry = (id: string, now: number) =>
      Effect.sync(() => {
        const entry = state.outbox.get(id)
        if (entry === undefined) return Option.none()
        if (entry.status === "failed") {
          entry.status = "pending"
          entry.attempts = 0
          entry.availableAt = now
        }
        return Option.some(memory.delivery(entry))
      })

    return Outbox.of({ claim, markSent, markFailed, get, listByCase, listFailed, retry })
  })
)
