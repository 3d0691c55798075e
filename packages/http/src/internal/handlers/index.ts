/**
 * The handlers of the API's groups, one module per group: each calls the desk as the authenticated actor, maps the
 * desk's errors to problems and its values to the API's views. The API decoded the request already.
 */
// biome-ignore lint/correctness/noUnusedImports: the inferred type of `groupLayers` names the desk service
import type { SupportDesk } from "@support-policy/core"
import { Layer } from "effect"
import type { Api } from "../../HttpSupportApi.ts"
import type { Options } from "../options.ts"
import * as Actions from "./actions.ts"
import * as Announcements from "./announcements.ts"
import * as Cases from "./cases.ts"
import * as Console from "./console.ts"
import * as Desk from "./desk.ts"
import * as Email from "./email.ts"
import * as Erasure from "./erasure.ts"
import * as Incidents from "./incidents.ts"
import * as Mediation from "./mediation.ts"
import * as Policy from "./policy.ts"
import * as Quality from "./quality.ts"
import * as Reports from "./reports.ts"
import * as Satisfaction from "./satisfaction.ts"
import * as Versions from "./versions.ts"

/** The layers of every group of `api`, with the API's middleware provided. */
export const groupLayers = <MI, ME, MR>(api: typeof Api, middleware: Layer.Layer<MI, ME, MR>, options: Options) =>
  Layer.mergeAll(
    Cases.layer(api, options),
    Actions.layer(api),
    Mediation.layer(api, options),
    Desk.layer(api, options),
    Console.layer(api, options),
    Reports.layer(api),
    Quality.layer(api),
    Incidents.layer(api),
    Announcements.layer(api),
    Policy.layer(api, options),
    Versions.layer(api),
    Erasure.layer(api),
    Satisfaction.layer(api),
    Email.layer(api)
  ).pipe(Layer.provide(middleware))
