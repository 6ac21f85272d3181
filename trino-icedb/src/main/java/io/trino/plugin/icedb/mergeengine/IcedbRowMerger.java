package io.trino.plugin.icedb.mergeengine;

import com.google.common.collect.ImmutableList;
import io.trino.spi.Page;
import io.trino.spi.block.Block;
import io.trino.spi.block.BlockBuilder;
import io.trino.spi.type.Type;
import io.trino.spi.type.TypeOperators;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.trino.spi.type.TypeUtils.readNativeValue;

/**
 * Combines rows by primary key with a table's merge engine ({@link IcedbKeyCombiner}) in a hash map: one output row per
 * key, holding every added page. Pages must be added in commit order (the parts in the order of the logs that added
 * them, each part's rows in file order): a later row is a newer one. Output rows come in the order their keys were
 * first seen. Used by {@code CALL merge}; merge on read streams instead ({@link IcedbMergeOnReadPageSource}).
 */
public final class IcedbRowMerger
{
    private final IcedbKeyCombiner combiner;
    private final List<Type> types;
    private final int[] keyChannels;
    private final Map<List<Object>, IcedbKeyCombiner.KeyRow> states = new LinkedHashMap<>();
    private long retainedBytes;

    /**
     * @param columns the names of the pages' channels; they must include every key column (and the version column)
     */
    public IcedbRowMerger(IcedbMergeEngine engine, List<String> columns, List<Type> types, TypeOperators typeOperators)
    {
        this.combiner = new IcedbKeyCombiner(engine, columns, types, typeOperators);
        this.types = ImmutableList.copyOf(types);
        this.keyChannels = engine.primaryKey().stream().mapToInt(column -> IcedbKeyCombiner.channel(columns, column)).toArray();
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
        retainedBytes += page.getRetainedSizeInBytes();
        for (int position = 0; position < page.getPositionCount(); position++) {
            Object[] key = new Object[keyChannels.length];
            for (int i = 0; i < keyChannels.length; i++) {
                key[i] = readNativeValue(types.get(keyChannels[i]), page.getBlock(keyChannels[i]), position);
            }
            List<Object> keyList = Arrays.asList(key);
            IcedbKeyCombiner.KeyRow state = states.get(keyList);
            if (state == null) {
                states.put(keyList, combiner.first(page, position));
            }
            else {
                combiner.add(state, page, position);
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
        List<IcedbKeyCombiner.KeyRow> all = new ArrayList<>(states.values());
        for (int start = 0; start < all.size(); start += maxRows) {
            List<IcedbKeyCombiner.KeyRow> batch = all.subList(start, Math.min(all.size(), start + maxRows));
            Block[] blocks = new Block[types.size()];
            for (int channel = 0; channel < types.size(); channel++) {
                BlockBuilder builder = types.get(channel).createBlockBuilder(null, batch.size());
                for (IcedbKeyCombiner.KeyRow state : batch) {
                    combiner.write(state, channel, builder);
                }
                blocks[channel] = builder.build();
            }
            output.add(new Page(batch.size(), blocks));
        }
        states.clear();
        retainedBytes = 0;
        return output;
    }
}
