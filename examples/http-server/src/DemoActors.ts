/**
 * The people of the demo and their bearer tokens. A real host authenticates people its own way (sessions, OAuth, an
 * API gateway) and tells the desk who they are; the demo simply maps a fixed token to each actor.
 */
import { Actor, type Directory, type Parties } from "@support-policy/core"

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

/** Staff have no email on the desk's actors; the demo gives them these, for their notifications. */
const staffEmails: Readonly<Record<string, string>> = {
  [accountManager.id]: "chen@desk.example",
  [agent.id]: "sam@desk.example",
  [administrator.id]: "kim@desk.example"
}

/** The email address of a demo identity. */
export const emailOf = (identity: DemoIdentity): string =>
  identity.actor.role === "requester" ? (identity.actor.email ?? "") : (staffEmails[identity.actor.id] ?? "")

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
 * The demo's staff directory (`Directory.layerMemory`): display names, roles and queues, for the console's names and
 * its "reassign to" list. Two more agents than the identities, so a case can be handed to someone else.
 */
export const people: ReadonlyArray<Directory.Person> = [
  { id: agent.id, name: "Sam Taylor", role: "agent", queues: ["general", "orders"] },
  { id: "agent-mia", name: "Mia Wong", role: "agent", queues: ["orders"] },
  { id: "agent-raj", name: "Raj Patel", role: "agent", queues: ["technical"] },
  { id: accountManager.id, name: "Chen Wei", role: "accountManager" },
  { id: administrator.id, name: "Kim Lee", role: "administrator" }
]
