package io.icedb.engine.commit;

import io.icedb.engine.Snapshot;
import io.icedb.engine.exceptions.CommitConflictException;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static io.icedb.engine.commit.CommitTesting.alivePaths;
import static io.icedb.engine.commit.CommitTesting.assertRoundTrips;
import static io.icedb.engine.commit.CommitTesting.latest;
import static io.icedb.engine.commit.CommitTesting.snapshotAt;
import static io.icedb.engine.commit.TestMergedLogBuilder.insert;
import static io.icedb.engine.commit.TestMergedLogBuilder.key;
import static io.icedb.engine.commit.TestMergedLogBuilder.logs;
import static io.icedb.engine.commit.TestMergedLogBuilder.part;
import static io.icedb.engine.commit.TestMergedLogBuilder.withoutTombstonedLogs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestRollbackLogBuilder
{
    private static final String TABLE = "t";
    private static final long T0 = 1_700_000_000_000L;

    private static final FileMarker A = part("p=1", "a", 10, T0);
    private static final FileMarker B = part("p=1", "b", 20, T0 + 10);
    private static final FileMarker C = part("p=1", "c", 30, T0 + 20);
    private static final FileMarker D = part("p=2", "d", 40, T0 + 30);

    @Test
    void testRollbackRestoresMergedPartsAndTombstonesNewOnes()
    {
        // insert A, insert B, merge A and B into C, insert D
        TreeMap<String, LogFile> logs = logs(
                Map.entry(key(T0, "h"), insert(T0, A)),
                Map.entry(key(T0 + 10, "h"), insert(T0 + 10, B)));
        MergedLogBuilder.MergedLog merge = MergedLogBuilder.build(latest(TABLE, logs), logs, Set.of(A.path(), B.path()), List.of(C), latest(TABLE, logs).schema(), "m", T0 + 20);
        logs.put(merge.log().key(), merge.log().content());
        logs.put(key(T0 + 30, "h"), insert(T0 + 30, D));
        Snapshot current = latest(TABLE, logs);
        Snapshot target = snapshotAt(TABLE, logs, T0 + 11).orElseThrow();
        assertThat(alivePaths(current)).containsExactly(C.path(), D.path());
        assertThat(RollbackLogBuilder.restoredParts(current, target)).containsExactly(A, B);

        RollbackLogBuilder.RollbackLog rollback = RollbackLogBuilder.build(current, target, logs, "r", T0 + 100).orElseThrow();

        assertThat(rollback.log().key()).isEqualTo("t/_log/" + (T0 + 100) + "_m_r.jsonl");
        assertThat(rollback.removedParts()).containsExactly(C.withTombstone(T0 + 100), D.withTombstone(T0 + 100));
        assertThat(rollback.restoredParts()).containsExactly(A, B);
        // every log with a marker of a changed path is superseded: the inserts of A and B, the merge, the insert of D
        assertThat(rollback.sourceLogs()).containsExactly(key(T0, "h"), key(T0 + 10, "h"), merge.log().key(), key(T0 + 30, "h"));
        assertThat(rollback.log().content().schema()).isEqualTo(current.schema());
        assertRoundTrips(rollback.log());

        TreeMap<String, LogFile> after = new TreeMap<>(logs);
        after.put(rollback.log().key(), rollback.log().content());
        assertThat(alivePaths(latest(TABLE, after))).isEqualTo(alivePaths(target)).containsExactly(A.path(), B.path());
        // the versions before the rollback read as before
        assertThat(alivePaths(snapshotAt(TABLE, after, T0 + 31).orElseThrow())).containsExactly(C.path(), D.path());
        assertThat(alivePaths(snapshotAt(TABLE, after, T0 + 21).orElseThrow())).containsExactly(C.path());
        // a cleanup that deletes the superseded logs (Python's rule) changes nothing
        assertThat(alivePaths(latest(TABLE, withoutTombstonedLogs(after)))).containsExactly(A.path(), B.path());

        // and forward again, to the version before the rollback
        Snapshot beforeRollback = snapshotAt(TABLE, after, T0 + 31).orElseThrow();
        RollbackLogBuilder.RollbackLog forward = RollbackLogBuilder.build(latest(TABLE, after), beforeRollback, after, "r", T0 + 200).orElseThrow();
        assertThat(forward.restoredParts()).containsExactly(C, D);
        assertThat(forward.removedParts()).extracting(FileMarker::path).containsExactly(A.path(), B.path());
        after.put(forward.log().key(), forward.log().content());
        assertThat(alivePaths(latest(TABLE, after))).containsExactly(C.path(), D.path());
        assertThat(alivePaths(latest(TABLE, withoutTombstonedLogs(after)))).containsExactly(C.path(), D.path());
    }

    @Test
    void testNothingToRollBack()
    {
        TreeMap<String, LogFile> logs = logs(
                Map.entry(key(T0, "h"), insert(T0, A)),
                Map.entry(key(T0 + 10, "h"), insert(T0 + 10)));
        // the second log added no part: both versions have the same live parts
        assertThat(RollbackLogBuilder.build(latest(TABLE, logs), snapshotAt(TABLE, logs, T0 + 1).orElseThrow(), logs, "r", T0 + 100)).isEqualTo(Optional.empty());
    }

    @Test
    void testRefusesToSortBeforeExistingLogs()
    {
        TreeMap<String, LogFile> logs = logs(
                Map.entry(key(T0, "h"), insert(T0, A)),
                Map.entry(key(T0 + 10, "h"), insert(T0 + 10, B)));
        assertThatThrownBy(() -> RollbackLogBuilder.build(latest(TABLE, logs), snapshotAt(TABLE, logs, T0 + 1).orElseThrow(), logs, "r", T0 + 5))
                .isInstanceOf(CommitConflictException.class)
                .hasMessageContaining("would not sort after the existing log " + key(T0 + 10, "h"));
    }
}
