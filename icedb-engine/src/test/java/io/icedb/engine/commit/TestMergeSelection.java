package io.icedb.engine.commit;

import io.icedb.engine.Snapshot;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.PartitionPath;
import io.icedb.engine.spec.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.icedb.engine.commit.TestMergedLogBuilder.part;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestMergeSelection
{
    @Test
    void testPicksSmallestPartsOfEveryPartition()
    {
        FileMarker big = part("p=1", "big", 9_000, 1);
        FileMarker small1 = part("p=1", "s1", 100, 1);
        FileMarker small2 = part("p=1", "s2", 200, 1);
        FileMarker small3 = part("p=1", "s3", 300, 1);
        FileMarker lonely = part("p=2", "only", 10, 1);
        FileMarker other1 = part("p=3", "o1", 10, 1);
        FileMarker other2 = part("p=3", "o2", 20, 1);
        FileMarker dead1 = part("p=3", "x1", 20, 1).withTombstone(2);
        FileMarker dead2 = part("p=3", "x2", 20, 1).withTombstone(2);
        FileMarker dead3 = part("p=3", "x3", 20, 1).withTombstone(2);
        Snapshot snapshot = snapshot(List.of(big, small1, small2, small3, lonely, other1, other2), List.of(dead1, dead2, dead3));

        List<MergeSelection.MergeGroup> groups = MergeSelection.select(snapshot, 10_000, 10);

        // p=3 has more markers (dead ones count, as in Python), so it comes first
        assertThat(groups).containsExactly(
                new MergeSelection.MergeGroup("p=3", List.of(other1, other2)),
                new MergeSelection.MergeGroup("p=1", List.of(small1, small2, small3, big)));
    }

    @Test
    void testStopsAtByteAndCountThresholds()
    {
        FileMarker a = part("p=1", "a", 100, 1);
        FileMarker b = part("p=1", "b", 200, 1);
        FileMarker c = part("p=1", "c", 300, 1);
        FileMarker d = part("p=1", "d", 400, 1);
        Snapshot snapshot = snapshot(List.of(d, c, b, a), List.of());

        // bytes: 100 + 200 = 300 reaches 250
        assertThat(MergeSelection.select(snapshot, 250, 10)).containsExactly(new MergeSelection.MergeGroup("p=1", List.of(a, b)));
        // count: three parts
        assertThat(MergeSelection.select(snapshot, 10_000, 3)).containsExactly(new MergeSelection.MergeGroup("p=1", List.of(a, b, c)));
        // the smallest alone already reaches the threshold: nothing to merge
        assertThat(MergeSelection.select(snapshot, 50, 10)).isEmpty();
        assertThat(MergeSelection.select(snapshot).getFirst().totalBytes()).isEqualTo(1_000);
    }

    @Test
    void testPartitionIsThePathBetweenDataAndFileName()
    {
        assertThat(PartitionPath.partitionOf("t", "t/_data/u=a/d=2023-01-01/x.parquet")).isEqualTo("u=a/d=2023-01-01");
        assertThat(PartitionPath.partitionOf("t", "t/_data/x.parquet")).isEmpty();
        assertThat(PartitionPath.partitionOf("", "_data/k=v/x.parquet")).isEqualTo("k=v");
        assertThat(PartitionPath.partitionOf("a/_data", "a/_data/_data/k=_data/x.parquet")).isEqualTo("k=_data");
        assertThat(PartitionPath.partitionOf("t", "other/_data/k=v/x.parquet")).isEqualTo("k=v");
    }

    @Test
    void testRejectsBadThresholds()
    {
        Snapshot snapshot = snapshot(List.of(), List.of());
        assertThatThrownBy(() -> MergeSelection.select(snapshot, 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MergeSelection.select(snapshot, 10, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Snapshot snapshot(List<FileMarker> alive, List<FileMarker> dead)
    {
        return new Snapshot("t", Schema.EMPTY, List.of(), alive, dead, List.of(), Map.of());
    }
}
