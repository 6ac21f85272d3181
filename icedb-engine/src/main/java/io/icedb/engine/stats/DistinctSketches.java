package io.icedb.engine.stats;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.icedb.engine.exceptions.InvalidMetadataObjectException;
import io.icedb.engine.io.FileEntry;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.io.StrictJson;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.TablePaths;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Distinct-value sketches of a table's columns (what {@code ANALYZE} computes, extended by inserts), as the Iceberg
 * connector keeps theta sketches in Puffin files: one immutable JSON object per computation, tied to the log the
 * computation saw last, {@code P/_icedb/sketches/<log file name>.<20-digit write time>-<random>.json} (never under
 * {@code P/_log}: Python does not see it).
 * <pre>
 * {"version": 1, "log": "&lt;log file name&gt;", "columns": {"a": {"type": "BIGINT", "sketch": "&lt;base64&gt;"}}}
 * </pre>
 * The sketch bytes are opaque here (the connector's serialized HyperLogLog). A snapshot uses the sketches of the newest
 * computation whose log is not newer than the snapshot ({@link #select}): a sketch computed after the snapshot is never
 * used for it. Unknown keys are ignored, so later versions may add some.
 */
public final class DistinctSketches
{
    public static final int VERSION = 1;
    static final String SKETCHES_DIRECTORY = "sketches";
    private static final String SUFFIX = ".json";

    private DistinctSketches() {}

    /**
     * The sketch of one column.
     *
     * @param type the column's SQL type when the sketch was computed (the connector writes Trino's name of it): a reader
     * ignores the sketch when the column's type differs
     * @param sketch the serialized sketch
     */
    public record ColumnSketch(String type, byte[] sketch)
    {
        public ColumnSketch
        {
            requireNonNull(type, "type is null");
            sketch = sketch.clone();
        }

        @Override
        public byte[] sketch()
        {
            return sketch.clone();
        }
    }

    /**
     * {@code P/_icedb/sketches/}, with the trailing slash.
     */
    public static String sketchesPrefix(String tablePrefix)
    {
        return TablePaths.icedbPrefix(tablePrefix) + SKETCHES_DIRECTORY + "/";
    }

    /**
     * A new key for sketches computed on the snapshot whose newest log is {@code logKey}.
     */
    public static String newKey(String tablePrefix, String logKey, long nowMillis)
    {
        String logName = logName(logKey);
        return "%s%s.%020d-%s%s".formatted(sketchesPrefix(tablePrefix), logName, nowMillis, UUID.randomUUID().toString().replace("-", ""), SUFFIX);
    }

    /**
     * Writes the sketches computed on the snapshot whose newest log is {@code logKey}.
     *
     * @return the key written
     */
    public static String create(IcedbFileIo fileIo, String tablePrefix, String logKey, Map<String, ColumnSketch> columns, long nowMillis)
            throws IOException
    {
        String key = newKey(tablePrefix, logKey, nowMillis);
        fileIo.createExclusive(key, write(logKey, columns));
        return key;
    }

    /**
     * Every sketch object of the table.
     */
    public static List<String> list(IcedbFileIo fileIo, String tablePrefix)
            throws IOException
    {
        String prefix = sketchesPrefix(tablePrefix);
        List<String> keys = new ArrayList<>();
        for (FileEntry entry : fileIo.list(prefix)) {
            if (logTimestamp(prefix, entry.key()).isPresent()) {
                keys.add(entry.key());
            }
        }
        return keys;
    }

    /**
     * Of {@code keys} (sketch objects of one table), the one a snapshot of {@code version} (its newest log's
     * timestamp) uses: the newest whose log is not newer than the snapshot; of several for one log, the last written.
     */
    public static Optional<String> select(String tablePrefix, List<String> keys, long version)
    {
        String prefix = sketchesPrefix(tablePrefix);
        return keys.stream()
                .filter(key -> logTimestamp(prefix, key).filter(timestamp -> timestamp <= version).isPresent())
                .max(order(prefix));
    }

    /**
     * Of {@code keys} (sketch objects of one table), those no snapshot of {@code oldestVersion} or later selects any more
     * (what a cleanup deletes): every one that sorts before the one a snapshot of {@code oldestVersion} selects, which
     * is kept with every newer one. None when that snapshot selects none.
     */
    public static List<String> unselectable(String tablePrefix, List<String> keys, long oldestVersion)
    {
        String prefix = sketchesPrefix(tablePrefix);
        Comparator<String> order = order(prefix);
        return select(tablePrefix, keys, oldestVersion)
                .map(oldestSelected -> keys.stream()
                        .filter(key -> logTimestamp(prefix, key).isPresent() && order.compare(key, oldestSelected) < 0)
                        .toList())
                .orElse(List.of());
    }

    /**
     * By the timestamp of the log a sketch object is tied to, then by its write time (and random id).
     */
    private static Comparator<String> order(String prefix)
    {
        return Comparator.<String>comparingLong(key -> logTimestamp(prefix, key).orElseThrow())
                .thenComparing(key -> key.substring(key.lastIndexOf('.', key.length() - SUFFIX.length() - 1)));
    }

    /**
     * @throws InvalidMetadataObjectException naming the object when it is not a valid one
     */
    public static Map<String, ColumnSketch> read(IcedbFileIo fileIo, String key)
            throws IOException
    {
        return parse(key, fileIo.read(key));
    }

    public static byte[] write(String logKey, Map<String, ColumnSketch> columns)
    {
        return StrictJson.writeVersioned(VERSION, logName(logKey), "columns", generator -> {
            for (Map.Entry<String, ColumnSketch> column : new TreeMap<>(columns).entrySet()) {
                generator.writeObjectFieldStart(column.getKey());
                generator.writeStringField("type", column.getValue().type());
                generator.writeStringField("sketch", Base64.getEncoder().encodeToString(column.getValue().sketch()));
                generator.writeEndObject();
            }
        });
    }

    /**
     * @throws InvalidMetadataObjectException naming the object when it is not a valid one
     */
    public static Map<String, ColumnSketch> parse(String key, byte[] content)
    {
        return Map.copyOf(new StrictJson(key, "distinct-value sketches").parseVersioned(content, VERSION, "columns", DistinctSketches::parseColumns));
    }

    private static Map<String, ColumnSketch> parseColumns(StrictJson json, JsonParser parser, JsonToken value)
            throws IOException
    {
        return json.readObjects(parser, value, "columns", (_, where) -> {
            String type = null;
            String sketch = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken fieldValue = parser.nextToken();
                switch (name) {
                    case "type" -> type = json.string(parser, fieldValue, where + ".type");
                    case "sketch" -> sketch = json.string(parser, fieldValue, where + ".sketch");
                    default -> parser.skipChildren();
                }
            }
            if (type == null || sketch == null) {
                throw json.invalid("%s needs a string \"type\" and a string \"sketch\"".formatted(where));
            }
            try {
                return new ColumnSketch(type, Base64.getDecoder().decode(sketch));
            }
            catch (IllegalArgumentException e) {
                throw json.invalid("%s.sketch is not base64: %s".formatted(where, e.getMessage()));
            }
        });
    }

    private static String logName(String logKey)
    {
        String logName = logKey.substring(logKey.lastIndexOf('/') + 1);
        if (LogFileName.parse(logName).isEmpty()) {
            throw new IllegalArgumentException("Not a log key: " + logKey);
        }
        return logName;
    }

    /**
     * The timestamp of the log a sketch object is tied to; empty for a key that is not a sketch object's.
     */
    private static Optional<Long> logTimestamp(String prefix, String key)
    {
        if (!key.startsWith(prefix) || !key.endsWith(SUFFIX)) {
            return Optional.empty();
        }
        String name = key.substring(prefix.length(), key.length() - SUFFIX.length());
        int writeSeparator = name.lastIndexOf('.');
        if (writeSeparator <= 0 || name.indexOf('/') >= 0) {
            return Optional.empty();
        }
        return LogFileName.parse(name.substring(0, writeSeparator)).map(LogFileName::timestampMillis);
    }
}
