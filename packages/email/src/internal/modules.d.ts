// mailauth's parser of header fields in the Authentication-Results grammar (RFC 8601), shipped without types
declare module "mailauth/lib/parse-dkim-headers.js" {
  const parse: (line: string) => { readonly parsed: Record<string, unknown>; readonly original: string }
  export default parse
}
