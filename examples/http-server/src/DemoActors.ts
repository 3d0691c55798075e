/**
 * The people of the demo and their bearer tokens. A real host authenticates people its own way (sessions, OAuth, an
 * API gateway) and tells the desk who they are; the demo simply maps a fixed token to each actor.
 */
import { Actor, Directory, type Parties } from "@support-policy/core"
import type { Layer } from "effect"

/** One demo identity: its bearer token, a label for the pages, and the actor the desk sees. */
export interface DemoIdentity {
  readonly token: string
  readonly label: string
  readonly actor: Actor.Actor
}

export const buyer = Actor.requester({
  id: "buyer-ana",
  audience: "buyer",
  email: "ana@buyer.example",
  name: "Ana Silva"
})

export const supplier = Actor.requester({
  id: "supplier-bolt",
  audience: "supplier",
  email: "support@bolt-electronics.example",
  name: "Bolt Electronics"
})

export const accountManager = Actor.accountManager("am-chen", { name: "Chen Wei" })

export const buyerWithAccountManager = Actor.requester({
  id: "buyer-li",
  audience: "buyer",
  accountManagerId: accountManager.id,
  flags: ["dedicatedAccountManager"],
  email: "li@bigbuyer.example",
  name: "Li Na"
})

export const agent = Actor.agent("agent-sam", { name: "Sam Taylor" })

export const administrator = Actor.administrator("admin-kim", { name: "Kim Lee" })

/** Every demo identity, requesters first. */
export const identities: ReadonlyArray<DemoIdentity> = [
  { token: "demo-buyer", label: "Ana Silva — buyer", actor: buyer },
  { token: "demo-supplier", label: "Bolt Electronics — supplier", actor: supplier },
  { token: "demo-buyer-am", label: "Li Na — buyer with an account manager", actor: buyerWithAccountManager },
  { token: "demo-agent", label: "Sam Taylor — support agent", actor: agent },
  { token: "demo-account-manager", label: "Chen Wei — account manager", actor: accountManager },
  { token: "demo-admin", label: "Kim Lee — administrator", actor: administrator }
]

const byToken = new Map(identities.map((i) => [i.token, i]))

/** The actor a bearer token stands for, if any. */
export const actorOf = (token: string): Actor.Actor | undefined => byToken.get(token)?.actor

/**
 * The demo's orders: who bought from whom. The demo's `Parties` adapter knows them, so a buyer may ask for mediation
 * of a dispute on one of their orders with its supplier (clause 4.5), and with nobody else.
 */
export const orders: ReadonlyArray<Parties.Order> = [
  { reference: "PO-88231", buyerId: buyer.id, supplierId: supplier.id },
  { reference: "PO-90417", buyerId: buyer.id, supplierId: supplier.id },
  { reference: "PO-77120", buyerId: buyerWithAccountManager.id, supplierId: supplier.id }
]

/**
 * The demo's staff (`Directory`): display names, roles, queues and addresses, for the console's names, its "reassign
 * to" list and the people SLA escalations notify. Two more agents than the identities, so a case can be handed to
 * someone else.
 */
export const people: ReadonlyArray<Directory.Person> = [
  { id: agent.id, name: "Sam Taylor", role: "agent", queues: ["general", "orders"], email: "sam@desk.example" },
  { id: "agent-mia", name: "Mia Wong", role: "agent", queues: ["orders"], email: "mia@desk.example" },
  { id: "agent-raj", name: "Raj Patel", role: "agent", queues: ["technical"], email: "raj@desk.example" },
  { id: accountManager.id, name: "Chen Wei", role: "accountManager", email: "chen@desk.example" },
  { id: administrator.id, name: "Kim Lee", role: "administrator", email: "kim@desk.example" }
]

/** The address of a member of staff (the desk's actors carry none for staff): their notifications go there. */
export const staffEmailOf = (id: string): string | undefined => people.find((p) => p.id === id)?.email

/** The email address of a demo identity. */
export const emailOf = (identity: DemoIdentity): string =>
  identity.actor.role === "requester" ? (identity.actor.email ?? "") : (staffEmailOf(identity.actor.id) ?? "")

/**
 * Who leads each queue and who holds the policy's own roles, so SLA escalations reach people: Sam leads the agents'
 * queues; Kim, the administrator, is the support manager and leads trust & safety. A real host answers these from its
 * HR system or identity provider with its own `Directory` layer.
 */
export const organisation: Directory.Organisation = {
  queueLeads: {
    [Directory.generalPool]: agent.id,
    technical: agent.id,
    mediation: agent.id,
    "trust-and-safety": administrator.id
  },
  roles: { supportManager: [administrator.id] }
}

/** The demo's staff directory, in memory. */
export const directory: Layer.Layer<Directory.Directory> = Directory.layerMemory(people, organisation)
