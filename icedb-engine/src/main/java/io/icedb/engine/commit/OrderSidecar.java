package io.icedb.engine.commit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.icedb.engine.CommitPosition;
import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotReader;
import io.icedb.engine.exceptions.InvalidMetadataObjectException;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.io.StrictJson;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.TablePaths;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the parts a superseding log adds take their place in commit order ({@link CommitPosition}), beside the log and
 * never under {@code P/_log} (Python does not see it, and the log stays byte-identical to Python's): one immutable JSON
 * object per log, {@code P/_icedb/order/<log file name>.json}, created before the log, so once the log exists the
 * sidecar either exists or never will (a reader may cache both answers). Parts of a log without one (an insert, Python's
 * merges, ours from before) sort at their log's name.
 * <pre>
 * {"version": 1, "log": "&lt;log file name&gt;", "positions": [{"after": "&lt;log file name&gt;", "seen_from": 1700000000000,
 *   "seen": ["&lt;log file name&gt;", ...], "parts": ["&lt;part key&gt;", ...]}]}
 * </pre>
 * Unknown keys are ignored, so later versions may add some.
 */
public final class OrderSidecar
{
    public static final int VERSION = 1;
    static final String ORDER_DIRECTORY = "order";

    private static final JsonFactory JSON_FACTORY = new JsonFactory();

    private OrderSidecar() {}

    /**
     * {@code P/_icedb/order/}, with the trailing slash.
     */
    public static String orderPrefix(String tablePrefix)
    {
        return TablePaths.icedbPrefix(tablePrefix) + ORDER_DIRECTORY + "/";
    }

    /**
     * The order sidecar of the log {@code logKey} (a key under {@code P/_log/}).
     */
    public static String sidecarKey(String tablePrefix, String logKey)
    {
        String logName = CommitPosition.logName(logKey);
        if (logName.isEmpty()) {
            throw new IllegalArgumentException("Not a log key: " + logKey);
        }
        return orderPrefix(tablePrefix) + logName + ".json";
    }

    /**
     * The positions a cleanup's folded log records for the alive parts that {@code foldedLogs} added (it lists them
     * from then on, and sorts after all of those logs): the positions they have in {@code snapshot}, the table before
     * the cleanup, so a cleanup changes no commit order.
     */
    public static Map<String, CommitPosition> carried(Snapshot snapshot, Set<String> foldedLogs)
    {
        Map<String, CommitPosition> positions = new HashMap<>();
        for (FileMarker part : snapshot.aliveFiles()) {
            String logKey = snapshot.addedBy().get(part.path());
            if (logKey != null && foldedLogs.contains(logKey)) {
                positions.put(part.path(), snapshot.commitPositions().getOrDefault(part.path(), CommitPosition.at(CommitPosition.logName(logKey))));
            }
        }
        return positions;
    }

    /**
     * Creates the sidecar of {@code logKey}, which must not exist yet, exclusively.
     *
     * @param parts the position of each part the log adds, by part key
     * @throws java.nio.file.FileAlreadyExistsException when it exists
     */
    public static String create(IcedbFileIo fileIo, String tablePrefix, String logKey, Map<String, CommitPosition> parts)
            throws IOException
    {
        String key = sidecarKey(tablePrefix, logKey);
        fileIo.createExclusive(key, write(logKey, parts));
        return key;
    }

    /**
     * The positions of a sidecar by part key; empty when the object does not exist.
     *
     * @throws InvalidMetadataObjectException naming the sidecar when it is not a valid one
     */
    public static Optional<Map<String, CommitPosition>> read(IcedbFileIo fileIo, String key)
            throws IOException
    {
        Optional<byte[]> content = fileIo.readIfExists(key);
        if (content.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(parse(key, content.get()));
    }

    public static byte[] write(String logKey, Map<String, CommitPosition> parts)
    {
        // parts of one position are written together
        Map<CommitPosition, Set<String>> byPosition = new HashMap<>();
        parts.forEach((part, position) -> byPosition.computeIfAbsent(position, _ -> new TreeSet<>()).add(part));
        List<Map.Entry<CommitPosition, Set<String>>> groups = new ArrayList<>(byPosition.entrySet());
        groups.sort(Comparator.comparing((Map.Entry<CommitPosition, Set<String>> group) -> group.getValue().iterator().next(), SnapshotReader.KEY_ORDER));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator generator = JSON_FACTORY.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeNumberField("version", VERSION);
            generator.writeStringField("log", CommitPosition.logName(logKey));
            generator.writeArrayFieldStart("positions");
            for (Map.Entry<CommitPosition, Set<String>> group : groups) {
                CommitPosition position = group.getKey();
                generator.writeStartObject();
                generator.writeStringField("after", position.after());
                generator.writeNumberField("seen_from", position.seenFromMillis());
                generator.writeArrayFieldStart("seen");
                for (String name : new TreeSet<>(position.seen())) {
                    generator.writeString(name);
                }
                generator.writeEndArray();
                generator.writeArrayFieldStart("parts");
                for (String part : group.getValue()) {
                    generator.writeString(part);
                }
                generator.writeEndArray();
                generator.writeEndObject();
            }
            generator.writeEndArray();
            generator.writeEndObject();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * @throws InvalidMetadataObjectException naming the sidecar when it is not a valid one
     */
    public static Map<String, CommitPosition> parse(String key, byte[] content)
    {
        return Map.copyOf(new StrictJson(key, "order sidecar").parseVersioned(content, VERSION, "positions", OrderSidecar::parsePositions));
    }

    private static Map<String, CommitPosition> parsePositions(StrictJson json, JsonParser parser, JsonToken value)
            throws IOException
    {
        expectArray(json, value, "positions");
        Map<String, CommitPosition> parts = new HashMap<>();
        int index = 0;
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            String where = "positions[%s]".formatted(index++);
            json.expectObject(token, where);
            String after = null;
            Long seenFrom = null;
            List<String> seen = null;
            List<String> paths = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken fieldValue = parser.nextToken();
                switch (name) {
                    case "after" -> after = json.string(parser, fieldValue, where + ".after");
                    case "seen_from" -> seenFrom = json.number(parser, fieldValue, where + ".seen_from");
                    case "seen" -> seen = strings(json, parser, fieldValue, where + ".seen");
                    case "parts" -> paths = strings(json, parser, fieldValue, where + ".parts");
                    default -> parser.skipChildren();
                }
            }
            if (after == null || seenFrom == null || seen == null || paths == null) {
                throw json.invalid("%s needs a string \"after\", an integer \"seen_from\" and arrays \"seen\" and \"parts\"".formatted(where));
            }
            CommitPosition position = new CommitPosition(after, seenFrom, new HashSet<>(seen));
            for (String path : paths) {
                if (parts.put(path, position) != null) {
                    throw json.invalid("part %s has two positions".formatted(path));
                }
            }
        }
        return parts;
    }

    private static List<String> strings(StrictJson json, JsonParser parser, JsonToken value, String name)
            throws IOException
    {
        expectArray(json, value, name);
        List<String> strings = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            strings.add(json.string(parser, token, name + "[]"));
        }
        return strings;
    }

    private static void expectArray(StrictJson json, JsonToken value, String name)
    {
        if (value != JsonToken.START_ARRAY) {
            throw json.invalid("\"%s\" is not an array".formatted(name));
        }
    }
}
