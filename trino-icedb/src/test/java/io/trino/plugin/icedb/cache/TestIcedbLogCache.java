package io.trino.plugin.icedb.cache;

import io.airlift.units.DataSize;
import io.icedb.engine.LogCache;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.Schema;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

public class TestIcedbLogCache
{
    @Test
    public void testHitsMissesAndRoots()
    {
        IcedbLogCache cache = new IcedbLogCache(DataSize.of(1, DataSize.Unit.MEGABYTE));
        LogCache bucket = cache.forRoot("s3://a/");
        LogCache other = cache.forRoot("s3://b/");
        LogFile log = log(3);
        assertThat(bucket.get("t/_log/1_h.jsonl")).isEmpty();
        bucket.put("t/_log/1_h.jsonl", log);
        assertThat(bucket.get("t/_log/1_h.jsonl")).containsSame(log);
        // the same key in another bucket is another log
        assertThat(other.get("t/_log/1_h.jsonl")).isEmpty();
        assertThat(cache.getHitCount()).isEqualTo(1);
        assertThat(cache.getMissCount()).isEqualTo(2);
        assertThat(cache.getHitRate()).isEqualTo(1.0 / 3);
        assertThat(cache.getSize()).isEqualTo(1);
    }

    @Test
    public void testBoundedByMemory()
    {
        LogFile log = log(100);
        long entryBytes = IcedbLogCache.estimatedSizeInBytes(log);
        // room for about ten such logs
        IcedbLogCache cache = new IcedbLogCache(DataSize.ofBytes(entryBytes * 10 + 1000));
        LogCache root = cache.forRoot("local:///");
        for (int i = 0; i < 100; i++) {
            root.put("t/_log/%s_h.jsonl".formatted(i), log);
        }
        assertThat(cache.getSize()).isBetween(1L, 11L);
        assertThat(cache.getEvictionCount()).isGreaterThanOrEqualTo(89);
        assertThat(root.get("t/_log/99_h.jsonl")).isPresent();
    }

    @Test
    public void testDisabled()
    {
        IcedbLogCache cache = new IcedbLogCache(DataSize.ofBytes(0));
        LogCache root = cache.forRoot("local:///");
        root.put("t/_log/1_h.jsonl", log(1));
        assertThat(root.get("t/_log/1_h.jsonl")).isEmpty();
        assertThat(cache.getSize()).isZero();
    }

    private static LogFile log(int parts)
    {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("x", "BIGINT");
        List<FileMarker> markers = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            markers.add(FileMarker.alive("t/_data/part-%s.parquet".formatted(i), 100, 1));
        }
        return new LogFile(1, new Schema(columns), List.of(), markers);
    }
}
