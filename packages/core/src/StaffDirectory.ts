/**
 * Who the host's support staff are, as SLA escalations need to know them: the lead of each queue, the people holding
 * each role of the policy's `roles` (a support manager, a team lead), and how to reach a member. A port: the host
 * answers from its own directory (HR system, identity provider, a table); `layerMemory` answers from a fixed list.
 *
 * The desk asks it when an escalation level of an SLA rule (`SupportPolicy.EscalationLevel`) names `"queueLead"` or
 * a role. Without a directory in context the desk uses {@link empty}: assignees and account managers are still
 * notified (the case names them), queue leads and roles reach nobody, and such a level falls back to the case's
 * queue so that its alert is never addressed to no one.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Option, Schema } from "effect"
import * as CaseEvent from "./CaseEvent.ts"

/**
 * A member of the support staff: their id (as the desk's actors and assignees name them), the desk role they act in,
 * and how to reach them.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Member = Schema.Struct({
  id: CaseEvent.Id,
  role: Schema.Literals(["agent", "accountManager", "administrator"]),
  name: Schema.optionalKey(Schema.String),
  email: Schema.optionalKey(Schema.String),
  /** The language notifications to them are written in (default: the case's). */
  language: Schema.optionalKey(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Member = typeof Member.Type

/**
 * The directory could not answer (its backing system failed). `cause` keeps the underlying error.
 *
 * @since 0.1.0
 * @category errors
 */
export class StaffDirectoryFailure extends Schema.TaggedError<StaffDirectoryFailure>()("StaffDirectoryFailure", {
  message: Schema.String,
  cause: Schema.optionalKey(Schema.Defect())
}) {}

/**
 * The staff directory port.
 *
 * @since 0.1.0
 * @category services
 */
export class StaffDirectory extends Context.Service<
  StaffDirectory,
  {
    /** The lead of a queue; `undefined` is the agents' general pool (cases routed to no queue). */
    readonly queueLead: (queue: string | undefined) => Effect.Effect<Option.Option<Member>, StaffDirectoryFailure>
    /** Everyone holding a role of the policy (`SupportPolicy.Role.id`), in a stable order. */
    readonly withRole: (role: string) => Effect.Effect<ReadonlyArray<Member>, StaffDirectoryFailure>
    /** A member by id, to reach an assignee or an account manager the case names. */
    readonly member: (id: string) => Effect.Effect<Option.Option<Member>, StaffDirectoryFailure>
  }
>()("@support-policy/core/StaffDirectory") {}

/**
 * A directory as data: the members, the lead of each queue by member id (`"*"` for the agents' general pool), and the
 * member ids holding each role.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Directory = Schema.Struct({
  members: Schema.Array(Member),
  queueLeads: Schema.Record(Schema.String, CaseEvent.Id),
  roles: Schema.Record(Schema.String, Schema.Array(CaseEvent.Id))
})

/**
 * @since 0.1.0
 * @category models
 */
export type Directory = typeof Directory.Type

/**
 * The key of the agents' general pool in {@link Directory}`.queueLeads`.
 *
 * @since 0.1.0
 * @category constants
 */
export const generalPool = "*"

/**
 * Checks a directory: member ids are unique, and every queue lead and role holder is a member. Dies naming the field
 * when not (a directory is the host's configuration).
 *
 * @since 0.1.0
 * @category validation
 */
export const validate = (directory: Directory): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const ids = new Set<string>()
  directory.members.forEach((m, i) => {
    if (ids.has(m.id)) problems.push(`members[${i}].id: duplicate member "${m.id}"`)
    ids.add(m.id)
  })
  for (const [queue, id] of Object.entries(directory.queueLeads)) {
    if (!ids.has(id)) problems.push(`queueLeads.${queue}: "${id}" is not a member`)
  }
  for (const [role, holders] of Object.entries(directory.roles)) {
    holders.forEach((id, i) => {
      if (!ids.has(id)) problems.push(`roles.${role}[${i}]: "${id}" is not a member`)
    })
  }
  return problems
}

/**
 * A directory from data. Dies naming the field when {@link validate} finds a problem.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (directory: Directory): Effect.Effect<StaffDirectory["Service"]> =>
  Effect.suspend(() => {
    const problems = validate(directory)
    if (problems.length > 0) return Effect.die(new Error(`StaffDirectory: ${problems.join("; ")}`))
    const members = new Map(directory.members.map((m) => [m.id, m]))
    const byId = (id: string | undefined) => Option.fromNullishOr(id === undefined ? undefined : members.get(id))
    return Effect.succeed(
      StaffDirectory.of({
        queueLead: (queue) => Effect.succeed(byId(directory.queueLeads[queue ?? generalPool])),
        withRole: (role) => Effect.succeed((directory.roles[role] ?? []).flatMap((id) => Option.toArray(byId(id)))),
        member: (id) => Effect.succeed(byId(id))
      })
    )
  })

/**
 * The directory that knows nobody: what the desk uses when no `StaffDirectory` is in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty: StaffDirectory["Service"] = StaffDirectory.of({
  queueLead: () => Effect.succeed(Option.none()),
  withRole: () => Effect.succeed([]),
  member: () => Effect.succeed(Option.none())
})

/**
 * A directory held in memory, from data (for tests, demos and small hosts).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (directory: Directory): Layer.Layer<StaffDirectory> =>
  Layer.effect(StaffDirectory, make(directory))
