package io.icedb.engine.stats;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.icedb.engine.Snapshot;
import io.icedb.engine.exceptions.InvalidMetadataObjectException;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.io.StrictJson;
import io.icedb.engine.spec.TablePaths;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Part statistics beside the log, never under {@code P/_log} (Python does not see them): one immutable JSON object per
 * log, {@code P/_icedb/stats/<log file name>.json}, holding the statistics of parts that log adds. The statistics of an
 * alive part are in the sidecar of the log that {@linkplain Snapshot#addedBy() added it} (its first folded log); a part
 * missing from that sidecar (or a log without one: Python's logs, merged logs, ours from before) has its statistics
 * taken from its Parquet footer by the reader, which may then create the sidecar. Sidecars are created exclusively and
 * never changed, so a parsed one can be cached by key; they are advice, and a reader that cannot use one falls back to
 * the footers.
 * <pre>
 * {"version": 1, "log": "&lt;log file name&gt;", "parts": {"&lt;part path&gt;": {"rows": 3, "columns": {"a":
 *   {"type": "BIGINT", "nulls": 0, "min": "1", "max": "7", "bytes": 48}}}}}
 * </pre>
 * {@code nulls}, {@code min} and {@code max} are omitted when unknown; value text is described by {@link PartStats}.
 * Unknown keys are ignored, so later versions may add some.
 */
public final class StatsSidecar
{
    public static final int VERSION = 1;
    static final String STATS_DIRECTORY = "stats";

    private StatsSidecar() {}

    /**
     * {@code P/_icedb/stats/}, with the trailing slash.
     */
    public static String statsPrefix(String tablePrefix)
    {
        return TablePaths.icedbPrefix(tablePrefix) + STATS_DIRECTORY + "/";
    }

    /**
     * The sidecar of the log {@code logKey} (a key under {@code P/_log/}).
     */
    public static String sidecarKey(String tablePrefix, String logKey)
    {
        String logName = logKey.substring(logKey.lastIndexOf('/') + 1);
        if (logName.isEmpty()) {
            throw new IllegalArgumentException("Not a log key: " + logKey);
        }
        return statsPrefix(tablePrefix) + logName + ".json";
    }

    /**
     * The key of the sidecar holding the statistics of alive part {@code partPath} of {@code snapshot}.
     */
    public static Optional<String> sidecarOf(Snapshot snapshot, String partPath)
    {
        return Optional.ofNullable(snapshot.addedBy().get(partPath))
                .map(logKey -> sidecarKey(snapshot.tablePrefix(), logKey));
    }

    /**
     * Creates the sidecar of {@code logKey} exclusively.
     *
     * @throws java.nio.file.FileAlreadyExistsException when it exists
     */
    public static String create(IcedbFileIo fileIo, String tablePrefix, String logKey, Map<String, PartStats> parts)
            throws IOException
    {
        String key = sidecarKey(tablePrefix, logKey);
        fileIo.createExclusive(key, write(logKey, parts));
        return key;
    }

    /**
     * The parts of a sidecar; empty when the object does not exist.
     *
     * @throws InvalidMetadataObjectException naming the sidecar when it is not a valid one
     */
    public static Optional<Map<String, PartStats>> read(IcedbFileIo fileIo, String key)
            throws IOException
    {
        Optional<byte[]> content = fileIo.readIfExists(key);
        if (content.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(parse(key, content.get()));
    }

    public static byte[] write(String logKey, Map<String, PartStats> parts)
    {
        return StrictJson.writeVersioned(VERSION, logKey.substring(logKey.lastIndexOf('/') + 1), "parts", generator -> {
            for (Map.Entry<String, PartStats> part : new TreeMap<>(parts).entrySet()) {
                generator.writeObjectFieldStart(part.getKey());
                generator.writeNumberField("rows", part.getValue().rows());
                generator.writeObjectFieldStart("columns");
                for (Map.Entry<String, ColumnStats> column : new TreeMap<>(part.getValue().columns()).entrySet()) {
                    ColumnStats stats = column.getValue();
                    generator.writeObjectFieldStart(column.getKey());
                    generator.writeStringField("type", stats.type());
                    if (stats.nulls().isPresent()) {
                        generator.writeNumberField("nulls", stats.nulls().getAsLong());
                    }
                    if (stats.min().isPresent()) {
                        generator.writeStringField("min", stats.min().get());
                        generator.writeStringField("max", stats.max().orElseThrow());
                    }
                    generator.writeNumberField("bytes", stats.bytes());
                    generator.writeEndObject();
                }
                generator.writeEndObject();
                generator.writeEndObject();
            }
        });
    }

    /**
     * @throws InvalidMetadataObjectException naming the sidecar when it is not a valid one
     */
    public static Map<String, PartStats> parse(String key, byte[] content)
    {
        return Map.copyOf(new StrictJson(key, "statistics sidecar").parseVersioned(content, VERSION, "parts", StatsSidecar::parseParts));
    }

    private static Map<String, PartStats> parseParts(StrictJson json, JsonParser parser, JsonToken value)
            throws IOException
    {
        return json.readObjects(parser, value, "parts", (path, where) -> {
            Long rows = null;
            Map<String, ColumnStats> columns = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken fieldValue = parser.nextToken();
                switch (name) {
                    case "rows" -> rows = json.number(parser, fieldValue, where + ".rows");
                    case "columns" -> columns = parseColumns(json, parser, fieldValue, where + ".columns");
                    default -> parser.skipChildren();
                }
            }
            if (rows == null || rows < 0 || columns == null) {
                throw json.invalid("part %s needs a non-negative integer \"rows\" and an object \"columns\"".formatted(path));
            }
            return new PartStats(rows, columns);
        });
    }

    private static Map<String, ColumnStats> parseColumns(StrictJson json, JsonParser parser, JsonToken value, String columnsWhere)
            throws IOException
    {
        return json.readObjects(parser, value, columnsWhere, (_, where) -> {
            String type = null;
            Long nulls = null;
            String min = null;
            String max = null;
            long bytes = 0;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken fieldValue = parser.nextToken();
                switch (name) {
                    case "type" -> type = json.string(parser, fieldValue, where + ".type");
                    case "nulls" -> nulls = json.number(parser, fieldValue, where + ".nulls");
                    case "min" -> min = json.string(parser, fieldValue, where + ".min");
                    case "max" -> max = json.string(parser, fieldValue, where + ".max");
                    case "bytes" -> bytes = json.number(parser, fieldValue, where + ".bytes");
                    default -> parser.skipChildren();
                }
            }
            if (type == null || (min == null) != (max == null) || (nulls != null && nulls < 0) || bytes < 0) {
                throw json.invalid("%s needs a string \"type\", both or neither of \"min\" and \"max\", and non-negative counts".formatted(where));
            }
            return new ColumnStats(type, nulls == null ? OptionalLong.empty() : OptionalLong.of(nulls), Optional.ofNullable(min), Optional.ofNullable(max), bytes);
        });
    }
}
