package io.trino.plugin.icedb.mergeengine;

import com.google.common.collect.ImmutableList;
import io.trino.spi.Page;
import io.trino.spi.TrinoException;
import io.trino.spi.block.Block;
import io.trino.spi.block.BlockBuilder;
import io.trino.spi.block.ValueBlock;
import io.trino.spi.type.Type;
import io.trino.spi.type.TypeOperators;

import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.trino.spi.StandardErrorCode.GENERIC_INTERNAL_ERROR;
import static io.trino.spi.function.InvocationConvention.InvocationArgumentConvention.BLOCK_POSITION_NOT_NULL;
import static io.trino.spi.function.InvocationConvention.InvocationReturnConvention.FAIL_ON_NULL;
import static io.trino.spi.function.InvocationConvention.simpleConvention;
import static io.trino.spi.type.TypeUtils.readNativeValue;
import static java.util.Objects.requireNonNull;

/**
 * Combines rows by primary key with a table's merge engine: one output row per key. Pages must be added in commit
 * order (the parts in the order of the logs that added them, each part's rows in file order): a later row is a newer
 * one. Used by merge on read, by merges ({@code CALL merge}, {@code EXECUTE merge}) and by row-level rewrites.
 * <p>
 * {@code deduplicate} keeps the row with the greatest {@code version_column} (NULL below every value; ties and no
 * version column: the latest); {@code first_row} the first; {@code aggregate} combines the listed columns (NULLs
 * ignored, all NULL gives NULL; {@code count} adds up partial counts; {@code any} keeps the first non-NULL value) and
 * takes every other non-key column from the latest row. Output rows come in the order their keys were first seen.
 */
public final class IcedbRowMerger
{
    private final IcedbMergeEngine engine;
    private final List<Type> types;
    private final int[] keyChannels;
    private final int versionChannel;
    private final Optional<MethodHandle> versionComparison;
    // per channel: the aggregate applied (null: key or latest value) and the comparison for min/max
    private final IcedbAggregateFunction[] functions;
    private final MethodHandle[] comparisons;
    private final List<Page> pages = new ArrayList<>();
    private final Map<List<Object>, KeyState> states = new LinkedHashMap<>();
    private long retainedBytes;

    /**
     * @param columns the names of the pages' channels; they must include every key column (and the version column)
     */
    public IcedbRowMerger(IcedbMergeEngine engine, List<String> columns, List<Type> types, TypeOperators typeOperators)
    {
        this.engine = requireNonNull(engine, "engine is null");
        this.types = ImmutableList.copyOf(types);
        this.keyChannels = engine.primaryKey().stream().mapToInt(column -> channel(columns, column)).toArray();
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

    public void add(Page page)
    {
        if (page.getPositionCount() == 0) {
            return;
        }
        int pageIndex = pages.size();
        pages.add(page);
        retainedBytes += page.getRetainedSizeInBytes();
        for (int position = 0; position < page.getPositionCount(); position++) {
            Object[] key = new Object[keyChannels.length];
            for (int i = 0; i < keyChannels.length; i++) {
                key[i] = readNativeValue(types.get(keyChannels[i]), page.getBlock(keyChannels[i]), position);
            }
            List<Object> keyList = Arrays.asList(key);
            KeyState state = states.get(keyList);
            if (state == null) {
                states.put(keyList, new KeyState(pageIndex, position, functions.length));
                if (engine.type() == IcedbMergeEngineType.AGGREGATE) {
                    states.get(keyList).initialize(pageIndex, position);
                }
                continue;
            }
            switch (engine.type()) {
                case FIRST_ROW, APPEND -> {}
                case DEDUPLICATE -> {
                    if (versionComparison.isEmpty() || compareVersions(pageIndex, position, state.page, state.position) >= 0) {
                        state.page = pageIndex;
                        state.position = position;
                    }
                }
                case AGGREGATE -> state.aggregate(pageIndex, position);
            }
        }
    }

    public long getRetainedSizeInBytes()
    {
        return retainedBytes + states.size() * 64L;
    }

    public int keyCount()
    {
        return states.size();
    }

    /**
     * The merged rows, one per key, in pages of at most {@code maxRows} rows.
     */
    public List<Page> finish(int maxRows)
    {
        List<Page> output = new ArrayList<>();
        List<KeyState> all = new ArrayList<>(states.values());
        for (int start = 0; start < all.size(); start += maxRows) {
            List<KeyState> batch = all.subList(start, Math.min(all.size(), start + maxRows));
            Block[] blocks = new Block[types.size()];
            for (int channel = 0; channel < types.size(); channel++) {
                BlockBuilder builder = types.get(channel).createBlockBuilder(null, batch.size());
                for (KeyState state : batch) {
                    state.write(channel, builder);
                }
                blocks[channel] = builder.build();
            }
            output.add(new Page(batch.size(), blocks));
        }
        pages.clear();
        states.clear();
        return output;
    }

    private int compareVersions(int leftPage, int leftPosition, int rightPage, int rightPosition)
    {
        Block left = pages.get(leftPage).getBlock(versionChannel);
        Block right = pages.get(rightPage).getBlock(versionChannel);
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

    private static int channel(List<String> columns, String column)
    {
        int channel = columns.indexOf(column);
        if (channel < 0) {
            throw new IllegalArgumentException("Column '%s' of the merge engine is not among the merged columns %s".formatted(column, columns));
        }
        return channel;
    }

    private static void appendPosition(BlockBuilder builder, Block block, int position)
    {
        ValueBlock values = block.getUnderlyingValueBlock();
        builder.append(values, block.getUnderlyingValuePosition(position));
    }

    /**
     * One key: where its winning (or latest) row is, and for {@code aggregate} each aggregated column's state.
     */
    private final class KeyState
    {
        private int page;
        private int position;
        // aggregate: per channel, the position holding min/max/any, or the running sum / boolean
        private int[] valuePages;
        private int[] valuePositions;
        private Object[] accumulators;

        KeyState(int page, int position, int channels)
        {
            this.page = page;
            this.position = position;
        }

        void initialize(int pageIndex, int rowPosition)
        {
            valuePages = new int[functions.length];
            valuePositions = new int[functions.length];
            accumulators = new Object[functions.length];
            Arrays.fill(valuePages, -1);
            for (int channel = 0; channel < functions.length; channel++) {
                if (functions[channel] != null) {
                    accumulate(channel, pageIndex, rowPosition);
                }
            }
        }

        void aggregate(int pageIndex, int rowPosition)
        {
            page = pageIndex;
            position = rowPosition;
            for (int channel = 0; channel < functions.length; channel++) {
                if (functions[channel] != null) {
                    accumulate(channel, pageIndex, rowPosition);
                }
            }
        }

        private void accumulate(int channel, int pageIndex, int rowPosition)
        {
            Block block = pages.get(pageIndex).getBlock(channel);
            if (block.isNull(rowPosition)) {
                return;
            }
            IcedbAggregateFunction function = functions[channel];
            switch (function) {
                case SUM, COUNT -> accumulators[channel] = IcedbSums.add(types.get(channel), accumulators[channel], readNativeValue(types.get(channel), block, rowPosition));
                case BOOL_AND -> accumulators[channel] = (accumulators[channel] == null || (Boolean) accumulators[channel]) && (Boolean) readNativeValue(types.get(channel), block, rowPosition);
                case BOOL_OR -> accumulators[channel] = (accumulators[channel] != null && (Boolean) accumulators[channel]) || (Boolean) readNativeValue(types.get(channel), block, rowPosition);
                case ANY -> {
                    if (valuePages[channel] < 0) {
                        valuePages[channel] = pageIndex;
                        valuePositions[channel] = rowPosition;
                    }
                }
                case MIN, MAX -> {
                    if (valuePages[channel] < 0) {
                        valuePages[channel] = pageIndex;
                        valuePositions[channel] = rowPosition;
                        return;
                    }
                    int comparison = compare(comparisons[channel], block, rowPosition, pages.get(valuePages[channel]).getBlock(channel), valuePositions[channel]);
                    if (function == IcedbAggregateFunction.MIN ? comparison < 0 : comparison > 0) {
                        valuePages[channel] = pageIndex;
                        valuePositions[channel] = rowPosition;
                    }
                }
            }
        }

        void write(int channel, BlockBuilder builder)
        {
            IcedbAggregateFunction function = functions[channel];
            if (function == null) {
                appendPosition(builder, pages.get(page).getBlock(channel), position);
                return;
            }
            switch (function) {
                case SUM, COUNT, BOOL_AND, BOOL_OR -> io.trino.spi.type.TypeUtils.writeNativeValue(types.get(channel), builder, accumulators[channel]);
                case ANY, MIN, MAX -> {
                    if (valuePages[channel] < 0) {
                        builder.appendNull();
                    }
                    else {
                        appendPosition(builder, pages.get(valuePages[channel]).getBlock(channel), valuePositions[channel]);
                    }
                }
            }
        }
    }
}
