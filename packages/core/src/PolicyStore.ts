/**
 * The versions of the support policy (clause 7.1: "Global Sources continuously optimizes and adjusts support
 * services"): every version ever published, kept as it was published. A case is evaluated for its whole life under
 * the version it was opened under (or the one an administrator moved it to), so the store must give back exactly the
 * document a case was evaluated with, years later.
 *
 * What every adapter guarantees:
 * - **Immutable versions.** A version is published once; publishing a version number that exists fails with
 *   {@link PolicyVersionExists} and changes nothing, whatever the document. There is no update and no delete.
 * - **Publication order.** Each publication gets a `position` greater than every earlier one's (not necessarily by
 *   one). The version **in force** (the one new cases are opened under) is the one published last: the greatest
 *   position.
 * - **Values, not references**, and documents read back decode with `SupportPolicy.decode` (a stored document that
 *   does not is a {@link PolicyStoreFailure} with reason `"Corrupt"`, never a wrong policy).
 *
 * A store keeps the versions of one policy line (one `id`); the desk refuses to publish a document of another `id`.
 * `@support-policy/core/testing` exports the contract suite every adapter runs against itself.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Option, Schema } from "effect"
import type * as CaseEvent from "./CaseEvent.ts"
import * as memory from "./internal/memoryStore.ts"
import type * as SupportPolicy from "./SupportPolicy.ts"

// -------------------------------------------------------------------------------------------------------------------
// models
// -------------------------------------------------------------------------------------------------------------------

/**
 * A published version: the policy document, when and by whom it was published, and its place in publication order.
 *
 * @since 0.1.0
 * @category models
 */
export interface Published {
  readonly policy: SupportPolicy.SupportPolicy
  /** Epoch milliseconds. */
  readonly publishedAt: number
  readonly publishedBy: CaseEvent.Actor
  /** Greater for every later publication. */
  readonly position: number
}

/**
 * A published version without its document: what a list of versions shows.
 *
 * @since 0.1.0
 * @category models
 */
export interface Summary {
  readonly id: string
  readonly version: string
  readonly title: string
  readonly effectiveDate: string
  readonly publishedAt: number
  readonly publishedBy: CaseEvent.Actor
  readonly position: number
}

/**
 * What {@link PolicyStore} `publish` takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Publication {
  readonly policy: SupportPolicy.SupportPolicy
  readonly publishedAt: number
  readonly publishedBy: CaseEvent.Actor
}

/**
 * The summary of a published version.
 *
 * @since 0.1.0
 * @category getters
 */
export const summaryOf = (published: Published): Summary => ({
  id: published.policy.id,
  version: published.policy.version,
  title: published.policy.title,
  effectiveDate: published.policy.effectiveDate,
  publishedAt: published.publishedAt,
  publishedBy: published.publishedBy,
  position: published.position
})

// -------------------------------------------------------------------------------------------------------------------
// errors
// -------------------------------------------------------------------------------------------------------------------

/**
 * The version was published before: versions are immutable.
 *
 * @since 0.1.0
 * @category errors
 */
export class PolicyVersionExists extends Schema.TaggedError<PolicyVersionExists>()("PolicyVersionExists", {
  version: Schema.String
}) {}

/**
 * No such version was published.
 *
 * @since 0.1.0
 * @category errors
 */
export class PolicyVersionNotFound extends Schema.TaggedError<PolicyVersionNotFound>()("PolicyVersionNotFound", {
  version: Schema.String
}) {}

/**
 * The policy store failed: the driver failed (`"Unavailable"`, with its `cause`), a stored document does not decode,
 * or a case names a version the store does not hold (`"Corrupt"`).
 *
 * @since 0.1.0
 * @category errors
 */
export class PolicyStoreFailure extends Schema.TaggedError<PolicyStoreFailure>()("PolicyStoreFailure", {
  reason: Schema.Literals(["Unavailable", "Corrupt"]),
  message: Schema.String,
  cause: Schema.optionalKey(Schema.Defect())
}) {}

// -------------------------------------------------------------------------------------------------------------------
// port
// -------------------------------------------------------------------------------------------------------------------

/**
 * The policy version store port.
 *
 * @since 0.1.0
 * @category services
 */
export class PolicyStore extends Context.Service<
  PolicyStore,
  {
    /** Publishes a version; fails with {@link PolicyVersionExists} when its version number was published before. */
    readonly publish: (publication: Publication) => Effect.Effect<Published, PolicyVersionExists | PolicyStoreFailure>
    /** A version, by version number. */
    readonly get: (version: string) => Effect.Effect<Option.Option<Published>, PolicyStoreFailure>
    /** Every version, in publication order (the one in force last). */
    readonly list: Effect.Effect<ReadonlyArray<Summary>, PolicyStoreFailure>
    /** The version in force: the one published last, or none while nothing is published. */
    readonly inForce: Effect.Effect<Option.Option<Summary>, PolicyStoreFailure>
  }
>()("@support-policy/core/PolicyStore") {}

/**
 * Checks a publication before it is stored: a version number and an instant in epoch milliseconds. Dies naming the
 * field when not (a defect of the caller: the desk decodes documents first). Adapters call it first.
 *
 * @since 0.1.0
 * @category validation
 */
export const validatePublication = (publication: Publication): Effect.Effect<void> => {
  const problems: Array<string> = []
  if (publication.policy.version.length === 0) problems.push("policy.version: must not be empty")
  if (!Number.isSafeInteger(publication.publishedAt) || publication.publishedAt < 0) {
    problems.push(`publishedAt: expected epoch milliseconds, got ${publication.publishedAt}`)
  }
  return problems.length === 0 ? Effect.void : Effect.die(new Error(`PolicyStore.publish: ${problems.join("; ")}`))
}

// -------------------------------------------------------------------------------------------------------------------
// memory
// -------------------------------------------------------------------------------------------------------------------

/**
 * The in-memory policy store, on the state the other memory stores share (`MemoryStorage.layerMemory` gives it with
 * them).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<PolicyStore, never, memory.MemoryStore> = Layer.effect(
  PolicyStore,
  Effect.gen(function* () {
    const state = yield* memory.MemoryStore

    const publish = (publication: Publication) =>
      Effect.flatMap(validatePublication(publication), () =>
        Effect.suspend(() => {
          const version = publication.policy.version
          if (state.policies.has(version)) return Effect.fail(new PolicyVersionExists({ version }))
          let position = 0
          for (const published of state.policies.values()) position = Math.max(position, published.position)
          const published: Published = memory.frozenCopy({ ...publication, position: position + 1 })
          state.policies.set(version, published)
          return Effect.succeed(published)
        })
      )

    const get = (version: string) => Effect.sync(() => Option.fromNullishOr(state.policies.get(version)))

    const list = Effect.sync(() => Object.freeze([...state.policies.values()].map(summaryOf)))

    const inForce = Effect.sync(() => {
      let last: Published | undefined
      for (const published of state.policies.values()) {
        if (last === undefined || published.position > last.position) last = published
      }
      return Option.map(Option.fromNullishOr(last), summaryOf)
    })

    return PolicyStore.of({ publish, get, list, inForce })
  })
)
