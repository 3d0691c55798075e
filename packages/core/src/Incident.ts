/**
 * System-wide incidents and their announcements (clause 6.5: "platform announcements posted for system-wide
 * incidents"). An incident is declared, updated while it lasts, and resolved; cases of requesters hit by it are
 * linked to it (what linking does to their clocks is the policy's `incidents.hold`); on resolution every linked
 * requester is notified. Announcements are public.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Option, Schema } from "effect"
import * as CaseEvent from "./CaseEvent.ts"
import * as memory from "./internal/memoryStore.ts"
import type * as Outbox from "./Outbox.ts"

/**
 * @since 0.1.0
 * @category schemas
 */
export const Status = Schema.Literals(["investigating", "identified", "monitoring", "resolved"])

/**
 * @since 0.1.0
 * @category models
 */
export type Status = typeof Status.Type

/**
 * A public announcement, posted for an incident (or on its own).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Announcement = Schema.Struct({
  id: CaseEvent.Id,
  incidentId: Schema.NullOr(CaseEvent.Id),
  title: Schema.String.check(Schema.isMinLength(1)),
  body: Schema.String,
  postedAt: CaseEvent.EpochMillis,
  updatedAt: CaseEvent.EpochMillis,
  /** Shown until this instant (epoch ms); null while its incident lasts, or for ever. */
  expiresAt: Schema.NullOr(CaseEvent.EpochMillis)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Announcement = typeof Announcement.Type

/**
 * A system-wide incident.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Incident = Schema.Struct({
  id: CaseEvent.Id,
  title: Schema.String.check(Schema.isMinLength(1)),
  description: Schema.String,
  status: Status,
  declaredAt: CaseEvent.EpochMillis,
  declaredBy: CaseEvent.Actor,
  resolvedAt: Schema.NullOr(CaseEvent.EpochMillis),
  /** The cases linked to the incident, by case id. */
  linkedCaseIds: Schema.Array(CaseEvent.Id),
  /** Incremented by every change; updates name the version they expect. */
  version: Schema.Int
})

/**
 * @since 0.1.0
 * @category models
 */
export type Incident = typeof Incident.Type

/**
 * An incident update expected `expected` but found `actual`.
 *
 * @since 0.1.0
 * @category errors
 */
export class IncidentVersionConflict extends Schema.TaggedError<IncidentVersionConflict>()("IncidentVersionConflict", {
  incidentId: Schema.String,
  expected: Schema.Int,
  actual: Schema.Int
}) {}

/**
 * The incident does not exist.
 *
 * @since 0.1.0
 * @category errors
 */
export class IncidentNotFound extends Schema.TaggedError<IncidentNotFound>()("IncidentNotFound", {
  incidentId: Schema.String
}) {}

/**
 * The incident store failed: an outage (`"Unavailable"`), a value it refused (`"Rejected"`), or a row that does not
 * decode (`"Corrupt"`); as `CaseStore.CaseStoreFailure`.
 *
 * @since 0.1.0
 * @category errors
 */
export class IncidentStoreFailure extends Schema.TaggedError<IncidentStoreFailure>()("IncidentStoreFailure", {
  reason: Schema.Literals(["Unavailable", "Rejected", "Corrupt"]),
  message: Schema.String,
  cause: Schema.optionalKey(Schema.Defect())
}) {}

/**
 * The incident and announcement storage port.
 *
 * @since 0.1.0
 * @category services
 */
export class IncidentStore extends Context.Service<
  IncidentStore,
  {
    /**
     * Stores a new incident (version 1) and, optionally, its first announcement, in one unit of work. A version other
     * than 1 is a defect of the caller.
     */
    readonly create: (
      incident: Incident,
      announcement: Announcement | null
    ) => Effect.Effect<void, IncidentStoreFailure>
    /**
     * Replaces an incident whose version is `expectedVersion` (the new one carries `expectedVersion + 1`: anything
     * else is a defect of the caller), and writes outbox messages with it in one unit of work. When the stored version
     * differs, fails with {@link IncidentVersionConflict} and writes nothing.
     */
    readonly update: (
      incident: Incident,
      options: { readonly expectedVersion: number; readonly outbox: ReadonlyArray<Outbox.Message> }
    ) => Effect.Effect<void, IncidentVersionConflict | IncidentNotFound | IncidentStoreFailure>
    readonly get: (id: string) => Effect.Effect<Option.Option<Incident>, IncidentStoreFailure>
    /**
     * Incidents, newest first (`declaredAt` descending, then id descending); only those whose status is not
     * `resolved` when `activeOnly`.
     */
    readonly list: (options: {
      readonly activeOnly: boolean
      readonly limit: number
    }) => Effect.Effect<ReadonlyArray<Incident>, IncidentStoreFailure>
    /** Posts or replaces an announcement (by id). */
    readonly putAnnouncement: (announcement: Announcement) => Effect.Effect<void, IncidentStoreFailure>
    /**
     * Announcements shown at `now`: not expired (`expiresAt` null or after `now`), and whose incident, if any, is not
     * `resolved`. Newest first (`postedAt` descending, then id descending).
     */
    readonly currentAnnouncements: (now: number) => Effect.Effect<ReadonlyArray<Announcement>, IncidentStoreFailure>
    readonly getAnnouncement: (id: string) => Effect.Effect<Option.Option<Announcement>, IncidentStoreFailure>
  }
>()("@support-policy/core/IncidentStore") {}

const die = (operation: string, problem: string): Effect.Effect<never> =>
  Effect.die(new Error(`IncidentStore.${operation}: ${problem}`))

const newestIncidentFirst = (a: Incident, b: Incident): number =>
  b.declaredAt - a.declaredAt || memory.compareIds(b.id, a.id)

const newestAnnouncementFirst = (a: Announcement, b: Announcement): number =>
  b.postedAt - a.postedAt || memory.compareIds(b.id, a.id)

/**
 * The in-memory incident store, on the state it shares with `CaseStore.layerMemory` and `Outbox.layerMemory` (an
 * update writes its outbox messages in the same unit of work). `MemoryStorage.layerMemory` gives all three at once.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<IncidentStore, never, memory.MemoryStore> = Layer.effect(
  IncidentStore,
  Effect.gen(function* () {
    const state = yield* memory.MemoryStore

    const create = (incident: Incident, announcement: Announcement | null) =>
      Effect.suspend(() => {
        if (incident.version !== 1)
          return die("create", `version: a new incident has version 1, got ${incident.version}`)
        if (state.incidents.has(incident.id)) return die("create", `id: incident "${incident.id}" already exists`)
        state.incidents.set(incident.id, memory.frozenCopy(incident))
        if (announcement !== null) state.announcements.set(announcement.id, memory.frozenCopy(announcement))
        return Effect.void
      })

    const update = (
      incident: Incident,
      options: { readonly expectedVersion: number; readonly outbox: ReadonlyArray<Outbox.Message> }
    ) =>
      Effect.suspend((): Effect.Effect<void, IncidentVersionConflict | IncidentNotFound> => {
        if (incident.version !== options.expectedVersion + 1) {
          return die("update", `version: expected ${options.expectedVersion + 1}, got ${incident.version}`)
        }
        const stored = state.incidents.get(incident.id)
        if (stored === undefined) return Effect.fail(new IncidentNotFound({ incidentId: incident.id }))
        if (stored.version !== options.expectedVersion) {
          return Effect.fail(
            new IncidentVersionConflict({
              incidentId: incident.id,
              expected: options.expectedVersion,
              actual: stored.version
            })
          )
        }
        const duplicates = memory.duplicateMessageIds(state, options.outbox)
        if (duplicates.length > 0) return die("update", `outbox: message ids already stored or repeated: ${duplicates}`)
        state.incidents.set(incident.id, memory.frozenCopy(incident))
        memory.insertMessages(state, options.outbox)
        return Effect.void
      })

    const get = (id: string) => Effect.sync(() => Option.fromNullishOr(state.incidents.get(id)))

    const list = (options: { readonly activeOnly: boolean; readonly limit: number }) =>
      Number.isSafeInteger(options.limit) && options.limit >= 0
        ? Effect.sync(() => {
            const found: Array<Incident> = []
            for (const incident of state.incidents.values()) {
              if (!options.activeOnly || incident.status !== "resolved") found.push(incident)
            }
            return Object.freeze(found.sort(newestIncidentFirst).slice(0, options.limit))
          })
        : die("list", `limit: expected a non-negative integer, got ${options.limit}`)

    const putAnnouncement = (announcement: Announcement) =>
      Effect.sync(() => {
        state.announcements.set(announcement.id, memory.frozenCopy(announcement))
      })

    const currentAnnouncements = (now: number) =>
      Effect.sync(() => {
        const found: Array<Announcement> = []
        for (const announcement of state.announcements.values()) {
          if (announcement.expiresAt !== null && announcement.expiresAt <= now) continue
          if (announcement.incidentId !== null && state.incidents.get(announcement.incidentId)?.status === "resolved") {
            continue
          }
          found.push(announcement)
        }
        return Object.freeze(found.sort(newestAnnouncementFirst))
      })

    const getAnnouncement = (id: string) => Effect.sync(() => Option.fromNullishOr(state.announcements.get(id)))

    return IncidentStore.of({ create, update, get, list, putAnnouncement, currentAnnouncements, getAnnouncement })
  })
)
