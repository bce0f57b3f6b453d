package org.cxrtriage.app.monitoring;

/** How a distribution test's p-value and effect size become a level (see {@link Thresholds}). */
final class Levels {

    private Levels() {
    }

    /** Alarm or warning when p is below the level's per-test alpha and the effect reaches its floor. */
    static MonitorStatus distribution(Thresholds thresholds, int tests, double pValue, double effect) {
        for (MonitorStatus level : new MonitorStatus[] {MonitorStatus.ALARM, MonitorStatus.WARNING}) {
            if (pValue < thresholds.perTest(level, tests) && effect >= thresholds.distributionFloor(level)) {
                return level;
            }
        }
        return MonitorStatus.OK;
    }

    static String describe(String against) {
        return switch (against) {
            case "profile" -> "model's reference profile";
            case "baseline" -> "baseline period before the window";
            default -> against;
        };
    }
}
