package io.icedb.engine.commit;

import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static io.icedb.engine.commit.CommitTesting.apply;
import static io.icedb.engine.commit.CommitTesting.assertRoundTrips;
import static io.icedb.engine.commit.CommitTesting.momentsFrom;
import static io.icedb.engine.commit.CommitTesting.stateAt;
import static io.icedb.engine.commit.CommitTesting.timestampOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plans a cleanup, checks that it keeps every snapshot of the window, and applies it.
 */
final class CleanupVerifier
{
    private CleanupVerifier() {}

    record Applied(CleanupPlan plan, TreeMap<String, LogFile> logsAfter) {}

    static Applied planVerifyAndApply(String table, Map<String, LogFile> before, long nowMillis, long retentionMillis)
    {
        CleanupPlan plan = CleanupPlanner.plan(table, before, nowMillis, retentionMillis, "trino");
        assertThat(plan.windowStartMillis()).isEqualTo(nowMillis - retentionMillis);
        TreeMap<String, LogFile> created = apply(before, plan, false);
        TreeMap<String, LogFile> after = apply(before, plan, true);
        if (plan.isEmpty()) {
            assertThat(after).isEqualTo(before);
            return new Applied(plan, after);
        }

        PlannedLog folded = plan.logToCreate().orElseThrow();
        assertRoundTrips(folded);
        assertThat(folded.name().merged()).isTrue();
        assertThat(folded.name().timestampMillis()).isLessThan(plan.windowStartMillis());
        assertThat(plan.logsToDelete()).isNotEmpty().allSatisfy(key -> {
            assertThat(before).containsKey(key);
            assertThat(timestampOf(key)).isLessThan(folded.name().timestampMillis());
        });
        assertThat(folded.content().logTombstones()).extracting(tombstone -> tombstone.path())
                .containsExactlyElementsOf(plan.logsToDelete());
        Set<String> deletedParts = new HashSet<>(plan.dataPartsToDelete());
        assertThat(deletedParts).hasSameSizeAs(plan.dataPartsToDelete());
        // no deleted part is listed anywhere after the cleanup but dead
        for (LogFile log : after.values()) {
            for (FileMarker marker : log.fileMarkers()) {
                if (deletedParts.contains(marker.path())) {
                    assertThat(marker.isAlive()).as("deleted part %s listed alive", marker.path()).isFalse();
                }
            }
        }

        for (long moment : momentsFrom(plan.windowStartMillis(), created)) {
            Optional<CommitTesting.State> expected = stateAt(table, before, moment);
            assertThat(stateAt(table, after, moment)).as("snapshot at %s after the cleanup", moment).isEqualTo(expected);
            assertThat(stateAt(table, created, moment)).as("snapshot at %s while the folded logs still exist", moment).isEqualTo(expected);
            expected.ifPresent(state -> assertThat(state.aliveFiles()).noneMatch(marker -> deletedParts.contains(marker.path())));
        }

        // right away, a second cleanup has nothing to do
        assertThat(CleanupPlanner.plan(table, after, nowMillis, retentionMillis, "trino").isEmpty()).isTrue();
        return new Applied(plan, after);
    }
}
