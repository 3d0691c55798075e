/**
 * The versions of the policy as the desk uses them (clause 7.1): the version in force, which new cases are opened
 * under, and the version each case names, which it is evaluated under for its whole life.
 *
 * - **Versions by number** are read from the `PolicyStore` once per process and kept: a published version never
 *   changes, so a cached one is never stale. What the desk derives from a version (its calendar, its notices) is kept
 *   beside it, per policy value.
 * - **The version in force** is read from the store at most once every `refreshMillis` (by the `Clock`): several
 *   processes share one store, and a version published through another is in force here within that interval. One
 *   published through this desk is in force here at once. So a submission pays a clock read and a comparison, and one
 *   indexed single-row read (no document decoded) at most once per interval per process.
 */
import { Effect, Option } from "effect"
import type * as BusinessCalendar from "../../BusinessCalendar.ts"
import { PolicyStoreFailure, type PolicyStore, type Published } from "../../PolicyStore.ts"
import * as SupportPolicy from "../../SupportPolicy.ts"
import * as Notices from "./notices.ts"

/** What the desk derives from one version: its calendar and its texts. */
export interface Rules {
  readonly policy: SupportPolicy.SupportPolicy
  readonly calendar: BusinessCalendar.BusinessCalendar
  readonly notices: Notices.Notices
}

const rulesCache = new WeakMap<SupportPolicy.SupportPolicy, Rules>()

/** The rules of a version, derived once per policy value. */
export const rulesOf = (policy: SupportPolicy.SupportPolicy): Rules => {
  let rules = rulesCache.get(policy)
  if (rules === undefined) {
    const calendar = SupportPolicy.calendar(policy)
    rules = { policy, calendar, notices: Notices.make(policy, calendar) }
    rulesCache.set(policy, rules)
  }
  return rules
}

export const make = (store: PolicyStore["Service"], refreshMillis: number) => {
  const byVersion = new Map<string, SupportPolicy.SupportPolicy>()
  let inForceCache: { readonly policy: SupportPolicy.SupportPolicy; readonly checkedAt: number } | undefined

  const keep = (published: Published): SupportPolicy.SupportPolicy => {
    const known = byVersion.get(published.policy.version)
    if (known !== undefined) return known
    byVersion.set(published.policy.version, published.policy)
    return published.policy
  }

  /** A version by number, when published. */
  const version = (v: string): Effect.Effect<Option.Option<SupportPolicy.SupportPolicy>, PolicyStoreFailure> => {
    const known = byVersion.get(v)
    return known !== undefined ? Effect.succeed(Option.some(known)) : Effect.map(store.get(v), Option.map(keep))
  }

  /** A version a case names: a store that does not hold it is corrupt. */
  const require = (v: string): Effect.Effect<SupportPolicy.SupportPolicy, PolicyStoreFailure> => {
    const known = byVersion.get(v)
    if (known !== undefined) return Effect.succeed(known)
    return Effect.flatMap(version(v), (found) =>
      Option.isSome(found)
        ? Effect.succeed(found.value)
        : Effect.fail(
            new PolicyStoreFailure({
              reason: "Corrupt",
              message: `policy version ${JSON.stringify(v)} is named by a case but not published`
            })
          )
    )
  }

  /** The version in force at `now`, from the cache while it is younger than `refreshMillis`. */
  const inForceAt = (now: number): Effect.Effect<SupportPolicy.SupportPolicy, PolicyStoreFailure> => {
    const cached = inForceCache
    if (cached !== undefined && now >= cached.checkedAt && now - cached.checkedAt < refreshMillis) {
      return Effect.succeed(cached.policy)
    }
    return Effect.gen(function* () {
      const summary = yield* store.inForce
      if (Option.isNone(summary)) {
        return yield* new PolicyStoreFailure({ reason: "Corrupt", message: "no version of the policy is published" })
      }
      const policy = yield* require(summary.value.version)
      inForceCache = { policy, checkedAt: now }
      return policy
    })
  }

  /** Every published version, in publication order. */
  const all = Effect.flatMap(store.list, (summaries) =>
    Effect.forEach(summaries, (summary) => require(summary.version))
  )

  return {
    version,
    require,
    inForceAt,
    all,
    /** A version this process knows already (the engine's resolver: `require` loaded it first). */
    loaded: (v: string): SupportPolicy.SupportPolicy | undefined => byVersion.get(v),
    /** After this desk published a version: it is known, and in force here from `now`. */
    published: (published: Published, now: number): SupportPolicy.SupportPolicy => {
      const policy = keep(published)
      inForceCache = { policy, checkedAt: now }
      return policy
    }
  }
}

export type Policies = ReturnType<typeof make>
