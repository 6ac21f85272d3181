package io.trino.plugin.icedb.reader;

import com.google.common.collect.ImmutableList;
import io.trino.spi.block.Block;
import io.trino.spi.block.RowBlock;
import io.trino.spi.type.RowType;
import io.trino.spi.type.Type;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Struct fields pushed into the scan: the pruned row type that reads only the fields used, and the extraction of a
 * field from the blocks read.
 */
public final class IcedbProjections
{
    private IcedbProjections() {}

    /**
     * {@code type} with only the fields on {@code paths} (all of a field when some path ends at it), in the original order.
     */
    public static Type prune(Type type, List<List<String>> paths)
    {
        if (paths.stream().anyMatch(List::isEmpty) || !(type instanceof RowType rowType)) {
            return type;
        }
        Map<String, List<List<String>>> byField = new LinkedHashMap<>();
        for (List<String> path : paths) {
            byField.computeIfAbsent(path.getFirst(), _ -> new ArrayList<>()).add(path.subList(1, path.size()));
        }
        ImmutableList.Builder<RowType.Field> fields = ImmutableList.builder();
        for (RowType.Field field : rowType.getFields()) {
            List<List<String>> tails = field.getName().map(byField::get).orElse(null);
            if (tails != null) {
                fields.add(new RowType.Field(field.getName(), prune(field.getType(), tails)));
            }
        }
        return RowType.from(fields.build());
    }

    /**
     * The indexes of the fields of {@code path} in the (pruned) row type {@code type}.
     */
    public static List<Integer> fieldIndexes(Type type, List<String> path)
    {
        ImmutableList.Builder<Integer> indexes = ImmutableList.builder();
        Type current = type;
        for (String name : path) {
            List<RowType.Field> fields = ((RowType) current).getFields();
            int index = -1;
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).getName().orElse("").equals(name)) {
                    index = i;
                    break;
                }
            }
            if (index < 0) {
                throw new IllegalArgumentException("No field %s in %s".formatted(name, current));
            }
            indexes.add(index);
            current = fields.get(index).getType();
        }
        return indexes.build();
    }

    /**
     * The field at {@code fieldIndexes} of every row of {@code block}; NULL where a row on the way is NULL.
     */
    public static Block dereference(Block block, List<Integer> fieldIndexes)
    {
        Block current = block;
        for (int index : fieldIndexes) {
            current = RowBlock.getRowFieldsFromBlock(current).get(index);
        }
        return current;
    }
}
