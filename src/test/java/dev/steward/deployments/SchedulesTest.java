package dev.steward.deployments;

import dev.steward.platform.Body;
import dev.steward.platform.ErrorMappers;
import dev.steward.platform.Problem;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Prefect's schedule kinds: their dates (across DST in a time zone) and the 422 for a bad one. */
class SchedulesTest {
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");

    static Schedules.Schedule parse(String json) {
        return Schedules.parse(Body.parse(json), NOW);
    }

    static List<String> local(List<Instant> dates) {
        return dates.stream().map(t -> t.atZone(NEW_YORK).toLocalDateTime().toString()).toList();
    }

    @Test
    void dailyCronKeepsItsWallClockHourAcrossDst() {
        Schedules.Schedule s = parse("{\"cron\":\"0 9 * * *\",\"timezone\":\"America/New_York\"}");
        List<Instant> dates = s.dates(3, Instant.parse("2026-03-07T15:00:00Z"), null);
        assertEquals(List.of("2026-03-08T09:00", "2026-03-09T09:00", "2026-03-10T09:00"), local(dates));
        // 09:00 EST is 14:00 UTC, 09:00 EDT (after 8 March) is 13:00 UTC
        assertEquals(Instant.parse("2026-03-08T13:00:00Z"), dates.get(0));
        assertEquals("UTC", parse("{\"cron\":\"0 9 * * *\"}").json().getString("timezone"));
    }

    @Test
    void cronTimeSkippedByDstMovesForwardAndARepeatedOneRunsOnce() {
        Schedules.Schedule spring = parse("{\"cron\":\"30 2 * * *\",\"timezone\":\"America/New_York\"}");
        // 02:30 does not exist on 8 March 2026: the run is at 03:30 EDT
        assertEquals(Instant.parse("2026-03-08T07:30:00Z"),
                spring.dates(1, Instant.parse("2026-03-08T05:00:00Z"), null).get(0));
        Schedules.Schedule fall = parse("{\"cron\":\"30 1 * * *\",\"timezone\":\"America/New_York\"}");
        // 01:30 happens twice on 1 November 2026: the first (EDT) only
        List<Instant> dates = fall.dates(2, Instant.parse("2026-11-01T04:00:00Z"), null);
        assertEquals(List.of(Instant.parse("2026-11-01T05:30:00Z"), Instant.parse("2026-11-02T06:30:00Z")), dates);
    }

    @Test
    void cronDayOrMatchesEitherDayAndDayAndBoth() {
        // the 13th of a month or a Friday, versus Friday the 13th
        Instant from = Instant.parse("2026-02-01T00:00:00Z");
        List<Instant> either = parse("{\"cron\":\"0 0 13 * 5\"}").dates(3, from, null);
        assertEquals(List.of(Instant.parse("2026-02-06T00:00:00Z"), Instant.parse("2026-02-13T00:00:00Z"),
                Instant.parse("2026-02-20T00:00:00Z")), either);
        List<Instant> both = parse("{\"cron\":\"0 0 13 * 5\",\"day_or\":false}").dates(2, from, null);
        assertEquals(List.of(Instant.parse("2026-02-13T00:00:00Z"), Instant.parse("2026-03-13T00:00:00Z")), both);
    }

    @Test
    void intervalOfWholeDaysFollowsDstShorterOnesFollowUtc() {
        Schedules.Schedule daily = parse("{\"interval\":86400,\"anchor_date\":\"2026-03-06T14:00:00Z\","
                + "\"timezone\":\"America/New_York\"}");
        assertEquals(List.of("2026-03-07T09:00", "2026-03-08T09:00", "2026-03-09T09:00"),
                local(daily.dates(3, Instant.parse("2026-03-07T00:00:00Z"), null)));
        Schedules.Schedule hourly = parse("{\"interval\":3600,\"anchor_date\":\"2026-03-08T05:00:00Z\","
                + "\"timezone\":\"America/New_York\"}");
        List<Instant> hours = hourly.dates(3, Instant.parse("2026-03-08T06:00:00Z"), null);
        assertEquals(List.of(Instant.parse("2026-03-08T06:00:00Z"), Instant.parse("2026-03-08T07:00:00Z"),
                Instant.parse("2026-03-08T08:00:00Z")), hours);
        // an end bounds the dates, and none is before the start
        assertEquals(2, hourly.dates(10, Instant.parse("2026-03-08T05:30:00Z"), Instant.parse("2026-03-08T07:00:00Z")).size());
    }

    @Test
    void anIntervalAnchoredCenturiesAwayStillGivesItsDates() {
        Instant now = Instant.parse("2026-11-21T00:00:00Z");
        Schedules.Schedule s = Schedules.parse(Body.parse("{\"interval\":3600,\"anchor_date\":\"1700-01-01T00:00:00Z\"}"), now);
        assertEquals(List.of(now, now.plusSeconds(3600)), s.dates(2, now, null));
    }

    @Test
    void anRruleUntilInUtcIsAnInstant() {
        // 09:00 in New York is 14:00Z in January: UNTIL 13:30Z on the 3rd ends the rule before that day's run
        Schedules.Schedule s = parse("{\"rrule\":\"DTSTART;TZID=America/New_York:20260101T090000\\n"
                + "RRULE:FREQ=DAILY;UNTIL=20260103T133000Z\"}");
        assertEquals(List.of(Instant.parse("2026-01-01T14:00:00Z"), Instant.parse("2026-01-02T14:00:00Z")),
                s.dates(10, Instant.parse("2025-12-31T00:00:00Z"), null));
    }

    @Test
    void rruleInItsTimeZoneWithExdates() {
        Schedules.Schedule s = parse("{\"rrule\":\"DTSTART:20260302T090000\\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE\\n"
                + "EXDATE:20260311T090000\",\"timezone\":\"America/New_York\"}");
        List<Instant> dates = s.dates(3, Instant.parse("2026-03-05T00:00:00Z"), null);
        assertEquals(List.of("2026-03-09T09:00", "2026-03-16T09:00", "2026-03-18T09:00"), local(dates));
        Schedules.Schedule bare = parse("{\"rrule\":\"FREQ=DAILY;COUNT=2\"}");
        assertEquals(List.of(ZonedDateTime.parse("2020-01-01T00:00Z").toInstant(),
                ZonedDateTime.parse("2020-01-02T00:00Z").toInstant()), bare.dates(5, Instant.EPOCH, null));
    }

    @Test
    void badSchedulesAreA422ThatSaysWhy() {
        Problem cron = assertThrows(Problem.class, () -> parse("{\"cron\":\"61 * * * *\"}"));
        assertEquals(422, ErrorMappers.status(cron));
        assertTrue(cron.detail().toString().contains("Invalid cron string"), cron.detail().toString());
        assertTrue(assertThrows(Problem.class, () -> parse("{\"cron\":\"H * * * *\"}")).detail().toString()
                .contains("Random and Hashed"));
        assertTrue(assertThrows(Problem.class, () -> parse("{\"cron\":\"0 9 * * *\",\"timezone\":\"Mars/Olympus\"}"))
                .detail().toString().contains("Invalid timezone"));
        assertTrue(assertThrows(Problem.class, () -> parse("{\"rrule\":\"FREQ=SOMETIMES\"}")).detail().toString()
                .contains("Invalid RRule string"));
        assertTrue(assertThrows(Problem.class, () -> parse("{\"interval\":-5}")).detail().toString()
                .contains("positive"));
        assertTrue(assertThrows(Problem.class, () -> parse("{\"interval\":1e17}")).detail().toString()
                .contains("valid timedelta"));
        // a malformed DTSTART or an unknown TZID is the rule's fault: a 422, not a failure of the server
        for (String rrule : new String[] {"DTSTART:2020\\nRRULE:FREQ=DAILY", "DTSTART;TZID=Mars/Base:20200101T000000\\nRRULE:FREQ=DAILY"}) {
            Problem e = assertThrows(Problem.class, () -> parse("{\"rrule\":\"" + rrule + "\"}"));
            assertEquals(422, ErrorMappers.status(e), rrule);
        }
        assertTrue(assertThrows(Problem.class, () -> parse("{\"every\":5}")).detail().toString()
                .contains("interval, cron or rrule"));
    }
}
