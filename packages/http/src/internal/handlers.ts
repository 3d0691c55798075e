/**
 * The handlers of the API's groups: each decodes nothing itself (the API did), calls the desk as the authenticated
 * actor, maps the desk's errors to problems and its values to the API's views.
 */
import { type Actor, BusinessCalendar, type CaseStore, Sla, SupportDesk, SupportPolicy } from "@support-policy/core"
import { Clock, Effect, Layer } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { Temporal } from "temporal-polyfill"
import { CurrentActor } from "../Authentication.ts"
import { type FieldProblem, Forbidden } from "../HttpProblem.ts"
import type { Api, Options } from "../HttpSupportApi.ts"
import type * as HttpViews from "../HttpViews.ts"
import { type DeskError, deskErrors, inSubmission, invalidRequest } from "./problems.ts"
import * as views from "./views.ts"

type CaseAction<I, E> = (actor: Actor.Actor, ref: string, input: I) => Effect.Effect<SupportDesk.CaseView, E>

const requireRequester = (actor: Actor.Actor): Effect.Effect<Actor.Requester, Forbidden> =>
  actor.role === "requester"
    ? Effect.succeed(actor)
    : Effect.fail(
        new Forbidden({
          code: "RequesterOnly",
          detail: `Only a requester submits a request for support; a ${actor.role} acts on existing cases`
        })
      )

const requireStaff = (actor: Actor.Actor): Effect.Effect<void, Forbidden> =>
  actor.role === "requester"
    ? Effect.fail(
        new Forbidden({ code: "StaffOnly", detail: "Only staff read incidents; requesters read announcements" })
      )
    : Effect.void

const profileOf = ({ role: _role, ...profile }: Actor.Requester): Actor.RequesterProfile => profile

/** A case in a list, as the actor may see it (the other party of a mediation sees no contact details). */
const caseSummary = (actor: Actor.Actor, c: SupportDesk.CaseView["case"]): SupportDesk.CaseView["case"] =>
  actor.role !== "requester" || c.requester.id === actor.id
    ? c
    : { ...c, requester: { id: c.requester.id, audience: c.requester.audience, flags: [] } }

/** An instant as an ISO 8601 instant or epoch milliseconds, in the years 2000–2099; else undefined. */
const parseInstant = (text: string): number | undefined => {
  let ms: number | undefined
  if (/^\d{1,15}$/.test(text)) ms = Number(text)
  else if (text.length <= 64) {
    try {
      ms = Temporal.Instant.from(text).epochMilliseconds
    } catch {
      ms = undefined
    }
  }
  return ms !== undefined && ms >= 946_684_800_000 && ms < 4_102_444_800_000 ? ms : undefined
}

/**
 * The channel a submission that names none is made through: `options.defaultChannel`, else the policy's online form,
 * else its first always-open channel that opens cases.
 */
const defaultChannelOf = (policy: SupportPolicy.SupportPolicy, options: Options): string =>
  options.defaultChannel ??
  policy.channels.find((c) => c.id === "online-form")?.id ??
  policy.channels.find((c) => c.availability === "always" && c.opensCase)?.id ??
  policy.channels[0].id

/** The layers of every group of `api`, with the API's middleware provided. */
export const groupLayers = <MI, ME, MR>(api: typeof Api, middleware: Layer.Layer<MI, ME, MR>, options: Options) => {
  const defaultLanguage = options.defaultLanguage ?? "en"
  const dueSoonMinutes = options.dueSoonMinutes ?? 240

  const act =
    <I, E extends DeskError>(f: (desk: SupportDesk.Service) => CaseAction<I, E>, desk: SupportDesk.Service) =>
    ({ params, payload }: { readonly params: { readonly trackingNumber: string }; readonly payload: I }) =>
      Effect.gen(function* () {
        const actor = yield* CurrentActor
        const view = yield* f(desk)(actor, params.trackingNumber, payload)
        return views.caseView(actor, view)
      }).pipe(deskErrors())

  const cases = HttpApiBuilder.group(
    api,
    "cases",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      const policy = desk.policy
      const defaultChannel = defaultChannelOf(policy, options)
      return handlers
        .handle("submit", ({ headers, payload }) =>
          Effect.gen(function* () {
            const actor = yield* requireRequester(yield* CurrentActor)
            const key = headers["idempotency-key"]
            const input: SupportDesk.SubmitInput = {
              requester: profileOf(actor),
              channel: payload.channel ?? defaultChannel,
              category: payload.category,
              subject: payload.subject,
              description: payload.description,
              language: payload.language ?? defaultLanguage,
              ...(payload.orderReference === undefined ? {} : { orderReference: payload.orderReference }),
              ...(key === undefined ? {} : { idempotencyKey: key })
            }
            const result = yield* desk.submit(input).pipe(deskErrors(inSubmission))
            return views.submission(policy, actor, result, payload.timeZone ?? views.policyZone(policy))
          })
        )
        .handle("list", ({ query }) =>
          Effect.gen(function* () {
            const actor = yield* CurrentActor
            const found = yield* desk
              .listCases(actor, { limit: query.limit ?? 50, offset: query.offset ?? 0 })
              .pipe(deskErrors())
            return { items: found.map((c) => caseSummary(actor, c)) }
          })
        )
        .handle("get", ({ params }) =>
          Effect.gen(function* () {
            const actor = yield* CurrentActor
            const view = yield* desk.getCase(actor, params.trackingNumber).pipe(deskErrors())
            return views.caseView(actor, view)
          })
        )
        .handle("postMessage", ({ params, payload }) =>
          Effect.gen(function* () {
            const actor = yield* CurrentActor
            if (actor.role !== "requester") {
              return views.caseView(actor, yield* desk.reply(actor, params.trackingNumber, payload).pipe(deskErrors()))
            }
            const current = yield* desk.getCase(actor, params.trackingNumber).pipe(deskErrors())
            const write = current.case.status === "inMediation" ? desk.postStatement : desk.respond
            return views.caseView(actor, yield* write(actor, params.trackingNumber, payload).pipe(deskErrors()))
          })
        )
    })
  )

  const actions = HttpApiBuilder.group(
    api,
    "actions",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      return handlers
        .handle(
          "reply",
          act((d) => d.reply, desk)
        )
        .handle(
          "progressUpdate",
          act((d) => d.progressUpdate, desk)
        )
        .handle(
          "requestInformation",
          act((d) => d.requestInformation, desk)
        )
        .handle(
          "respond",
          act((d) => d.respond, desk)
        )
        .handle(
          "changePriority",
          act((d) => d.changePriority, desk)
        )
        .handle(
          "assign",
          act((d) => d.assign, desk)
        )
        .handle(
          "escalate",
          act((d) => d.escalate, desk)
        )
        .handle(
          "holdForVerification",
          act((d) => d.holdForVerification, desk)
        )
        .handle(
          "concludeVerification",
          act((d) => d.concludeVerification, desk)
        )
        .handle(
          "resolve",
          act((d) => d.resolve, desk)
        )
        .handle(
          "explain",
          act((d) => d.explain, desk)
        )
        .handle(
          "refuse",
          act((d) => d.refuse, desk)
        )
        .handle(
          "reopen",
          act((d) => d.reopen, desk)
        )
        .handle(
          "close",
          act((d) => d.close, desk)
        )
        .handle(
          "addNote",
          act((d) => d.addNote, desk)
        )
    })
  )

  const mediation = HttpApiBuilder.group(
    api,
    "mediation",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      const policy = desk.policy
      const defaultChannel = defaultChannelOf(policy, options)
      return handlers
        .handle("open", ({ headers, payload }) =>
          Effect.gen(function* () {
            const actor = yield* requireRequester(yield* CurrentActor)
            const key = headers["idempotency-key"]
            const input: SupportDesk.OpenMediationInput = {
              requester: profileOf(actor),
              channel: payload.channel ?? defaultChannel,
              subject: payload.subject,
              description: payload.description,
              language: payload.language ?? defaultLanguage,
              orderReference: payload.orderReference,
              counterpartyId: payload.counterpartyId,
              ...(payload.category === undefined ? {} : { category: payload.category }),
              ...(key === undefined ? {} : { idempotencyKey: key })
            }
            const result = yield* desk.openMediation(input).pipe(deskErrors(inSubmission))
            return views.submission(policy, actor, result, payload.timeZone ?? views.policyZone(policy))
          })
        )
        .handle(
          "request",
          act((d) => d.requestMediation, desk)
        )
        .handle(
          "postStatement",
          act((d) => d.postStatement, desk)
        )
        .handle(
          "recordOutcome",
          act((d) => d.recordMediationOutcome, desk)
        )
    })
  )

  const deskGroup = HttpApiBuilder.group(
    api,
    "desk",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      const policy = desk.policy
      const calendar = SupportPolicy.calendar(policy)
      return handlers
        .handle("queue", ({ query }) =>
          Effect.gen(function* () {
            const actor = yield* CurrentActor
            const problems: Array<FieldProblem> = []
            ;(query.priority ?? []).forEach((id, i) => {
              if (!policy.priorities.some((p) => p.id === id)) {
                problems.push({ in: "query", path: `priority[${i}]`, message: `unknown priority "${id}"` })
              }
            })
            ;(query.category ?? []).forEach((id, i) => {
              if (!policy.categories.some((c) => c.id === id)) {
                problems.push({ in: "query", path: `category[${i}]`, message: `unknown category "${id}"` })
              }
            })
            if (problems.length > 0) return yield* invalidRequest("RequestInvalid", problems)
            const now = yield* Clock.currentTimeMillis
            const dueSoonUntil = BusinessCalendar.addBusinessMillis(
              calendar,
              now,
              (query.dueSoonMinutes ?? dueSoonMinutes) * 60_000
            )
            const breached = query.breached === true
            const dueSoon = query.dueSoon === true
            const filter: Partial<CaseStore.QueueQuery> = {
              limit: query.limit ?? 50,
              ...(query.priority === undefined ? {} : { priorities: query.priority }),
              ...(query.category === undefined ? {} : { categories: query.category }),
              ...(query.assignee === undefined ? {} : { assigneeId: query.assignee }),
              ...(breached && !dueSoon ? { dueBefore: now } : {}),
              ...(dueSoon ? { dueBefore: dueSoonUntil } : {}),
              // due soon only: the queue after every case due at or before now (instants are whole milliseconds,
              // ids are never empty)
              ...(dueSoon && !breached ? { after: { nextDueAt: now + 1, id: "" } } : {})
            }
            const found = yield* desk.queue(actor, filter).pipe(deskErrors())
            const items: Array<HttpViews.QueueItem> = []
            for (const c of found) {
              if (c.nextDueAt === null) continue
              const due = c.nextDueAt
              items.push({
                case: c,
                dueAt: due,
                badge: due <= now ? "breached" : due <= dueSoonUntil ? "dueSoon" : "onTrack",
                businessMsLeft:
                  due >= now
                    ? BusinessCalendar.businessMillisBetween(calendar, now, due)
                    : -BusinessCalendar.businessMillisBetween(calendar, due, now)
              })
            }
            return { asOf: now, dueSoonUntil, items }
          })
        )
        .handle("me", () => Effect.map(Effect.service(CurrentActor), (actor) => ({ actor })))
    })
  )

  const incidents = HttpApiBuilder.group(
    api,
    "incidents",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      return handlers
        .handle("declare", ({ payload }) =>
          Effect.flatMap(Effect.service(CurrentActor), (actor) =>
            desk.declareIncident(actor, payload).pipe(deskErrors())
          )
        )
        .handle("list", ({ query }) =>
          Effect.gen(function* () {
            yield* requireStaff(yield* CurrentActor)
            const items = yield* desk
              .listIncidents({ activeOnly: query.active ?? false, limit: query.limit ?? 50 })
              .pipe(deskErrors())
            return { items }
          })
        )
        .handle("get", ({ params }) =>
          Effect.gen(function* () {
            yield* requireStaff(yield* CurrentActor)
            return yield* desk.getIncident(params.incidentId).pipe(deskErrors())
          })
        )
        .handle("update", ({ params, payload }) =>
          Effect.flatMap(Effect.service(CurrentActor), (actor) =>
            desk.updateIncident(actor, params.incidentId, payload).pipe(deskErrors())
          )
        )
        .handle("linkCase", ({ params, payload }) =>
          Effect.gen(function* () {
            const actor = yield* CurrentActor
            const view = yield* desk.linkCase(actor, params.incidentId, payload.trackingNumber).pipe(deskErrors())
            return views.caseView(actor, view)
          })
        )
        .handle("resolve", ({ params, payload }) =>
          Effect.flatMap(Effect.service(CurrentActor), (actor) =>
            desk.resolveIncident(actor, params.incidentId, payload).pipe(deskErrors())
          )
        )
    })
  )

  const announcements = HttpApiBuilder.group(
    api,
    "announcements",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      return handlers
        .handle("list", () => Effect.map(desk.announcements, (items) => ({ items })).pipe(deskErrors()))
        .handle("post", ({ payload }) =>
          Effect.flatMap(Effect.service(CurrentActor), (actor) =>
            desk.postAnnouncement(actor, payload).pipe(deskErrors())
          )
        )
        .handle("update", ({ params, payload }) =>
          Effect.flatMap(Effect.service(CurrentActor), (actor) =>
            desk.updateAnnouncement(actor, params.announcementId, payload).pipe(deskErrors())
          )
        )
    })
  )

  const policyGroup = HttpApiBuilder.group(
    api,
    "policy",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      const policy = desk.policy
      const calendar = SupportPolicy.calendar(policy)
      const zone = views.policyZone(policy)
      const defaultChannel = defaultChannelOf(policy, options)
      return handlers
        .handle("get", () => Effect.succeed(policy))
        .handle("replyBy", ({ query }) =>
          Effect.gen(function* () {
            const problems: Array<FieldProblem> = []
            const problem = (path: string, message: string) => problems.push({ in: "query", path, message })
            const category = policy.categories.find((c) => c.id === query.category)
            if (category === undefined) problem("category", `unknown category "${query.category}"`)
            if (query.priority !== undefined && !policy.priorities.some((p) => p.id === query.priority)) {
              problem("priority", `unknown priority "${query.priority}"`)
            }
            const channel = policy.channels.find((c) => c.id === (query.channel ?? defaultChannel))
            if (channel === undefined) problem("channel", `unknown channel "${query.channel}"`)
            else if (!channel.opensCase) problem("channel", `${channel.name} does not open cases`)
            const audience = query.audience ?? category?.audiences[0] ?? policy.audiences[0].id
            if (!policy.audiences.some((a) => a.id === audience)) problem("audience", `unknown audience "${audience}"`)
            else if (category !== undefined && !category.audiences.includes(audience)) {
              problem("audience", `category "${category.id}" is not offered to ${audience}s`)
            }
            const receivedAt =
              query.receivedAt === undefined ? yield* Clock.currentTimeMillis : parseInstant(query.receivedAt)
            if (receivedAt === undefined) {
              problem(
                "receivedAt",
                "expected an ISO 8601 instant (2025-04-15T09:30:00+08:00) or epoch milliseconds, in 2000–2099"
              )
            }
            if (problems.length > 0 || category === undefined || channel === undefined || receivedAt === undefined) {
              return yield* invalidRequest("RequestInvalid", problems)
            }
            const instant = Temporal.Instant.fromEpochMilliseconds(receivedAt)
            const requester: Actor.RequesterProfile = { id: "hypothetical", audience }
            const taken =
              channel.availability === "always" || BusinessCalendar.isOpen(calendar, instant)
                ? channel
                : (SupportDesk.fallbackChannel(policy, channel, requester) ?? channel)
            const priority =
              query.priority ??
              SupportPolicy.triage(policy, { category: category.id, channel: taken.id, audience }).priority
            const plan = Sla.plan(policy, {
              receivedAt: instant,
              priority,
              category: category.id,
              channel: taken.id,
              audience
            })
            const timeZone = query.timeZone ?? zone
            return {
              receivedAt,
              priority,
              category: category.id,
              audience,
              channel: {
                requested: channel.id,
                taken: taken.id,
                nextOpening:
                  taken.id === channel.id ? null : BusinessCalendar.nextOpening(calendar, instant).epochMilliseconds
              },
              replyBy: views.replyBy(plan, timeZone),
              plan: plan.map((t) => views.plannedTarget(t, timeZone))
            }
          })
        )
        .handle("channels", () =>
          Effect.gen(function* () {
            const now = yield* Clock.currentTimeMillis
            const instant = Temporal.Instant.fromEpochMilliseconds(now)
            const open = BusinessCalendar.isOpen(calendar, instant)
            const channels = policy.channels.map((c): HttpViews.ChannelStatus => {
              if (c.availability === "always") {
                return { ...c, openNow: true, nextOpening: null, nextClosing: null, text: "Open 24/7" }
              }
              if (open) {
                const closing = BusinessCalendar.nextClosing(calendar, instant).epochMilliseconds
                return {
                  ...c,
                  openNow: true,
                  nextOpening: null,
                  nextClosing: closing,
                  text: `Open now, until ${views.formatWhen(closing, zone)}`
                }
              }
              const opening = BusinessCalendar.nextOpening(calendar, instant).epochMilliseconds
              return {
                ...c,
                openNow: false,
                nextOpening: opening,
                nextClosing: null,
                text: `Closed now; opens ${views.formatWhen(opening, zone)}`
              }
            })
            return { asOf: now, timeZone: zone, businessHoursOpenNow: open, channels }
          })
        )
    })
  )

  return Layer.mergeAll(cases, actions, mediation, deskGroup, incidents, announcements, policyGroup).pipe(
    Layer.provide(middleware)
  )
}
