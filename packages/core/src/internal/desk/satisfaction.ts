/**
 * The requester's satisfaction rating (filed under clause 7.4, quality assessment; the policy's `satisfaction`): the
 * requester rates an answered case once, on the policy's scale, within its window (`views.ts`, `ratingWindow`); a
 * second rating is refused (`SatisfactionAlreadyRated`, documented in the policy guide). A low rating selects the
 * case for quality review with reason `lowSatisfaction` (at once when the case is closed, else when it closes), and
 * reopens a resolved or explained case when the policy's `lowRating.action` is `reopen`.
 *
 * A signed rating link (`SatisfactionToken`) rates a case without signing in: the desk checks the token with its
 * `satisfactionSecret` and that the case's requester is still the one it was given to, then shows the question
 * (`satisfactionWithToken`) or rates as that requester, under the same rules. The answer that opens a rating window
 * carries such a link to its requester when the host gave the address of its rating page (`ratingLink`).
 */
import { Effect, Option } from "effect"
import * as Actor from "../../Actor.ts"
import { CaseNotFound } from "../../CaseStore.ts"
import { SatisfactionAlreadyRated, SatisfactionNotAvailable } from "../../DeskError.ts"
import { decoder, invalid, RateSatisfactionInput } from "../../DeskInput.ts"
import * as Erasure from "../../Erasure.ts"
import * as SatisfactionToken from "../../SatisfactionToken.ts"
import type { Rated, RatingForm } from "../../SupportDesk.ts"
import type { Ctx, Draft, Kernel, Step } from "./kernel.ts"
import type { RatingLink } from "./notices.ts"
import { ratingWindow, ratingWindowEnd, satisfactionOf } from "./views.ts"

/**
 * The rating link of a case answered at `ctx.now`, for its requester's notice: the host's rating page with a token for
 * the case and its requester that expires with the rating window the answer opens. None when the desk has no secret
 * or page, the case's version of the policy asks nothing, the case was rated already (a reopened case is rated once),
 * or its requester's data was erased.
 */
export const ratingLink = (k: Kernel, ctx: Ctx): Effect.Effect<RatingLink | undefined> =>
  Effect.gen(function* () {
    const { satisfactionSecret: secret, satisfactionLinkUrl: page } = k.options
    const until = ratingWindowEnd(ctx.policy, ctx.calendar, ctx.now)
    if (secret === undefined || page === undefined || until === null) return undefined
    if (ctx.facts.rating !== undefined || ctx.case.requester.id === Erasure.redacted) return undefined
    const token = yield* SatisfactionToken.make(secret, {
      caseId: ctx.case.id,
      requesterId: ctx.case.requester.id,
      expiresAt: until
    })
    return { url: `${page}#${token}`, until }
  })

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

  /** The case a token stands for, with the requester it was given to; refused when that is no longer its requester. */
  const caseOfToken = Effect.fnUntraced(function* (token: string) {
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
    if (found.value.case.requester.id !== claims.requesterId) {
      // the requester's data was erased (or the case changed hands): a link mailed before cannot add to the case
      return yield* new SatisfactionToken.SatisfactionTokenInvalid({
        reason: "signature",
        message: "the rating link is no longer valid"
      })
    }
    return found.value
  })

  const satisfactionWithToken = Effect.fn("SupportDesk.satisfactionWithToken")(function* (token: string) {
    const stored = yield* caseOfToken(token)
    const rules = yield* k.rulesOfStored(stored)
    return {
      trackingNumber: stored.case.trackingNumber,
      satisfaction: satisfactionOf(rules.policy, rules.calendar, stored.facts),
      asOf: yield* k.now
    } satisfies RatingForm
  })

  const rateSatisfactionWithToken = Effect.fn("SupportDesk.rateSatisfactionWithToken")(function* (
    token: string,
    input: RateSatisfactionInput
  ) {
    const c = (yield* caseOfToken(token)).case
    // the link stands for the case's requester
    const requester = Actor.requester({ id: c.requester.id, audience: c.requester.audience, flags: c.requester.flags })
    const view = yield* rate(requester, c.id, input)
    const rated = view.satisfaction?.rating
    return { trackingNumber: c.trackingNumber, rating: rated?.rating ?? 0, ratedAt: rated?.at ?? 0 } satisfies Rated
  })

  return { rateSatisfaction, satisfactionWithToken, rateSatisfactionWithToken }
}
