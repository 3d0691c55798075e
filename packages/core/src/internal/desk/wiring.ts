/**
 * The wiring of the desk (`SupportDesk.make`): checks the options, seeds the `PolicyStore` with the policy given,
 * reads the stores and ports in context into one `DeskContext`, and builds every room on one kernel.
 */
import { Clock, Effect, Option } from "effect"
import * as Actor from "../../Actor.ts"
import { CaseStore } from "../../CaseStore.ts"
import * as Directory from "../../Directory.ts"
import * as Erasure from "../../Erasure.ts"
import * as FailedLookups from "../../FailedLookups.ts"
import * as Incident from "../../Incident.ts"
import * as Mailbox from "../../Mailbox.ts"
import * as Parties from "../../Parties.ts"
import * as PolicyStore from "../../PolicyStore.ts"
import * as Randomness from "../../Randomness.ts"
import type { Options, Service } from "../../SupportDesk.ts"
import type * as SupportPolicy from "../../SupportPolicy.ts"
import { canonicalJson } from "../fingerprint.ts"
import * as Alerts from "./alerts.ts"
import * as Answering from "./answering.ts"
import * as Closing from "./closing.ts"
import * as Console from "./console.ts"
import * as Erasing from "./erasure.ts"
import * as Incidents from "./incidents.ts"
import * as Intake from "./intake.ts"
import * as Kernel from "./kernel.ts"
import * as Mediation from "./mediation.ts"
import * as Policies from "./policies.ts"
import * as Reading from "./reading.ts"
import * as Records from "./records.ts"
import * as Refusal from "./refusal.ts"
import * as Satisfaction from "./satisfaction.ts"
import * as Verification from "./verification.ts"
import * as Versions from "./versions.ts"

/** The desk's services on the stores and ports in context (see `SupportDesk.make`). */
export const make = Effect.fnUntraced(function* (policy: SupportPolicy.SupportPolicy, options?: Options) {
  for (const [from, to] of Object.entries(options?.whenClosed ?? {})) {
    if (!policy.channels.some((c) => c.id === from) || !policy.channels.some((c) => c.id === to)) {
      return yield* Effect.die(
        new Error(`SupportDesk: options.whenClosed names an unknown channel ("${from}": "${to}")`)
      )
    }
  }
  const refreshMillis = options?.policyRefreshMillis ?? 1000
  if (!Number.isSafeInteger(refreshMillis) || refreshMillis < 0) {
    return yield* Effect.die(
      new Error(`SupportDesk: options.policyRefreshMillis: expected a whole number of 0 or more, got ${refreshMillis}`)
    )
  }
  const policyStore = yield* PolicyStore.PolicyStore
  yield* seed(policyStore, policy)
  const context: Kernel.DeskContext = {
    options: options ?? {},
    policies: Policies.make(policyStore, refreshMillis),
    store: yield* CaseStore,
    incidents: yield* Incident.IncidentStore,
    randomness: yield* Randomness.Randomness,
    // the email channel's mailbox keeps requesters' mail: when the host has one, it takes part in every erasure
    holders: [
      ...(yield* Erasure.PersonalDataHolders),
      ...Option.toArray(Option.map(yield* Effect.serviceOption(Mailbox.Mailbox), Mailbox.holder))
    ],
    failedLookups: Option.getOrElse(yield* Effect.serviceOption(FailedLookups.FailedLookups), FailedLookups.makeMemory),
    directory: yield* Effect.serviceOption(Directory.Directory)
  }
  const kernel = Kernel.make(context, Records.selection(context.randomness))
  const intake = Intake.make(kernel)
  const erasing = Erasing.make(kernel)
  const service: Service = {
    policyInForce: kernel.inForce,
    submit: intake.submit,
    quote: intake.quote,
    ...Versions.make(kernel, policyStore),
    ...Reading.make(kernel),
    ...Console.make(kernel),
    ...Answering.make(kernel),
    ...Verification.make(kernel),
    ...Refusal.make(kernel),
    ...Closing.make(kernel),
    ...Records.make(kernel, erasing),
    eraseRequester: erasing.eraseRequester,
    ...Satisfaction.make(kernel),
    ...Mediation.make(kernel, intake, yield* Effect.serviceOption(Parties.Parties)),
    ...Incidents.make(kernel),
    ...Alerts.make(
      kernel,
      Option.getOrElse(context.directory, () => Directory.empty)
    )
  }
  return service
})

/** Publishes `policy` unless its version is published; dies when it is, with another document. */
const seed = (store: PolicyStore.PolicyStore["Service"], policy: SupportPolicy.SupportPolicy) =>
  Effect.gen(function* () {
    const publish = Effect.flatMap(Clock.currentTimeMillis, (publishedAt) =>
      store.publish({ policy, publishedAt, publishedBy: Actor.system })
    )
    const existing = yield* store.get(policy.version).pipe(
      Effect.flatMap((found) =>
        Option.isSome(found)
          ? Effect.succeed(found.value)
          : publish.pipe(
              Effect.catchTag("PolicyVersionExists", () =>
                Effect.flatMap(store.get(policy.version), (again) => Effect.succeed(Option.getOrThrow(again)))
              )
            )
      ),
      Effect.orDie
    )
    if (canonicalJson(existing.policy) !== canonicalJson(policy)) {
      return yield* Effect.die(
        new Error(
          `SupportDesk: version ${policy.version} of the policy is published with another document; ` +
            "a published version never changes: publish the changed policy as a new version"
        )
      )
    }
  })
