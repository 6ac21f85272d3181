package io.trino.plugin.icedb.maintenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.collect.ImmutableList;
import io.icedb.engine.spec.TablePaths;
import io.trino.plugin.icedb.writer.IcedbCompressionCodec;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SortOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.spi.StandardErrorCode.INVALID_TABLE_PROPERTY;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * The table properties a merge honours: the sort order ({@code sorted_by}) and the compression codec of the parts.
 * <p>
 * Read from {@code P/_icedb/properties.json}, the file the write path keeps the table properties in
 * ({@code {"sorted_by": ["ts", "event DESC NULLS LAST"], "compression_codec": "ZSTD", ...}}); a table without it (one
 * Python wrote) has no sort order and ZSTD. Interim: once the write path's {@code IcedbTableDefinition} and
 * {@code IcedbSortField} are on this branch, {@link #read} should delegate to them.
 */
public record MergeTableProperties(List<MergeSortField> sortedBy, IcedbCompressionCodec compressionCodec)
{
    public static final String PROPERTIES_FILE = "properties.json";
    public static final MergeTableProperties DEFAULT = new MergeTableProperties(ImmutableList.of(), IcedbCompressionCodec.DEFAULT);

    private static final ObjectMapper OBJECT_MAPPER = new ObjectMapper();
    private static final Pattern SORT_FIELD = Pattern.compile("([a-z_][a-z0-9_]*)(?:\\s+(ASC|DESC))?(?:\\s+NULLS\\s+(FIRST|LAST))?", Pattern.CASE_INSENSITIVE);

    public MergeTableProperties
    {
        sortedBy = ImmutableList.copyOf(sortedBy);
        requireNonNull(compressionCodec, "compressionCodec is null");
    }

    public static MergeTableProperties read(MaintainedTable table)
    {
        String key = TablePaths.icedbPrefix(table.prefix()) + PROPERTIES_FILE;
        byte[] content;
        try {
            content = table.fileIo().read(key);
        }
        catch (NoSuchFileException _) {
            return DEFAULT;
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to read the properties %s of table %s", key, table), e);
        }
        JsonNode root;
        try {
            root = OBJECT_MAPPER.readTree(content);
        }
        catch (IOException e) {
            throw invalid(table, key, content, e);
        }
        if (root == null || !root.isObject()) {
            throw invalid(table, key, content, null);
        }
        ImmutableList.Builder<MergeSortField> sortedBy = ImmutableList.builder();
        for (JsonNode expression : root.path("sorted_by")) {
            sortedBy.add(parseSortField(table, expression.asText()));
        }
        IcedbCompressionCodec codec = IcedbCompressionCodec.DEFAULT;
        if (root.hasNonNull("compression_codec")) {
            try {
                codec = IcedbCompressionCodec.valueOf(root.get("compression_codec").asText().toUpperCase(Locale.ROOT));
            }
            catch (IllegalArgumentException e) {
                throw invalid(table, key, content, e);
            }
        }
        return new MergeTableProperties(sortedBy.build(), codec);
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

    private static TrinoException invalid(MaintainedTable table, String key, byte[] content, Exception cause)
    {
        return new TrinoException(INVALID_TABLE_PROPERTY, format("Invalid properties %s of table %s: %s", key, table, new String(content, StandardCharsets.UTF_8)), cause);
    }
}
