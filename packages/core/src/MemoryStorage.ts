/**
 * The whole storage of the support desk in memory: `CaseStore`, `Outbox`, `IncidentStore`, `PolicyStore` and `TaskStore` on one shared state, so a
 * case's events, its state and the outbox messages they cause are written in one unit of work, as a database adapter
 * writes them in one transaction. For tests, demos and hosts that need no persistence; the contract suite
 * (`@support-policy/core/testing`) holds it to the same guarantees as every other adapter.
 *
 * @since 0.1.0
 */
import { Layer } from "effect"
import * as CaseStore from "./CaseStore.ts"
import * as Incident from "./Incident.ts"
import { MemoryStore } from "./internal/memoryStore.ts"
import * as Outbox from "./Outbox.ts"
import * as PolicyStore from "./PolicyStore.ts"
import * as TaskStore from "./TaskStore.ts"

/**
 * The shared state of the in-memory stores, required by `CaseStore.layerMemory`, `Outbox.layerMemory`,
 * `Incident.layerMemory`, `PolicyStore.layerMemory` and `TaskStore.layerMemory`. Its shape is private.
 *
 * @since 0.1.0
 * @category services
 */
export { MemoryStore }

/**
 * A fresh, empty shared state, to provide to the memory layers of the ports one by one.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerStore: Layer.Layer<MemoryStore> = MemoryStore.layer

/**
 * The storage ports in memory, on one fresh shared state.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<
  CaseStore.CaseStore | Outbox.Outbox | Incident.IncidentStore | PolicyStore.PolicyStore | TaskStore.TaskStore
> = Layer.mergeAll(
  CaseStore.layerMemory,
  Outbox.layerMemory,
  Incident.layerMemory,
  PolicyStore.layerMemory,
  TaskStore.layerMemory
).pipe(Layer.provide(MemoryStore.layer))
