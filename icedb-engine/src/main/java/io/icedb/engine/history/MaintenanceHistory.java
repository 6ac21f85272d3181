package io.icedb.engine.history;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.icedb.engine.exceptions.InvalidMetadataObjectException;
import io.icedb.engine.exceptions.StorageException;
import io.icedb.engine.io.FileEntry;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.io.StrictJson;
import io.icedb.engine.spec.TablePaths;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The record of what maintenance runs did to a table: one small JSON object per run under
 * {@code P/_icedb/history/<finished ms, 20 digits>-<random>.json}, never under {@code P/_log} (Python does not see it,
 * and it takes no part in any snapshot). A run writes its record after it has committed and deleted what it did; a
 * record is informational and a run that could not write one has still done its work.
 */
public final class MaintenanceHistory
{
    static final String HISTORY_DIRECTORY = "history";

    private static final JsonFactory JSON_FACTORY = new JsonFactory();
    private static final Pattern RECORD_NAME = Pattern.compile("[0-9]{20}-[0-9a-f]{32}\\.json");

    private MaintenanceHistory() {}

    /**
     * {@code P/_icedb/history/}, with the trailing slash.
     */
    public static String historyPrefix(String tablePrefix)
    {
        return TablePaths.icedbPrefix(tablePrefix) + HISTORY_DIRECTORY + "/";
    }

    /**
     * Writes the run's record with an exclusive create under a fresh name.
     *
     * @return the record's key
     */
    public static String record(IcedbFileIo fileIo, String tablePrefix, MaintenanceRun run)
            throws IOException
    {
        String key = historyPrefix(tablePrefix) + "%020d-%s.json".formatted(run.finishedMillis(), UUID.randomUUID().toString().replace("-", ""));
        fileIo.createExclusive(key, write(run));
        return key;
    }

    /**
     * Every recorded run of the table, oldest first; objects under the history prefix with other names are ignored.
     *
     * @throws InvalidMetadataObjectException naming the record when one is not a valid record
     */
    public static List<MaintenanceRun> read(IcedbFileIo fileIo, String tablePrefix)
    {
        List<String> keys;
        try {
            keys = recordKeys(fileIo, tablePrefix);
        }
        catch (IOException e) {
            throw new StorageException("Failed to list maintenance history " + historyPrefix(tablePrefix), e);
        }
        List<MaintenanceRun> runs = new ArrayList<>(keys.size());
        for (String key : keys) {
            try {
                runs.add(parse(key, fileIo.read(key)));
            }
            catch (NoSuchFileException _) {
                // deleted since the listing
            }
            catch (IOException e) {
                throw new StorageException("Failed to read maintenance record " + key, e);
            }
        }
        return runs;
    }

    /**
     * The keys of the records of runs that finished before {@code millis}, known by their names alone (for a cleanup that
     * keeps the history as long as the table's own).
     */
    public static List<String> recordsFinishedBefore(IcedbFileIo fileIo, String tablePrefix, long millis)
            throws IOException
    {
        int nameStart = historyPrefix(tablePrefix).length();
        return recordKeys(fileIo, tablePrefix).stream()
                .filter(key -> Long.parseLong(key.substring(nameStart, nameStart + 20)) < millis)
                .toList();
    }

    /**
     * The keys of the table's records, oldest first (names start with the finishing time); other objects are ignored.
     */
    private static List<String> recordKeys(IcedbFileIo fileIo, String tablePrefix)
            throws IOException
    {
        String prefix = historyPrefix(tablePrefix);
        List<String> keys = new ArrayList<>();
        for (FileEntry entry : fileIo.list(prefix)) {
            if (RECORD_NAME.matcher(entry.key().substring(prefix.length())).matches()) {
                keys.add(entry.key());
            }
        }
        keys.sort(Comparator.naturalOrder());
        return keys;
    }

    static byte[] write(MaintenanceRun run)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator generator = JSON_FACTORY.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeStringField("operation", run.operation());
            generator.writeNumberField("started_at", run.startedMillis());
            generator.writeNumberField("finished_at", run.finishedMillis());
            generator.writeStringField("holder", run.holder());
            if (run.logKey().isPresent()) {
                generator.writeStringField("log", run.logKey().get());
            }
            generator.writeObjectFieldStart("metrics");
            for (Map.Entry<String, Long> metric : run.metrics().entrySet()) {
                generator.writeNumberField(metric.getKey(), metric.getValue());
            }
            generator.writeEndObject();
            generator.writeEndObject();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Unknown keys are ignored, so later versions may add some.
     */
    static MaintenanceRun parse(String key, byte[] content)
    {
        StrictJson json = new StrictJson(key, "maintenance record");
        String operation = null;
        Long started = null;
        Long finished = null;
        String holder = null;
        String log = null;
        Map<String, Long> metrics = new LinkedHashMap<>();
        try (JsonParser parser = JSON_FACTORY.createParser(content)) {
            json.expectTopLevelObject(parser);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "operation" -> operation = json.string(parser, value, name);
                    case "started_at" -> started = json.number(parser, value, name);
                    case "finished_at" -> finished = json.number(parser, value, name);
                    case "holder" -> holder = json.string(parser, value, name);
                    case "log" -> log = json.string(parser, value, name);
                    case "metrics" -> {
                        json.expectObject(value, "metrics");
                        while (parser.nextToken() == JsonToken.FIELD_NAME) {
                            String metric = parser.currentName();
                            metrics.put(metric, json.number(parser, parser.nextToken(), "metrics." + metric));
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
        }
        catch (IOException e) {
            throw json.invalid(e.getMessage());
        }
        if (operation == null || operation.isEmpty()) {
            throw json.invalid("missing string \"operation\"");
        }
        if (started == null || finished == null) {
            throw json.invalid("missing integer \"%s\"".formatted(started == null ? "started_at" : "finished_at"));
        }
        if (holder == null) {
            throw json.invalid("missing string \"holder\"");
        }
        return new MaintenanceRun(operation, started, finished, holder, Optional.ofNullable(log), metrics);
    }
}
