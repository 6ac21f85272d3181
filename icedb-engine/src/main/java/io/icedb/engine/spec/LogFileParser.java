package io.icedb.engine.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.icedb.engine.exceptions.InvalidLogException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

/**
 * Reads and writes log files (spec §2): lenient on input, byte-identical to Python's {@code json.dumps} on output.
 * <p>
 * Reading accepts compact JSON, any key order, extra keys (ignored, whatever their value), CRLF line ends, numbers
 * given as strings ({@code "123"}) or as whole floats ({@code 123.0}), and {@code null} for an optional key. Duplicate
 * lines are kept as they are (Python writes duplicate log tombstones). A duplicate key in one object keeps the last
 * value, at the position of the first, like Python's {@code json.loads}.
 * <p>
 * Blank lines: a trailing line end, and any blank or whitespace-only lines after the last object, are ignored: they
 * hold nothing, and every index must point before them anyway. A blank line anywhere before the last object is
 * rejected: Python's reader cannot parse it, and skipping it would silently shift the line indexes of the metadata
 * line. Every other line must be one JSON object, even a line that no index refers to.
 * <p>
 * Lines are numbered from 0 in error messages, like the indexes of the metadata line.
 */
public final class LogFileParser
{
    public static final int LOG_VERSION = 1;

    private static final JsonFactory JSON_FACTORY = new JsonFactory();
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");

    private LogFileParser() {}

    /**
     * @param logKey the object's key, named in errors
     * @throws InvalidLogException when the content is not a log file
     */
    public static LogFile parse(String logKey, byte[] content)
    {
        requireNonNull(logKey, "logKey is null");
        requireNonNull(content, "content is null");

        List<Map<String, Field>> lines = readLines(logKey, content);

        Map<String, Field> metadata = lines.getFirst();
        long version = requiredLong(logKey, 0, "metadata", metadata, "v");
        long schemaIndex = requiredLong(logKey, 0, "metadata", metadata, "sch");
        long fileIndex = requiredLong(logKey, 0, "metadata", metadata, "f");
        long createdMillis = requiredLong(logKey, 0, "metadata", metadata, "t");
        OptionalLong tombstoneIndex = optionalLong(logKey, 0, "metadata", metadata, "tmb");
        if (version != LOG_VERSION) {
            throw new InvalidLogException(logKey, "unsupported log version v = %s (expected %s)".formatted(version, LOG_VERSION));
        }
        if (fileIndex < 2) {
            throw new InvalidLogException(logKey, "f = %s must be at least 2 (line 0 is the metadata, then the schema)".formatted(fileIndex));
        }
        if (fileIndex > lines.size()) {
            throw new InvalidLogException(logKey, "f = %s is beyond the end of the file, which has %s lines".formatted(fileIndex, lines.size()));
        }
        long lastBeforeMarkers = fileIndex - 1;
        if (schemaIndex < 1 || schemaIndex > lastBeforeMarkers) {
            throw new InvalidLogException(logKey, "sch = %s must be a line between 1 and f - 1 = %s".formatted(schemaIndex, lastBeforeMarkers));
        }
        if (tombstoneIndex.isPresent() && (tombstoneIndex.getAsLong() <= schemaIndex || tombstoneIndex.getAsLong() >= fileIndex)) {
            throw new InvalidLogException(logKey, "tmb = %s must be a line after sch = %s and before f = %s".formatted(tombstoneIndex.getAsLong(), schemaIndex, fileIndex));
        }

        Schema schema = readSchema(logKey, (int) schemaIndex, lines.get((int) schemaIndex));

        List<LogTombstone> logTombstones = new ArrayList<>();
        if (tombstoneIndex.isPresent()) {
            for (int index = (int) tombstoneIndex.getAsLong(); index < fileIndex; index++) {
                Map<String, Field> line = lines.get(index);
                logTombstones.add(new LogTombstone(
                        requiredString(logKey, index, "log tombstone", line, "p"),
                        requiredLong(logKey, index, "log tombstone", line, "t")));
            }
        }

        List<FileMarker> fileMarkers = new ArrayList<>();
        for (int index = (int) fileIndex; index < lines.size(); index++) {
            Map<String, Field> line = lines.get(index);
            fileMarkers.add(new FileMarker(
                    requiredString(logKey, index, "file marker", line, "p"),
                    requiredLong(logKey, index, "file marker", line, "b"),
                    requiredLong(logKey, index, "file marker", line, "t"),
                    optionalLong(logKey, index, "file marker", line, "tmb")));
        }

        return new LogFile(createdMillis, schema, logTombstones, fileMarkers);
    }

    /**
     * The exact bytes Python IceDB would write for this log: lines joined by {@code \n}, no trailing newline.
     */
    public static byte[] write(LogFile logFile)
    {
        requireNonNull(logFile, "logFile is null");
        StringBuilder out = new StringBuilder();

        int tombstoneCount = logFile.logTombstones().size();
        out.append("{\"v\": ").append(LOG_VERSION)
                .append(", \"sch\": 1, \"f\": ").append(2 + tombstoneCount)
                .append(", \"t\": ").append(logFile.createdMillis());
        if (tombstoneCount > 0) {
            out.append(", \"tmb\": 2");
        }
        out.append('}');

        out.append("\n{");
        boolean first = true;
        for (Map.Entry<String, String> column : logFile.schema().columns().entrySet()) {
            if (!first) {
                out.append(", ");
            }
            first = false;
            PythonJson.appendKey(out, column.getKey());
            PythonJson.appendString(out, column.getValue());
        }
        out.append('}');

        for (LogTombstone tombstone : logFile.logTombstones()) {
            out.append("\n{");
            PythonJson.appendKey(out, "p");
            PythonJson.appendString(out, tombstone.path());
            out.append(", \"t\": ").append(tombstone.tombstonedMillis()).append('}');
        }

        for (FileMarker marker : logFile.fileMarkers()) {
            out.append("\n{");
            PythonJson.appendKey(out, "p");
            PythonJson.appendString(out, marker.path());
            out.append(", \"b\": ").append(marker.bytes())
                    .append(", \"t\": ").append(marker.createdMillis());
            if (marker.tombstonedMillis().isPresent()) {
                out.append(", \"tmb\": ").append(marker.tombstonedMillis().getAsLong());
            }
            out.append('}');
        }

        return out.toString().getBytes(US_ASCII);
    }

    private static List<Map<String, Field>> readLines(String logKey, byte[] content)
    {
        List<LineRange> ranges = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n') {
                ranges.add(new LineRange(start, i));
                start = i + 1;
            }
        }
        ranges.add(new LineRange(start, content.length));

        while (!ranges.isEmpty() && isBlank(content, ranges.getLast())) {
            ranges.removeLast();
        }
        if (ranges.isEmpty()) {
            throw new InvalidLogException(logKey, "the file is empty");
        }

        List<Map<String, Field>> lines = new ArrayList<>(ranges.size());
        for (int index = 0; index < ranges.size(); index++) {
            LineRange range = ranges.get(index);
            if (isBlank(content, range)) {
                throw new InvalidLogException(logKey, "line %s is blank".formatted(index));
            }
            lines.add(readObject(logKey, index, content, range.start(), range.end() - range.start()));
        }
        return lines;
    }

    private static boolean isBlank(byte[] content, LineRange range)
    {
        for (int i = range.start(); i < range.end(); i++) {
            byte b = content[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads one line as a JSON object whose members are kept by name. A nested value (only allowed for keys
     * that we ignore) is skipped.
     */
    private static Map<String, Field> readObject(String logKey, int index, byte[] content, int offset, int length)
    {
        try (JsonParser parser = JSON_FACTORY.createParser(content, offset, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidLogException(logKey, "line %s is not a JSON object".formatted(index));
            }
            Map<String, Field> fields = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    parser.skipChildren();
                    fields.put(name, new Field(token, ""));
                }
                else {
                    fields.put(name, new Field(token, parser.getText()));
                }
            }
            if (parser.nextToken() != null) {
                throw new InvalidLogException(logKey, "line %s holds more than one JSON value".formatted(index));
            }
            return fields;
        }
        catch (JsonProcessingException e) {
            throw new InvalidLogException(logKey, "line %s is not valid JSON: %s".formatted(index, e.getOriginalMessage()), e);
        }
        catch (IOException e) {
            // parsing a byte array does no I/O
            throw new UncheckedIOException(e);
        }
    }

    private static Schema readSchema(String logKey, int index, Map<String, Field> line)
    {
        Map<String, String> columns = new LinkedHashMap<>();
        for (Map.Entry<String, Field> column : line.entrySet()) {
            if (column.getValue().token() != JsonToken.VALUE_STRING) {
                throw new InvalidLogException(logKey, "line %s (schema): the type of column \"%s\" is not a string but %s".formatted(
                        index, column.getKey(), describe(column.getValue())));
            }
            columns.put(column.getKey(), column.getValue().text());
        }
        return new Schema(columns);
    }

    private static String requiredString(String logKey, int index, String lineKind, Map<String, Field> line, String key)
    {
        Field field = requiredField(logKey, index, lineKind, line, key);
        if (field.token() != JsonToken.VALUE_STRING) {
            throw new InvalidLogException(logKey, "line %s (%s): \"%s\" is not a string but %s".formatted(index, lineKind, key, describe(field)));
        }
        return field.text();
    }

    private static long requiredLong(String logKey, int index, String lineKind, Map<String, Field> line, String key)
    {
        return toLong(logKey, index, lineKind, key, requiredField(logKey, index, lineKind, line, key));
    }

    private static OptionalLong optionalLong(String logKey, int index, String lineKind, Map<String, Field> line, String key)
    {
        Field field = line.get(key);
        if (field == null || field.token() == JsonToken.VALUE_NULL) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(toLong(logKey, index, lineKind, key, field));
    }

    private static Field requiredField(String logKey, int index, String lineKind, Map<String, Field> line, String key)
    {
        Field field = line.get(key);
        if (field == null) {
            throw new InvalidLogException(logKey, "line %s (%s): missing \"%s\"".formatted(index, lineKind, key));
        }
        if (field.token() == JsonToken.VALUE_NULL) {
            throw new InvalidLogException(logKey, "line %s (%s): \"%s\" is null".formatted(index, lineKind, key));
        }
        return field;
    }

    private static long toLong(String logKey, int index, String lineKind, String key, Field field)
    {
        String text = field.text().strip();
        OptionalLong value = switch (field.token()) {
            case VALUE_NUMBER_INT -> parseLong(text);
            case VALUE_NUMBER_FLOAT -> parseWholeNumber(text);
            case VALUE_STRING -> INTEGER.matcher(text).matches() ? parseLong(text) : OptionalLong.empty();
            default -> OptionalLong.empty();
        };
        if (value.isEmpty()) {
            throw new InvalidLogException(logKey, "line %s (%s): \"%s\" is not a whole number that fits in 64 bits but %s".formatted(index, lineKind, key, describe(field)));
        }
        return value.getAsLong();
    }

    private static OptionalLong parseLong(String text)
    {
        try {
            return OptionalLong.of(Long.parseLong(text));
        }
        catch (NumberFormatException _) {
            return OptionalLong.empty();
        }
    }

    private static OptionalLong parseWholeNumber(String text)
    {
        try {
            return OptionalLong.of(new BigDecimal(text).longValueExact());
        }
        catch (NumberFormatException | ArithmeticException _) {
            return OptionalLong.empty();
        }
    }

    private static String describe(Field field)
    {
        return switch (field.token()) {
            case VALUE_STRING -> "the string \"%s\"".formatted(field.text());
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            default -> field.text();
        };
    }

    private record LineRange(int start, int end) {}

    private record Field(JsonToken token, String text) {}
}
