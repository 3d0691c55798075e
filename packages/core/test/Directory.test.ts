/**
 * The staff directory from data (`Directory.layerMemory`): the people by name, a person by id, queue leads (the general
 * pool under `"*"`) and role holders; a directory whose data does not hold together dies naming the field.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Option } from "effect"
import * as Directory from "../src/Directory.ts"

const people: ReadonlyArray<Directory.Person> = [
  { id: "lead-tom", name: "Tom", role: "agent", queues: ["technical"], email: "tom@desk.example" },
  { id: "agent-ann", name: "Ann", role: "agent" },
  { id: "mgr-mo", name: "Mo", role: "administrator", language: "zh" }
]

const organisation: Directory.Organisation = {
  queueLeads: { [Directory.generalPool]: "agent-ann", technical: "lead-tom" },
  roles: { supportManager: ["mgr-mo", "lead-tom"] }
}

/** The message a directory built from these people and organisation dies with. */
const dieMessage = (p: ReadonlyArray<Directory.Person>, o: Directory.Organisation) =>
  Effect.map(Effect.exit(Directory.make(p, o)), (exit) => {
    if (Exit.isSuccess(exit)) throw new Error("expected the directory to die")
    return String(Cause.squash(exit.cause))
  })

describe("Directory.layerMemory", () => {
  it.effect("answers people by name, a person by id, queue leads and role holders", () =>
    Effect.gen(function* () {
      const directory = yield* Directory.Directory
      assert.deepStrictEqual(
        (yield* directory.people).map((p) => p.name),
        ["Ann", "Mo", "Tom"]
      )
      assert.strictEqual(Option.getOrThrow(yield* directory.person("mgr-mo")).language, "zh")
      assert.isTrue(Option.isNone(yield* directory.person("nobody")))
      assert.strictEqual(Option.getOrThrow(yield* directory.queueLead("technical")).id, "lead-tom")
      assert.strictEqual(Option.getOrThrow(yield* directory.queueLead(undefined)).id, "agent-ann")
      assert.isTrue(Option.isNone(yield* directory.queueLead("billing")))
      assert.deepStrictEqual(
        (yield* directory.withRole("supportManager")).map((p) => p.id),
        ["mgr-mo", "lead-tom"]
      )
      assert.deepStrictEqual(yield* directory.withRole("teamLead"), [])
    }).pipe(Effect.provide(Directory.layerMemory(people, organisation)))
  )

  it.effect("dies naming the field when an id repeats or a lead or role holder is not one of the people", () =>
    Effect.gen(function* () {
      const message = yield* dieMessage([...people, { id: "agent-ann", name: "Ann again", role: "agent" }], {
        queueLeads: { billing: "agent-zed" },
        roles: { supportManager: ["mgr-mo", "mgr-max"] }
      })
      assert.match(message, /people\[3\]\.id: "agent-ann" twice/)
      assert.match(message, /queueLeads\.billing: "agent-zed" is not one of the people/)
      assert.match(message, /roles\.supportManager\[1\]: "mgr-max" is not one of the people/)
    })
  )

  it.effect("the empty directory knows nobody", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* Directory.empty.people, [])
      assert.isTrue(Option.isNone(yield* Directory.empty.queueLead(undefined)))
      assert.deepStrictEqual(yield* Directory.empty.withRole("supportManager"), [])
    })
  )
})
