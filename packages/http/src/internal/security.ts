/**
 * The security headers of the API's responses, and the middleware that sets them on the API's own paths (`/v1/...`,
 * the OpenAPI document and the reference page), leaving a host's other routes alone.
 */
import { Effect, type Layer, type Types } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"

/** JSON answers: nothing in them may load or run, be framed, sniffed as another type, cached or leak a referrer. */
export const apiHeaders: Readonly<Record<string, string>> = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store"
}

/**
 * A page that loads its own scripts, styles and images and calls its own origin (the interactive reference, a
 * host's pages such as the demo's): no inline scripts, no framing, no other origin.
 */
export const pageHeaders: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer"
}

/** The reference page (Scalar) runs an inline bootstrap script and styles: it may not be framed nor sniffed. */
const docsHeaders: Readonly<Record<string, string>> = {
  "content-security-policy": "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer"
}

const currentRequest = Effect.gen(function* () {
  return yield* HttpServerRequest.HttpServerRequest
})

const pathOf = (url: string): string => {
  const path = url.startsWith("/") ? url : new URL(url, "http://localhost").pathname
  const query = path.indexOf("?")
  return query < 0 ? path : path.slice(0, query)
}

/** Sets `headers` on a response, keeping any a handler set itself. */
export const withHeaders = (
  response: HttpServerResponse.HttpServerResponse,
  headers: Readonly<Record<string, string>>
): HttpServerResponse.HttpServerResponse => {
  let out = response
  for (const [name, value] of Object.entries(headers)) {
    if (out.headers[name] === undefined) out = HttpServerResponse.setHeader(out, name, value)
  }
  return out
}

/** Global router middleware: the headers of the API's own paths. */
export const layerSecurityHeaders = (options: {
  readonly openapiPath: string
  readonly docsPath: string | false
}): Layer.Layer<never, never, HttpRouter.HttpRouter> =>
  HttpRouter.middleware(
    (httpEffect) =>
      Effect.flatMap(currentRequest, (request) => {
        const path = pathOf(request.url)
        const headers =
          path === "/v1" || path.startsWith("/v1/") || path === options.openapiPath
            ? apiHeaders
            : options.docsPath !== false && (path === options.docsPath || path.startsWith(`${options.docsPath}/`))
              ? docsHeaders
              : undefined
        return headers === undefined ? httpEffect : Effect.map(httpEffect, (response) => withHeaders(response, headers))
      }) as Effect.Effect<HttpServerResponse.HttpServerResponse, Types.unhandled>,
    { global: true }
  )
