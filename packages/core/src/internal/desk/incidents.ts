/**
 * Clause 6.5, "platform announcements posted for system-wide incidents": staff declare an incident (announced when
 * the policy says so), update it, link the cases it affects (their clocks follow the policy's `incidents.hold`), and
 * resolve it, which unlinks every linked case and tells its requester. Announcements are posted for an incident or
 * on their own, and shown until they expire. Resolving is safely re-runnable: cases are unlinked before the incident
 * is marked resolved, so a failure half-way leaves an active incident that a second call finishes.
 */
import { Effect, Option } from "effect"
import * as Actor from "../../Actor.ts"
import { AnnouncementNotFound, IncidentAlreadyResolved } from "../../DeskError.ts"
import {
  AnnouncementInput,
  DeclareIncidentInput,
  decoder,
  ResolveIncidentInput,
  UpdateAnnouncementInput,
  UpdateIncidentInput
} from "../../DeskInput.ts"
import * as Incident from "../../Incident.ts"
import { type Kernel, retry, type Step, step } from "./kernel.ts"

const decodeDeclare = decoder(DeclareIncidentInput)
const decodeUpdate = decoder(UpdateIncidentInput)
const decodeResolve = decoder(ResolveIncidentInput)
const decodeAnnouncement = decoder(AnnouncementInput)
const decodeUpdateAnnouncement = decoder(UpdateAnnouncementInput)

/** A new announcement, posted at `t`, for an incident or on its own. */
const announcementOf =
  (k: Kernel) => (incidentId: string | null, title: string, body: string, t: number, expiresAt: number | null) =>
    Effect.map(
      k.randomId,
      (id): Incident.Announcement => ({ id, incidentId, title, body, postedAt: t, updatedAt: t, expiresAt })
    )

export const make = (k: Kernel) => {
  const { incidents } = k

  const getIncident = Effect.fn("SupportDesk.getIncident")(function* (incidentId: string) {
    const found = yield* incidents.get(incidentId)
    if (Option.isNone(found)) return yield* new Incident.IncidentNotFound({ incidentId })
    return found.value
  })

  const activeIncident = (incidentId: string) =>
    Effect.flatMap(getIncident(incidentId), (incident) =>
      incident.status === "resolved"
        ? Effect.fail(new IncidentAlreadyResolved({ incidentId, message: `incident "${incident.title}" is resolved` }))
        : Effect.succeed(incident)
    )

  const newAnnouncement = announcementOf(k)

  const declareIncident = Effect.fn("SupportDesk.declareIncident")(function* (
    actor: Actor.Actor,
    input: DeclareIncidentInput
  ) {
    yield* k.authorizeDesk(actor, "declareIncident")
    const decoded = yield* decodeDeclare(input)
    const t = yield* k.now
    const incident: Incident.Incident = {
      id: yield* k.randomId,
      title: decoded.title,
      description: decoded.description,
      status: "investigating",
      declaredAt: t,
      declaredBy: Actor.toEventActor(actor),
      resolvedAt: null,
      linkedCaseIds: [],
      version: 1
    }
    const policy = yield* k.inForce
    const announcement =
      policy.incidents.announce || decoded.announcement !== undefined
        ? yield* newAnnouncement(
            incident.id,
            decoded.announcement?.title ?? decoded.title,
            decoded.announcement?.body ?? decoded.description,
            t,
            null
          )
        : null
    yield* incidents.create(incident, announcement)
    return incident
  })

  const updateIncident = Effect.fn("SupportDesk.updateIncident")(function* (
    actor: Actor.Actor,
    incidentId: string,
    input: UpdateIncidentInput
  ) {
    yield* k.authorizeDesk(actor, "updateIncident")
    const decoded = yield* decodeUpdate(input)
    const updated = yield* retry(
      Effect.gen(function* () {
        const incident = yield* activeIncident(incidentId)
        const next: Incident.Incident = {
          ...incident,
          ...(decoded.status === undefined ? {} : { status: decoded.status }),
          ...(decoded.description === undefined ? {} : { description: decoded.description }),
          version: incident.version + 1
        }
        yield* incidents.update(next, { expectedVersion: incident.version, outbox: [] })
        return next
      })
    )
    if (decoded.announcement !== undefined) {
      const t = yield* k.now
      yield* incidents.putAnnouncement(
        yield* newAnnouncement(
          incidentId,
          decoded.announcement.title ?? updated.title,
          decoded.announcement.body,
          t,
          null
        )
      )
    }
    return updated
  })

  /** Unlinks a case from a resolved incident and tells its requester, unless its record shows no link (any more). */
  const unlinkResolved = (caseId: string, resolved: Incident.Incident, note: string | undefined) =>
    k
      .commitTo(
        caseId,
        (current, _t, rules) =>
          Effect.succeed(
            current.facts.linkedIncidents.includes(resolved.id)
              ? Option.some<Step>({
                  events: [{ type: "incidentUnlinked", incidentId: resolved.id, reason: "incidentResolved" }],
                  notices: [rules.notices.incidentResolved(current.case, resolved, note)]
                })
              : Option.none()
          ),
        Actor.system
      )
      .pipe(
        Effect.map(Option.isSome),
        Effect.catchTag("CaseNotFound", () => Effect.succeed(false))
      )

  /**
   * Links a case: (1) the incident lists the case, (2) the case's record links the incident, (3) the incident's
   * version moves on, confirming the link. A resolution that ran meanwhile either sees the link (its final write
   * conflicts with step 3, so it runs again and unlinks the case) or finished first (step 3 finds the incident
   * resolved, and the case is unlinked here, as the resolution would have). So no case stays linked to a resolved
   * incident, whatever the interleaving, and a crash between the steps leaves at worst a listed case without a link.
   */
  const linkCase = Effect.fn("SupportDesk.linkCase")(function* (actor: Actor.Actor, incidentId: string, ref: string) {
    yield* k.authorizeDesk(actor, "updateIncident")
    const incident = yield* activeIncident(incidentId)
    const found = yield* k.load(actor, ref, "linkIncident")
    if (!incident.linkedCaseIds.includes(found.case.id)) {
      yield* retry(
        Effect.gen(function* () {
          const current = yield* activeIncident(incidentId)
          if (current.linkedCaseIds.includes(found.case.id)) return
          yield* incidents.update(
            { ...current, linkedCaseIds: [...current.linkedCaseIds, found.case.id], version: current.version + 1 },
            { expectedVersion: current.version, outbox: [] }
          )
        })
      )
    }
    const view = yield* k.run(actor, ref, "linkIncident", (ctx) =>
      ctx.facts.linkedIncidents.includes(incidentId)
        ? step([])
        : step([{ type: "incidentLinked", incidentId }], [ctx.notices.incidentLinked(ctx.case, incident)])
    )
    yield* retry(
      Effect.gen(function* () {
        const current = yield* getIncident(incidentId)
        if (current.status === "resolved") {
          yield* unlinkResolved(found.case.id, current, undefined)
          return yield* new IncidentAlreadyResolved({
            incidentId,
            message: `incident "${current.title}" was resolved meanwhile; the case was not left linked`
          })
        }
        yield* incidents.update(
          { ...current, version: current.version + 1 },
          {
            expectedVersion: current.version,
            outbox: []
          }
        )
      })
    )
    return view
  })

  /**
   * Resolves an incident, safely re-runnable: every linked case is unlinked first (each in its own unit of work, with
   * its requester's notice; a case already unlinked is skipped), and the incident is marked resolved last, against
   * the version it was read at (a link made meanwhile makes it run again). A failure half-way leaves the incident
   * active with some cases unlinked, every one consistent; calling it again finishes the work. "Resolved" therefore
   * always means "no case linked".
   */
  const resolveIncident = Effect.fn("SupportDesk.resolveIncident")(function* (
    actor: Actor.Actor,
    incidentId: string,
    input: ResolveIncidentInput
  ) {
    yield* k.authorizeDesk(actor, "resolveIncident")
    const { note } = yield* decodeResolve(input)
    const notified: Array<string> = []
    const resolved = yield* retry(
      Effect.gen(function* () {
        const incident = yield* getIncident(incidentId)
        const t = yield* k.now
        const next: Incident.Incident =
          incident.status === "resolved"
            ? incident
            : { ...incident, status: "resolved", resolvedAt: t, version: incident.version + 1 }
        for (const caseId of incident.linkedCaseIds) {
          if (yield* unlinkResolved(caseId, next, note)) notified.push(caseId)
        }
        if (incident.status !== "resolved") {
          yield* incidents.update(next, { expectedVersion: incident.version, outbox: [] })
        }
        return next
      })
    )
    return { incident: resolved, notifiedCaseIds: notified }
  })

  const listIncidents = Effect.fn("SupportDesk.listIncidents")(function* (options: {
    readonly activeOnly: boolean
    readonly limit: number
  }) {
    return yield* incidents.list(options)
  })

  return {
    declareIncident,
    updateIncident,
    linkCase,
    resolveIncident,
    getIncident,
    listIncidents,
    ...makeAnnouncements(k, getIncident, newAnnouncement)
  }
}

/** Announcements (clause 6.5): posted for an incident or on their own, updated, and shown until they expire. */
const makeAnnouncements = (
  k: Kernel,
  getIncident: (
    incidentId: string
  ) => Effect.Effect<Incident.Incident, Incident.IncidentNotFound | Incident.IncidentStoreFailure>,
  newAnnouncement: ReturnType<typeof announcementOf>
) => {
  const { incidents } = k

  const postAnnouncement = Effect.fn("SupportDesk.postAnnouncement")(function* (
    actor: Actor.Actor,
    input: AnnouncementInput
  ) {
    yield* k.authorizeDesk(actor, "postAnnouncement")
    const decoded = yield* decodeAnnouncement(input)
    if (decoded.incidentId !== undefined) yield* getIncident(decoded.incidentId)
    const announcement = yield* newAnnouncement(
      decoded.incidentId ?? null,
      decoded.title,
      decoded.body,
      yield* k.now,
      decoded.expiresAt ?? null
    )
    yield* incidents.putAnnouncement(announcement)
    return announcement
  })

  const updateAnnouncement = Effect.fn("SupportDesk.updateAnnouncement")(function* (
    actor: Actor.Actor,
    announcementId: string,
    input: UpdateAnnouncementInput
  ) {
    yield* k.authorizeDesk(actor, "postAnnouncement")
    const decoded = yield* decodeUpdateAnnouncement(input)
    const found = yield* incidents.getAnnouncement(announcementId)
    if (Option.isNone(found)) return yield* new AnnouncementNotFound({ announcementId })
    const t = yield* k.now
    const next: Incident.Announcement = {
      ...found.value,
      ...(decoded.title === undefined ? {} : { title: decoded.title }),
      ...(decoded.body === undefined ? {} : { body: decoded.body }),
      ...(decoded.expiresAt === undefined ? {} : { expiresAt: decoded.expiresAt }),
      updatedAt: Math.max(t, found.value.updatedAt)
    }
    yield* incidents.putAnnouncement(next)
    return next
  })

  const announcements = Effect.flatMap(k.now, (t) => incidents.currentAnnouncements(t)).pipe(
    Effect.withSpan("SupportDesk.announcements")
  )

  return { postAnnouncement, updateAnnouncement, announcements }
}
