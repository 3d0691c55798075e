/**
 * The requester's satisfaction rating (filed under clause 7.4, quality assessment; the policy's `satisfaction`): the
 * requester rates an answered case once, on the policy's scale, within its window (`views.ts`, `ratingWindow`); a
 * second rating is refused (`SatisfactionAlreadyRated`, documented in the policy guide). A low rating selects the
 * case for quality review with reason `lowSatisfaction` (at once when the case is closed, else when it closes), and
 * reopens a resolved or explained case when the policy's `lowRating.action` is `reopen`.
 *
 * A signed rating link (`SatisfactionToken`) rates a case without signing in: the desk checks the token with its
 * `satisfactionSecret`, then rates as the case's requester, under the same rules.
 */
import { Effect, Option } from "effect"
import * as Actor from "../../Actor.ts"
import { CaseNotFound } from "../../CaseStore.ts"
import { SatisfactionAlreadyRated, SatisfactionNotAvailable } from "../../DeskError.ts"
import { decoder, invalid, RateSatisfactionInput } from "../../DeskInput.ts"
import * as Erasure from "../../Erasure.ts"
import * as SatisfactionToken from "../../SatisfactionToken.ts"
import type { Rated } from "../../SupportDesk.ts"
import type { Draft, Kernel, Step } from "./kernel.ts"
import { ratingWindow } from "./views.ts"

const decodeRate = decoder(RateSatisfactionInput)

export const make = (k: Kernel) => {
  const rate = (actor: Actor.Actor, ref: string, input: RateSatisfactionInput) =>
    Effect.gen(function* () {
      const { rating, comment } = yield* decodeRate(input)
      return yield* k.run(actor, ref, "rateSatisfaction", (ctx) =>
        Effect.gen(function* () {
          const asked = ctx.policy.satisfaction
          if (asked === undefined) {
            return yield* new SatisfactionNotAvailable({
              caseId: ctx.case.id,
              reason: "notAsked",
              message: `the policy (version ${ctx.policy.version}) does not ask for satisfaction ratings`
            })
          }
          const rated = ctx.facts.rating
          if (rated !== undefined) {
            return yield* new SatisfactionAlreadyRated({
              caseId: ctx.case.id,
              ratedAt: rated.at,
              message: `case ${ctx.case.trackingNumber} was rated already; a case is rated once`
            })
          }
          if (rating < asked.scale.min || rating > asked.scale.max) {
            return yield* invalid([
              { path: "rating", message: `expected a whole number from ${asked.scale.min} to ${asked.scale.max}` }
            ])
          }
          if (comment !== undefined && asked.comment === "none") {
            return yield* invalid([{ path: "comment", message: "the policy takes a rating without a comment" }])
          }
          const window = ratingWindow(ctx.policy, ctx.calendar, ctx.facts)
          if (window === null) {
            return yield* new SatisfactionNotAvailable({
              caseId: ctx.case.id,
              reason: "notAnswered",
              message: `case ${ctx.case.trackingNumber} is rated once it is resolved, explained or closed (not refused)`
            })
          }
          if (ctx.now > window.until) {
            return yield* new SatisfactionNotAvailable({
              caseId: ctx.case.id,
              reason: "windowClosed",
              windowEndedAt: window.until,
              message:
                `case ${ctx.case.trackingNumber} could be rated within ${asked.withinBusinessDays} business days ` +
                `of its answer (clause ${asked.clause})`
            })
          }
          const event: Draft = { type: "satisfactionRated", rating, ...(comment === undefined ? {} : { comment }) }
          const events: Array<Draft> = [event]
          const low = rating <= asked.lowRating.atMost
          if (low && ctx.facts.status === "closed") {
            // closed already, so its closing's selection is past: selected now, with the reasons still pending
            const pending = ctx.facts.pendingQualityReview?.reasons ?? []
            events.push({
              type: "qualityReviewSelected",
              reasons: [...pending.filter((r) => r !== "lowSatisfaction"), "lowSatisfaction"],
              actor: Actor.system
            })
          } else if (low && asked.lowRating.action === "reopen") {
            // selected for review when it closes again (the on-close hook sees the low rating)
            events.push({ type: "reopened", reason: "lowSatisfaction" })
          }
          return { events, notices: [] } satisfies Step
        })
      )
    })

  const rateSatisfaction = Effect.fn("SupportDesk.rateSatisfaction")(rate)

  const rateSatisfactionWithToken = Effect.fn("SupportDesk.rateSatisfactionWithToken")(function* (
    token: string,
    input: RateSatisfactionInput
  ) {
    const secret = k.options.satisfactionSecret
    if (secret === undefined) {
      return yield* new SatisfactionToken.SatisfactionTokenInvalid({
        reason: "signature",
        message: "this desk takes no rating links"
      })
    }
    const claims = yield* SatisfactionToken.verify(secret, token, yield* k.now)
    const found = yield* k.store.get(claims.caseId)
    if (Option.isNone(found)) return yield* new CaseNotFound({ caseId: claims.caseId })
    const c = found.value.case
    if (c.requester.id === Erasure.redacted) {
      // the requester's data was erased: a link mailed before cannot add to the case
      return yield* new SatisfactionToken.SatisfactionTokenInvalid({
        reason: "signature",
        message: "the rating link is no longer valid"
      })
    }
    // the link stands for the case's requester
    const requester = Actor.requester({ id: c.requester.id, audience: c.requester.audience, flags: c.requester.flags })
    const view = yield* rate(requester, c.id, input)
    const rated = view.satisfaction?.rating
    return { trackingNumber: c.trackingNumber, rating: rated?.rating ?? 0, ratedAt: rated?.at ?? 0 } satisfies Rated
  })

  return { rateSatisfaction, rateSatisfactionWithToken }
}
