package io.trino.plugin.icedb.stats;

import io.icedb.engine.stats.ColumnStats;
import io.icedb.engine.stats.PartStats;
import io.trino.parquet.ParquetCorruptionException;
import io.trino.parquet.ParquetDataSourceId;
import io.trino.parquet.metadata.BlockMetadata;
import io.trino.parquet.metadata.ColumnChunkMetadata;
import io.trino.parquet.metadata.ParquetMetadata;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.Range;
import io.trino.spi.type.Type;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.joda.time.DateTimeZone;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static io.trino.parquet.predicate.TupleDomainParquetPredicate.getDomain;
import static java.util.Locale.ENGLISH;

/**
 * A part's statistics from its Parquet footer: the row count, and for each top-level column of the table the part
 * holds, its null count (summed over row groups, for primitive columns), its min and max (the span of every row group's
 * statistics as Trino reads them, for {@linkplain IcedbStatsValues#isOrderable orderable} types) and its uncompressed
 * size. The same footer rules as Trino's row-group pruning apply (NaN bounds, overflowing or missing statistics give no
 * min/max).
 */
public final class IcedbFooterStatistics
{
    private IcedbFooterStatistics() {}

    /**
     * @param columns the table's columns: name to Trino type (of the log schema)
     * @param duckDbTypes the table's columns: name to DuckDB type
     */
    public static PartStats of(ParquetMetadata footer, ParquetDataSourceId id, Map<String, Type> columns, Map<String, String> duckDbTypes)
            throws ParquetCorruptionException
    {
        Map<String, String> names = new HashMap<>();
        columns.keySet().forEach(name -> names.putIfAbsent(name.toLowerCase(ENGLISH), name));
        Map<String, Accumulator> accumulators = new HashMap<>();
        long rows = 0;
        for (BlockMetadata block : footer.getBlocks()) {
            rows += block.rowCount();
            for (ColumnChunkMetadata chunk : block.columns()) {
                String[] path = chunk.getPath().toArray();
                String name = names.get(path[0].toLowerCase(ENGLISH));
                if (name == null) {
                    continue;
                }
                Accumulator accumulator = accumulators.computeIfAbsent(name, _ -> new Accumulator(columns.get(name)));
                accumulator.bytes += chunk.getTotalUncompressedSize();
                if (path.length > 1) {
                    accumulator.nested = true;
                    continue;
                }
                accumulator.add(chunk, block.rowCount(), id);
            }
        }
        Map<String, ColumnStats> stats = new HashMap<>();
        for (Map.Entry<String, Accumulator> entry : accumulators.entrySet()) {
            stats.put(entry.getKey(), entry.getValue().build(duckDbTypes.getOrDefault(entry.getKey(), "")));
        }
        return new PartStats(rows, stats);
    }

    private static final class Accumulator
    {
        private final Type type;
        private long bytes;
        private boolean nested;
        private OptionalLong nulls = OptionalLong.of(0);
        private Optional<Domain> domain = Optional.empty();
        private boolean rangeKnown;

        Accumulator(Type type)
        {
            this.type = type;
            this.rangeKnown = IcedbStatsValues.isOrderable(type);
        }

        void add(ColumnChunkMetadata chunk, long rowCount, ParquetDataSourceId id)
                throws ParquetCorruptionException
        {
            Statistics<?> statistics = chunk.getStatistics();
            if (nulls.isPresent()) {
                nulls = statistics != null && statistics.isNumNullsSet() ? OptionalLong.of(nulls.getAsLong() + statistics.getNumNulls()) : OptionalLong.empty();
            }
            if (!rangeKnown) {
                return;
            }
            LogicalTypeAnnotation annotation = chunk.getPrimitiveType().getLogicalTypeAnnotation();
            if (annotation instanceof IntLogicalTypeAnnotation intAnnotation && !intAnnotation.isSigned()) {
                // unsigned integers are widened to a larger Trino type; their footer bounds are not in that type's order
                rangeKnown = false;
                return;
            }
            ColumnDescriptor descriptor = new ColumnDescriptor(chunk.getPath().toArray(), chunk.getPrimitiveType(), 0, 1);
            Domain chunkDomain = getDomain(descriptor, type, rowCount, statistics, id, DateTimeZone.UTC);
            if (chunkDomain.isOnlyNull()) {
                return;
            }
            if (chunkDomain.getValues().isAll() || chunkDomain.getValues().isNone()) {
                rangeKnown = false;
                return;
            }
            domain = Optional.of(domain.map(existing -> existing.union(chunkDomain)).orElse(chunkDomain));
        }

        ColumnStats build(String duckDbType)
        {
            if (nested) {
                return new ColumnStats(duckDbType, OptionalLong.empty(), Optional.empty(), Optional.empty(), bytes);
            }
            Optional<String> min = Optional.empty();
            Optional<String> max = Optional.empty();
            if (rangeKnown && domain.isPresent()) {
                Range span = domain.get().getValues().getRanges().getSpan();
                if (!span.isLowUnbounded() && !span.isHighUnbounded()) {
                    min = IcedbStatsValues.toText(type, span.getLowBoundedValue());
                    max = IcedbStatsValues.toText(type, span.getHighBoundedValue());
                    if (min.isEmpty() || max.isEmpty()) {
                        min = Optional.empty();
                        max = Optional.empty();
                    }
                }
            }
            return new ColumnStats(duckDbType, nulls, min, max, bytes);
        }
    }
}
