package io.trino.plugin.icedb.mergeengine;

import com.google.common.collect.ImmutableList;
import io.trino.spi.Page;
import io.trino.spi.PageBuilder;
import io.trino.spi.TrinoException;
import io.trino.spi.block.Block;
import io.trino.spi.block.BlockBuilder;
import io.trino.spi.block.ValueBlock;
import io.trino.spi.type.Type;
import io.trino.spi.type.TypeOperators;

import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Optional;

import static io.trino.spi.StandardErrorCode.GENERIC_INTERNAL_ERROR;
import static io.trino.spi.function.InvocationConvention.InvocationArgumentConvention.BLOCK_POSITION_NOT_NULL;
import static io.trino.spi.function.InvocationConvention.InvocationReturnConvention.FAIL_ON_NULL;
import static io.trino.spi.function.InvocationConvention.simpleConvention;
import static io.trino.spi.type.TypeUtils.readNativeValue;
import static io.trino.spi.type.TypeUtils.writeNativeValue;
import static java.util.Objects.requireNonNull;

/**
 * The rule of a table's merge engine for the rows of one key, fed in commit order (a later row is a newer one): a
 * {@link KeyRow} starts with the key's first row, takes each later row ({@link #add}) and is written as the one merged
 * row ({@link #write}). A key row keeps the pages its chosen rows are on, never more than one page per kept value.
 * <p>
 * {@code deduplicate} keeps the row with the greatest {@code version_column} (NULL below every value; ties and no
 * version column: the latest); {@code first_row} the first; {@code aggregate} combines the listed columns (NULLs
 * ignored, all NULL gives NULL; {@code count} adds up partial counts; {@code any} keeps the first non-NULL value) and
 * takes every other non-key column from the latest row.
 */
public final class IcedbKeyCombiner
{
    private final IcedbMergeEngine engine;
    private final List<Type> types;
    private final int versionChannel;
    private final Optional<MethodHandle> versionComparison;
    // per channel: the aggregate applied (null: key or latest value) and the comparison for min/max
    private final IcedbAggregateFunction[] functions;
    private final MethodHandle[] comparisons;

    /**
     * @param columns the names of the pages' channels; they must include every key column (and the version column)
     */
    public IcedbKeyCombiner(IcedbMergeEngine engine, List<String> columns, List<Type> types, TypeOperators typeOperators)
    {
        this.engine = requireNonNull(engine, "engine is null");
        this.types = ImmutableList.copyOf(types);
        for (String column : engine.primaryKey()) {
            channel(columns, column);
        }
        this.versionChannel = engine.versionColumn().map(column -> channel(columns, column)).orElse(-1);
        this.versionComparison = engine.versionColumn().map(_ -> comparison(typeOperators, types.get(versionChannel)));
        this.functions = new IcedbAggregateFunction[columns.size()];
        this.comparisons = new MethodHandle[columns.size()];
        for (int channel = 0; channel < columns.size(); channel++) {
            Optional<IcedbAggregate> aggregate = engine.type() == IcedbMergeEngineType.AGGREGATE ? engine.aggregate(columns.get(channel)) : Optional.empty();
            if (aggregate.isPresent()) {
                functions[channel] = aggregate.get().function();
                if (functions[channel] == IcedbAggregateFunction.MIN || functions[channel] == IcedbAggregateFunction.MAX) {
                    comparisons[channel] = comparison(typeOperators, types.get(channel));
                }
            }
        }
    }

    /**
     * The key columns (and version column) the pages must hold besides the ones a caller needs.
     */
    public static List<String> requiredColumns(IcedbMergeEngine engine)
    {
        ImmutableList.Builder<String> columns = ImmutableList.<String>builder().addAll(engine.primaryKey());
        engine.versionColumn().ifPresent(columns::add);
        return columns.build();
    }

    /**
     * The channel of a column among the pages' channels.
     *
     * @throws IllegalArgumentException when the column is not among them
     */
    public static int channel(List<String> columns, String column)
    {
        int channel = columns.indexOf(column);
        if (channel < 0) {
            throw new IllegalArgumentException("Column '%s' of the merge engine is not among the merged columns %s".formatted(column, columns));
        }
        return channel;
    }

    /**
     * A key whose first row (in commit order) is at {@code position} of {@code page}.
     */
    public KeyRow first(Page page, int position)
    {
        KeyRow row = new KeyRow(page, position);
        if (engine.type() == IcedbMergeEngineType.AGGREGATE) {
            row.initialize(page, position);
        }
        return row;
    }

    /**
     * The next row of the key, in commit order.
     */
    public void add(KeyRow row, Page page, int position)
    {
        switch (engine.type()) {
            case FIRST_ROW, APPEND -> {}
            case DEDUPLICATE -> {
                if (versionComparison.isEmpty() || compareVersions(page, position, row.page, row.position) >= 0) {
                    row.page = page;
                    row.position = position;
                }
            }
            case AGGREGATE -> row.aggregate(page, position);
        }
    }

    /**
     * Appends the key's merged row to {@code pageBuilder} (whose channels are the pages' channels).
     */
    public void write(KeyRow row, PageBuilder pageBuilder)
    {
        pageBuilder.declarePosition();
        for (int channel = 0; channel < types.size(); channel++) {
            row.write(channel, pageBuilder.getBlockBuilder(channel));
        }
    }

    /**
     * Appends one channel of the key's merged row.
     */
    public void write(KeyRow row, int channel, BlockBuilder builder)
    {
        row.write(channel, builder);
    }

    private int compareVersions(Page leftPage, int leftPosition, Page rightPage, int rightPosition)
    {
        Block left = leftPage.getBlock(versionChannel);
        Block right = rightPage.getBlock(versionChannel);
        boolean leftNull = left.isNull(leftPosition);
        boolean rightNull = right.isNull(rightPosition);
        if (leftNull || rightNull) {
            return leftNull == rightNull ? 0 : (leftNull ? -1 : 1);
        }
        return compare(versionComparison.get(), left, leftPosition, right, rightPosition);
    }

    private static int compare(MethodHandle comparison, Block left, int leftPosition, Block right, int rightPosition)
    {
        try {
            return Long.signum((long) comparison.invokeExact(left, leftPosition, right, rightPosition));
        }
        catch (Throwable e) {
            throw new TrinoException(GENERIC_INTERNAL_ERROR, "Failed to compare values: " + e.getMessage(), e);
        }
    }

    private static MethodHandle comparison(TypeOperators typeOperators, Type type)
    {
        return typeOperators.getComparisonUnorderedLastOperator(type, simpleConvention(FAIL_ON_NULL, BLOCK_POSITION_NOT_NULL, BLOCK_POSITION_NOT_NULL));
    }

    private static void appendPosition(BlockBuilder builder, Block block, int position)
    {
        ValueBlock values = block.getUnderlyingValueBlock();
        builder.append(values, block.getUnderlyingValuePosition(position));
    }

    /**
     * One key: where its winning (or latest) row is, and for {@code aggregate} each aggregated column's state.
     */
    public final class KeyRow
    {
        private Page page;
        private int position;
        // aggregate: per channel, the row holding min/max/any, or the running sum / boolean
        private Page[] valuePages;
        private int[] valuePositions;
        private Object[] accumulators;

        private KeyRow(Page page, int position)
        {
            this.page = page;
            this.position = position;
        }

        private void initialize(Page rowPage, int rowPosition)
        {
            valuePages = new Page[functions.length];
            valuePositions = new int[functions.length];
            accumulators = new Object[functions.length];
            for (int channel = 0; channel < functions.length; channel++) {
                if (functions[channel] != null) {
                    accumulate(channel, rowPage, rowPosition);
                }
            }
        }

        private void aggregate(Page rowPage, int rowPosition)
        {
            page = rowPage;
            position = rowPosition;
            for (int channel = 0; channel < functions.length; channel++) {
                if (functions[channel] != null) {
                    accumulate(channel, rowPage, rowPosition);
                }
            }
        }

        private void accumulate(int channel, Page rowPage, int rowPosition)
        {
            Block block = rowPage.getBlock(channel);
            if (block.isNull(rowPosition)) {
                return;
            }
            IcedbAggregateFunction function = functions[channel];
            switch (function) {
                case SUM, COUNT -> accumulators[channel] = IcedbSums.add(types.get(channel), accumulators[channel], readNativeValue(types.get(channel), block, rowPosition));
                case BOOL_AND -> accumulators[channel] = (accumulators[channel] == null || (Boolean) accumulators[channel]) && (Boolean) readNativeValue(types.get(channel), block, rowPosition);
                case BOOL_OR -> accumulators[channel] = (accumulators[channel] != null && (Boolean) accumulators[channel]) || (Boolean) readNativeValue(types.get(channel), block, rowPosition);
                case ANY -> {
                    if (valuePages[channel] == null) {
                        valuePages[channel] = rowPage;
                        valuePositions[channel] = rowPosition;
                    }
                }
                case MIN, MAX -> {
                    if (valuePages[channel] == null) {
                        valuePages[channel] = rowPage;
                        valuePositions[channel] = rowPosition;
                        return;
                    }
                    int comparison = compare(comparisons[channel], block, rowPosition, valuePages[channel].getBlock(channel), valuePositions[channel]);
                    if (function == IcedbAggregateFunction.MIN ? comparison < 0 : comparison > 0) {
                        valuePages[channel] = rowPage;
                        valuePositions[channel] = rowPosition;
                    }
                }
            }
        }

        private void write(int channel, BlockBuilder builder)
        {
            IcedbAggregateFunction function = functions[channel];
            if (function == null) {
                appendPosition(builder, page.getBlock(channel), position);
                return;
            }
            switch (function) {
                case SUM, COUNT, BOOL_AND, BOOL_OR -> writeNativeValue(types.get(channel), builder, accumulators[channel]);
                case ANY, MIN, MAX -> {
                    if (valuePages[channel] == null) {
                        builder.appendNull();
                    }
                    else {
                        appendPosition(builder, valuePages[channel].getBlock(channel), valuePositions[channel]);
                    }
                }
            }
        }
    }
}
