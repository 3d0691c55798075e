/**
 * What the handlers of several groups share: who may call, the requester's profile for a submission, the default
 * channel, and the handler of an action on a case.
 */
import { type Actor, Sla, SupportDesk, type SupportPolicy } from "@support-policy/core"
import { Effect } from "effect"
import { HttpServerRequest } from "effect/http"
import { CurrentActor } from "../../Authentication.ts"
import { Forbidden } from "../../HttpProblem.ts"
import type { Options } from "../options.ts"
import { type DeskError, deskErrors, inSubmission } from "../problems.ts"
import * as views from "../views.ts"

type CaseAction<I, E> = (actor: Actor.Actor, ref: string, input: I) => Effect.Effect<SupportDesk.CaseView, E>

export const requireRequester = (actor: Actor.Actor): Effect.Effect<Actor.Requester, Forbidden> =>
  actor.role === "requester"
    ? Effect.succeed(actor)
    : Effect.fail(
        new Forbidden({
          code: "RequesterOnly",
          detail: `Only a requester submits a request for support; a ${actor.role} acts on existing cases`
        })
      )

export const requireStaff = (actor: Actor.Actor): Effect.Effect<void, Forbidden> =>
  actor.role === "requester"
    ? Effect.fail(
        new Forbidden({ code: "StaffOnly", detail: "Only staff read incidents; requesters read announcements" })
      )
    : Effect.void

export const profileOf = ({ role: _role, ...profile }: Actor.Requester): Actor.RequesterProfile => profile

/**
 * The channel a submission that names none is made through: `options.defaultChannel`, else the policy's online form,
 * else its first always-open channel that opens cases.
 */
export const defaultChannelOf = (policy: SupportPolicy.SupportPolicy, options: Options): string =>
  options.defaultChannel ??
  policy.channels.find((c) => c.id === "online-form")?.id ??
  policy.channels.find((c) => c.availability === "always" && c.opensCase)?.id ??
  policy.channels[0].id

/** The fields of a submission's body that opening a case and opening a mediation share. */
interface IntakeBody {
  readonly channel?: string | undefined
  readonly subject: string
  readonly description: string
  readonly language?: string | undefined
  readonly timeZone?: string | undefined
}

/**
 * What a requester's request to open a case (a submission, a mediation) shares: the requester is the authenticated
 * actor, the channel and the language default as the options say, the idempotency key comes from its header.
 * Every field was decoded by the API with the desk's own field schemas.
 */
export const intakeOf = (
  policy: SupportPolicy.SupportPolicy,
  options: Options,
  actor: Actor.Requester,
  body: IntakeBody,
  idempotencyKey: string | undefined
) => ({
  requester: profileOf(actor),
  channel: body.channel ?? defaultChannelOf(policy, options),
  subject: body.subject,
  description: body.description,
  language: body.language ?? options.defaultLanguage ?? "en",
  ...(idempotencyKey === undefined ? {} : { idempotencyKey })
})

/**
 * Opens a case through `open` (the desk's submit or openMediation) and answers with the submission as a view, in the
 * words of the version of the policy the case was opened under.
 */
export const openWith = <E extends DeskError>(
  actor: Actor.Requester,
  body: { readonly timeZone?: string | undefined; readonly language?: string | undefined },
  open: Effect.Effect<SupportDesk.Submission, E>
) =>
  Effect.gen(function* () {
    const language = body.language === undefined ? yield* readerLanguage : Sla.textLanguage(body.language)
    const result = yield* open.pipe(deskErrors(inSubmission))
    return views.submissionResponse(
      result.policy,
      actor,
      result,
      body.timeZone ?? views.policyZone(result.policy),
      language
    )
  })

/** The language the reader asked for (`Accept-Language`): the desk writes English and Simplified Chinese. */
export const readerLanguage = Effect.gen(function* () {
  const request = yield* HttpServerRequest.HttpServerRequest
  return Sla.textLanguage(request.headers["accept-language"])
})

/** The version of the policy in force (a submission's default channel, the queue's filters, the channels' hours). */
export const inForce = (desk: SupportDesk.SupportDesk["Service"]) => desk.policyInForce.pipe(deskErrors())

/**
 * The handler of an action on a case: the desk's action as the authenticated actor, on the payload the API decoded
 * with the desk's own input schema (so the desk does not decode it again), answered with the case as they see it.
 */
export const act =
  (desk: SupportDesk.SupportDesk["Service"]) =>
  <I extends object, E extends DeskError>(action: CaseAction<I, E>) =>
  ({ params, payload }: { readonly params: { readonly trackingNumber: string }; readonly payload: I }) =>
    Effect.gen(function* () {
      const actor = yield* CurrentActor
      const view = yield* action(actor, params.trackingNumber, SupportDesk.assumeDecoded(payload))
      return yield* named(desk, actor, view)
    }).pipe(deskErrors())

/** A case as the actor may see it, with the display names of the staff it names. */
export const named = (desk: SupportDesk.SupportDesk["Service"], actor: Actor.Actor, view: SupportDesk.CaseView) =>
  Effect.gen(function* () {
    const names = yield* desk.displayNames(actor, views.staffIdsOf(view))
    return views.caseViewResponse(actor, view, names)
  })
