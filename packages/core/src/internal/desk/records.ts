/**
 * Clause 7.4, "all support records may be used for quality assessment": every closing decides whether the case is
 * selected for a quality review (always when the policy says so for what its record shows, else at the policy's
 * sample rate), reviewers list the selected cases and rate them, and the retention rules anonymise closed cases
 * after the policy's period unless an administrator placed a legal hold on them.
 */
import { Effect, Option } from "effect"
import * as Actor from "../../Actor.ts"
import type * as CaseEvent from "../../CaseEvent.ts"
import { decoder, QualityReviewInput, ReasonInput } from "../../DeskInput.ts"
import type * as Randomness from "../../Randomness.ts"
import type { CloseIdleOptions, PendingQualityReview } from "../../SupportDesk.ts"
import type * as SupportPolicy from "../../SupportPolicy.ts"
import { batchSizeOf } from "./closing.ts"
import { type Kernel, type OnClose, type Step, step } from "./kernel.ts"

const decodeReason = decoder(ReasonInput)
const decodeQualityReview = decoder(QualityReviewInput)

const DAY = 86_400_000

/**
 * The kernel's on-close hook: whether a case whose facts (after its closing) are `facts` is selected for quality
 * review, and why: always when its record shows what the policy's `alwaysReview` lists (a breached clock, a refusal,
 * a reopening), else at its `sampleRate` (one draw from `Randomness`). An empty list: not selected.
 */
export const selection =
  (policy: SupportPolicy.SupportPolicy, randomness: Randomness.Randomness["Service"]): OnClose =>
  (facts, evaluation) =>
    Effect.gen(function* () {
      const { alwaysReview, sampleRate } = policy.qualityReview
      const reasons: Array<CaseEvent.QualityReviewReason> = []
      if (alwaysReview.includes("breached") && evaluation.clocks.some((c) => c.state === "breached")) {
        reasons.push("breached")
      }
      if (alwaysReview.includes("refused") && facts.everRefused) reasons.push("refused")
      if (alwaysReview.includes("reopened") && facts.reopenCount > 0) reasons.push("reopened")
      if (reasons.length === 0 && sampleRate > 0) {
        const bytes = yield* randomness.bytes(4)
        const draw = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0
        if (draw / 2 ** 32 < sampleRate) reasons.push("sampled")
      }
      return reasons
    })

export const make = (k: Kernel) => {
  const { policy, store } = k

  const recordQualityReview = Effect.fn("SupportDesk.recordQualityReview")(function* (
    actor: Actor.Actor,
    ref: string,
    input: QualityReviewInput
  ) {
    const { rating, note } = yield* decodeQualityReview(input)
    return yield* k.run(actor, ref, "recordQualityReview", () =>
      step([{ type: "qualityReviewed", rating, ...(note === undefined ? {} : { note }) }])
    )
  })

  const qualityReviews = Effect.fn("SupportDesk.qualityReviews")(function* (
    actor: Actor.Actor,
    options: { readonly limit: number }
  ) {
    yield* k.authorizeDesk(actor, "viewQualityReviews")
    if (!Number.isSafeInteger(options.limit) || options.limit < 0) {
      return yield* Effect.die(
        new Error(`SupportDesk.qualityReviews: limit: expected a non-negative integer, got ${options.limit}`)
      )
    }
    const found: Array<PendingQualityReview> = []
    if (options.limit === 0) return found
    yield* k.forEachByStatus({ statuses: ["closed"] }, 100, (c) =>
      Effect.gen(function* () {
        const stored = yield* store.get(c.id)
        if (Option.isNone(stored)) return true
        const selected = stored.value.facts.pendingQualityReview
        if (selected === undefined) return true
        found.push({ case: stored.value.case, reasons: selected.reasons, selectedAt: selected.selectedAt })
        return found.length < options.limit
      })
    )
    return found
  })

  const placeLegalHold = Effect.fn("SupportDesk.placeLegalHold")(function* (
    actor: Actor.Actor,
    ref: string,
    input: ReasonInput
  ) {
    const { reason } = yield* decodeReason(input)
    return yield* k.run(actor, ref, "placeLegalHold", (ctx) =>
      step(ctx.facts.legalHold ? [] : [{ type: "legalHoldPlaced", ...(reason === undefined ? {} : { reason }) }])
    )
  })

  const releaseLegalHold = Effect.fn("SupportDesk.releaseLegalHold")(function* (
    actor: Actor.Actor,
    ref: string,
    input: ReasonInput
  ) {
    yield* decodeReason(input)
    return yield* k.run(actor, ref, "releaseLegalHold", (ctx) =>
      step(ctx.facts.legalHold ? [{ type: "legalHoldReleased" }] : [])
    )
  })

  const applyRetention = Effect.fn("SupportDesk.applyRetention")(function* (options?: CloseIdleOptions) {
    const batchSize = yield* batchSizeOf("applyRetention", options)
    const t = yield* k.now
    // a case closed before its last update: kept `keepClosedCasesForDays` after the later of both
    const updatedBefore = t - policy.retention.keepClosedCasesForDays * DAY
    const anonymised: Array<string> = []
    yield* k.forEachByStatus({ statuses: ["closed"], updatedBefore }, batchSize, (candidate) =>
      Effect.gen(function* () {
        const done = yield* k
          .commitTo(
            candidate.id,
            (current) => {
              const { case: c, facts } = current
              if (c.status !== "closed" || c.updatedAt >= updatedBefore || facts.anonymised) {
                return Effect.succeed(Option.none())
              }
              if (policy.retention.legalHoldSuspends && facts.legalHold) return Effect.succeed(Option.none())
              const { email: _email, name: _name, ...requester } = c.requester
              return Effect.succeed(Option.some<Step>({ events: [{ type: "anonymised" }], notices: [], requester }))
            },
            Actor.system
          )
          .pipe(
            Effect.map(Option.isSome),
            Effect.catchTag("CaseNotFound", () => Effect.succeed(false))
          )
        if (done) anonymised.push(candidate.id)
        return true
      })
    )
    return anonymised
  })

  return { recordQualityReview, qualityReviews, placeLegalHold, releaseLegalHold, applyRetention }
}
