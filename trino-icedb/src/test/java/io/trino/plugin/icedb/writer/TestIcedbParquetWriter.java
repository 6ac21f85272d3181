package io.trino.plugin.icedb.writer;

import com.google.common.collect.ImmutableList;
import io.airlift.units.DataSize;
import io.trino.filesystem.local.LocalFileSystem;
import io.trino.parquet.ParquetCorruptionException;
import io.trino.spi.TrinoException;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.Type;
import io.trino.spi.type.TypeOperators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.airlift.units.DataSize.Unit.KILOBYTE;
import static io.trino.plugin.icedb.writer.DuckDbJudge.literal;
import static io.trino.plugin.icedb.writer.IcedbParquetWriterTestSupport.createWriter;
import static io.trino.plugin.icedb.writer.IcedbParquetWriterTestSupport.writeFile;
import static io.trino.spi.StandardErrorCode.INVALID_TABLE_PROPERTY;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static io.trino.spi.StandardErrorCode.NUMERIC_VALUE_OUT_OF_RANGE;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.DateType.DATE;
import static io.trino.spi.type.TimeType.createTimeType;
import static io.trino.spi.type.TimestampType.TIMESTAMP_MICROS;
import static io.trino.spi.type.TimestampType.TIMESTAMP_MILLIS;
import static io.trino.spi.type.TimestampType.TIMESTAMP_NANOS;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MICROS;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The writer's file layout, codecs, statistics, bloom filters, row groups and reported sizes, judged by DuckDB.
 */
final class TestIcedbParquetWriter
{
    private static final TypeOperators TYPE_OPERATORS = new TypeOperators();

    @TempDir
    Path tempDir;

    @Test
    void testDuckDbLayout()
            throws Exception
    {
        List<Type> types = List.of(
                BIGINT,
                TIMESTAMP_MICROS,
                TIMESTAMP_TZ_MICROS,
                new ArrayType(VARCHAR),
                new MapType(VARCHAR, BIGINT, TYPE_OPERATORS),
                RowType.from(ImmutableList.of(RowType.field("a", BIGINT))));
        Path file = tempDir.resolve("layout.parquet");
        writeFile(
                file,
                List.of("id", "ts", "tstz", "arr", "m", "r"),
                types,
                List.of(Arrays.asList(1L, LocalDateTime.parse("2020-01-01T00:00:00"), Instant.EPOCH, List.of("a"), Map.of("k", 1L), List.of(1L))),
                IcedbParquetWriterOptions.defaults());

        try (DuckDbJudge duckDb = new DuckDbJudge()) {
            assertThat(duckDb.query("SELECT name, type, repetition_type, converted_type FROM parquet_schema(%s) ORDER BY column_id".formatted(literal(file))))
                    .containsExactly(
                            List.of("duckdb_schema", "NULL", "NULL", "NULL"),
                            List.of("id", "INT64", "OPTIONAL", "INT_64"),
                            List.of("ts", "INT64", "OPTIONAL", "TIMESTAMP_MICROS"),
                            List.of("tstz", "INT64", "OPTIONAL", "TIMESTAMP_MICROS"),
                            List.of("arr", "NULL", "OPTIONAL", "LIST"),
                            List.of("list", "NULL", "REPEATED", "NULL"),
                            List.of("element", "BYTE_ARRAY", "OPTIONAL", "UTF8"),
                            List.of("m", "NULL", "OPTIONAL", "MAP"),
                            List.of("key_value", "NULL", "REPEATED", "NULL"),
                            List.of("key", "BYTE_ARRAY", "REQUIRED", "UTF8"),
                            List.of("value", "INT64", "OPTIONAL", "INT_64"),
                            List.of("r", "NULL", "OPTIONAL", "NULL"),
                            List.of("a", "INT64", "OPTIONAL", "INT_64"));
            String micros = "unit=TimeUnit(MILLIS=<null>, MICROS=MicroSeconds(), NANOS=<null>)";
            assertThat(duckDb.query("SELECT name, logical_type FROM parquet_schema(%s) WHERE name LIKE 'ts%%' ORDER BY column_id".formatted(literal(file))))
                    .containsExactly(
                            List.of("ts", "TimestampType(isAdjustedToUTC=0, " + micros + ")"),
                            List.of("tstz", "TimestampType(isAdjustedToUTC=1, " + micros + ")"));
        }
    }

    @Test
    void testEveryCompressionCodecIsReadable()
            throws Exception
    {
        List<List<?>> rows = new ArrayList<>();
        for (long i = 0; i < 1000; i++) {
            rows.add(Arrays.asList(i, i % 7 == 0 ? null : "value " + (i % 10)));
        }
        Map<IcedbCompressionCodec, String> parquetNames = Map.of(
                IcedbCompressionCodec.NONE, "UNCOMPRESSED",
                IcedbCompressionCodec.SNAPPY, "SNAPPY",
                IcedbCompressionCodec.GZIP, "GZIP",
                IcedbCompressionCodec.ZSTD, "ZSTD");
        for (IcedbCompressionCodec codec : IcedbCompressionCodec.values()) {
            Path file = tempDir.resolve(codec + ".parquet");
            writeFile(file, List.of("id", "name"), List.of(BIGINT, VARCHAR), rows, IcedbParquetWriterOptions.defaults().withCompressionCodec(codec));
            try (DuckDbJudge duckDb = new DuckDbJudge()) {
                assertThat(duckDb.query("SELECT DISTINCT compression FROM parquet_metadata(%s)".formatted(literal(file))))
                        .as("codec %s", codec)
                        .containsExactly(List.of(parquetNames.get(codec)));
                assertThat(duckDb.query("SELECT count(*), sum(id), count(name), count(DISTINCT name), min(name), max(name) FROM read_parquet(%s)".formatted(literal(file))))
                        .as("codec %s", codec)
                        .containsExactly(List.of("1000", "499500", "857", "10", "value 0", "value 9"));
            }
        }
        assertThat(IcedbCompressionCodec.DEFAULT).isEqualTo(IcedbCompressionCodec.ZSTD);
    }

    @Test
    void testStatistics()
            throws Exception
    {
        Path file = tempDir.resolve("stats.parquet");
        writeFile(
                file,
                List.of("id", "name", "ts"),
                List.of(BIGINT, VARCHAR, TIMESTAMP_MICROS),
                List.of(
                        Arrays.asList(5L, "m", LocalDateTime.parse("2024-01-01T00:00:00")),
                        Arrays.asList(-3L, null, null),
                        Arrays.asList(10L, "b", LocalDateTime.parse("2023-06-30T12:00:00.25")),
                        Arrays.asList(null, "z", null)),
                IcedbParquetWriterOptions.defaults());
        try (DuckDbJudge duckDb = new DuckDbJudge()) {
            assertThat(duckDb.query("SELECT path_in_schema, stats_min_value, stats_max_value, stats_null_count FROM parquet_metadata(%s) ORDER BY column_id".formatted(literal(file))))
                    .containsExactly(
                            List.of("id", "-3", "10", "1"),
                            List.of("name", "b", "z", "1"),
                            List.of("ts", "2023-06-30 12:00:00.25", "2024-01-01 00:00:00", "2"));
        }
    }

    @Test
    void testBloomFilters()
            throws Exception
    {
        List<List<?>> rows = new ArrayList<>();
        for (long i = 0; i < 5000; i++) {
            rows.add(Arrays.asList(i, "name " + i, i));
        }
        Path file = tempDir.resolve("bloom.parquet");
        writeFile(
                file,
                List.of("id", "name", "other"),
                List.of(BIGINT, VARCHAR, BIGINT),
                rows,
                IcedbParquetWriterOptions.defaults().withBloomFilterColumns(Set.of("id", "name")));
        try (DuckDbJudge duckDb = new DuckDbJudge()) {
            // trino-parquet records the filter's offset but not its (optional) length
            assertThat(duckDb.query("SELECT path_in_schema, bloom_filter_offset IS NOT NULL FROM parquet_metadata(%s) ORDER BY column_id".formatted(literal(file))))
                    .containsExactly(List.of("id", "true"), List.of("name", "true"), List.of("other", "false"));
            // DuckDB reads the filters: a value present is never excluded, absent values are (these ones, deterministically)
            assertThat(duckDb.query("SELECT bloom_filter_excludes FROM parquet_bloom_probe(%s, 'id', 4242)".formatted(literal(file))))
                    .containsExactly(List.of("false"));
            assertThat(duckDb.query("SELECT bloom_filter_excludes FROM parquet_bloom_probe(%s, 'name', 'name 4242')".formatted(literal(file))))
                    .containsExactly(List.of("false"));
            assertThat(duckDb.query("SELECT bloom_filter_excludes FROM parquet_bloom_probe(%s, 'id', 123456)".formatted(literal(file))))
                    .containsExactly(List.of("true"));
            assertThat(duckDb.query("SELECT bloom_filter_excludes FROM parquet_bloom_probe(%s, 'name', 'absent')".formatted(literal(file))))
                    .containsExactly(List.of("true"));
            assertThat(duckDb.query("SELECT bloom_filter_excludes FROM parquet_bloom_probe(%s, 'other', 123456)".formatted(literal(file))))
                    .containsExactly(List.of("false"));
            assertThat(duckDb.query("SELECT id, other FROM read_parquet(%s) WHERE name = 'name 4242'".formatted(literal(file))))
                    .containsExactly(List.of("4242", "4242"));
            assertThat(duckDb.query("SELECT count(*) FROM read_parquet(%s) WHERE id = 123456".formatted(literal(file))))
                    .containsExactly(List.of("0"));
        }
    }

    @Test
    void testBloomFilterColumnsAreValidated()
    {
        Path file = tempDir.resolve("bad-bloom.parquet");
        assertThatThrownBy(() -> createWriter(file, List.of("id"), List.of(BIGINT), IcedbParquetWriterOptions.defaults().withBloomFilterColumns(Set.of("missing"))))
                .isInstanceOfSatisfying(TrinoException.class, e -> assertThat(e.getErrorCode()).isEqualTo(INVALID_TABLE_PROPERTY.toErrorCode()))
                .hasMessage("Bloom filter column 'missing' is not a column of the table (columns: [id])");
        assertThatThrownBy(() -> createWriter(file, List.of("d"), List.of(DATE), IcedbParquetWriterOptions.defaults().withBloomFilterColumns(Set.of("d"))))
                .isInstanceOfSatisfying(TrinoException.class, e -> assertThat(e.getErrorCode()).isEqualTo(INVALID_TABLE_PROPERTY.toErrorCode()))
                .hasMessageStartingWith("Bloom filter column 'd' has type date; bloom filters are supported for [bigint, double, integer, real, uuid, varbinary, varchar]");
        assertThat(Files.exists(file)).isFalse();
    }

    @Test
    void testRowGroupSize()
            throws Exception
    {
        Path file = tempDir.resolve("row-groups.parquet");
        IcedbParquetWriter writer = createWriter(file, List.of("id"), List.of(BIGINT), IcedbParquetWriterOptions.defaults().withRowGroupSize(DataSize.of(64, KILOBYTE)));
        long expectedSum = 0;
        for (int page = 0; page < 20; page++) {
            List<List<?>> rows = new ArrayList<>();
            for (long i = 0; i < 10_000; i++) {
                long value = page * 10_000L + i;
                rows.add(List.of(value));
                expectedSum += value;
            }
            writer.appendRows(TestingValues.page(List.of(BIGINT), rows));
        }
        WrittenParquetFile written = writer.commit();

        assertThat(written.rowCount()).isEqualTo(200_000);
        assertThat(written.rowGroupCount()).isGreaterThan(1);
        try (DuckDbJudge duckDb = new DuckDbJudge()) {
            assertThat(duckDb.query("SELECT count(DISTINCT row_group_id), sum(row_group_num_rows) FROM parquet_metadata(%s)".formatted(literal(file))))
                    .containsExactly(List.of(String.valueOf(written.rowGroupCount()), "200000"));
            assertThat(duckDb.query("SELECT count(*), sum(id) FROM read_parquet(%s)".formatted(literal(file))))
                    .containsExactly(List.of("200000", String.valueOf(expectedSum)));
        }
    }

    @Test
    void testNestedValuesAcrossRowGroupsAndPages()
            throws Exception
    {
        RowType entry = RowType.from(ImmutableList.of(RowType.field("a", BIGINT), RowType.field("b", VARCHAR)));
        List<Type> types = List.of(BIGINT, new ArrayType(entry), new MapType(VARCHAR, BIGINT, TYPE_OPERATORS));
        Path file = tempDir.resolve("nested.parquet");
        IcedbParquetWriter writer = createWriter(file, List.of("id", "entries", "m"), types, IcedbParquetWriterOptions.defaults().withRowGroupSize(DataSize.of(32, KILOBYTE)).withValidation(true));
        long sumOfA = 0;
        long countOfB = 0;
        long countOfEntries = 0;
        long sumOfMapValues = 0;
        for (int page = 0; page < 6; page++) {
            List<List<?>> rows = new ArrayList<>();
            for (long i = page * 5000L; i < (page + 1) * 5000L; i++) {
                List<Object> entries = new ArrayList<>();
                for (int j = 0; j < i % 4; j++) {
                    long a = i * 10 + j;
                    entries.add(Arrays.asList(a, j == 1 ? null : "b" + a));
                    sumOfA += a;
                    countOfB += j == 1 ? 0 : 1;
                    countOfEntries++;
                }
                Map<String, Long> map = i % 5 == 0 ? null : Map.of("k", i);
                sumOfMapValues += map == null ? 0 : i;
                rows.add(Arrays.asList(i, i % 7 == 0 ? null : entries, map));
            }
            writer.appendRows(TestingValues.page(types, rows));
        }
        WrittenParquetFile written = writer.commit();
        assertThat(written.rowGroupCount()).isGreaterThan(1);
        writer.validate(new LocalFileSystem(tempDir).newInputFile(written.location()));

        String source = "read_parquet(%s)".formatted(literal(file));
        try (DuckDbJudge duckDb = new DuckDbJudge()) {
            assertThat(duckDb.query("SELECT count(*), sum(id), count(entries), count(m) FROM " + source))
                    .containsExactly(List.of("30000", String.valueOf(29999L * 30000 / 2), String.valueOf(30000 - 4286), String.valueOf(30000 - 6000)));
            // rows with id % 7 == 0 have NULL entries: subtract what they would have held
            long expectedSumOfA = 0;
            long expectedCountOfB = 0;
            long expectedCountOfEntries = 0;
            for (long i = 0; i < 30000; i += 7) {
                for (int j = 0; j < i % 4; j++) {
                    expectedSumOfA += i * 10 + j;
                    expectedCountOfB += j == 1 ? 0 : 1;
                    expectedCountOfEntries++;
                }
            }
            assertThat(duckDb.query("SELECT count(*), sum(e.a), count(e.b) FROM (SELECT unnest(entries) AS e FROM %s)".formatted(source)))
                    .containsExactly(List.of(
                            String.valueOf(countOfEntries - expectedCountOfEntries),
                            String.valueOf(sumOfA - expectedSumOfA),
                            String.valueOf(countOfB - expectedCountOfB)));
            assertThat(duckDb.query("SELECT sum(v) FROM (SELECT unnest(map_values(m)) AS v FROM %s)".formatted(source)))
                    .containsExactly(List.of(String.valueOf(sumOfMapValues)));
            assertThat(duckDb.query("SELECT CAST(entries AS VARCHAR), CAST(m AS VARCHAR) FROM %s WHERE id IN (14, 12347, 29999) ORDER BY id".formatted(source)))
                    .containsExactly(
                            List.of("NULL", "{k=14}"),
                            List.of("[{'a': 123470, 'b': b123470}, {'a': 123471, 'b': NULL}, {'a': 123472, 'b': b123472}]", "{k=12347}"),
                            List.of("[{'a': 299990, 'b': b299990}, {'a': 299991, 'b': NULL}, {'a': 299992, 'b': b299992}]", "{k=29999}"));
        }
    }

    @Test
    void testFooterKeyValueMetadata()
            throws Exception
    {
        IcedbParquetWriterOptions options = IcedbParquetWriterOptions.defaults()
                .withValidation(true)
                .withKeyValueMetadata(Map.of("icedb.sorted_by", "id,name DESC"));
        // a small file: the whole file is held back when the footer is rewritten
        Path small = tempDir.resolve("kv-small.parquet");
        WrittenParquetFile smallWritten = writeFile(small, List.of("id", "name"), List.of(BIGINT, VARCHAR), List.of(Arrays.asList(1L, "a"), Arrays.asList(2L, null)), options);
        assertThat(smallWritten.fileSizeInBytes()).isEqualTo(Files.size(small));
        // a last row group far larger than the bytes held back: only the footer's end is rewritten
        Path large = tempDir.resolve("kv-large.parquet");
        IcedbParquetWriter writer = createWriter(large, List.of("id", "name"), List.of(BIGINT, VARCHAR), options);
        long expectedSum = 0;
        for (int page = 0; page < 30; page++) {
            List<List<?>> rows = new ArrayList<>();
            for (long i = 0; i < 10_000; i++) {
                long value = page * 10_000L + i;
                rows.add(Arrays.asList(value, UUID.randomUUID().toString()));
                expectedSum += value;
            }
            writer.appendRows(TestingValues.page(List.of(BIGINT, VARCHAR), rows));
        }
        WrittenParquetFile largeWritten = writer.commit();
        assertThat(largeWritten.fileSizeInBytes()).isEqualTo(Files.size(large)).isGreaterThan(4L * ParquetFooterMetadataStream.WINDOW);
        // Trino's reader checks every value, the row groups and the statistics against what was written
        writer.validate(new LocalFileSystem(large.getParent()).newInputFile(largeWritten.location()));
        // an empty file
        Path empty = tempDir.resolve("kv-empty.parquet");
        WrittenParquetFile emptyWritten = writeFile(empty, List.of("id"), List.of(BIGINT), List.of(), options);
        assertThat(emptyWritten.fileSizeInBytes()).isEqualTo(Files.size(empty));

        try (DuckDbJudge duckDb = new DuckDbJudge()) {
            for (Path file : List.of(small, large, empty)) {
                assertThat(duckDb.query("SELECT decode(key), decode(value) FROM parquet_kv_metadata(%s) WHERE decode(key) LIKE 'icedb%%'".formatted(literal(file))))
                        .as(file.toString())
                        .containsExactly(List.of("icedb.sorted_by", "id,name DESC"));
            }
            assertThat(duckDb.rowsAsText(small)).containsExactly(List.of("1", "a"), List.of("2", "NULL"));
            assertThat(duckDb.query("SELECT count(*), sum(id), count(DISTINCT name) FROM read_parquet(%s)".formatted(literal(large))))
                    .containsExactly(List.of("300000", String.valueOf(expectedSum), "300000"));
            assertThat(duckDb.query("SELECT count(*) FROM read_parquet(%s)".formatted(literal(empty)))).containsExactly(List.of("0"));
            // without entries the footer is the writer's own
            Path plain = tempDir.resolve("kv-none.parquet");
            writeFile(plain, List.of("id"), List.of(BIGINT), List.of(List.of(1L)), IcedbParquetWriterOptions.defaults());
            assertThat(duckDb.query("SELECT count(*) FROM parquet_kv_metadata(%s) WHERE decode(key) LIKE 'icedb%%'".formatted(literal(plain)))).containsExactly(List.of("0"));
        }
    }

    @Test
    void testReportedSizesAndCounts()
            throws Exception
    {
        Path file = tempDir.resolve("sizes.parquet");
        IcedbParquetWriter writer = createWriter(file, List.of("id", "name"), List.of(BIGINT, VARCHAR), IcedbParquetWriterOptions.defaults());
        assertThat(writer.getRowCount()).isZero();
        writer.appendRows(TestingValues.page(List.of(BIGINT, VARCHAR), List.of(Arrays.asList(1L, "a"), Arrays.asList(2L, null))));
        writer.appendRows(TestingValues.page(List.of(BIGINT, VARCHAR), List.of()));
        writer.appendRows(TestingValues.page(List.of(BIGINT, VARCHAR), List.of(Arrays.asList(null, "c"))));
        assertThat(writer.getRowCount()).isEqualTo(3);
        assertThat(writer.getWrittenBytes()).isPositive();
        assertThat(writer.getMemoryUsage()).isPositive();

        WrittenParquetFile written = writer.commit();
        assertThat(written.location().toString()).isEqualTo("local:///sizes.parquet");
        assertThat(written.rowCount()).isEqualTo(3);
        assertThat(written.rowGroupCount()).isEqualTo(1);
        assertThat(written.fileSizeInBytes()).isEqualTo(Files.size(file));
        assertThatThrownBy(() -> writer.appendRows(TestingValues.page(List.of(BIGINT, VARCHAR), List.of())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("writer of local:///sizes.parquet is closed");
        try (DuckDbJudge duckDb = new DuckDbJudge()) {
            assertThat(duckDb.rowsAsText(file)).containsExactly(List.of("1", "a"), List.of("2", "NULL"), List.of("NULL", "c"));
        }
    }

    @Test
    void testFileWithoutRows()
            throws Exception
    {
        Path file = tempDir.resolve("empty.parquet");
        WrittenParquetFile written = writeFile(file, List.of("id", "tags"), List.of(BIGINT, new ArrayType(VARCHAR)), List.of(), IcedbParquetWriterOptions.defaults());
        assertThat(written.rowCount()).isZero();
        assertThat(written.rowGroupCount()).isZero();
        assertThat(written.fileSizeInBytes()).isEqualTo(Files.size(file));
        try (DuckDbJudge duckDb = new DuckDbJudge()) {
            assertThat(duckDb.describe(file)).containsExactly(Map.entry("id", "BIGINT"), Map.entry("tags", "VARCHAR[]"));
            assertThat(duckDb.rowsAsText(file)).isEmpty();
        }
    }

    @Test
    void testValidationDetectsADifferentFile()
            throws Exception
    {
        Path file = tempDir.resolve("validated.parquet");
        IcedbParquetWriter writer = createWriter(file, List.of("id"), List.of(BIGINT), IcedbParquetWriterOptions.defaults().withValidation(true));
        writer.appendRows(TestingValues.page(List.of(BIGINT), List.of(List.of(1L), List.of(2L))));
        WrittenParquetFile written = writer.commit();
        LocalFileSystem fileSystem = new LocalFileSystem(tempDir);
        writer.validate(fileSystem.newInputFile(written.location()));

        // another file with the same schema but other values
        Path other = tempDir.resolve("other.parquet");
        WrittenParquetFile otherWritten = writeFile(other, List.of("id"), List.of(BIGINT), List.of(List.of(1L), List.of(3L)), IcedbParquetWriterOptions.defaults().withValidation(true));
        assertThatThrownBy(() -> writer.validate(fileSystem.newInputFile(otherWritten.location())))
                .isInstanceOf(ParquetCorruptionException.class)
                .hasMessageContaining("local:///other.parquet");

        IcedbParquetWriter unvalidated = createWriter(tempDir.resolve("unvalidated.parquet"), List.of("id"), List.of(BIGINT), IcedbParquetWriterOptions.defaults());
        unvalidated.appendRows(TestingValues.page(List.of(BIGINT), List.of(List.of(1L))));
        WrittenParquetFile unvalidatedWritten = unvalidated.commit();
        assertThatThrownBy(() -> unvalidated.validate(fileSystem.newInputFile(unvalidatedWritten.location())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("validation of local:///unvalidated.parquet is not enabled");
    }

    @Test
    void testRollbackRunsTheRollbackAction()
            throws Exception
    {
        Path file = tempDir.resolve("rolled-back.parquet");
        IcedbParquetWriter writer = createWriter(file, List.of("id"), List.of(BIGINT), IcedbParquetWriterOptions.defaults());
        writer.appendRows(TestingValues.page(List.of(BIGINT), List.of(List.of(1L))));
        writer.rollback();
        assertThat(Files.exists(file)).isFalse();
    }

    @Test
    void testExistingObjectIsNotOverwritten()
            throws Exception
    {
        Path file = tempDir.resolve("exists.parquet");
        Files.writeString(file, "not parquet");
        assertThatThrownBy(() -> createWriter(file, List.of("id"), List.of(BIGINT), IcedbParquetWriterOptions.defaults()))
                .isInstanceOf(IOException.class);
        assertThat(Files.readString(file)).isEqualTo("not parquet");
    }

    @Test
    void testTimestampWithTimeZoneStoresTheInstant()
            throws Exception
    {
        Path file = tempDir.resolve("zoned.parquet");
        writeFile(
                file,
                List.of("tstz"),
                List.of(TIMESTAMP_TZ_MICROS),
                List.of(List.of(ZonedDateTime.parse("2024-03-01T10:00:00.000001+05:30[Asia/Kolkata]")), List.of(ZonedDateTime.parse("2024-03-01T00:00:00-08:00[America/Los_Angeles]"))),
                IcedbParquetWriterOptions.defaults());
        try (DuckDbJudge duckDb = new DuckDbJudge()) {
            assertThat(duckDb.rowsAsText(file)).containsExactly(List.of("2024-03-01 04:30:00.000001+00"), List.of("2024-03-01 08:00:00+00"));
        }
    }

    @Test
    void testNanosecondTimestampRange()
            throws Exception
    {
        // the extremes the writer can write are read back exactly
        Path file = tempDir.resolve("ns-range.parquet");
        writeFile(
                file,
                List.of("ts"),
                List.of(TIMESTAMP_NANOS),
                List.of(List.of(LocalDateTime.parse("1677-09-21T00:12:43.145225")), List.of(LocalDateTime.parse("2262-04-11T23:47:16.854775806"))),
                IcedbParquetWriterOptions.defaults().withValidation(true));
        try (DuckDbJudge duckDb = new DuckDbJudge()) {
            assertThat(duckDb.query("SELECT epoch_ns(ts), isinf(ts) FROM read_parquet(%s)".formatted(literal(file))))
                    .containsExactly(List.of(String.valueOf(Long.MIN_VALUE + 808), "false"), List.of(String.valueOf(Long.MAX_VALUE - 1), "false"));
            // DuckDB 1.5.6 cannot print the first day of its TIMESTAMP_NS range ("Date out of range"), only later ones
            assertThat(duckDb.query("SELECT CAST(ts AS VARCHAR) FROM read_parquet(%s) WHERE ts > TIMESTAMP_NS '2000-01-01'".formatted(literal(file))))
                    .containsExactly(List.of("2262-04-11 23:47:16.854775806"));
        }
    }

    @Test
    void testNanosecondTimestampOutOfRange()
            throws Exception
    {
        String range = "DuckDB's TIMESTAMP_NS (1677-09-21 00:12:43.145225 to 2262-04-11 23:47:16.854775806)";
        assertRefusedValue(TIMESTAMP_NANOS, LocalDateTime.parse("2300-01-01T00:00:00"), "2300-01-01 00:00:00.000000000", range);
        // DuckDB could hold it, trino-parquet's writer cannot compute it
        assertRefusedValue(TIMESTAMP_NANOS, LocalDateTime.parse("1677-09-21T00:12:43.145224999"), "1677-09-21 00:12:43.145224999", range);
        // DuckDB would read the largest INT64 as infinity
        assertRefusedValue(TIMESTAMP_NANOS, LocalDateTime.parse("2262-04-11T23:47:16.854775807"), "2262-04-11 23:47:16.854775807", range);
        // past the end of INT64: trino-parquet alone would wrap it around silently
        LocalDateTime pastTheEnd = LocalDateTime.parse("2262-04-11T23:47:16.854775808");
        assertRefusedValue(TIMESTAMP_NANOS, pastTheEnd, "2262-04-11 23:47:16.854775808", range);
        RowType row = RowType.from(ImmutableList.of(RowType.field("a", BIGINT), RowType.field("ts", TIMESTAMP_NANOS)));
        assertRefusedValue(new ArrayType(row), List.of(Arrays.asList(1L, null), Arrays.asList(2L, pastTheEnd)), "2262-04-11 23:47:16.854775808", range);
        assertRefusedValue(new MapType(VARCHAR, TIMESTAMP_NANOS, TYPE_OPERATORS), Map.of("k", pastTheEnd), "2262-04-11 23:47:16.854775808", range);
        assertRefusedValue(new MapType(TIMESTAMP_NANOS, BIGINT, TYPE_OPERATORS), Map.of(pastTheEnd, 1L), "2262-04-11 23:47:16.854775808", range);
    }

    @Test
    void testTimestampAndDateExtremes()
            throws Exception
    {
        // the extremes DuckDB reads back as finite values
        Path file = tempDir.resolve("extremes.parquet");
        writeFile(
                file,
                List.of("ts", "tstz", "d"),
                List.of(TIMESTAMP_MICROS, TIMESTAMP_TZ_MICROS, DATE),
                List.of(
                        // Trino's timestamp with time zone ends long before DuckDB's
                        List.of(LocalDateTime.parse("-290308-12-22T00:00:00"), Instant.parse("-69000-01-01T00:00:00Z"), LocalDate.ofEpochDay(Integer.MIN_VALUE)),
                        List.of(LocalDateTime.parse("+294247-01-10T04:00:54.775806"), Instant.parse("+70000-12-31T23:59:59.999999Z"), LocalDate.ofEpochDay(Integer.MAX_VALUE - 1))),
                IcedbParquetWriterOptions.defaults().withValidation(true));
        try (DuckDbJudge duckDb = new DuckDbJudge()) {
            assertThat(duckDb.rowsAsText(file)).containsExactly(
                    List.of("290309-12-22 (BC) 00:00:00", "69001-01-01 (BC) 00:00:00+00", "5877642-06-23 (BC)"),
                    List.of("294247-01-10 04:00:54.775806", "70000-12-31 23:59:59.999999+00", "5881580-07-10"));
        }

        String timestampRange = "DuckDB's TIMESTAMP (290309-12-22 (BC) 00:00:00 to 294247-01-10 04:00:54.775806)";
        assertRefusedValue(TIMESTAMP_MICROS, LocalDateTime.parse("+294247-01-10T04:00:54.775807"), "+294247-01-10 04:00:54.775807", timestampRange);
        assertRefusedValue(TIMESTAMP_MICROS, LocalDateTime.parse("-290308-12-21T23:59:59.999999"), "-290308-12-21 23:59:59.999999", timestampRange);
        assertRefusedValue(new ArrayType(TIMESTAMP_MICROS), Arrays.asList(null, LocalDateTime.parse("+294247-01-10T04:00:54.775807")), "+294247-01-10 04:00:54.775807", timestampRange);
        String dateRange = "DuckDB's DATE (every date but the two DuckDB reads as infinity and -infinity)";
        assertRefusedValue(DATE, LocalDate.ofEpochDay(Integer.MAX_VALUE), "+5881580-07-11", dateRange);
        assertRefusedValue(DATE, LocalDate.ofEpochDay(-Integer.MAX_VALUE), "-5877641-06-24", dateRange);
    }

    private void assertRefusedValue(Type type, Object value, String printedValue, String range)
            throws Exception
    {
        Path file = tempDir.resolve("refused-" + UUID.randomUUID() + ".parquet");
        IcedbParquetWriter writer = createWriter(file, List.of("id", "ts"), List.of(BIGINT, type), IcedbParquetWriterOptions.defaults());
        writer.appendRows(TestingValues.page(List.of(BIGINT, type), List.of(Arrays.asList(1L, null))));
        assertThatThrownBy(() -> writer.appendRows(TestingValues.page(List.of(BIGINT, type), List.of(Arrays.asList(2L, value)))))
                .isInstanceOfSatisfying(TrinoException.class, e -> assertThat(e.getErrorCode()).isEqualTo(NUMERIC_VALUE_OUT_OF_RANGE.toErrorCode()))
                .hasMessage("Value %s of column 'ts' is outside the range IceDB writes as %s", printedValue, range);
        assertThatThrownBy(writer::commit)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("writer of local:///%s failed; roll it back", file.getFileName());
        writer.rollback();
        assertThat(Files.exists(file)).isFalse();
    }

    @Test
    void testRefusesTypesThatAreNotStorageTypes()
    {
        Path file = tempDir.resolve("not-storage.parquet");
        assertThatThrownBy(() -> createWriter(file, List.of("ts"), List.of(TIMESTAMP_MILLIS), IcedbParquetWriterOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Column 'ts' has type timestamp(3), which is not a storage type: coerce it with TrinoToDuckDbTypes.toStorageType first");
        assertThatThrownBy(() -> createWriter(file, List.of("t"), List.of(new ArrayType(createTimeType(9))), IcedbParquetWriterOptions.defaults()))
                .isInstanceOfSatisfying(TrinoException.class, e -> assertThat(e.getErrorCode()).isEqualTo(NOT_SUPPORTED.toErrorCode()))
                .hasMessage("Unsupported type array(time(9)) of column 't' for an IceDB table: DuckDB's TIME holds microseconds would lose digits of time(9)");
        assertThat(Files.exists(file)).isFalse();
    }
}
