package io.icedb.engine.identity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.icedb.engine.exceptions.InvalidMetadataObjectException;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.spec.TablePaths;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Which incarnation of a table a writer works on: {@code P/_icedb/table.json} holds a random id written when the table
 * is created, and {@code "dropped": true} while a DROP TABLE deletes the table's objects. An INSERT reads it when it
 * begins and checks it before and after creating its log (see {@code docs/concurrency.md}): a DROP, or a DROP and a new
 * table of the same name, between the two makes the insert fail and remove its log. A table without the object (one
 * Python wrote) has the identity "none".
 *
 * @param tableId the id; empty for a table that never had one
 * @param dropped whether a DROP TABLE is deleting the table
 */
public record TableIdentity(Optional<String> tableId, boolean dropped)
{
    public static final String FILE_NAME = "table.json";
    public static final TableIdentity NONE = new TableIdentity(Optional.empty(), false);

    private static final JsonFactory JSON_FACTORY = new JsonFactory();

    public TableIdentity
    {
        requireNonNull(tableId, "tableId is null");
    }

    public static String key(String tablePrefix)
    {
        return TablePaths.icedbPrefix(tablePrefix) + FILE_NAME;
    }

    /**
     * The identity now ({@link #NONE} when the object does not exist).
     */
    public static TableIdentity read(IcedbFileIo fileIo, String tablePrefix)
            throws IOException
    {
        String key = key(tablePrefix);
        byte[] content;
        try {
            content = fileIo.read(key);
        }
        catch (NoSuchFileException _) {
            return NONE;
        }
        try (JsonParser parser = JSON_FACTORY.createParser(content)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidMetadataObjectException(key, "Invalid table identity %s: not a JSON object".formatted(key));
            }
            String id = null;
            boolean dropped = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "table_id" -> id = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    case "dropped" -> dropped = value == JsonToken.VALUE_TRUE;
                    default -> parser.skipChildren();
                }
            }
            if (id == null || id.isBlank()) {
                throw new InvalidMetadataObjectException(key, "Invalid table identity %s: no table_id".formatted(key));
            }
            return new TableIdentity(Optional.of(id), dropped);
        }
        catch (IOException e) {
            throw new InvalidMetadataObjectException(key, "Invalid table identity %s: %s".formatted(key, e.getMessage()), e);
        }
    }

    /**
     * Gives the table at {@code tablePrefix} a fresh identity (CREATE TABLE, under the table's lease, before its first log).
     */
    public static TableIdentity create(IcedbFileIo fileIo, String tablePrefix, long nowMillis)
            throws IOException
    {
        TableIdentity identity = new TableIdentity(Optional.of(UUID.randomUUID().toString()), false);
        fileIo.overwrite(key(tablePrefix), identity.write(nowMillis));
        return identity;
    }

    /**
     * Marks the table as being dropped (the first write of DROP TABLE); its id stays, so no writer mistakes it for its own.
     */
    public static void markDropped(IcedbFileIo fileIo, String tablePrefix, TableIdentity current, long nowMillis)
            throws IOException
    {
        TableIdentity dropped = new TableIdentity(Optional.of(current.tableId().orElse("none-" + UUID.randomUUID())), true);
        fileIo.overwrite(key(tablePrefix), dropped.write(nowMillis));
    }

    /**
     * Whether a writer that began on {@code this} identity may still commit to the table whose identity is now {@code current}.
     */
    public boolean sameLiveTable(TableIdentity current)
    {
        return !dropped && !current.dropped && tableId.equals(current.tableId);
    }

    @Override
    public String toString()
    {
        return tableId.map(id -> dropped ? id + " (dropped)" : id).orElse("none");
    }

    private byte[] write(long nowMillis)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator generator = JSON_FACTORY.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeStringField("table_id", tableId.orElseThrow());
            generator.writeNumberField("written_at", nowMillis);
            if (dropped) {
                generator.writeBooleanField("dropped", true);
            }
            generator.writeEndObject();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
