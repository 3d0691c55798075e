import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import { Temporal } from "temporal-polyfill"
import { BusinessCalendar } from "../src/index.ts"

const at = (s: string) => Temporal.Instant.from(s)
const local = (cal: BusinessCalendar.BusinessCalendar, i: Temporal.Instant) =>
  i.toZonedDateTimeISO(cal.spec.timeZone).toPlainDateTime().toString({ smallestUnit: "minute" })
const hours = (d: Temporal.Duration) => d.total({ unit: "hours" })

const nineToSix = [["09:00", "18:00"]] as const
const weekdays = {
  monday: nineToSix,
  tuesday: nineToSix,
  wednesday: nineToSix,
  thursday: nineToSix,
  friday: nineToSix
}

/** The Global Sources hours (clause 2.1): weekdays 09:00–18:00 GMT+8. */
const gmt8 = BusinessCalendar.makeUnsafe({
  timeZone: "+08:00",
  week: weekdays,
  holidays: ["2025-12-25", { date: "2025-12-26", name: "The first weekday after Christmas Day" }],
  exceptions: [
    { date: "2025-12-24", hours: [["09:00", "13:00"]], name: "Christmas Eve, half day" },
    { date: "2025-12-27", hours: [["10:00", "16:00"]], name: "Make-up Saturday" }
  ]
})

const specProblems = (spec: unknown) => {
  try {
    BusinessCalendar.makeUnsafe(spec)
  } catch (error) {
    assert.instanceOf(error, BusinessCalendar.CalendarSpecError)
    return (error as BusinessCalendar.CalendarSpecError).problems
  }
  assert.fail("expected the spec to be refused")
}

describe("BusinessCalendar", () => {
  describe("service hours (clause 2.1: weekdays 09:00–18:00 GMT+8)", () => {
    it("is open from the opening instant up to, not including, the closing instant", () => {
      assert.isFalse(BusinessCalendar.isOpen(gmt8, at("2025-11-24T08:59:59.999+08:00")))
      assert.isTrue(BusinessCalendar.isOpen(gmt8, at("2025-11-24T09:00+08:00")))
      assert.isTrue(BusinessCalendar.isOpen(gmt8, at("2025-11-24T17:59:59.999+08:00")))
      assert.isFalse(BusinessCalendar.isOpen(gmt8, at("2025-11-24T18:00+08:00")))
      assert.isFalse(BusinessCalendar.isOpen(gmt8, at("2025-11-22T12:00+08:00")), "Saturday")
      assert.isFalse(BusinessCalendar.isOpen(gmt8, at("2025-11-23T12:00+08:00")), "Sunday")
    })

    it("nextOpening returns `at` itself when open, else the next opening", () => {
      const open = at("2025-11-24T10:00+08:00")
      assert.strictEqual(BusinessCalendar.nextOpening(gmt8, open), open)
      assert.strictEqual(
        local(gmt8, BusinessCalendar.nextOpening(gmt8, at("2025-11-21T18:00+08:00"))),
        "2025-11-24T09:00"
      )
      assert.strictEqual(
        local(gmt8, BusinessCalendar.nextOpening(gmt8, at("2025-11-24T07:00+08:00"))),
        "2025-11-24T09:00"
      )
    })

    it("nextClosing is the end of the current open period, or of the next one when closed", () => {
      assert.strictEqual(
        local(gmt8, BusinessCalendar.nextClosing(gmt8, at("2025-11-24T10:00+08:00"))),
        "2025-11-24T18:00"
      )
      assert.strictEqual(
        local(gmt8, BusinessCalendar.nextClosing(gmt8, at("2025-11-24T18:00+08:00"))),
        "2025-11-25T18:00"
      )
      assert.strictEqual(
        local(gmt8, BusinessCalendar.nextClosing(gmt8, at("2025-11-22T10:00+08:00"))),
        "2025-11-24T18:00"
      )
    })
  })

  describe("addBusinessTime", () => {
    it("returns the earliest instant at which the time has passed: Monday 09:00 + 9 h is Monday 18:00", () => {
      const end = BusinessCalendar.addBusinessTime(gmt8, at("2025-11-24T09:00+08:00"), { hours: 9 })
      assert.strictEqual(local(gmt8, end), "2025-11-24T18:00")
    })

    it("a general inquiry (6.1) received Friday 17:30 is due Tuesday 17:30 (18 business hours)", () => {
      const due = BusinessCalendar.addBusinessTime(
        gmt8,
        at("2025-11-21T17:30+08:00"),
        Temporal.Duration.from({ hours: 18 })
      )
      assert.strictEqual(local(gmt8, due), "2025-11-25T17:30")
    })

    it("zero returns start itself, even outside hours", () => {
      const saturday = at("2025-11-22T12:00+08:00")
      assert.strictEqual(BusinessCalendar.addBusinessTime(gmt8, saturday, { hours: 0 }), saturday)
      assert.strictEqual(
        BusinessCalendar.addBusinessTime(gmt8, saturday, Temporal.Duration.from({ minutes: 0 })),
        saturday
      )
    })

    it("a start outside hours begins counting at the next opening", () => {
      const end = BusinessCalendar.addBusinessTime(gmt8, at("2025-11-22T12:00+08:00"), { minutes: 90 })
      assert.strictEqual(local(gmt8, end), "2025-11-24T10:30")
    })

    it("skips holidays and follows exceptions: half days and make-up workdays", () => {
      // Wed 24 Dec 12:00 (half day until 13:00): 1 h left; Thu 25 and Fri 26 are holidays; Sat 27 is a make-up day
      // 10:00–16:00 (6 h); so 9 h end on Monday 29 at 11:00.
      const end = BusinessCalendar.addBusinessTime(gmt8, at("2025-12-24T12:00+08:00"), { hours: 9 })
      assert.strictEqual(local(gmt8, end), "2025-12-29T11:00")
      assert.isTrue(BusinessCalendar.isOpen(gmt8, at("2025-12-27T10:00+08:00")))
      assert.isFalse(BusinessCalendar.isOpen(gmt8, at("2025-12-24T13:00+08:00")))
      assert.isFalse(BusinessCalendar.isOpen(gmt8, at("2025-12-25T10:00+08:00")))
    })

    it("an exception on a holiday's date wins over the holiday", () => {
      const cal = BusinessCalendar.makeUnsafe({
        timeZone: "UTC",
        week: weekdays,
        holidays: ["2025-01-02"],
        exceptions: [{ date: "2025-01-02", hours: [["10:00", "11:00"]] }]
      })
      assert.isTrue(BusinessCalendar.isOpen(cal, at("2025-01-02T10:30Z")))
      assert.isFalse(BusinessCalendar.isOpen(cal, at("2025-01-02T09:30Z")))
    })

    it("accepts seconds and milliseconds, and works to the millisecond", () => {
      const end = BusinessCalendar.addBusinessTime(gmt8, at("2025-11-24T17:59:59+08:00"), {
        seconds: 1,
        milliseconds: 500
      })
      assert.strictEqual(end.toString(), at("2025-11-25T09:00:00.500+08:00").toString())
    })

    it("refuses durations that are not business time, naming the field", () => {
      const start = at("2025-11-24T09:00+08:00")
      assert.throws(
        () => BusinessCalendar.addBusinessTime(gmt8, start, Temporal.Duration.from({ days: 1 })),
        /addBusinessDays/
      )
      assert.throws(() => BusinessCalendar.addBusinessTime(gmt8, start, { hours: -1 }), /duration\.hours/)
      assert.throws(() => BusinessCalendar.addBusinessTime(gmt8, start, { minutes: Number.NaN }), /duration\.minutes/)
      assert.throws(() => BusinessCalendar.addBusinessTime(gmt8, start, { days: 2 } as never), /duration\.days/)
      assert.throws(
        () => BusinessCalendar.addBusinessTime(gmt8, start, Temporal.Duration.from({ hours: -2 })),
        RangeError
      )
    })

    it("compiles lazily in both directions: far future and far past queries agree with near ones", () => {
      const cal = BusinessCalendar.makeUnsafe({ timeZone: "+08:00", week: weekdays })
      const near = BusinessCalendar.addBusinessTime(cal, at("2025-11-24T09:00+08:00"), { hours: 45 })
      const future = BusinessCalendar.addBusinessTime(cal, at("2045-11-20T09:00+08:00"), { hours: 45 })
      const past = BusinessCalendar.addBusinessTime(cal, at("1999-11-22T09:00+08:00"), { hours: 45 })
      assert.strictEqual(local(cal, near), "2025-11-28T18:00")
      assert.strictEqual(local(cal, future), "2045-11-24T18:00")
      assert.strictEqual(local(cal, past), "1999-11-26T18:00")
      // one year of weekdays, 9 h each: 2025 has 261 weekdays
      assert.strictEqual(
        hours(BusinessCalendar.businessTimeBetween(cal, at("2025-01-01T00:00+08:00"), at("2026-01-01T00:00+08:00"))),
        261 * 9
      )
    })
  })

  describe("businessTimeBetween", () => {
    it("is given in hours, minutes and seconds, never days, and negative when end is before start", () => {
      const d = BusinessCalendar.businessTimeBetween(gmt8, at("2025-11-21T17:30+08:00"), at("2025-11-25T17:30+08:00"))
      assert.strictEqual(d.toString(), "PT18H")
      assert.strictEqual(d.days, 0)
      const back = BusinessCalendar.businessTimeBetween(
        gmt8,
        at("2025-11-25T17:30+08:00"),
        at("2025-11-21T17:30+08:00")
      )
      assert.strictEqual(back.toString(), "-PT18H")
      const two = BusinessCalendar.businessTimeBetween(gmt8, at("2025-11-03T00:00+08:00"), at("2025-11-17T00:00+08:00"))
      assert.strictEqual(two.hours, 90)
    })

    it("counts nothing across closed time", () => {
      const d = BusinessCalendar.businessTimeBetween(gmt8, at("2025-11-21T18:00+08:00"), at("2025-11-24T09:00+08:00"))
      assert.strictEqual(d.sign, 0)
    })
  })

  describe("shifts", () => {
    const split = BusinessCalendar.makeUnsafe({
      timeZone: "Asia/Hong_Kong",
      week: {
        monday: [
          ["09:00", "12:00"],
          ["13:00", "18:00"]
        ],
        tuesday: [
          ["09:00", "12:00"],
          ["13:00", "18:00"]
        ]
      }
    })

    it("a split shift keeps both intervals of the same date", () => {
      assert.isFalse(BusinessCalendar.isOpen(split, at("2025-11-24T12:30+08:00")))
      const end = BusinessCalendar.addBusinessTime(split, at("2025-11-24T11:00+08:00"), { hours: 2 })
      assert.strictEqual(local(split, end), "2025-11-24T14:00")
      assert.strictEqual(
        local(split, BusinessCalendar.nextClosing(split, at("2025-11-24T09:00+08:00"))),
        "2025-11-24T12:00"
      )
      assert.strictEqual(
        hours(BusinessCalendar.businessTimeBetween(split, at("2025-11-24T00:00+08:00"), at("2025-11-25T00:00+08:00"))),
        8
      )
    })

    it("Monday 22:00–24:00 and Tuesday 00:00–06:00 are one continuous overnight shift", () => {
      const night = BusinessCalendar.makeUnsafe({
        timeZone: "Europe/London",
        week: { monday: [["22:00", "24:00"]], tuesday: [["00:00", "06:00"]] }
      })
      assert.strictEqual(local(night, BusinessCalendar.nextClosing(night, at("2025-11-24T23:00Z"))), "2025-11-25T06:00")
      assert.strictEqual(
        local(night, BusinessCalendar.addBusinessTime(night, at("2025-11-24T23:00Z"), { hours: 3 })),
        "2025-11-25T02:00"
      )
      assert.isTrue(BusinessCalendar.isOpen(night, at("2025-11-25T00:00Z")))
      assert.strictEqual(
        hours(BusinessCalendar.businessTimeBetween(night, at("2025-11-24T00:00Z"), at("2025-12-01T00:00Z"))),
        8
      )
    })
  })

  describe("time zones and DST (business time is the real time while the wall clock is inside an interval)", () => {
    const nightShift = (timeZone: string) =>
      BusinessCalendar.makeUnsafe({
        timeZone,
        week: {
          monday: [["00:00", "03:00"]],
          tuesday: [["00:00", "03:00"]],
          wednesday: [["00:00", "03:00"]],
          thursday: [["00:00", "03:00"]],
          friday: [["00:00", "03:00"]],
          saturday: [["00:00", "03:00"]],
          sunday: [["00:00", "03:00"]]
        }
      })
    const onNight = (cal: BusinessCalendar.BusinessCalendar, date: string) => {
      const zone = cal.spec.timeZone
      const start = Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: zone }).toInstant()
      const end = Temporal.PlainDate.from(date).add({ days: 1 }).toZonedDateTime({ timeZone: zone }).toInstant()
      return hours(BusinessCalendar.businessTimeBetween(cal, start, end))
    }

    it("America/New_York: 00:00–03:00 holds 2 h on the spring-forward night and 4 h on the fall-back night", () => {
      const cal = nightShift("America/New_York")
      assert.strictEqual(onNight(cal, "2025-03-09"), 2)
      assert.strictEqual(onNight(cal, "2025-11-02"), 4)
      assert.strictEqual(onNight(cal, "2025-06-01"), 3)
      // the 3 hours starting at 00:00 on the spring-forward night end at 04:00 local
      const end = BusinessCalendar.addBusinessTime(cal, at("2025-03-09T00:00-05:00"), { hours: 2 })
      assert.strictEqual(end.toString(), at("2025-03-09T03:00-04:00").toString())
      assert.isTrue(BusinessCalendar.isOpen(cal, at("2025-11-02T01:30-05:00")), "the repeated hour counts twice")
    })

    it("Europe/London: transitions at 01:00 UTC", () => {
      const cal = nightShift("Europe/London")
      assert.strictEqual(onNight(cal, "2025-03-30"), 2)
      assert.strictEqual(onNight(cal, "2025-10-26"), 4)
    })

    it("Australia/Lord_Howe: half-hour DST gives 2.5 h and 3.5 h", () => {
      const cal = nightShift("Australia/Lord_Howe")
      assert.strictEqual(onNight(cal, "2025-10-05"), 2.5)
      assert.strictEqual(onNight(cal, "2025-04-06"), 3.5)
    })

    it("an interval that starts inside a DST gap opens at the transition", () => {
      const cal = BusinessCalendar.makeUnsafe({ timeZone: "America/New_York", week: { sunday: [["02:30", "04:00"]] } })
      const opening = BusinessCalendar.nextOpening(cal, at("2025-03-09T00:00-05:00"))
      assert.strictEqual(opening.toString(), at("2025-03-09T07:00Z").toString())
      assert.strictEqual(onNight(cal, "2025-03-09"), 1)
    })

    it("an interval that ends inside a fall-back overlap counts the repeated part again", () => {
      // 00:00–01:30 on 2025-11-02: 00:00–01:30 EDT (1.5 h) and 01:00–01:30 EST (0.5 h)
      const cal = BusinessCalendar.makeUnsafe({ timeZone: "America/New_York", week: { sunday: [["00:00", "01:30"]] } })
      assert.strictEqual(onNight(cal, "2025-11-02"), 2)
      assert.isFalse(BusinessCalendar.isOpen(cal, at("2025-11-02T01:45-04:00")))
      assert.isTrue(BusinessCalendar.isOpen(cal, at("2025-11-02T01:15-05:00")))
    })

    it("fixed offsets: +08:00 and -03:30 have no DST", () => {
      const plus = BusinessCalendar.makeUnsafe({ timeZone: "+08:00", week: weekdays })
      assert.isTrue(BusinessCalendar.isOpen(plus, at("2025-11-24T01:00Z")))
      const minus = BusinessCalendar.makeUnsafe({ timeZone: "-03:30", week: weekdays })
      assert.isTrue(BusinessCalendar.isOpen(minus, at("2025-11-24T12:30Z")))
      assert.isFalse(BusinessCalendar.isOpen(minus, at("2025-11-24T12:29Z")))
      assert.strictEqual(onNight(nightShift("-03:30"), "2025-03-09"), 3)
    })
  })

  describe("addBusinessDays", () => {
    it("lands on the same local time on the n-th following business day", () => {
      assert.strictEqual(
        local(gmt8, BusinessCalendar.addBusinessDays(gmt8, at("2025-11-21T17:30+08:00"), 2)),
        "2025-11-25T17:30"
      )
      assert.strictEqual(
        local(gmt8, BusinessCalendar.addBusinessDays(gmt8, at("2025-11-24T10:00+08:00"), 7)),
        "2025-12-03T10:00"
      )
    })

    it("starts from the next open moment when start is outside hours", () => {
      assert.strictEqual(
        local(gmt8, BusinessCalendar.addBusinessDays(gmt8, at("2025-11-22T10:00+08:00"), 1)),
        "2025-11-25T09:00"
      )
      assert.strictEqual(
        local(gmt8, BusinessCalendar.addBusinessDays(gmt8, at("2025-11-24T18:00+08:00"), 2)),
        "2025-11-27T09:00"
      )
      assert.strictEqual(
        local(gmt8, BusinessCalendar.addBusinessDays(gmt8, at("2025-11-22T10:00+08:00"), 0)),
        "2025-11-24T09:00"
      )
    })

    it("skips holidays and counts make-up days; a shorter day clamps to its closing", () => {
      // Tue 23 Dec 15:00 + 1 → Wed 24 Dec is a half day 09:00–13:00: clamped to 13:00
      assert.strictEqual(
        local(gmt8, BusinessCalendar.addBusinessDays(gmt8, at("2025-12-23T15:00+08:00"), 1)),
        "2025-12-24T13:00"
      )
      // + 2 → Sat 27 Dec (make-up day 10:00–16:00) at 15:00
      assert.strictEqual(
        local(gmt8, BusinessCalendar.addBusinessDays(gmt8, at("2025-12-23T15:00+08:00"), 2)),
        "2025-12-27T15:00"
      )
      // Tue 23 Dec 09:30 + 2 → Sat 27 Dec opens at 10:00: the next opening that day
      assert.strictEqual(
        local(gmt8, BusinessCalendar.addBusinessDays(gmt8, at("2025-12-23T09:30+08:00"), 2)),
        "2025-12-27T10:00"
      )
    })

    it("agrees with 9-hour steps of addBusinessTime on a uniform 09:00–18:00 calendar, up to the closing/opening seam", () => {
      const cal = BusinessCalendar.makeUnsafe({ timeZone: "+08:00", week: weekdays })
      for (const start of ["2025-11-24T10:15+08:00", "2025-11-21T17:59+08:00", "2025-11-26T12:00+08:00"]) {
        for (const n of [1, 2, 7]) {
          const byDays = BusinessCalendar.addBusinessDays(cal, at(start), n)
          const byTime = BusinessCalendar.addBusinessTime(cal, at(start), { hours: 9 * n })
          assert.strictEqual(byDays.toString(), byTime.toString(), `${start} + ${n}`)
        }
      }
      // at an opening the two name the same business moment from both sides of the night
      const opening = at("2025-11-24T09:00+08:00")
      assert.strictEqual(local(cal, BusinessCalendar.addBusinessDays(cal, opening, 1)), "2025-11-25T09:00")
      assert.strictEqual(local(cal, BusinessCalendar.addBusinessTime(cal, opening, { hours: 9 })), "2025-11-24T18:00")
    })

    it("a date whose hours fall wholly in a DST gap is not a business day", () => {
      const cal = BusinessCalendar.makeUnsafe({
        timeZone: "America/New_York",
        week: { saturday: [["01:00", "01:30"]], sunday: [["02:10", "02:30"]] }
      })
      const next = BusinessCalendar.addBusinessDays(cal, at("2025-03-08T01:00-05:00"), 1)
      assert.strictEqual(next.toString(), at("2025-03-15T01:00-04:00").toString())
    })

    it("on a fall-back date the last closing is after the repeated hour", () => {
      const cal = BusinessCalendar.makeUnsafe({
        timeZone: "America/New_York",
        week: { saturday: [["09:00", "10:00"]], sunday: [["01:00", "01:30"]] }
      })
      const next = BusinessCalendar.addBusinessDays(cal, at("2025-11-01T09:30-04:00"), 1)
      assert.strictEqual(next.toString(), at("2025-11-02T01:30-05:00").toString())
    })

    it("refuses a count that is not a whole number of days", () => {
      assert.throws(() => BusinessCalendar.addBusinessDays(gmt8, at("2025-11-24T10:00+08:00"), 1.5), /days/)
      assert.throws(() => BusinessCalendar.addBusinessDays(gmt8, at("2025-11-24T10:00+08:00"), -1), /days/)
    })
  })

  describe("a calendar that never opens again", () => {
    const once = BusinessCalendar.makeUnsafe({
      timeZone: "UTC",
      week: {},
      exceptions: [{ date: "2020-01-01", hours: [["09:00", "10:00"]] }]
    })

    it("fails with CalendarNeverOpens instead of looping", () => {
      assert.throws(
        () => BusinessCalendar.nextOpening(once, at("2021-01-01T00:00Z")),
        BusinessCalendar.CalendarNeverOpens
      )
      assert.throws(
        () => BusinessCalendar.addBusinessTime(once, at("2019-06-01T00:00Z"), { hours: 2 }),
        BusinessCalendar.CalendarNeverOpens
      )
      assert.throws(
        () => BusinessCalendar.addBusinessDays(once, at("2019-06-01T00:00Z"), 1),
        BusinessCalendar.CalendarNeverOpens
      )
      assert.strictEqual(
        BusinessCalendar.addBusinessTime(once, at("2019-06-01T00:00Z"), { hours: 1 }).toString(),
        "2020-01-01T10:00:00Z"
      )
    })

    it("a calendar open around the clock has no next closing", () => {
      const always = BusinessCalendar.makeUnsafe({
        timeZone: "UTC",
        week: Object.fromEntries(
          ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].map((d) => [
            d,
            [["00:00", "24:00"]]
          ])
        )
      })
      assert.throws(
        () => BusinessCalendar.nextClosing(always, at("2025-01-01T00:00Z")),
        BusinessCalendar.CalendarNeverCloses
      )
      assert.strictEqual(
        hours(BusinessCalendar.businessTimeBetween(always, at("2025-01-01T00:00Z"), at("2025-01-08T00:00Z"))),
        168
      )
    })
  })

  describe("specs", () => {
    it("names every bad field", () => {
      assert.deepStrictEqual(
        specProblems({ timeZone: "Mars/Olympus_Mons", week: weekdays }).map((p) => p.path),
        ["timeZone"]
      )
      assert.deepStrictEqual(
        specProblems({ timeZone: "UTC", week: { monday: [["9:00", "18:00"]] } }).map((p) => p.path),
        ["week.monday[0][0]"]
      )
      assert.deepStrictEqual(
        specProblems({ timeZone: "UTC", week: { tuesday: [["09:00", "25:00"]] } }).map((p) => p.path),
        ["week.tuesday[0][1]"]
      )
      const order = specProblems({
        timeZone: "UTC",
        week: {
          monday: [["18:00", "09:00"]],
          friday: [
            ["13:00", "18:00"],
            ["09:00", "12:00"]
          ]
        }
      })
      assert.deepStrictEqual(
        order.map((p) => p.path),
        ["week.monday[0]", "week.friday[1]"]
      )
      assert.match(order[0]!.message, /start before it ends/)
      assert.match(order[1]!.message, /sorted/)
      assert.deepStrictEqual(
        specProblems({
          timeZone: "UTC",
          week: {
            monday: [
              ["09:00", "12:00"],
              ["11:00", "13:00"]
            ]
          }
        }).map((p) => p.path),
        ["week.monday[1]"]
      )
      assert.deepStrictEqual(
        specProblems({ timeZone: "UTC", week: { monday: [["24:00", "24:00"]] } }).map((p) => p.path),
        ["week.monday[0][0]"]
      )
      assert.deepStrictEqual(
        specProblems({
          timeZone: "UTC",
          week: weekdays,
          holidays: ["2025-02-29", "2025-12-25", { date: "2025-13-01" }]
        }).map((p) => p.path),
        ["holidays[0]", "holidays[2].date"]
      )
      assert.deepStrictEqual(
        specProblems({
          timeZone: "UTC",
          week: weekdays,
          exceptions: [
            { date: "2025-01-02", hours: [] },
            { date: "2025-01-02", hours: [["09:00", "10:00"]] }
          ]
        }).map((p) => p.path),
        ["exceptions[1].date"]
      )
      assert.deepStrictEqual(
        specProblems({ week: weekdays }).map((p) => p.path),
        ["timeZone"]
      )
      assert.deepStrictEqual(
        specProblems({ timeZone: "UTC", week: { funday: [["09:00", "10:00"]] } }).map((p) => p.path),
        ["week"]
      )
    })

    it("refuses a calendar with no open time at all", () => {
      const problems = specProblems({
        timeZone: "UTC",
        week: { monday: [] },
        exceptions: [{ date: "2025-01-01", hours: [] }]
      })
      assert.deepStrictEqual(
        problems.map((p) => p.path),
        ["week"]
      )
      assert.match(problems[0]!.message, /no open time/)
    })

    it.effect("decode succeeds with a calendar and fails with CalendarSpecError", () =>
      Effect.gen(function* () {
        const cal = yield* BusinessCalendar.decode({ timeZone: "Asia/Hong_Kong", week: weekdays })
        assert.isTrue(BusinessCalendar.isBusinessCalendar(cal))
        assert.isTrue(BusinessCalendar.isOpen(cal, at("2025-11-24T09:00+08:00")))
        const failure = yield* Effect.result(
          BusinessCalendar.decode({ timeZone: "Asia/Hong_Kong", week: { monday: "9-5" } })
        )
        assert.isTrue(Result.isFailure(failure))
        if (Result.isFailure(failure)) {
          assert.strictEqual(failure.failure._tag, "CalendarSpecError")
          assert.strictEqual(failure.failure.problems[0]!.path, "week.monday")
        }
      })
    )
  })
})
