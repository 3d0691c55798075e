/**
 * Clause 7.4, "all support records may be used for quality assessment": every closing decides whether the case is
 * selected for a quality review (always when the policy says so for what its record shows, or when the requester
 * rated it low, else at the policy's sample rate), reviewers list the selected cases and rate them, and the retention
 * rules erase closed cases after the policy's period (`erasure.ts`) unless an administrator placed a legal hold on
 * them.
 */
import { Effect, Option } from "effect"
import * as Actor from "../../Actor.ts"
import type * as CaseEvent from "../../CaseEvent.ts"
import type * as CaseLifecycle from "../../CaseLifecycle.ts"
import { decoder, QualityReviewInput, ReasonInput } from "../../DeskInput.ts"
import type * as Erasure from "../../Erasure.ts"
import type * as Randomness from "../../Randomness.ts"
import type { CloseIdleOptions, PendingQualityReview } from "../../SupportDesk.ts"
import type * as SupportPolicy from "../../SupportPolicy.ts"
import { batchSizeOf } from "./closing.ts"
import { type Erasing, isErased, onLegalHold, pendingErasure } from "./erasure.ts"
import { type Kernel, type OnClose, step } from "./kernel.ts"

const decodeReason = decoder(ReasonInput)
const decodeQualityReview = decoder(QualityReviewInput)

const DAY = 86_400_000

/** Whether the requester's rating of the case is low by the policy (`satisfaction.lowRating.atMost`). */
export const ratedLow = (policy: SupportPolicy.SupportPolicy, facts: CaseLifecycle.Facts): boolean => {
  const rating = facts.rating
  return (
    rating !== undefined && policy.satisfaction !== undefined && rating.rating <= policy.satisfaction.lowRating.atMost
  )
}

/**
/**
 * The kernel's on-close hook: whether a case whose facts (after its closing) are `facts` is selected for quality
 * review under its version of the policy, and why: always when its record shows what the policy's `alwaysReview`
 * lists (a breached clock, a refusal, a reopening) or a low satisfaction rating, else at its `sampleRate` (one draw
 * from `Randomness`). An empty list: not selected.
 */
export const selection =
  (randomness: Randomness.Randomness["Service"]): OnClose =>
  (policy, facts, evaluation) =>
    Effect.gen(function* () {
      const { alwaysReview, sampleRate } = policy.qualityReview
      const reasons: Array<CaseEvent.QualityReviewReason> = []
      if (alwaysReview.includes("breached") && evaluation.clocks.some((c) => c.state === "breached")) {
        reasons.push("breached")
      }
      if (alwaysReview.includes("refused") && facts.everRefused) reasons.push("refused")
      if (alwaysReview.includes("reopened") && facts.reopenCount > 0) reasons.push("reopened")
      if (ratedLow(policy, facts)) reasons.push("lowSatisfaction")
      if (reasons.length === 0 && sampleRate > 0) {
        const bytes = yield* randomness.bytes(4)
        const draw = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0
        if (draw / 2 ** 32 < sampleRate) reasons.push("sampled")
      }
      return reasons
    })

export const make = (k: Kernel, erasing: Erasing) => {
  const { store } = k

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
    const released = yield* k.run(actor, ref, "releaseLegalHold", (ctx) =>
      step(ctx.facts.legalHold ? [{ type: "legalHoldReleased" }] : [])
    )
    // an erasure requested while the case was held runs now
    const found = yield* erasing.withRecord(released.case.id)
    if (Option.isNone(found) || pendingErasure(found.value.events) === undefined) return released
    const done = yield* erasing.eraseReleased(found.value)
    if (Option.isNone(done) || done.value === "deleted") return released
    const after = yield* store.get(released.case.id)
    return Option.isNone(after) ? released : yield* k.viewStored(actor, after.value, yield* k.now)
  })

  const applyRetention = Effect.fn("SupportDesk.applyRetention")(function* (options?: CloseIdleOptions) {
    const batchSize = yield* batchSizeOf("applyRetention", options)
    const t = yield* k.now
    const erasure: Erasure.Erasure = { id: yield* k.randomId, basis: "retention", at: t, by: Actor.system }
    // a case closed before its last update is kept `keepClosedCasesForDays` (of its version) after the later of
    // both: the store lists the candidates by the shortest period of every version, each is checked by its own
    const versions = yield* k.policies.all
    const updatedBefore = t - Math.min(...versions.map((p) => p.retention.keepClosedCasesForDays)) * DAY
    const erased: Array<string> = []
    yield* k.forEachByStatus({ statuses: ["closed"], updatedBefore }, batchSize, (candidate) =>
      Effect.gen(function* () {
        const done = yield* Effect.gen(function* () {
          const found = yield* erasing.withRecord(candidate.id)
          if (Option.isNone(found)) return false
          const stored = found.value
          const { policy } = yield* k.rulesOfCase(stored)
          const due = t - policy.retention.keepClosedCasesForDays * DAY
          if (stored.case.status !== "closed" || stored.case.updatedAt >= due) return false
          if (isErased(stored.events)) return false
          if (policy.retention.legalHoldSuspends && onLegalHold(stored.events)) return false
          yield* erasing.eraseForRetention(stored, erasure)
          return true
        }).pipe(Effect.catchTag(["SequenceConflict", "CaseNotFound"], () => Effect.succeed(false)))
        if (done) erased.push(candidate.id)
        return true
      })
    )
    return erased
  })

  return { recordQualityReview, qualityReviews, placeLegalHold, releaseLegalHold, applyRetention }
}
