package io.icedb.engine.spec;

import io.icedb.engine.exceptions.InvalidPartitionPathException;
import io.icedb.engine.spec.PartitionPath.HiveKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestPartitionPath
{
    @Test
    void testPythonFixtureKeys()
    {
        assertThat(PartitionPath.ofDataKey("readme", "readme/_data/u=user_a/d=2023-06-07/6b5c0bb1-0d0e-4c4b-9a57-5d6a2c0e7b1e.parquet"))
                .isEqualTo(new PartitionPath("u=user_a/d=2023-06-07", List.of(HiveKey.of("u", "user_a"), HiveKey.of("d", "2023-06-07"))));
        assertThat(PartitionPath.ofDataKey("many_inserts_merge_cleanup", "many_inserts_merge_cleanup/_data/cust=c0/d=2023-06-01/x.parquet"))
                .isEqualTo(new PartitionPath("cust=c0/d=2023-06-01", List.of(HiveKey.of("cust", "c0"), HiveKey.of("d", "2023-06-01"))));
        assertThat(PartitionPath.ofDataKey("types", "types/_data/kind=all/37aedc3d-fa63-4858-9a02-112b7091a684.parquet"))
                .isEqualTo(new PartitionPath("kind=all", List.of(HiveKey.of("kind", "all"))));
    }

    @Test
    void testEveryFixturePartKeyParses()
            throws IOException
    {
        Path warehouse = fixturesDirectory().resolve("warehouse");
        List<String> partitions = new ArrayList<>();
        try (Stream<Path> files = Files.walk(warehouse)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".parquet")).toList()) {
                String key = warehouse.relativize(file).toString().replace('\\', '/');
                String table = key.substring(0, key.indexOf('/'));
                PartitionPath partition = PartitionPath.ofDataKey(table, key);
                assertThat(partition.keys()).isNotEmpty();
                assertThat(PartitionPath.build(partition.keys())).isEqualTo(partition);
                assertThat(partition.dataKey(table, file.getFileName().toString())).isEqualTo(key);
                partitions.add(partition.partition());
            }
        }
        assertThat(partitions).contains("u=user_a/d=2023-06-07", "cust=c4/d=2023-06-05", "u=b", "kind=all");
    }

    @Test
    void testPartDirectlyUnderData()
    {
        PartitionPath partition = PartitionPath.ofDataKey("db/t", "db/t/_data/part.parquet");
        assertThat(partition).isEqualTo(PartitionPath.unpartitioned());
        assertThat(partition.partition()).isEmpty();
        assertThat(partition.keys()).isEmpty();
        assertThat(partition.dataKey("db/t", "part.parquet")).isEqualTo("db/t/_data/part.parquet");
    }

    @Test
    void testTableAtBucketRoot()
    {
        assertThat(PartitionPath.ofDataKey("", "_data/u=a/x.parquet")).isEqualTo(new PartitionPath("u=a", List.of(HiveKey.of("u", "a"))));
        assertThat(PartitionPath.build(List.of(HiveKey.of("u", "a"))).dataKey("", "x.parquet")).isEqualTo("_data/u=a/x.parquet");
    }

    @Test
    void testSegmentsWithoutEqualsAreNotKeys()
    {
        PartitionPath partition = PartitionPath.ofDataKey("t", "t/_data/2023/u=a/=x/b=/x.parquet");
        assertThat(partition.partition()).isEqualTo("2023/u=a/=x/b=");
        assertThat(partition.keys()).containsExactly(HiveKey.of("u", "a"), HiveKey.of("b", ""));
    }

    @Test
    void testValueWithEqualsSplitsAtFirstEquals()
    {
        assertThat(PartitionPath.parse("k=a=b").keys()).containsExactly(HiveKey.of("k", "a=b"));
    }

    @Test
    void testUnescapesNamesAndValues()
    {
        assertThat(PartitionPath.parse("a%3Db=x%2Fy%25/d=%C3%A9/e=\u00e9/f=%zz%2").keys()).containsExactly(
                HiveKey.of("a=b", "x/y%"),
                // Hive decodes each %XX to one char, not UTF-8 bytes
                HiveKey.of("d", "\u00c3\u00a9"),
                HiveKey.of("e", "\u00e9"),
                HiveKey.of("f", "%zz%2"));
        assertThat(PartitionPath.parse("k=__HIVE_DEFAULT_PARTITION__").keys()).containsExactly(HiveKey.nullValue("k"));
    }

    @Test
    void testInvalidDataKeys()
    {
        assertThatThrownBy(() -> PartitionPath.ofDataKey("t", "other/_data/x.parquet"))
                .isInstanceOf(InvalidPartitionPathException.class)
                .hasMessage("Data part key other/_data/x.parquet is not under the data directory t/_data/ of the table t");
        assertThatThrownBy(() -> PartitionPath.ofDataKey("t", "t/_data/u=a/"))
                .isInstanceOf(InvalidPartitionPathException.class)
                .hasMessage("Data part key t/_data/u=a/ of the table t has no file name");
        assertThatThrownBy(() -> PartitionPath.unpartitioned().dataKey("t", "../x.parquet"))
                .isInstanceOf(InvalidPartitionPathException.class);
        assertThatThrownBy(() -> PartitionPath.build(List.of(HiveKey.of("", "v"))))
                .isInstanceOf(InvalidPartitionPathException.class);
    }

    @Test
    void testEscapingMatchesHive()
    {
        assertThat(PartitionPath.escapePathName("a/b")).isEqualTo("a%2Fb");
        assertThat(PartitionPath.escapePathName("../x")).isEqualTo("..%2Fx");
        assertThat(PartitionPath.escapePathName("k=v")).isEqualTo("k%3Dv");
        assertThat(PartitionPath.escapePathName("%")).isEqualTo("%25");
        assertThat(PartitionPath.escapePathName("%2F")).isEqualTo("%252F");
        assertThat(PartitionPath.escapePathName("\"#%'*/:=?\\\u007f{[]^")).isEqualTo("%22%23%25%27%2A%2F%3A%3D%3F%5C%7F%7B%5B%5D%5E");
        assertThat(PartitionPath.escapePathName("\u0000\u0001\n\r\t\u001f")).isEqualTo("%00%01%0A%0D%09%1F");
        assertThat(PartitionPath.escapePathName("a b.c-d_e~f!g@h$i&j(k)l+m,n;o<p>q|r}s`")).isEqualTo("a b.c-d_e~f!g@h$i&j(k)l+m,n;o<p>q|r}s`");
        assertThat(PartitionPath.escapePathName("日本\u00e9\uD83D\uDE00")).isEqualTo("日本\u00e9\uD83D\uDE00");
        assertThat(PartitionPath.escapePathName("")).isEqualTo("__HIVE_DEFAULT_PARTITION__");
        assertThat(PartitionPath.escapePathName(null)).isEqualTo("__HIVE_DEFAULT_PARTITION__");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "../x", "..", ".", "/", "//", "/abs", "x/..", "k=v", "=", "%", "%2F", "%%", "%zz", "a b", " ", "\u00e9t\u00e9", "日本/語",
            "\u0000", "\u0001\u001f\u007f", "line\nbreak", "tab\t", "\\..\\", "__HIVE_DEFAULT_PARTITIO", "\uD83D\uDE00", "\"'*?:#{[]}^"})
    void testRoundTripStaysInOneSegment(String value)
    {
        List<HiveKey> keys = List.of(HiveKey.of("k", value), HiveKey.of("a/../b=c", value), HiveKey.of("d", "x"));
        PartitionPath built = PartitionPath.build(keys);
        assertSafe(built.partition(), 3);
        assertThat(PartitionPath.parse(built.partition())).isEqualTo(built);
        assertThat(built.keys()).isEqualTo(keys);
        PartitionPath read = PartitionPath.ofDataKey("bucket/table", built.dataKey("bucket/table", "p.parquet"));
        assertThat(read.keys()).isEqualTo(keys);
    }

    @Test
    void testNullAndEmptyBecomeDefaultPartition()
    {
        PartitionPath built = PartitionPath.build(List.of(HiveKey.nullValue("a"), HiveKey.of("b", "")));
        assertThat(built.partition()).isEqualTo("a=__HIVE_DEFAULT_PARTITION__/b=__HIVE_DEFAULT_PARTITION__");
        assertSafe(built.partition(), 2);
        // as in Hive, an empty string reads back as NULL
        assertThat(PartitionPath.parse(built.partition()).keys()).containsExactly(HiveKey.nullValue("a"), HiveKey.nullValue("b"));
        assertThat(PartitionPath.parse(built.partition()).keys().get(1).value()).isEqualTo(Optional.empty());
    }

    @Test
    void testDotDotValueStaysInsideItsSegment()
    {
        // Hive leaves '.' alone, so ".." becomes "k=..": one segment that is not "..", resolved by no object store
        PartitionPath built = PartitionPath.build(List.of(HiveKey.of("k", "..")));
        assertThat(built.partition()).isEqualTo("k=..");
        assertThat(built.dataKey("t", "p.parquet")).isEqualTo("t/_data/k=../p.parquet");
        assertThat(Path.of("/t/_data").resolve(built.partition()).normalize()).isEqualTo(Path.of("/t/_data/k=.."));
    }

    @Test
    void testEmptyKeyListIsUnpartitioned()
    {
        assertThat(PartitionPath.build(List.of())).isEqualTo(PartitionPath.unpartitioned());
    }

    private static void assertSafe(String partition, int keyCount)
    {
        assertThat(partition).doesNotStartWith("/").doesNotEndWith("/");
        String[] segments = partition.split("/", -1);
        assertThat(segments).hasSize(keyCount);
        for (String segment : segments) {
            assertThat(segment).isNotIn("", ".", "..");
            assertThat(segment.chars().filter(c -> c == '=').count()).isEqualTo(1);
            assertThat(segment.chars().filter(c -> c < 0x20 || c == 0x7f).count()).isZero();
        }
    }

    private static Path fixturesDirectory()
    {
        String property = System.getProperty("icedb.fixtures.dir");
        Path directory = property == null ? Path.of("../../shared/fixtures/python-icedb") : Path.of(property);
        assertThat(directory).isDirectory();
        return directory;
    }
}
