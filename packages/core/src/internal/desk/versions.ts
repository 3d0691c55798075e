/**
 * Clause 7.1, "Global Sources continuously optimizes and adjusts support services": the policy is a versioned
 * document. An administrator publishes a version (decoded like any policy document, its fields named in every
 * problem; the same policy `id`; a version number never published before), lists and reads the versions, and moves
 * open cases to a version: each appends `policyChanged` with both versions, and its clocks start again under the new
 * version from that instant (`Sla.evaluate`). New cases are opened under the version in force (`intake.ts`).
 */
import { Effect, Option } from "effect"
import * as Actor from "../../Actor.ts"
import type * as CaseLifecycle from "../../CaseLifecycle.ts"
import type { CaseNotFound } from "../../CaseStore.ts"
import type { TransitionNotAllowed } from "../../DeskError.ts"
import { decoder, MovePolicyVersionInput } from "../../DeskInput.ts"
import { type PolicyStore, PolicyVersionNotFound } from "../../PolicyStore.ts"
import type * as SupportCase from "../../SupportCase.ts"
import type { PolicyMove, PolicyVersionSummary } from "../../SupportDesk.ts"
import * as SupportPolicy from "../../SupportPolicy.ts"
import { type Kernel, step } from "./kernel.ts"

const decodeMove = decoder(MovePolicyVersionInput)

const ACTIVE: ReadonlyArray<SupportCase.Status> = ["open", "awaitingRequester", "onHold", "inMediation"]

/** Why a case cannot be moved to `target`: a fact of the case the version does not know. */
const incompatibility = (target: SupportPolicy.SupportPolicy, facts: CaseLifecycle.Facts): string | undefined => {
  const missing = (what: string, id: string, ids: ReadonlyArray<{ readonly id: string }>) =>
    ids.some((x) => x.id === id) ? undefined : `version ${target.version} has no ${what} "${id}"`
  return (
    missing("category", facts.category, target.categories) ??
    missing("priority", facts.priority, target.priorities) ??
    missing("channel", facts.channel, target.channels) ??
    missing("audience", facts.audience, target.audiences)
  )
}

/** A case that is left where it is, and why (a typed failure of the move's plan, caught per case). */
class NotMoved {
  readonly _tag = "NotMoved"
  readonly reason: string
  constructor(reason: string) {
    this.reason = reason
  }
}

export const make = (k: Kernel, store: PolicyStore["Service"]) => {
  const policyVersions = Effect.fn("SupportDesk.policyVersions")(function* (actor: Actor.Actor) {
    yield* k.authorizeDesk(actor, "managePolicyVersions")
    const summaries = yield* store.list
    const last = summaries.reduce((max, s) => Math.max(max, s.position), Number.NEGATIVE_INFINITY)
    return summaries.map((s): PolicyVersionSummary => ({ ...s, inForce: s.position === last }))
  })

  const policyVersion = Effect.fn("SupportDesk.policyVersion")(function* (actor: Actor.Actor, version: string) {
    yield* k.authorizeDesk(actor, "managePolicyVersions")
    const found = yield* store.get(version)
    if (Option.isNone(found)) return yield* new PolicyVersionNotFound({ version })
    return found.value
  })

  const publishPolicy = Effect.fn("SupportDesk.publishPolicy")(function* (actor: Actor.Actor, document: unknown) {
    yield* k.authorizeDesk(actor, "managePolicyVersions")
    const policy = yield* SupportPolicy.decode(document)
    const current = yield* k.inForce
    if (policy.id !== current.id) {
      const problems = [
        {
          path: "id",
          message: `expected "${current.id}": the versions published here are of that policy, got "${policy.id}"`
        }
      ]
      return yield* new SupportPolicy.PolicyDecodeFailure({
        message: `Invalid support policy: id: ${problems[0].message}`,
        problems
      })
    }
    const t = yield* k.now
    const published = yield* store.publish({ policy, publishedAt: t, publishedBy: Actor.toEventActor(actor) })
    k.policies.published(published, t)
    return published
  })

  const movePolicyVersion = Effect.fn("SupportDesk.movePolicyVersion")(function* (
    actor: Actor.Actor,
    version: string,
    input: MovePolicyVersionInput
  ) {
    yield* k.authorizeDesk(actor, "managePolicyVersions")
    const decoded = yield* decodeMove(input)
    const target = yield* k.policies.version(version)
    if (Option.isNone(target)) return yield* new PolicyVersionNotFound({ version })
    const to = target.value
    const moved: Array<PolicyMove["moved"][number]> = []
    const skipped: Array<PolicyMove["skipped"][number]> = []

    /**
     * Moves one case (by tracking number or id; `name` is how the answer names it), through the kernel: authorized,
     * in an open state, against the sequence read, retried on a conflict.
     */
    const moveOne = (ref: string, name: string) =>
      k
        .run(actor, ref, "changePolicyVersion", (ctx) => {
          const from = ctx.case.policyVersion
          if (from === to.version) return Effect.fail(new NotMoved(`already under version ${to.version}`))
          if (decoded.from !== undefined && !decoded.from.includes(from)) {
            return Effect.fail(new NotMoved(`under version ${from}, not one of those to move`))
          }
          const reason = incompatibility(to, ctx.facts)
          if (reason !== undefined) return Effect.fail(new NotMoved(reason))
          return step([{ type: "policyChanged", from, to: to.version }])
        })
        .pipe(
          Effect.flatMap((view) =>
            Effect.sync(() => {
              const event = view.events.findLast((e) => e.type === "policyChanged")
              moved.push({
                caseId: view.case.id,
                trackingNumber: view.case.trackingNumber,
                from: event?.type === "policyChanged" ? event.from : ""
              })
            })
          ),
          Effect.catchTag("NotMoved", (e) =>
            Effect.sync(() => skipped.push({ trackingNumber: name, reason: e.reason }))
          ),
          Effect.catchTag(["TransitionNotAllowed", "CaseNotFound", "SequenceConflict"], (e) =>
            Effect.sync(() =>
              skipped.push({
                trackingNumber: name,
                reason:
                  e._tag === "TransitionNotAllowed"
                    ? (e as TransitionNotAllowed).message
                    : e._tag === "CaseNotFound"
                      ? `no case "${(e as CaseNotFound).caseId}"`
                      : "the case kept changing; move it again"
              })
            )
          )
        )

    if (decoded.trackingNumbers !== undefined) {
      for (const ref of decoded.trackingNumbers) yield* moveOne(ref, ref)
    } else {
      // every open case not under the version: the candidates first (moving changes the order the store lists them
      // in), then each, on its record as it is then
      const candidates: Array<SupportCase.SupportCase> = []
      yield* k.forEachByStatus({ statuses: ACTIVE }, 200, (c) =>
        Effect.sync(() => {
          if (c.policyVersion !== to.version && (decoded.from === undefined || decoded.from.includes(c.policyVersion)))
            candidates.push(c)
          return true
        })
      )
      for (const c of candidates) yield* moveOne(c.id, c.trackingNumber)
    }
    return { version: to.version, moved, skipped } satisfies PolicyMove
  })

  return { policyVersions, policyVersion, publishPolicy, movePolicyVersion }
}
