/**
 * Who a sender is: the host's directory of requesters by email address. The email intake asks it for the `From`
 * address of every mail it cannot dismiss; a requester it knows writes as that requester (never as staff: the
 * directory answers requesters only, so a mail that claims to come from an agent is just a mail from an unknown or
 * a requester's address). A host answers from its own user store; `layerMemory` holds a fixed list.
 *
 * @since 0.1.0
 */
import { type Actor, Mailbox } from "@support-policy/core"
import { Context, Effect, Layer, Option, Schema } from "effect"

/**
 * A requester the directory knows, with the language their mail is written in when the host knows it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Entry {
  readonly profile: Actor.RequesterProfile
  readonly language?: string | undefined
}

/**
 * The directory could not answer (its store is down): the mail is tried again later.
 *
 * @since 0.1.0
 * @category errors
 */
export class DirectoryUnavailable extends Schema.TaggedError<DirectoryUnavailable>()("DirectoryUnavailable", {
  message: Schema.String,
  cause: Schema.optionalKey(Schema.Defect())
}) {}

/**
 * The directory port.
 *
 * @since 0.1.0
 * @category services
 */
export class RequesterDirectory extends Context.Service<
  RequesterDirectory,
  { readonly findByEmail: (address: string) => Effect.Effect<Option.Option<Entry>, DirectoryUnavailable> }
>()("@support-policy/email/RequesterDirectory") {}

/**
 * A directory from a function of the address (in lower case).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  findByEmail: (address: string) => Effect.Effect<Option.Option<Entry>, DirectoryUnavailable>
): Layer.Layer<RequesterDirectory> =>
  Layer.succeed(
    RequesterDirectory,
    RequesterDirectory.of({ findByEmail: (address) => findByEmail(Mailbox.normalizeAddress(address)) })
  )

/**
 * A fixed directory: each profile by its `email` (compared in lower case). Profiles without an email are left out.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (entries: Iterable<Entry | Actor.RequesterProfile>): Layer.Layer<RequesterDirectory> => {
  const byEmail = new Map<string, Entry>()
  for (const item of entries) {
    const entry: Entry = "profile" in item ? item : { profile: item }
    if (entry.profile.email !== undefined) byEmail.set(Mailbox.normalizeAddress(entry.profile.email), entry)
  }
  return layer((address) => Effect.succeed(Option.fromNullishOr(byEmail.get(address))))
}
