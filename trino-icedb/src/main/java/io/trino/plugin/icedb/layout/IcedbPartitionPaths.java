package io.trino.plugin.icedb.layout;

import com.google.common.collect.ImmutableList;
import io.airlift.slice.Slice;
import io.airlift.slice.Slices;
import io.trino.spi.Page;
import io.trino.spi.block.Block;
import io.trino.spi.type.Type;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * The partition paths of rows, remembered by the rows' raw partition-column values: a write computes the path of every
 * row twice (to route it to its writer and in the writer), and building it (transforms, formatting, Hive escaping)
 * cost about a quarter of a partitioned CTAS's CPU, while a table has few distinct values per partition column.
 */
public final class IcedbPartitionPaths
{
    // bounds the memory of high-cardinality columns (timestamps under hour(), bucket() of ids): start over when full
    private static final int MAX_REMEMBERED = 10_000;
    private static final Object NULL = new Object();

    private final List<IcedbPartitionField> fields;
    private final List<Integer> channels;
    private final List<Type> types;
    private final Map<Object, String> paths = new ConcurrentHashMap<>();

    /**
     * @param channels the page channel of each field's column
     * @param types the type of each field's column
     */
    public IcedbPartitionPaths(List<IcedbPartitionField> fields, List<Integer> channels, List<Type> types)
    {
        this.fields = ImmutableList.copyOf(requireNonNull(fields, "fields is null"));
        this.channels = ImmutableList.copyOf(requireNonNull(channels, "channels is null"));
        this.types = ImmutableList.copyOf(requireNonNull(types, "types is null"));
        checkArgument(fields.size() == channels.size() && fields.size() == types.size(), "fields, channels and types differ in size");
    }

    /**
     * The partition path of the row at {@code position} of {@code page}.
     */
    public String pathOf(Page page, int position)
    {
        Object key = rawKey(page, position);
        String path = paths.get(key);
        if (path == null) {
            path = IcedbPartitionSpec.partitionPath(fields, channels, types, page, position);
            if (paths.size() >= MAX_REMEMBERED) {
                paths.clear();
            }
            paths.put(key, path);
        }
        return path;
    }

    private Object rawKey(Page page, int position)
    {
        if (fields.size() == 1) {
            return rawValue(0, page, position);
        }
        List<Object> values = new ArrayList<>(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            values.add(rawValue(i, page, position));
        }
        return values;
    }

    // the column's value itself: two rows with equal values get the same path whatever the transform
    private Object rawValue(int field, Page page, int position)
    {
        Block block = page.getBlock(channels.get(field));
        if (block.isNull(position)) {
            return NULL;
        }
        Type type = types.get(field);
        Class<?> javaType = type.getJavaType();
        if (javaType == long.class) {
            return type.getLong(block, position);
        }
        if (javaType == boolean.class) {
            return type.getBoolean(block, position);
        }
        if (javaType == double.class) {
            return type.getDouble(block, position);
        }
        if (javaType == Slice.class) {
            // a copy: the key must not keep the page's buffer alive
            return Slices.wrappedBuffer(type.getSlice(block, position).getBytes());
        }
        return type.getObject(block, position);
    }
}
