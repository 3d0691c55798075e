import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Presets, SupportPolicy } from "../src/index.ts"

/** The preset as the JSON a host would write, to break on purpose. */
const presetJson = (): any => JSON.parse(JSON.stringify(Presets.globalSources))

const problemsOf = (u: unknown) =>
  Effect.gen(function* () {
    const failure = yield* Effect.flip(SupportPolicy.decode(u))
    assert.strictEqual(failure._tag, "PolicyDecodeFailure")
    return failure.problems
  })

const paths = (problems: ReadonlyArray<SupportPolicy.PolicyProblem>) => problems.map((p) => p.path)

describe("SupportPolicy.decode", () => {
  it.effect("decodes the JSON of the preset back to an equal policy", () =>
    Effect.gen(function* () {
      const json = presetJson()
      const policy = yield* SupportPolicy.decode(json)
      assert.deepStrictEqual(policy, Presets.globalSources)
      // and the document survives a JSON round trip unchanged
      assert.deepStrictEqual(JSON.parse(JSON.stringify(policy)), json)
    })
  )

  it.effect("accepts a `$schema` key for editor completion", () =>
    Effect.gen(function* () {
      const policy = yield* SupportPolicy.decode({ ...presetJson(), $schema: "./support-policy.schema.json" })
      assert.strictEqual(policy.$schema, "./support-policy.schema.json")
    })
  )

  it.effect("names the path of a rule that refers to an unknown priority", () =>
    Effect.gen(function* () {
      const json = presetJson()
      json.sla[2].appliesTo = { priorities: ["urgent"] }
      const problems = yield* problemsOf(json)
      assert.deepStrictEqual(problems, [
        {
          path: "sla[2].appliesTo.priorities[0]",
          message: 'unknown priority "urgent": expected one of "normal", "high"'
        }
      ])
    })
  )

  it.effect("names the path of unknown categories, channels, audiences, flags and holds", () =>
    Effect.gen(function* () {
      const json = presetJson()
      json.triage[0].when.categories[1] = "data-securty"
      json.triage[2].when.channels = ["fax"]
      json.categories[3].audiences = ["buyer", "investor"]
      json.channels[4].requesterFlags = ["vip"]
      json.sla[1].pauseWhile = ["awaitingRequestor"]
      json.verification.hold = "verify"
      json.mediation.categories = ["disputes"]
      const problems = yield* problemsOf(json)
      assert.deepStrictEqual(paths(problems), [
        "channels[4].requesterFlags[0]",
        "categories[3].audiences[1]",
        "triage[0].when.categories[1]",
        "triage[2].when.channels[0]",
        "sla[1].pauseWhile[0]",
        "verification.hold",
        "mediation.categories[0]"
      ])
      assert.match(problems[2].message, /^unknown category "data-securty": expected one of "consultation", /)
      assert.match(problems[3].message, /^unknown channel "fax"/)
      assert.match(problems[4].message, /^unknown hold "awaitingRequestor"/)
    })
  )

  it.effect("reports every shape error at once, each with its path", () =>
    Effect.gen(function* () {
      const json = presetJson()
      json.sla[0].target = { businessDays: 2, businessHours: 4 }
      json.sla[1].stopOn = ["replied", "answered"]
      json.sla[2].warnAt = [0.5, 1.5]
      json.channels[0].availibility = "always"
      json.calendar.spec.week.monday = [["18:00", "09:00"]]
      json.effectiveDate = "2025-02-30"
      delete json.refusal.reasons
      const problems = yield* problemsOf(json)
      assert.sameMembers(paths(problems), [
        "effectiveDate",
        "calendar.spec.week.monday[0]",
        "channels[0].availibility",
        "sla[0].target",
        "sla[1].stopOn[1]",
        "sla[2].warnAt[1]",
        "refusal.reasons"
      ])
      const byPath = new Map(problems.map((p) => [p.path, p.message]))
      assert.strictEqual(
        byPath.get("sla[0].target"),
        "expected exactly one of businessDays, businessHours, businessMinutes"
      )
      assert.match(byPath.get("sla[1].stopOn[1]")!, /^expected an event type, one of "submitted", "replied"/)
      assert.strictEqual(byPath.get("channels[0].availibility"), "Expected no excess property")
      assert.strictEqual(byPath.get("refusal.reasons"), "Missing key")
    })
  )

  it.effect("refuses duplicate ids, duplicate ranks and warning points that do not increase", () =>
    Effect.gen(function* () {
      const json = presetJson()
      json.categories.push({ ...json.categories[0], name: "Consultation again" })
      json.priorities[1].rank = 0
      json.sla[2].warnAt = [0.75, 0.5]
      json.triage.push({ id: "empty", clause: "2.4", when: {} })
      const problems = yield* problemsOf(json)
      assert.deepStrictEqual(problems, [
        { path: `categories[${json.categories.length - 1}]`, message: 'duplicate category "consultation"' },
        { path: "priorities[1].rank", message: 'rank 0 is already the rank of "normal"' },
        { path: `triage[${json.triage.length - 1}]`, message: "a triage rule sets a priority, a route, or both" },
        { path: "sla[2].warnAt[1]", message: "warning points must increase" }
      ])
    })
  )

  it.effect("names the path of every bad escalation level: shape, warning point, role, duplicate, alert events", () =>
    Effect.gen(function* () {
      const json = presetJson()
      json.sla[0].escalations = [
        { id: "early", when: { fractionOfTarget: 0.6 }, notify: ["assignee"] },
        { id: "early", when: "due", notify: [{ role: "supportManger" }] },
        { id: "late", when: { afterDue: { businessDays: 1 } }, notify: [{ role: "requester" }] }
      ]
      json.sla[1].escalations = [{ id: "x", when: "breach", notify: [] }]
      json.sla[2].stopOn = ["resolved", "slaBreached"]
      json.holds[0].endOn = ["requesterResponded", "slaWarning"]
      const shape = yield* problemsOf(json)
      assert.sameMembers(paths(shape), ["sla[1].escalations[0].when", "sla[1].escalations[0].notify"])
      json.sla[1].escalations = [{ id: "x", when: { fractionOfTarget: 0.75 }, notify: ["queueLead"] }]
      const problems = yield* problemsOf(json)
      assert.deepStrictEqual(problems, [
        {
          path: "holds[0].endOn[1]",
          message: '"slaWarning" is the desk\'s own alert event: it cannot start, stop or pause a clock'
        },
        { path: "sla[0].escalations[1]", message: 'duplicate escalation level "early"' },
        {
          path: "sla[0].escalations[0].when.fractionOfTarget",
          message: "0.6 is not a warning point of this rule (warnAt: 0.75); add it to warnAt"
        },
        {
          path: "sla[0].escalations[1].notify[0].role",
          message:
            'unknown staff role "supportManger": expected one of "agent", "accountManager", "administrator", "supportManager"'
        },
        {
          path: "sla[0].escalations[2].notify[0].role",
          message:
            'unknown staff role "requester": expected one of "agent", "accountManager", "administrator", "supportManager"'
        },
        {
          path: "sla[2].stopOn[1]",
          message: '"slaBreached" is the desk\'s own alert event: it cannot start, stop or pause a clock'
        }
      ])
    })
  )

  it.effect("accepts a policy without escalations, and roles of the host's own", () =>
    Effect.gen(function* () {
      const json = presetJson()
      for (const rule of json.sla) delete rule.escalations
      json.roles.push({ id: "teamLead", name: "Team lead" })
      const policy = yield* SupportPolicy.decode(json)
      assert.isTrue(policy.sla.every((r) => r.escalations === undefined))
      assert.deepStrictEqual(
        Presets.globalSources.sla.map((r) => r.escalations?.map((l) => l.id)),
        [
          ["warning", "breached", "support-manager"],
          ["warning", "breached", "support-manager"],
          ["warning", "breached", "support-manager"]
        ]
      )
    })
  )

  it.effect("refuses texts no store could keep (a NUL, a lone surrogate), naming each", () =>
    Effect.gen(function* () {
      const json = presetJson()
      json.version = "a\u0000b"
      json.title = "x\ud800y"
      json.categories[0].name = "ends with half a pair \udc00"
      const failure = yield* Effect.flip(SupportPolicy.decode(json))
      assert.deepStrictEqual(failure.problems, [
        { path: "version", message: "a text must not contain a NUL character (U+0000)" },
        { path: "title", message: "a text must be well-formed Unicode (it holds a lone UTF-16 surrogate)" },
        { path: "categories[0].name", message: "a text must be well-formed Unicode (it holds a lone UTF-16 surrogate)" }
      ])
      // what a store keeps still decodes, as versions published before read back: other control characters too
      json.version = "9.1"
      json.title = "Tab\there, an emoji 😀 and an escape \u001b"
      json.categories[0].name = "第一类\n二行"
      assert.strictEqual((yield* SupportPolicy.decode(json)).title, "Tab\there, an emoji 😀 and an escape \u001b")
    })
  )

  it("makeUnsafe throws the same failure", () => {
    const json = presetJson()
    json.sla[0].clause = ""
    let thrown: unknown
    try {
      SupportPolicy.makeUnsafe(json)
    } catch (error) {
      thrown = error
    }
    assert.instanceOf(thrown, SupportPolicy.PolicyDecodeFailure)
    assert.deepStrictEqual(paths((thrown as SupportPolicy.PolicyDecodeFailure).problems), ["sla[0].clause"])
  })
})

describe("SupportPolicy.jsonSchema", () => {
  it("the shipped schema/support-policy.schema.json is up to date (run scripts/generate-schema.ts)", () => {
    const shipped = readFileSync(new URL("../schema/support-policy.schema.json", import.meta.url), "utf8")
    assert.strictEqual(shipped, SupportPolicy.jsonSchemaText())
  })

  it("describes the document: required sections, closed objects, enums of event types", () => {
    const schema = SupportPolicy.jsonSchema() as any
    assert.strictEqual(schema.$schema, "https://json-schema.org/draft/2020-12/schema")
    assert.includeMembers(schema.required, ["id", "version", "calendar", "categories", "sla", "refusal", "retention"])
    assert.strictEqual(schema.additionalProperties, false)
    assert.strictEqual(schema.properties.sla.items.$ref, "#/$defs/SlaRule")
    assert.includeMembers(schema.$defs.EventType.enum, ["submitted", "informationRequested", "explained", "refused"])
    assert.deepStrictEqual(schema.$defs.SlaRule.properties.onReopen.enum, ["keepElapsed", "restart", "none"])
  })
})

describe("SupportPolicy.triage", () => {
  const triage = (request: SupportPolicy.TriageRequest) => SupportPolicy.triage(Presets.globalSources, request)

  it("starts from the category's default priority and routes to the agents", () => {
    const result = triage({ category: "consultation", channel: "email", audience: "buyer" })
    assert.strictEqual(result.priority, "normal")
    assert.deepStrictEqual(result.routeTo, { role: "agent" })
    assert.deepStrictEqual(result.rules, [])
  })

  it("a host's rule can raise the priority, and a later rule sees the raised priority", () => {
    const json = presetJson()
    json.triage.unshift({
      id: "locked-out-suppliers",
      clause: "1.2",
      when: { categories: ["account-access"], audiences: ["supplier"] },
      setPriority: "high"
    })
    const policy = SupportPolicy.makeUnsafe(json)
    const result = SupportPolicy.triage(policy, {
      category: "account-access",
      channel: "email",
      audience: "supplier",
      requesterFlags: ["dedicatedAccountManager"]
    })
    assert.strictEqual(result.priority, "high")
    assert.deepStrictEqual(result.routeTo, { role: "accountManager" })
    assert.deepStrictEqual(
      result.rules.map((r) => r.id),
      ["locked-out-suppliers", "expedite-through-account-manager"]
    )
    // a buyer is not matched by the supplier rule
    assert.strictEqual(
      SupportPolicy.triage(policy, { category: "account-access", channel: "email", audience: "buyer" }).priority,
      "normal"
    )
  })

  it("never lowers a priority", () => {
    const json = presetJson()
    json.triage.unshift({ id: "calm", clause: "2.4", when: {}, setPriority: "normal" })
    const policy = SupportPolicy.makeUnsafe(json)
    assert.strictEqual(SupportPolicy.triage(policy, { category: "platform-bugs", channel: "email" }).priority, "high")
  })
})

describe("SupportPolicy.calendar", () => {
  it("compiles the policy's calendar once and shares it", () => {
    const a = SupportPolicy.calendar(Presets.globalSources)
    const b = SupportPolicy.calendar(Presets.globalSources)
    assert.strictEqual(a, b)
    assert.strictEqual(a.spec.timeZone, "+08:00")
  })
})
