package io.trino.plugin.icedb.layout;

import io.trino.spi.Page;
import io.trino.spi.block.BlockBuilder;
import io.trino.spi.type.Type;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static io.airlift.slice.Slices.utf8Slice;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.DateType.DATE;
import static io.trino.spi.type.TimestampType.TIMESTAMP_MICROS;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static org.assertj.core.api.Assertions.assertThat;

final class TestIcedbPartitionPaths
{
    private static final List<Type> TYPES = List.of(DATE, VARCHAR, TIMESTAMP_MICROS, BIGINT);
    private static final IcedbPartitionSpec SPEC = IcedbPartitionSpec.parse(
            List.of("month(d)", "s", "hour(ts)", "bucket(n, 7)"),
            Map.of("d", DATE, "s", VARCHAR, "ts", TIMESTAMP_MICROS, "n", BIGINT));

    @Test
    void testEveryRowGetsThePathItsValuesGive()
    {
        // repeated values, NULLs in each column, a value needing Hive escaping, and more distinct rows than the paths
        // remembered (10,000): each row's path is the one computed from scratch
        int rows = 25_000;
        BlockBuilder dates = DATE.createBlockBuilder(null, rows);
        BlockBuilder strings = VARCHAR.createBlockBuilder(null, rows);
        BlockBuilder timestamps = TIMESTAMP_MICROS.createBlockBuilder(null, rows);
        BlockBuilder numbers = BIGINT.createBlockBuilder(null, rows);
        for (int row = 0; row < rows; row++) {
            if (row % 97 == 0) {
                dates.appendNull();
            }
            else {
                DATE.writeLong(dates, LocalDate.of(2020, 1, 1).plusDays(row % 400).toEpochDay());
            }
            if (row % 89 == 0) {
                strings.appendNull();
            }
            else {
                VARCHAR.writeSlice(strings, utf8Slice(row % 3 == 0 ? "a/b=c" : "value-" + (row % 5)));
            }
            if (row % 83 == 0) {
                timestamps.appendNull();
            }
            else {
                TIMESTAMP_MICROS.writeLong(timestamps, row * 1_000_000L * 60);
            }
            BIGINT.writeLong(numbers, row);
        }
        Page page = new Page(dates.build(), strings.build(), timestamps.build(), numbers.build());

        IcedbPartitionPaths paths = new IcedbPartitionPaths(SPEC.fields(), List.of(0, 1, 2, 3), TYPES);
        for (int pass = 0; pass < 2; pass++) {
            for (int row = 0; row < rows; row++) {
                assertThat(paths.pathOf(page, row))
                        .as("row %s", row)
                        .isEqualTo(IcedbPartitionSpec.partitionPath(SPEC.fields(), List.of(0, 1, 2, 3), TYPES, page, row));
            }
        }
    }

    @Test
    void testOneFieldRowsWithEqualValuesShareAPath()
    {
        IcedbPartitionSpec spec = IcedbPartitionSpec.parse(List.of("s"), Map.of("s", VARCHAR));
        BlockBuilder strings = VARCHAR.createBlockBuilder(null, 3);
        VARCHAR.writeSlice(strings, utf8Slice("a/b"));
        strings.appendNull();
        VARCHAR.writeSlice(strings, utf8Slice("a/b"));
        Page page = new Page(strings.build());
        IcedbPartitionPaths paths = new IcedbPartitionPaths(spec.fields(), List.of(0), List.of(VARCHAR));
        assertThat(paths.pathOf(page, 0)).isEqualTo(paths.pathOf(page, 2)).isEqualTo("s=a%2Fb");
        assertThat(paths.pathOf(page, 1)).isEqualTo("s=__HIVE_DEFAULT_PARTITION__");
    }
}
