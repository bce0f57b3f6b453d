package org.cxrtriage.app.delivery;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RetryScheduleTest {

    @ParameterizedTest
    @CsvSource({"1, 1", "2, 2", "3, 4", "4, 8", "5, 16", "6, 30", "7, 30", "1000, 30", "0, 1"})
    void waitsDoubleFromOneSecondUpToTheCap(int attempts, long seconds) {
        assertEquals(Duration.ofSeconds(seconds), new RetrySchedule(Duration.ofSeconds(30)).after(attempts));
    }
}
