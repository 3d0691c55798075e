/**
 * The state shared by the in-memory stores (`CaseStore.layerMemory`, `Outbox.layerMemory`,
 * `Incident.layerMemory`): one object, so that a case's events, its state and its outbox messages are written in one
 * unit of work. Every operation of the memory stores reads and writes it in one synchronous step (JavaScript runs one
 * step at a time), after all its checks passed, so an operation is atomic and a failed one writes nothing.
 *
 * Stored values are deep-frozen copies: a caller can neither change the store through a value it wrote (it was
 * copied) nor through a value it read (it is frozen).
 *
 * Only types are imported from the port modules, so that they can import this module without a cycle.
 */
import { Context, Layer } from "effect"
import type * as CaseEvent from "../CaseEvent.ts"
import type * as CaseLifecycle from "../CaseLifecycle.ts"
import type * as Erasure from "../Erasure.ts"
import type * as Incident from "../Incident.ts"
import type * as Outbox from "../Outbox.ts"
import type * as PolicyStore from "../PolicyStore.ts"
import * as SlaAlert from "../SlaAlert.ts"
import type * as SupportCase from "../SupportCase.ts"

/**
 * A stored case: its current state, facts and clock record, its record (frozen arrays, replaced on every write), and
 * the next instant an SLA escalation level falls due (or the end of a claim's lease).
 */
export interface CaseEntry {
  case: SupportCase.SupportCase
  facts: CaseLifecycle.Facts
  clockRecord: ReadonlyArray<CaseEvent.CaseEvent>
  events: ReadonlyArray<CaseEvent.CaseEvent>
  alertAt: number | null
}

/** A stored SLA alert with the addressee keys it is listed under. */
export interface AlertEntry {
  readonly alert: SlaAlert.SlaAlert
  readonly keys: ReadonlyArray<string>
}

/** A stored outbox message with its mutable delivery state; `order` is the write order. */
export interface OutboxEntry {
  /** Replaced only by an erasure (redacted). */
  message: Outbox.Message
  readonly order: number
  status: Outbox.Delivery["status"]
  attempts: number
  availableAt: number
  lastError: string | null
  sentAt: number | null
}

/** The state of the in-memory stores. */
export interface State {
  readonly cases: Map<string, CaseEntry>
  /** tracking number → case id */
  readonly trackingNumbers: Map<string, string>
  /** `idempotencyScope(requesterId, key)` → the first submission with that key */
  readonly idempotency: Map<string, { readonly fingerprint: string; readonly caseId: string }>
  /** requester id → the instants of the messages they sent (`CaseStore.messageTypes`), in write order */
  readonly messages: Map<string, Array<number>>
  readonly outbox: Map<string, OutboxEntry>
  readonly incidents: Map<string, Incident.Incident>
  readonly announcements: Map<string, Incident.Announcement>
  /** Published policy versions by version, in publication order (a `Map` keeps insertion order). */
  readonly policies: Map<string, PolicyStore.Published>
  /** The anonymous tallies of deleted cases, by case id. */
  readonly tallies: Map<string, Erasure.Tally>
  /** `${caseId}/${sequence}` → the alert of that event */
  readonly alerts: Map<string, AlertEntry>
  /** task name → its schedule (`TaskStore.layerMemory`) */
  readonly tasks: Map<string, TaskEntry>
  nextOrder: number
}

/**
 * The shared state of the in-memory stores, as a service.
 */
export class MemoryStore extends Context.Service<MemoryStore, State>()(
  "@support-policy/core/MemoryStorage/MemoryStore"
) {
  /** A fresh, empty state. */
  static readonly layer: Layer.Layer<MemoryStore> = Layer.sync(MemoryStore)(() => ({
    cases: new Map(),
    trackingNumbers: new Map(),
    idempotency: new Map(),
    messages: new Map(),
    outbox: new Map(),
    incidents: new Map(),
    announcements: new Map(),
    policies: new Map(),
    tallies: new Map(),
    alerts: new Map(),
    tasks: new Map(),
    nextOrder: 0
  }))
}

/** The key of an idempotency key: keys are scoped to their requester. */
export const idempotencyScope = (requesterId: string, key: string): string => JSON.stringify([requesterId, key])

const deepFreeze = <A>(value: A): A => {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key])
  }
  return value
}

/** A deep-frozen copy of a plain value (JSON-like data: objects, arrays, strings, numbers, booleans, null). */
export const frozenCopy = <A>(value: A): A => deepFreeze(structuredClone(value))

/** The delivery state of an outbox entry, as a frozen value. */
export const delivery = (entry: OutboxEntry): Outbox.Delivery =>
  Object.freeze({
    message: entry.message,
    status: entry.status,
    attempts: entry.attempts,
    availableAt: entry.availableAt,
    lastError: entry.lastError,
    sentAt: entry.sentAt
  })

/**
 * The ids among `messages` that are already stored or repeated: writing them would be a defect of the caller (message
 * ids are random).
 */
export const duplicateMessageIds = (state: State, messages: ReadonlyArray<Outbox.Message>): ReadonlyArray<string> => {
  const seen = new Set<string>()
  const duplicates: Array<string> = []
  for (const message of messages) {
    if (seen.has(message.id) || state.outbox.has(message.id)) duplicates.push(message.id)
    seen.add(message.id)
  }
  return duplicates
}

/** Writes new outbox messages, pending and available from their `createdAt`. Call after every check passed. */
export const insertMessages = (state: State, messages: ReadonlyArray<Outbox.Message>): void => {
  for (const message of messages) {
    state.outbox.set(message.id, {
      message: frozenCopy(message),
      order: state.nextOrder++,
      status: "pending",
      attempts: 0,
      availableAt: message.createdAt,
      lastError: null,
      sentAt: null
    })
  }
}

/** Deletes the idempotency keys that name a case (erasure). */
export const deleteIdempotencyKeys = (state: State, caseId: string): void => {
  for (const [scope, used] of state.idempotency) if (used.caseId === caseId) state.idempotency.delete(scope)
}

/** Indexes the alert events among `events` appended to `supportCase`. Call after every check passed. */
export const insertAlerts = (
  state: State,
  supportCase: { readonly id: string; readonly trackingNumber: string },
  events: ReadonlyArray<CaseEvent.CaseEvent>
): void => {
  for (const alert of SlaAlert.fromEvents(supportCase, events)) {
    state.alerts.set(`${alert.caseId}/${alert.sequence}`, {
      alert: frozenCopy(alert),
      keys: SlaAlert.recipientKeys(alert.to)
    })
  }
}

/** A periodic task's schedule and lease, as `TaskStore.layerMemory` keeps it. */
export interface TaskEntry {
  periodMillis: number
  nextRunAt: number
  leaseUntil: number
  leaseToken: string | null
  runs: number
  lastRunAt: number | null
  lastError: string | null
}

/** Compares strings by UTF-16 code units (the byte order of ASCII ids), for deterministic tie-breaking. */
export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
