package io.trino.plugin.icedb.layout;

import com.google.common.collect.ImmutableMap;
import io.airlift.slice.Slices;
import io.trino.spi.TrinoException;
import io.trino.spi.block.Block;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.Range;
import io.trino.spi.predicate.ValueSet;
import io.trino.spi.type.Type;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static io.trino.spi.predicate.Utils.nativeValueToBlock;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.DateType.DATE;
import static io.trino.spi.type.DecimalType.createDecimalType;
import static io.trino.spi.type.IntegerType.INTEGER;
import static io.trino.spi.type.TimestampType.TIMESTAMP_MICROS;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestIcedbPartitionField
{
    private static final long TS_2017_11_16_22_31_08 = 1_510_871_468_000_000L;

    @Test
    void testTemporalValues()
    {
        assertThat(value("year(c)", TIMESTAMP_MICROS, TS_2017_11_16_22_31_08)).hasValue("2017");
        assertThat(value("month(c)", TIMESTAMP_MICROS, TS_2017_11_16_22_31_08)).hasValue("2017-11");
        assertThat(value("day(c)", TIMESTAMP_MICROS, TS_2017_11_16_22_31_08)).hasValue("2017-11-16");
        assertThat(value("hour(c)", TIMESTAMP_MICROS, TS_2017_11_16_22_31_08)).hasValue("2017-11-16-22");
        assertThat(value("day(c)", TIMESTAMP_MICROS, -1L)).hasValue("1969-12-31");
        assertThat(value("month(c)", DATE, LocalDate.of(2024, 2, 29).toEpochDay())).hasValue("2024-02");
        assertThat(value("day(c)", DATE, null)).isEmpty();
    }

    @Test
    void testBucketIsIcebergsMurmur3Bucket()
    {
        // hash values from the Iceberg spec's appendix ("32-bit hash requirements"), bucketed over Integer.MAX_VALUE
        assertThat(value("bucket(c, 2147483647)", INTEGER, 34L)).hasValue("2017239379");
        assertThat(value("bucket(c, 2147483647)", BIGINT, 34L)).hasValue("2017239379");
        assertThat(value("bucket(c, 2147483647)", VARCHAR, Slices.utf8Slice("iceberg"))).hasValue("1210000089");
        assertThat(value("bucket(c, 2147483647)", DATE, LocalDate.of(2017, 11, 16).toEpochDay())).hasValue(String.valueOf(-653330422 & Integer.MAX_VALUE));
        assertThat(value("bucket(c, 2147483647)", TIMESTAMP_MICROS, TS_2017_11_16_22_31_08)).hasValue(String.valueOf(-2047944441 & Integer.MAX_VALUE));
        assertThat(value("bucket(c, 16)", BIGINT, 34L)).hasValue(String.valueOf(2017239379 % 16));
    }

    @Test
    void testTruncateAndIdentity()
    {
        assertThat(value("truncate(c, 10)", BIGINT, -1L)).hasValue("-10");
        assertThat(value("truncate(c, 10)", BIGINT, 19L)).hasValue("10");
        assertThat(value("truncate(c, 2)", VARCHAR, Slices.utf8Slice("😀名x"))).hasValue("😀名");
        assertThat(value("c", createDecimalType(10, 2), 12345L)).hasValue("123.45");
        assertThat(value("c", DATE, 0L)).hasValue("1970-01-01");
        assertThat(value("c", VARCHAR, Slices.utf8Slice(""))).hasValue("");
    }

    @Test
    void testKeyNamesAndExpressions()
    {
        IcedbPartitionSpec spec = IcedbPartitionSpec.parse(List.of("c", " day( t ) ", "bucket(c, 4)", "truncate(c,3)"), ImmutableMap.of("c", BIGINT, "t", DATE));
        assertThat(spec.keyNames()).containsExactly("c", "t_day", "c_bucket", "c_trunc");
        assertThat(spec.expressions()).containsExactly("c", "day(t)", "bucket(c, 4)", "truncate(c, 3)");
        assertThat(IcedbPartitionSpec.derivedKeyNames(spec.expressions())).containsExactly("t_day", "c_bucket", "c_trunc");
        assertThatThrownBy(() -> IcedbPartitionSpec.parse(List.of("hour(t)"), ImmutableMap.of("t", DATE)))
                .isInstanceOf(TrinoException.class)
                .hasMessage("Invalid partitioning 'hour(t)': hour cannot be applied to column 't' of type date");
        assertThatThrownBy(() -> IcedbPartitionSpec.parse(List.of("Day(t)"), ImmutableMap.of("t", DATE)))
                .hasMessageStartingWith("Invalid partitioning 'Day(t)': expected col");
    }

    @Test
    void testPruning()
    {
        IcedbPartitionField day = field("day(c)");
        Domain before16 = Domain.create(ValueSet.ofRanges(Range.lessThan(TIMESTAMP_MICROS, 1_705_363_200_000_000L)), false); // < 2024-01-16
        assertThat(IcedbPartitionPruning.mayContain(day, TIMESTAMP_MICROS, before16, Optional.of("2024-01-15"))).isTrue();
        assertThat(IcedbPartitionPruning.mayContain(day, TIMESTAMP_MICROS, before16, Optional.of("2024-01-16"))).isFalse();
        assertThat(IcedbPartitionPruning.mayContain(day, TIMESTAMP_MICROS, before16, Optional.empty())).isFalse();
        assertThat(IcedbPartitionPruning.mayContain(day, TIMESTAMP_MICROS, Domain.onlyNull(TIMESTAMP_MICROS), Optional.empty())).isTrue();
        // a key we cannot read never prunes
        assertThat(IcedbPartitionPruning.mayContain(day, TIMESTAMP_MICROS, before16, Optional.of("not a day"))).isTrue();

        IcedbPartitionField identity = field("c");
        Domain empty = Domain.singleValue(VARCHAR, Slices.utf8Slice(""));
        // NULL and '' share the Hive default partition
        assertThat(IcedbPartitionPruning.mayContain(identity, VARCHAR, empty, Optional.empty())).isTrue();
        assertThat(IcedbPartitionPruning.mayContain(identity, VARCHAR, empty, Optional.of("x"))).isFalse();

        IcedbPartitionField bucket = field("bucket(c, 4)");
        String keyOf34 = String.valueOf(2017239379 % 4);
        assertThat(IcedbPartitionPruning.mayContain(bucket, BIGINT, Domain.singleValue(BIGINT, 34L), Optional.of(keyOf34))).isTrue();
        assertThat(IcedbPartitionPruning.mayContain(bucket, BIGINT, Domain.singleValue(BIGINT, 34L), Optional.of(String.valueOf((2017239379 + 1) % 4)))).isFalse();
        assertThat(IcedbPartitionPruning.mayContain(bucket, BIGINT, Domain.create(ValueSet.ofRanges(Range.greaterThan(BIGINT, 0L)), false), Optional.of("0"))).isTrue();
    }

    private static IcedbPartitionField field(String expression)
    {
        return IcedbPartitionSpec.parse(List.of(expression), ImmutableMap.of("c", expression.startsWith("day") ? TIMESTAMP_MICROS : expression.startsWith("bucket") ? BIGINT : VARCHAR)).fields().getFirst();
    }

    private static Optional<String> value(String expression, Type type, Object value)
    {
        IcedbPartitionField field = IcedbPartitionSpec.parse(List.of(expression), ImmutableMap.of("c", type)).fields().getFirst();
        Block block = nativeValueToBlock(type, value);
        return field.value(type, block, 0);
    }

    @Test
    void testParameterIsKept()
    {
        assertThat(field("bucket(c, 4)").parameter()).isEqualTo(OptionalInt.of(4));
    }
}
