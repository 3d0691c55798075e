/**
 * A small adapter from a Fetch handler (`Request => Promise<Response>`) to Express middleware: the request Express
 * received becomes a `Request` (its URL relative to where the middleware is mounted, its headers, its body streamed),
 * and the `Response` is written back (status, headers, body streamed).
 */
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from "express"
import { Readable } from "node:stream"
import type { ReadableStream as NodeReadableStream } from "node:stream/web"

export const webHandlerMiddleware =
  (handler: (request: Request) => Promise<Response>) =>
  async (req: ExpressRequest, res: ExpressResponse, next: NextFunction): Promise<void> => {
    try {
      // inside `app.use("/support", ...)`, req.url is already relative to "/support"
      const url = new URL(req.url, `${req.protocol}://${req.get("host") ?? "localhost"}`)
      const headers = new Headers()
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined) continue
        for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item)
      }
      const hasBody = req.method !== "GET" && req.method !== "HEAD"
      const request = new Request(url, {
        method: req.method,
        headers,
        ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {})
      } as RequestInit)
      const response = await handler(request)
      res.status(response.status)
      for (const [name, value] of response.headers) {
        if (name !== "set-cookie") res.setHeader(name, value)
      }
      const cookies = response.headers.getSetCookie()
      if (cookies.length > 0) res.setHeader("set-cookie", cookies)
      if (response.body === null) {
        res.end()
        return
      }
      Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>).pipe(res)
    } catch (error) {
      next(error)
    }
  }
