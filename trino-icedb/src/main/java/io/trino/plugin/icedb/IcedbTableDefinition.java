package io.trino.plugin.icedb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.spec.TablePaths;
import io.trino.plugin.icedb.mergeengine.IcedbAggregate;
import io.trino.plugin.icedb.mergeengine.IcedbMergeEngine;
import io.trino.plugin.icedb.mergeengine.IcedbMergeEngineType;
import io.trino.plugin.icedb.writer.IcedbCompressionCodec;
import io.trino.spi.TrinoException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_INVALID_PROPERTIES;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * What Trino knows about a table beyond its log: the table properties of {@code CREATE TABLE} and the comments. Kept
 * beside the table in {@code P/_icedb/properties.json} (never under {@code _log}, which Python lists); a table
 * without it (for example one Python wrote) has the defaults: no partitioning, no sort order, ZSTD.
 * <p>
 * The file is a JSON object: {@code {"format": 1, "partitioning": ["user_id", "day(ts)"], "sorted_by": ["ts"],
 * "compression_codec": "ZSTD", "parquet_bloom_filter_columns": [], "comment": "...", "column_comments": {"c": "..."}}},
 * and for a table with a merge engine {@code "primary_key": ["k"], "merge_engine": "aggregate", "version_column": "v",
 * "aggregates": ["sum(cnt)"]} (see {@link IcedbMergeEngine}; Python never reads this file).
 * A partitioning expression's Hive key is the column name for identity and {@code <column>_<transform>} otherwise
 * ({@code ts_day}, {@code user_id_bucket}, {@code name_trunc}); see {@link io.trino.plugin.icedb.layout.IcedbPartitionField}
 * for the values.
 */
public record IcedbTableDefinition(
        List<String> partitioning,
        List<String> sortedBy,
        IcedbCompressionCodec compressionCodec,
        List<String> parquetBloomFilterColumns,
        Optional<String> comment,
        Map<String, String> columnComments,
        IcedbMergeEngine mergeEngine)
{
    public static final String PROPERTIES_FILE = "properties.json";
    public static final IcedbTableDefinition DEFAULT = new IcedbTableDefinition(ImmutableList.of(), ImmutableList.of(), IcedbCompressionCodec.DEFAULT, ImmutableList.of(), Optional.empty(), ImmutableMap.of(), IcedbMergeEngine.APPEND);

    private static final ObjectMapper OBJECT_MAPPER = new ObjectMapper();
    private static final int FORMAT = 1;

    public IcedbTableDefinition
    {
        partitioning = ImmutableList.copyOf(partitioning);
        sortedBy = ImmutableList.copyOf(sortedBy);
        requireNonNull(compressionCodec, "compressionCodec is null");
        parquetBloomFilterColumns = ImmutableList.copyOf(parquetBloomFilterColumns);
        requireNonNull(comment, "comment is null");
        columnComments = ImmutableMap.copyOf(columnComments);
        requireNonNull(mergeEngine, "mergeEngine is null");
    }

    /**
     * A definition without a merge engine ({@code append}).
     */
    public IcedbTableDefinition(
            List<String> partitioning,
            List<String> sortedBy,
            IcedbCompressionCodec compressionCodec,
            List<String> parquetBloomFilterColumns,
            Optional<String> comment,
            Map<String, String> columnComments)
    {
        this(partitioning, sortedBy, compressionCodec, parquetBloomFilterColumns, comment, columnComments, IcedbMergeEngine.APPEND);
    }

    public static String key(String tablePrefix)
    {
        return TablePaths.icedbPrefix(tablePrefix) + PROPERTIES_FILE;
    }

    public IcedbTableDefinition withComment(Optional<String> comment)
    {
        return new IcedbTableDefinition(partitioning, sortedBy, compressionCodec, parquetBloomFilterColumns, comment, columnComments, mergeEngine);
    }

    public IcedbTableDefinition withColumnComment(String column, Optional<String> comment)
    {
        Map<String, String> comments = new LinkedHashMap<>(columnComments);
        comment.ifPresentOrElse(value -> comments.put(column, value), () -> comments.remove(column));
        return new IcedbTableDefinition(partitioning, sortedBy, compressionCodec, parquetBloomFilterColumns, this.comment, comments, mergeEngine);
    }

    /**
     * The table's definition, or {@link #DEFAULT} when it has no properties file.
     */
    public static IcedbTableDefinition read(IcedbFileIo fileIo, IcedbTableLocation location)
    {
        return find(fileIo, location).orElse(DEFAULT);
    }

    /**
     * The table's definition; empty when it has no properties file (a table Python wrote).
     */
    public static Optional<IcedbTableDefinition> find(IcedbFileIo fileIo, IcedbTableLocation location)
    {
        String key = key(location.prefix());
        byte[] content;
        try {
            content = fileIo.read(key);
        }
        catch (NoSuchFileException _) {
            return Optional.empty();
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to read the properties %s%s of table %s", location.root(), key, location), e);
        }
        try {
            JsonNode root = OBJECT_MAPPER.readTree(content);
            if (!root.isObject()) {
                throw new IOException("not a JSON object");
            }
            Map<String, String> columnComments = new LinkedHashMap<>();
            JsonNode comments = root.path("column_comments");
            for (Iterator<Map.Entry<String, JsonNode>> fields = comments.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                columnComments.put(field.getKey(), field.getValue().asText());
            }
            JsonNode comment = root.get("comment");
            return Optional.of(new IcedbTableDefinition(
                    strings(root, "partitioning"),
                    strings(root, "sorted_by"),
                    root.has("compression_codec") ? IcedbCompressionCodec.valueOf(root.get("compression_codec").asText()) : IcedbCompressionCodec.DEFAULT,
                    strings(root, "parquet_bloom_filter_columns"),
                    comment == null || comment.isNull() ? Optional.empty() : Optional.of(comment.asText()),
                    columnComments,
                    mergeEngine(root)));
        }
        catch (IOException | IllegalArgumentException e) {
            throw new TrinoException(ICEDB_INVALID_PROPERTIES, format("Invalid properties %s%s of table %s: %s", location.root(), key, location, new String(content, StandardCharsets.UTF_8)), e);
        }
    }

    public void write(IcedbFileIo fileIo, IcedbTableLocation location)
    {
        String key = key(location.prefix());
        try {
            fileIo.overwrite(key, toJson());
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to write the properties %s%s of table %s", location.root(), key, location), e);
        }
    }

    public byte[] toJson()
    {
        ObjectNode root = OBJECT_MAPPER.createObjectNode();
        root.put("format", FORMAT);
        partitioning.forEach(root.putArray("partitioning")::add);
        sortedBy.forEach(root.putArray("sorted_by")::add);
        root.put("compression_codec", compressionCodec.name());
        ArrayNode bloomFilterColumns = root.putArray("parquet_bloom_filter_columns");
        parquetBloomFilterColumns.forEach(bloomFilterColumns::add);
        comment.ifPresent(value -> root.put("comment", value));
        ObjectNode comments = root.putObject("column_comments");
        columnComments.forEach(comments::put);
        if (!mergeEngine.primaryKey().isEmpty() || mergeEngine.mergesRows()) {
            mergeEngine.primaryKey().forEach(root.putArray("primary_key")::add);
            root.put("merge_engine", mergeEngine.type().propertyValue());
            mergeEngine.versionColumn().ifPresent(value -> root.put("version_column", value));
            ArrayNode aggregates = root.putArray("aggregates");
            mergeEngine.aggregates().forEach(aggregate -> aggregates.add(aggregate.expression()));
        }
        try {
            return OBJECT_MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static IcedbMergeEngine mergeEngine(JsonNode root)
    {
        JsonNode engine = root.get("merge_engine");
        if (engine == null || engine.isNull()) {
            return IcedbMergeEngine.APPEND;
        }
        IcedbMergeEngineType type = IcedbMergeEngineType.fromPropertyValue(engine.asText())
                .orElseThrow(() -> new IllegalArgumentException("unknown merge_engine " + engine.asText()));
        JsonNode version = root.get("version_column");
        return new IcedbMergeEngine(
                type,
                strings(root, "primary_key"),
                version == null || version.isNull() ? Optional.empty() : Optional.of(version.asText()),
                strings(root, "aggregates").stream().map(IcedbAggregate::parse).collect(toImmutableList()));
    }

    private static List<String> strings(JsonNode root, String name)
    {
        JsonNode array = root.get(name);
        if (array == null || array.isNull()) {
            return ImmutableList.of();
        }
        if (!array.isArray()) {
            throw new IllegalArgumentException(name + " is not an array");
        }
        ImmutableList.Builder<String> values = ImmutableList.builder();
        array.forEach(element -> values.add(element.asText()));
        return values.build();
    }
}
