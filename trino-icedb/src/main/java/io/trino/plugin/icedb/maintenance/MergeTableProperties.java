package io.trino.plugin.icedb.maintenance;

import com.google.common.collect.ImmutableList;
import io.trino.plugin.icedb.IcedbTableDefinition;
import io.trino.plugin.icedb.layout.IcedbSortField;
import io.trino.plugin.icedb.mergeengine.IcedbMergeEngine;
import io.trino.plugin.icedb.writer.IcedbCompressionCodec;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The table properties a merge honours: the sort order ({@code sorted_by}) and the compression codec of the parts.
 * <p>
 * Read from the table's {@link IcedbTableDefinition} ({@code P/_icedb/properties.json}); a table without it (one Python
 * wrote) has no sort order and ZSTD. The sort expressions are parsed by {@link IcedbSortField#parseExpression}; the merge checks the
 * columns against the log schema itself (case-insensitively, as Python's column names may have capitals).
 */
public record MergeTableProperties(List<IcedbSortField> sortedBy, IcedbCompressionCodec compressionCodec, IcedbMergeEngine mergeEngine)
{
    public static final MergeTableProperties DEFAULT = new MergeTableProperties(ImmutableList.of(), IcedbCompressionCodec.DEFAULT, IcedbMergeEngine.APPEND);

    public MergeTableProperties
    {
        sortedBy = ImmutableList.copyOf(sortedBy);
        requireNonNull(compressionCodec, "compressionCodec is null");
        requireNonNull(mergeEngine, "mergeEngine is null");
    }

    public static MergeTableProperties read(MaintainedTable table)
    {
        IcedbTableDefinition definition = IcedbTableDefinition.read(table.fileIo(), table.location());
        ImmutableList.Builder<IcedbSortField> sortedBy = ImmutableList.builder();
        for (String expression : definition.sortedBy()) {
            sortedBy.add(IcedbSortField.parseExpression(expression));
        }
        return new MergeTableProperties(sortedBy.build(), definition.compressionCodec(), definition.mergeEngine());
    }
}
