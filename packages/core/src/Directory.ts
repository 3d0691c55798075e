/**
 * The staff directory, a port of the host: who the desk's agents, account managers and administrators are, their
 * display names and the queues they work. The desk shows names instead of ids ("Sam Lee" rather than `agent-sam`) and
 * offers the people a case can be assigned to. A desk without a directory names people from the actor data it has
 * (the caller's own `name`, a requester's name on their case) and shows ids otherwise.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Schema } from "effect"
import * as CaseEvent from "./CaseEvent.ts"

/**
 * One member of staff.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Person = Schema.Struct({
  id: CaseEvent.Id,
  name: Schema.String,
  role: Schema.Literals(["agent", "accountManager", "administrator"]),
  /** The queues they work (agents), if any. */
  queues: Schema.optionalKey(Schema.Array(CaseEvent.Id))
}).annotate({ identifier: "Person" })

/**
 * @since 0.1.0
 * @category models
 */
export type Person = typeof Person.Type

/**
 * The directory could not answer (the host's identity service is down).
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
export class Directory extends Context.Service<
  Directory,
  {
    /** Every member of staff, by name. */
    readonly people: Effect.Effect<ReadonlyArray<Person>, DirectoryUnavailable>
  }
>()("@support-policy/core/Directory") {}

/**
 * A fixed directory, for tests, demos and small hosts. Dies when a person does not decode or an id repeats.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (people: ReadonlyArray<Person>): Layer.Layer<Directory> =>
  Layer.effect(
    Directory,
    Effect.gen(function* () {
      const decoded = yield* Effect.orDie(Schema.decodeUnknownEffect(Schema.Array(Person))(people))
      const ids = new Set<string>()
      for (const person of decoded) {
        if (ids.has(person.id)) return yield* Effect.die(new Error(`Directory.layerMemory: id "${person.id}" twice`))
        ids.add(person.id)
      }
      const sorted = Object.freeze([...decoded].sort((a, b) => a.name.localeCompare(b.name, "en")))
      return Directory.of({ people: Effect.succeed(sorted) })
    })
  )

/**
 * Names by id, from a list of people.
 *
 * @since 0.1.0
 * @category getters
 */
export const namesOf = (people: ReadonlyArray<Person>): ReadonlyMap<string, string> =>
  new Map(people.map((p) => [p.id, p.name]))
