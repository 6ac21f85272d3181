package io.trino.plugin.icedb.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.icedb.engine.identity.TableIdentity;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.spec.TablePaths;
import io.trino.filesystem.TrinoFileSystem;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.plugin.icedb.IcedbConfig;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.plugin.icedb.fileio.IcedbFileIoFactory;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.TableNotFoundException;
import io.trino.spi.security.ConnectorIdentity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Optional;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_INVALID_REGISTRATION;
import static io.trino.spi.StandardErrorCode.ALREADY_EXISTS;
import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static java.lang.String.format;
import static java.util.Locale.ENGLISH;
import static java.util.Objects.requireNonNull;

/**
 * Schemas and tables of the warehouse, kept in the object store itself. A schema is a directory under the warehouse;
 * a table is a directory of a schema that either holds {@code _log/} (a table that lives there) or
 * {@code _icedb/registration.json} naming the location of a table registered from elsewhere
 * ({@code register_table}). Registrations live in the object store, so they survive restarts and every coordinator
 * on the warehouse sees them.
 */
public final class IcedbCatalog
{
    public static final String REGISTRATION_FILE = "registration.json";
    /**
     * The longest schema or table name: both are key prefixes of every object of a table (S3 keys have at most 1,024 bytes).
     */
    public static final int MAX_NAME_LENGTH = 128;

    private static final ObjectMapper OBJECT_MAPPER = new ObjectMapper();

    private final TrinoFileSystemFactory fileSystemFactory;
    private final IcedbFileIoFactory fileIoFactory;
    private final IcedbTableLocation warehouse;

    @Inject
    public IcedbCatalog(TrinoFileSystemFactory fileSystemFactory, IcedbFileIoFactory fileIoFactory, IcedbConfig config)
    {
        this.fileSystemFactory = requireNonNull(fileSystemFactory, "fileSystemFactory is null");
        this.fileIoFactory = requireNonNull(fileIoFactory, "fileIoFactory is null");
        this.warehouse = IcedbTableLocation.parse(config.getWarehouse());
    }

    /**
     * Refuses locations that overlap a schema or another table ({@link IcedbLocationChecker}).
     */
    public IcedbLocationChecker locationChecker()
    {
        return new IcedbLocationChecker(fileIoFactory, warehouse);
    }

    public IcedbTableLocation warehouse()
    {
        return warehouse;
    }

    public List<String> listSchemas(ConnectorIdentity identity)
    {
        return listChildren(identity, warehouse);
    }

    public boolean schemaExists(ConnectorIdentity identity, String schema)
    {
        return listSchemas(identity).contains(schema);
    }

    public List<SchemaTableName> listTables(ConnectorIdentity identity, Optional<String> schema)
    {
        List<String> schemas = schema.map(List::of).orElseGet(() -> listSchemas(identity));
        ImmutableList.Builder<SchemaTableName> tables = ImmutableList.builder();
        for (String schemaName : schemas) {
            for (String tableName : listChildren(identity, warehouse.child(schemaName))) {
                SchemaTableName table = new SchemaTableName(schemaName, tableName);
                if (findTable(identity, table).isPresent()) {
                    tables.add(table);
                }
            }
        }
        return tables.build();
    }

    /**
     * The location of the table, if the warehouse has it.
     */
    public Optional<IcedbTableLocation> findTable(ConnectorIdentity identity, SchemaTableName table)
    {
        if (!isValidName(table.getSchemaName()) || !isValidName(table.getTableName())) {
            return Optional.empty();
        }
        IcedbTableLocation managed = tableDirectory(table);
        Optional<IcedbTableLocation> registered = readRegistration(identity, table);
        if (registered.isPresent()) {
            return registered;
        }
        try {
            TrinoFileSystem fileSystem = fileSystemFactory.create(identity);
            // a table has at least one log; an empty _log directory (left on a local file system by a DROP) is no table
            if (!fileSystem.listFiles(managed.keyLocation(TablePaths.logPrefix(managed.prefix()))).hasNext()) {
                return Optional.empty();
            }
            return isDropped(identity, managed) ? Optional.empty() : Optional.of(managed);
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, fileIoFactory.errors().describe(format("Failed to look up table %s at %s", table, managed), e), e);
        }
    }

    /**
     * Whether a DROP TABLE marked the table's identity dropped: its first write, and the point from which the table is
     * gone, so that a DROP interrupted while it deletes the table's objects never shows a table missing some of them.
     * A CREATE of the name finishes such a DROP. An identity that cannot be read leaves the table visible (its reads
     * report the object).
     */
    public boolean isDropped(ConnectorIdentity identity, IcedbTableLocation location)
    {
        try {
            return TableIdentity.read(fileIoFactory.create(identity, location), location.prefix()).dropped();
        }
        catch (IOException | RuntimeException _) {
            return false;
        }
    }

    /**
     * Registers the IceDB table at {@code location} as {@code table}, without copying it.
     */
    public void registerTable(ConnectorIdentity identity, SchemaTableName table, IcedbTableLocation location)
    {
        checkValidName(table.getSchemaName());
        checkValidName(table.getTableName());
        if (findTable(identity, table).isPresent()) {
            throw new TrinoException(ALREADY_EXISTS, format("Table already exists: %s", table));
        }
        try {
            IcedbFileIo tableFileIo = fileIoFactory.create(identity, location);
            if (tableFileIo.list(TablePaths.logPrefix(location.prefix())).isEmpty()) {
                throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, format("No IceDB table at %s: %s has no log files", location, TablePaths.logPrefix(location.prefix())));
            }
            locationChecker().checkLocation(identity, table, location, true, INVALID_PROCEDURE_ARGUMENT);
            ObjectNode registration = OBJECT_MAPPER.createObjectNode().put("location", location.location());
            fileIoFactory.create(identity, warehouse).createExclusive(registrationKey(table), OBJECT_MAPPER.writeValueAsBytes(registration));
        }
        catch (FileAlreadyExistsException e) {
            throw new TrinoException(ALREADY_EXISTS, format("Table already exists: %s", table), e);
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, fileIoFactory.errors().describe(format("Failed to register table %s at %s", table, location), e), e);
        }
    }

    /**
     * Removes the registration of {@code table}; the table's objects stay where they are.
     */
    public void unregisterTable(ConnectorIdentity identity, SchemaTableName table)
    {
        if (readRegistration(identity, table).isEmpty()) {
            if (findTable(identity, table).isPresent()) {
                throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, format("Table %s lives in the warehouse and is not registered; drop it instead", table));
            }
            throw new TableNotFoundException(table);
        }
        try {
            fileIoFactory.create(identity, warehouse).delete(registrationKey(table));
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to unregister table %s", table), e);
        }
    }

    private Optional<IcedbTableLocation> readRegistration(ConnectorIdentity identity, SchemaTableName table)
    {
        String key = registrationKey(table);
        byte[] content;
        try {
            content = fileIoFactory.create(identity, warehouse).read(key);
        }
        catch (NoSuchFileException _) {
            return Optional.empty();
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, fileIoFactory.errors().describe(format("Failed to read the registration of table %s: %s%s", table, warehouse.root(), key), e), e);
        }
        try {
            JsonNode location = OBJECT_MAPPER.readTree(content).get("location");
            if (location == null || !location.isTextual()) {
                throw new TrinoException(ICEDB_INVALID_REGISTRATION, format("Registration %s%s of table %s has no location: %s", warehouse.root(), key, table, new String(content, StandardCharsets.UTF_8)));
            }
            return Optional.of(IcedbTableLocation.parse(location.asText()));
        }
        catch (IOException | IllegalArgumentException e) {
            throw new TrinoException(ICEDB_INVALID_REGISTRATION, format("Invalid registration %s%s of table %s", warehouse.root(), key, table), e);
        }
    }

    private IcedbTableLocation tableDirectory(SchemaTableName table)
    {
        return warehouse.child(table.getSchemaName()).child(table.getTableName());
    }

    private String registrationKey(SchemaTableName table)
    {
        return TablePaths.icedbPrefix(tableDirectory(table).prefix()) + REGISTRATION_FILE;
    }

    private List<String> listChildren(ConnectorIdentity identity, IcedbTableLocation parent)
    {
        try {
            return fileSystemFactory.create(identity).listDirectories(parent.directory()).stream()
                    .map(location -> location.path().replaceAll("/+$", ""))
                    .map(path -> path.substring(path.lastIndexOf('/') + 1))
                    .filter(IcedbCatalog::isValidName)
                    .sorted()
                    .collect(toImmutableList());
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, fileIoFactory.errors().describe(format("Failed to list %s", parent), e), e);
        }
    }

    /**
     * Names Trino can address (lowercase, as Trino folds identifiers) that are none of IceDB's or our own directories.
     */
    private static boolean isValidName(String name)
    {
        return !name.isEmpty()
                && name.length() <= MAX_NAME_LENGTH
                && !name.startsWith("_")
                && !name.startsWith(".")
                && !name.contains("/")
                && name.equals(name.toLowerCase(ENGLISH));
    }

    private static void checkValidName(String name)
    {
        if (!isValidName(name)) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, format("Invalid schema or table name: '%s' (it must not start with '_' or '.')", name));
        }
    }
}
