/**
 * The staff directory, a port of the host: who the desk's agents, account managers and administrators are, their
 * display names, the queues they work, who leads each queue, who holds each role of the policy (a support manager, a
 * team lead), and how to reach them. The host answers from its own directory (HR system, identity provider, a table);
 * `layerMemory` answers from a fixed list.
 *
 * The desk uses it when the context has one (`Effect.serviceOption`):
 * - The console shows names instead of ids ("Sam Lee" rather than `agent-sam`) and offers the people a case can be
 *   assigned to. Without a directory, or while it is unavailable, it names people from the actor data it has (the
 *   caller's own `name`, a requester's name on their case) and shows ids otherwise: names are a courtesy.
 * - SLA escalations (`SupportPolicy.EscalationLevel`) that name `"queueLead"` or a role reach the people the directory
 *   gives. Without one the desk uses {@link empty}: assignees and account managers are still notified (the case names
 *   them), queue leads and roles reach nobody, and such a level falls back to the case's queue so that its alert is
 *   never addressed to no one.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Option, Schema } from "effect"
import * as CaseEvent from "./CaseEvent.ts"

/**
 * One member of staff: their id (as the desk's actors and assignees name them), display name, the desk role they act
 * in, the queues they work, and how to reach them.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Person = Schema.Struct({
  id: CaseEvent.Id,
  name: Schema.String,
  role: Schema.Literals(["agent", "accountManager", "administrator"]),
  /** The queues they work (agents), if any. */
  queues: Schema.optionalKey(Schema.Array(CaseEvent.Id)),
  /** Where notifications to them go, if the host delivers them by email. */
  email: Schema.optionalKey(Schema.String),
  /** The language notifications to them are written in (default: the case's). */
  language: Schema.optionalKey(Schema.String)
}).annotate({ identifier: "Person" })

/**
 * @since 0.1.0
 * @category models
 */
export type Person = typeof Person.Type

/**
 * The organisation of the staff, for escalations: the lead of each queue by person id (`"*"`, {@link generalPool},
 * for the agents' general pool) and the person ids holding each role of the policy (`SupportPolicy.Role.id`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Organisation = Schema.Struct({
  queueLeads: Schema.optionalKey(Schema.Record(Schema.String, CaseEvent.Id)),
  roles: Schema.optionalKey(Schema.Record(Schema.String, Schema.Array(CaseEvent.Id)))
})

/**
 * @since 0.1.0
 * @category models
 */
export type Organisation = typeof Organisation.Type

/**
 * The key of the agents' general pool (cases routed to no queue) in {@link Organisation}`.queueLeads`.
 *
 * @since 0.1.0
 * @category constants
 */
export const generalPool = "*"

/**
 * The directory could not answer (the host's identity service is down). `cause` keeps the underlying error.
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
    /** A member by id, to reach an assignee or an account manager the case names. */
    readonly person: (id: string) => Effect.Effect<Option.Option<Person>, DirectoryUnavailable>
    /** The lead of a queue; `undefined` is the agents' general pool (cases routed to no queue). */
    readonly queueLead: (queue: string | undefined) => Effect.Effect<Option.Option<Person>, DirectoryUnavailable>
    /** Everyone holding a role of the policy (`SupportPolicy.Role.id`), in a stable order. */
    readonly withRole: (role: string) => Effect.Effect<ReadonlyArray<Person>, DirectoryUnavailable>
  }
>()("@support-policy/core/Directory") {}

/**
 * Checks a directory's data: person ids are unique, and every queue lead and role holder is one of the people.
 * Returns the problems, each naming its field.
 *
 * @since 0.1.0
 * @category validation
 */
export const validate = (people: ReadonlyArray<Person>, organisation: Organisation = {}): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const ids = new Set<string>()
  people.forEach((p, i) => {
    if (ids.has(p.id)) problems.push(`people[${i}].id: "${p.id}" twice`)
    ids.add(p.id)
  })
  for (const [queue, id] of Object.entries(organisation.queueLeads ?? {})) {
    if (!ids.has(id)) problems.push(`queueLeads.${queue}: "${id}" is not one of the people`)
  }
  for (const [role, holders] of Object.entries(organisation.roles ?? {})) {
    holders.forEach((id, i) => {
      if (!ids.has(id)) problems.push(`roles.${role}[${i}]: "${id}" is not one of the people`)
    })
  }
  return problems
}

/**
 * A directory from data. Dies naming the field when a person does not decode or {@link validate} finds a problem (a
 * directory is the host's configuration).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  people: ReadonlyArray<Person>,
  organisation: Organisation = {}
): Effect.Effect<Directory["Service"]> =>
  Effect.gen(function* () {
    const decoded = yield* Effect.orDie(Schema.decodeUnknownEffect(Schema.Array(Person))(people))
    const org = yield* Effect.orDie(Schema.decodeUnknownEffect(Organisation)(organisation))
    const problems = validate(decoded, org)
    if (problems.length > 0) return yield* Effect.die(new Error(`Directory: ${problems.join("; ")}`))
    const sorted = Object.freeze([...decoded].sort((a, b) => a.name.localeCompare(b.name, "en")))
    const byId = new Map(decoded.map((p) => [p.id, p]))
    const find = (id: string | undefined) => Option.fromNullishOr(id === undefined ? undefined : byId.get(id))
    return Directory.of({
      people: Effect.succeed(sorted),
      person: (id) => Effect.succeed(find(id)),
      queueLead: (queue) => Effect.succeed(find(org.queueLeads?.[queue ?? generalPool])),
      withRole: (role) => Effect.succeed((org.roles?.[role] ?? []).flatMap((id) => Option.toArray(find(id))))
    })
  })

/**
 * The directory that knows nobody: what the desk's escalations use when no `Directory` is in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty: Directory["Service"] = Directory.of({
  people: Effect.succeed([]),
  person: () => Effect.succeed(Option.none()),
  queueLead: () => Effect.succeed(Option.none()),
  withRole: () => Effect.succeed([])
})

/**
 * A fixed directory, for tests, demos and small hosts: the people, and optionally who leads each queue and who holds
 * each role. Dies when a person does not decode, an id repeats, or a lead or role holder is not one of the people.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (people: ReadonlyArray<Person>, organisation: Organisation = {}): Layer.Layer<Directory> =>
  Layer.effect(Directory, make(people, organisation))

/**
 * Names by id, from a list of people.
 *
 * @since 0.1.0
 * @category getters
 */
export const namesOf = (people: ReadonlyArray<Person>): ReadonlyMap<string, string> =>
  new Map(people.map((p) => [p.id, p.name]))
