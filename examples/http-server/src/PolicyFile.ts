/**
 * `POLICY_FILE`: the demo runs a host's own support policy (a JSON document, `SupportPolicy`) instead of the Global
 * Sources preset, so a host can try its hours, targets and escalations without code. The file is decoded with the
 * usual errors: every bad field named by its path.
 */
import * as Fs from "node:fs"
import { Presets, SupportPolicy } from "@support-policy/core"
import { Effect, Schema } from "effect"

/** The policy file could not be used: unreadable, not JSON, or not a valid policy (`problems` names each field). */
export class PolicyFileFailure extends Schema.TaggedError<PolicyFileFailure>()("PolicyFileFailure", {
  path: Schema.String,
  message: Schema.String,
  problems: Schema.Array(SupportPolicy.PolicyProblem)
}) {}

/** Reads and decodes a policy file. */
export const load = (path: string): Effect.Effect<SupportPolicy.SupportPolicy, PolicyFileFailure> =>
  Effect.gen(function* () {
    const text = yield* Effect.try({
      try: () => Fs.readFileSync(path, "utf8"),
      catch: (error) =>
        new PolicyFileFailure({
          path,
          message: `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
          problems: []
        })
    })
    const json = yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: (error) =>
        new PolicyFileFailure({
          path,
          message: `${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
          problems: []
        })
    })
    return yield* SupportPolicy.decode(json).pipe(
      Effect.mapError(
        (failure) =>
          new PolicyFileFailure({
            path,
            message: `${path} is not a valid support policy (${failure.problems.length} problem(s))`,
            problems: failure.problems
          })
      )
    )
  })

/** The policy of the environment: `POLICY_FILE` when set, else the Global Sources preset. */
export const fromEnvironment = (
  env: NodeJS.ProcessEnv = process.env
): Effect.Effect<
  { readonly policy: SupportPolicy.SupportPolicy; readonly file: string | undefined },
  PolicyFileFailure
> => {
  const file = env.POLICY_FILE === undefined || env.POLICY_FILE === "" ? undefined : env.POLICY_FILE
  return file === undefined
    ? Effect.succeed({ policy: Presets.globalSources, file })
    : Effect.map(load(file), (policy) => ({ policy, file }))
}

/** A failure as the demo prints it: the message, then each problem on its own line. */
export const describe = (failure: PolicyFileFailure): string =>
  [failure.message, ...failure.problems.map((p) => `  ${p.path}: ${p.message}`)].join("\n")

/** The policy in one line, for the start-up banner. */
export const summary = (policy: SupportPolicy.SupportPolicy, file: string | undefined): string =>
  `${policy.title} v${policy.version} (${policy.id}, effective ${policy.effectiveDate})${
    file === undefined ? ", the preset" : `, from ${file}`
  }`
