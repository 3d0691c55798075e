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
import { type Kernel, type OnClose, step } from "./kernel.ts"

const decodeReason = decoder(ReasonInput)
const decodeQualityReview = decoder(QualityReviewInput)

const DAY = 86_400_000

/**
 * The kernel's on-close hook: whether a case whose record (ending with its closing) is `record` is selected for
 * quality review, and why: always when the record shows what the policy's `alwaysReview` lists, else at its
 * `sampleRate` (one draw from `Randomness`). An empty list: not selected.
 */
export const selection =
  (policy: SupportPolicy.SupportPolicy, randomness: Randomness.Randomness["Service"]): OnClose =>
  (record, evaluation) =>
    Effect.gen(function* () {
      const { alwaysReview, sampleRate } = policy.qualityReview
      const reasons: Array<CaseEvent.QualityReviewReason> = []
      if (alwaysReview.includes("breached") && evaluation.clocks.some((c) => c.state === "breached")) {
        reasons.push("breached")
      }
      if (alwaysReview.includes("refused") && record.some((e) => e.type === "refused")) reasons.push("refused")
      if (alwaysReview.includes("reopened") && record.some((e) => e.type === "reopened")) reasons.push("reopened")
      if (reasons.length === 0 && sampleRate > 0) {
        const bytes = yield* randomness.bytes(4)
        const draw = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0
        if (draw / 2 ** 32 < sampleRate) reasons.push("sampled")
      }
      return reasons
    })

/** The selection of a record awaiting review: its last `qualityReviewSelected`, when no review followed it. */
const pendingSelection = (record: CaseEvent.Record): CaseEvent.Of<"qualityReviewSelected"> | undefined => {
  for (let i = record.length - 1; i >= 0; i--) {
    const e = record[i]
    if (e.type === "qualityReviewed") return undefined
    if (e.type === "qualityReviewSelected") return e
  }
  return undefined
}

/** Whether the record ends under a legal hold: its last `legalHoldPlaced` was not released since. */
const onLegalHold = (record: CaseEvent.Record): boolean => {
  for (let i = record.length - 1; i >= 0; i--) {
    const type = record[i].type
    if (type === "legalHoldReleased") return false
    if (type === "legalHoldPlaced") return true
  }
  return false
}

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
        const selected = pendingSelection(stored.value.events)
        if (selected === undefined) return true
        found.push({ case: stored.value.case, reasons: selected.reasons, selectedAt: selected.at })
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
      step(
        onLegalHold(ctx.stored.events) ? [] : [{ type: "legalHoldPlaced", ...(reason === undefined ? {} : { reason }) }]
      )
    )
  })

  const releaseLegalHold = Effect.fn("SupportDesk.releaseLegalHold")(function* (
    actor: Actor.Actor,
    ref: string,
    input: ReasonInput
  ) {
    yield* decodeReason(input)
    return yield* k.run(actor, ref, "releaseLegalHold", (ctx) =>
      step(onLegalHold(ctx.stored.events) ? [{ type: "legalHoldReleased" }] : [])
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
        const done = yield* Effect.gen(function* () {
          const found = yield* store.get(candidate.id)
          if (Option.isNone(found)) return false
          const stored = found.value
          if (stored.case.status !== "closed" || stored.case.updatedAt >= updatedBefore) return false
          if (stored.events.some((e) => e.type === "anonymised")) return false
          if (policy.retention.legalHoldSuspends && onLegalHold(stored.events)) return false
          const { email: _email, name: _name, ...requester } = stored.case.requester
          yield* k.commit(
            { case: { ...stored.case, requester }, events: stored.events },
            { events: [{ type: "anonymised" }], notices: [] },
            Actor.system,
            t
          )
          return true
        }).pipe(Effect.catchTag(["SequenceConflict", "CaseNotFound"], () => Effect.succeed(false)))
        if (done) anonymised.push(candidate.id)
        return true
      })
    )
    return anonymised
  })

  return { recordQualityReview, qualityReviews, placeLegalHold, releaseLegalHold, applyRetention }
}
