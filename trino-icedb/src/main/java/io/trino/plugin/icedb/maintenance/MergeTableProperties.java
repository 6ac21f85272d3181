package io.trino.plugin.icedb.maintenance;

import com.google.common.collect.ImmutableList;
import io.trino.plugin.icedb.IcedbTableDefinition;
import io.trino.plugin.icedb.writer.IcedbCompressionCodec;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SortOrder;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.trino.spi.StandardErrorCode.INVALID_TABLE_PROPERTY;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * The table properties a merge honours: the sort order ({@code sorted_by}) and the compression codec of the parts.
 * <p>
 * Read from the table's {@link IcedbTableDefinition} ({@code P/_icedb/properties.json}); a table without it (one Python
 * wrote) has no sort order and ZSTD. The sort expressions use {@code IcedbSortField}'s grammar; the merge checks the
 * columns against the log schema itself (case-insensitively, as Python's column names may have capitals).
 */
public record MergeTableProperties(List<MergeSortField> sortedBy, IcedbCompressionCodec compressionCodec)
{
    public static final MergeTableProperties DEFAULT = new MergeTableProperties(ImmutableList.of(), IcedbCompressionCodec.DEFAULT);

    private static final Pattern SORT_FIELD = Pattern.compile("([a-z_][a-z0-9_]*)(?:\\s+(ASC|DESC))?(?:\\s+NULLS\\s+(FIRST|LAST))?", Pattern.CASE_INSENSITIVE);

    public MergeTableProperties
    {
        sortedBy = ImmutableList.copyOf(sortedBy);
        requireNonNull(compressionCodec, "compressionCodec is null");
    }

    public static MergeTableProperties read(MaintainedTable table)
    {
        IcedbTableDefinition definition = IcedbTableDefinition.read(table.fileIo(), table.location());
        ImmutableList.Builder<MergeSortField> sortedBy = ImmutableList.builder();
        for (String expression : definition.sortedBy()) {
            sortedBy.add(parseSortField(table, expression));
        }
        return new MergeTableProperties(sortedBy.build(), definition.compressionCodec());
    }

    /**
     * {@code col [ASC|DESC] [NULLS FIRST|NULLS LAST]}: ascending by default, nulls first when ascending and last when
     * descending unless given (as the write path and the Iceberg connector read it).
     */
    static MergeSortField parseSortField(MaintainedTable table, String expression)
    {
        Matcher matcher = SORT_FIELD.matcher(expression.trim());
        if (!matcher.matches()) {
            throw new TrinoException(INVALID_TABLE_PROPERTY, format("Invalid sorted_by '%s' of table %s: expected col [ASC|DESC] [NULLS FIRST|NULLS LAST]", expression, table));
        }
        boolean ascending = matcher.group(2) == null || matcher.group(2).equalsIgnoreCase("ASC");
        boolean nullsFirst = matcher.group(3) == null ? ascending : matcher.group(3).equalsIgnoreCase("FIRST");
        SortOrder order;
        if (ascending) {
            order = nullsFirst ? SortOrder.ASC_NULLS_FIRST : SortOrder.ASC_NULLS_LAST;
        }
        else {
            order = nullsFirst ? SortOrder.DESC_NULLS_FIRST : SortOrder.DESC_NULLS_LAST;
        }
        return new MergeSortField(matcher.group(1).toLowerCase(Locale.ROOT), order);
    }
}
