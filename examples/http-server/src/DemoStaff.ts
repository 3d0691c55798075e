/**
 * The demo's staff directory (`StaffDirectory`): who leads each queue and who holds the policy's own roles, so SLA
 * escalations reach people. A real host answers these from its HR system or identity provider with its own
 * `StaffDirectory` layer; the demo keeps a fixed list, in memory.
 */
import { StaffDirectory } from "@support-policy/core"
import type { Layer } from "effect"
import * as DemoActors from "./DemoActors.ts"

/** Sam leads the agents' queues; Kim, the administrator, is the support manager and leads trust & safety. */
export const directory: StaffDirectory.Directory = {
  members: [
    { id: DemoActors.agent.id, role: "agent", name: "Sam Taylor", email: "sam@desk.example" },
    { id: DemoActors.accountManager.id, role: "accountManager", name: "Chen Wei", email: "chen@desk.example" },
    { id: DemoActors.administrator.id, role: "administrator", name: "Kim Lee", email: "kim@desk.example" }
  ],
  queueLeads: {
    [StaffDirectory.generalPool]: DemoActors.agent.id,
    technical: DemoActors.agent.id,
    mediation: DemoActors.agent.id,
    "trust-and-safety": DemoActors.administrator.id
  },
  roles: { supportManager: [DemoActors.administrator.id] }
}

/** The demo's directory as a layer. */
export const layer: Layer.Layer<StaffDirectory.StaffDirectory> = StaffDirectory.layerMemory(directory)
