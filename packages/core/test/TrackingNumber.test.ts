import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Option } from "effect"
import fc from "fast-check"
import * as Randomness from "../src/Randomness.ts"
import * as TrackingNumber from "../src/TrackingNumber.ts"

const { alphabet } = TrackingNumber

// The rule, written independently of the module: Σ (position i, from 1) × value(c_i) ≡ 0 (mod 31) over 9 characters.
const modelIsValid = (body: string): boolean =>
  body.length === 9 &&
  Array.from(body).every((c) => alphabet.includes(c)) &&
  Array.from(body).reduce((sum, c, i) => sum + (i + 1) * alphabet.indexOf(c), 0) % 31 === 0

const bodyOf = (trackingNumber: string): string => trackingNumber.replace(/^GS-/, "").replace("-", "")
const display = (body: string): string => `GS-${body.slice(0, 4)}-${body.slice(4)}`

const makeMany = (n: number) => Effect.forEach(Array.from({ length: n }), () => TrackingNumber.make("GS"))

describe("TrackingNumber", () => {
  it("has 31 distinct characters, without I, L, O, U", () => {
    assert.strictEqual(alphabet.length, 31)
    assert.strictEqual(new Set(alphabet).size, 31)
    for (const c of "ILOU") assert.isFalse(alphabet.includes(c), c)
  })

  it.effect("draws numbers of the form GS-XXXX-XXXXX that satisfy the check rule", () =>
    Effect.gen(function* () {
      const numbers = yield* makeMany(500)
      const shape = new RegExp(`^GS-[${alphabet}]{4}-[${alphabet}]{5}$`)
      for (const n of numbers) {
        assert.match(n, shape)
        assert.isTrue(modelIsValid(bodyOf(n)), n)
        assert.deepStrictEqual(TrackingNumber.parse("GS", n), Option.some(n))
        assert.isTrue(TrackingNumber.isValid("GS", n))
      }
    }).pipe(Effect.provide(Randomness.layerSeeded(7)))
  )

  it.effect("detects every single mistyped character and every swap of adjacent characters", () =>
    Effect.gen(function* () {
      const numbers = yield* makeMany(400)
      let substitutions = 0
      let transpositions = 0
      for (const n of numbers) {
        const body = bodyOf(n)
        for (let i = 0; i < body.length; i++) {
          for (const c of alphabet) {
            if (c === body[i]) continue
            const typo = body.slice(0, i) + c + body.slice(i + 1)
            substitutions++
            assert.isFalse(TrackingNumber.isValid("GS", display(typo)), `${n}: ${display(typo)}`)
          }
        }
        for (let i = 0; i + 1 < body.length; i++) {
          if (body[i] === body[i + 1]) continue
          const swapped = body.slice(0, i) + body[i + 1] + body[i] + body.slice(i + 2)
          transpositions++
          assert.isFalse(TrackingNumber.isValid("GS", display(swapped)), `${n}: ${display(swapped)}`)
        }
      }
      assert.strictEqual(substitutions, 400 * 9 * 30)
      assert.isAbove(transpositions, 400 * 7)
    }).pipe(Effect.provide(Randomness.layerSeeded(11)))
  )

  it("agrees with the check rule on arbitrary input", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { minLength: 9, maxLength: 9 }), (chars) => {
        const body = chars.join("")
        assert.strictEqual(TrackingNumber.isValid("GS", display(body)), modelIsValid(body))
      }),
      { numRuns: 20_000 }
    )
  })

  it.effect("reads numbers forgivingly: any case, spaces, no hyphens, no prefix, O for 0, I and L for 1", () =>
    Effect.gen(function* () {
      const numbers = yield* makeMany(2000)
      const n = numbers.find((x) => x.includes("0") && x.includes("1"))!
      assert.isDefined(n)
      const body = bodyOf(n)
      const canonical = Option.some(n)
      assert.deepStrictEqual(TrackingNumber.parse("GS", n.toLowerCase()), canonical)
      assert.deepStrictEqual(TrackingNumber.parse("GS", `gs ${body.slice(0, 4)} ${body.slice(4)}`), canonical)
      assert.deepStrictEqual(TrackingNumber.parse("GS", `GS${body}`), canonical)
      assert.deepStrictEqual(TrackingNumber.parse("GS", body), canonical)
      assert.deepStrictEqual(TrackingNumber.parse("GS", ` ${body.slice(0, 4)}-${body.slice(4)} `), canonical)
      assert.deepStrictEqual(TrackingNumber.parse("gs", n), canonical)
      assert.deepStrictEqual(TrackingNumber.parse("GS", n.replaceAll("0", "O")), canonical)
      assert.deepStrictEqual(TrackingNumber.parse("GS", n.replaceAll("0", "o").replaceAll("1", "l")), canonical)
      assert.deepStrictEqual(TrackingNumber.parse("GS", n.replaceAll("1", "I")), canonical)
    }).pipe(Effect.provide(Randomness.layerSeeded(3)))
  )

  it.effect("refuses another prefix, another length and characters outside the alphabet", () =>
    Effect.gen(function* () {
      const n = yield* TrackingNumber.make("GS")
      const body = bodyOf(n)
      assert.isTrue(Option.isNone(TrackingNumber.parse("GS", `XS-${body}`)))
      assert.isTrue(Option.isNone(TrackingNumber.parse("HK", n)))
      assert.isTrue(Option.isNone(TrackingNumber.parse("GS", n.slice(0, -1))))
      assert.isTrue(Option.isNone(TrackingNumber.parse("GS", `${n}0`)))
      assert.isTrue(Option.isNone(TrackingNumber.parse("GS", "")))
      assert.isTrue(Option.isNone(TrackingNumber.parse("GS", "GS-")))
      for (const bad of ["U", "V", "*", "é"]) {
        assert.isTrue(Option.isNone(TrackingNumber.parse("GS", display(bad + body.slice(1)))), bad)
      }
      // a prefix with letters that read as digits still matches itself
      const odd = yield* TrackingNumber.make("GLO")
      assert.deepStrictEqual(TrackingNumber.parse("GLO", odd.toLowerCase()), Option.some(odd))
    }).pipe(Effect.provide(Randomness.layerSeeded(5)))
  )

  it.effect("dies on a malformed prefix, naming it", () =>
    Effect.gen(function* () {
      for (const prefix of ["", "gs", "1A", "G-S"]) {
        const exit = yield* Effect.exit(TrackingNumber.make(prefix))
        assert.isTrue(Exit.isFailure(exit) && Exit.hasDies(exit), prefix)
        assert.include(String(Exit.isFailure(exit) ? exit.cause : ""), "prefix")
      }
    }).pipe(Effect.provide(Randomness.layerSeeded(1)))
  )

  it.effect("gives the same numbers for the same seed, and other numbers for another seed", () =>
    Effect.gen(function* () {
      const a = yield* makeMany(20).pipe(Effect.provide(Randomness.layerSeeded(42)))
      const b = yield* makeMany(20).pipe(Effect.provide(Randomness.layerSeeded(42)))
      const c = yield* makeMany(20).pipe(Effect.provide(Randomness.layerSeeded(43)))
      assert.deepStrictEqual(a, b)
      assert.strictEqual(new Set(a).size, 20)
      assert.isTrue(a.every((n, i) => n !== c[i]))
    })
  )

  it.effect("draws every character at every position about equally often", () =>
    Effect.gen(function* () {
      const numbers = yield* makeMany(31 * 400)
      for (let position = 0; position < 8; position++) {
        const counts = new Map<string, number>()
        for (const n of numbers) {
          const c = bodyOf(n)[position]
          counts.set(c, (counts.get(c) ?? 0) + 1)
        }
        assert.strictEqual(counts.size, 31)
        // expected 400 each; the standard deviation is about 20
        for (const [c, count] of counts) assert.isTrue(count > 300 && count < 500, `${position} ${c} ${count}`)
      }
    }).pipe(Effect.provide(Randomness.layerSeeded(2026)))
  )

  it.effect("gives distinct numbers from the cryptographic generator", () =>
    Effect.gen(function* () {
      const numbers = yield* makeMany(20_000)
      assert.strictEqual(new Set(numbers).size, numbers.length)
      assert.isTrue(numbers.every((n) => modelIsValid(bodyOf(n))))
    }).pipe(Effect.provide(Randomness.layer))
  )
})
