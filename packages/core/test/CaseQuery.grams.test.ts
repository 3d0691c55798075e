import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import * as CaseQuery from "../src/CaseQuery.ts"

// a few characters of each kind: Han, Hiragana, Hangul, Latin, and what separates words
const letters = ["发", "货", "订", "单", "石", "英", "の", "한", "a", "7", " ", "\n", "，"]
const text = fc.array(fc.constantFrom(...letters), { maxLength: 24 }).map((cs) => cs.join(""))
const cjkTerm = fc.array(fc.constantFrom("发", "货", "订", "单", "の", "한"), { minLength: 1, maxLength: 4 })
const holdsGrams = (t: string, term: string) => {
  const grams = new Set(CaseQuery.grams(t))
  return CaseQuery.termGrams(term).every((g) => grams.has(g))
}

describe("CaseQuery grams", () => {
  it("a text holds a word of one or two such characters exactly when its grams hold the word's", () => {
    fc.assert(
      fc.property(text, cjkTerm, (t, chars) => {
        const term = chars.join("")
        if (!CaseQuery.gramsSuffice(term)) return chars.length > 2
        return holdsGrams(t, term) === t.includes(term)
      }),
      { numRuns: 2_000 }
    )
  })

  it("a longer word, or one with other characters, needs its text checked too", () => {
    assert.isTrue(CaseQuery.gramsSuffice("发货"))
    assert.isTrue(CaseQuery.gramsSuffice("货"))
    assert.isFalse(CaseQuery.gramsSuffice("石台面"))
    assert.isFalse(CaseQuery.gramsSuffice("a货"))
    assert.isFalse(CaseQuery.gramsSuffice(""))
    // the pairs of 石台面 are all in 石台 台面 without 石台面 in it
    assert.isTrue(holdsGrams("石台 台面", "石台面"))
    assert.isFalse("石台 台面".includes("石台面"))
    // while a text's grams always hold the grams of a word it holds, whatever the word
    fc.assert(
      fc.property(text, cjkTerm, (t, chars) => !t.includes(chars.join("")) || holdsGrams(t, chars.join(""))),
      { numRuns: 2_000 }
    )
  })
})
