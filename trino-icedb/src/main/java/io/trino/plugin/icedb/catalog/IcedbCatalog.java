package io.trino.plugin.icedb.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.icedb.engine.exceptions.StorageException;
import io.icedb.engine.identity.TableIdentity;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.spec.TablePaths;
import io.icedb.engine.table.TableLog;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.plugin.icedb.IcedbConfig;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.plugin.icedb.fileio.IcedbFileIoFactory;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaNotFoundException;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.TableNotFoundException;
import io.trino.spi.security.ConnectorIdentity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_INVALID_REGISTRATION;
import static io.trino.spi.StandardErrorCode.ALREADY_EXISTS;
import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static io.trino.spi.StandardErrorCode.INVALID_SCHEMA_PROPERTY;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static io.trino.spi.StandardErrorCode.SCHEMA_NOT_EMPTY;
import static java.lang.String.format;
import static java.util.Locale.ENGLISH;
import static java.util.Objects.requireNonNull;

/**
 * Schemas and tables of the warehouse, kept in the object store itself. A schema is a directory under the warehouse;
 * a table is a directory of a schema that either holds {@code _log/} (a table that lives there) or
 * {@code _icedb/registration.json} naming the location of a table registered from elsewhere
 * ({@code register_table}). Registrations live in the object store, so they survive restarts and every coordinator
 * on the warehouse sees them. A schema is marked by the object {@code <schema>/_icedb/schema.json} (S3 has no empty
 * directories). The rules for names live here too.
 */
public final class IcedbCatalog
{
    public static final String REGISTRATION_FILE = "registration.json";
    public static final String SCHEMA_MARKER_FILE = "schema.json";
    /**
     * The longest schema or table name: both are key prefixes of every object of a table (S3 keys have at most 1,024 bytes).
     */
    public static final int MAX_NAME_LENGTH = 128;
    /**
     * The name of a materialized view's storage table, as the Iceberg connector names it: {@code <view>$materialized_view_storage}.
     */
    public static final String MATERIALIZED_VIEW_STORAGE_SUFFIX = "$materialized_view_storage";
    /**
     * The directory of a schema that holds its materialized views, one storage table directory per view.
     */
    public static final String MATERIALIZED_VIEWS_DIRECTORY = "_materialized_views";
    public static final int MAX_COLUMN_NAME_LENGTH = 255;
    /**
     * In the registration of a table created with a {@code location} outside the warehouse: DROP TABLE deletes its
     * objects (a table registered with {@code register_table} is only unregistered).
     */
    private static final String CREATED_BY_TRINO = "created_by_trino";

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
        Optional<IcedbTableLocation> registered = readRegistration(identity, table).map(Registration::location);
        if (registered.isPresent()) {
            return registered;
        }
        try {
            // a table has at least one log; an empty _log directory (left on a local file system by a DROP) is no table
            if (!TableLog.uncached(fileIoFactory.create(identity, managed), managed.prefix()).hasLogs()) {
                return Optional.empty();
            }
            return isDropped(identity, managed) ? Optional.empty() : Optional.of(managed);
        }
        catch (StorageException e) {
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
            if (!TableLog.uncached(fileIoFactory.create(identity, location), location.prefix()).hasLogs()) {
                throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, format("No IceDB table at %s: %s has no log files", location, TablePaths.logPrefix(location.prefix())));
            }
        }
        catch (StorageException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, fileIoFactory.errors().describe(format("Failed to register table %s at %s", table, location), e), e);
        }
        locationChecker().checkLocation(identity, table, location, true, INVALID_PROCEDURE_ARGUMENT);
        writeRegistration(identity, table, location, false);
    }

    /**
     * Registers a table CREATE TABLE made at a {@code location} outside the warehouse; DROP TABLE deletes its objects.
     */
    public void registerCreatedTable(ConnectorIdentity identity, SchemaTableName table, IcedbTableLocation location)
    {
        writeRegistration(identity, table, location, true);
    }

    private void writeRegistration(ConnectorIdentity identity, SchemaTableName table, IcedbTableLocation location, boolean createdByTrino)
    {
        ObjectNode registration = OBJECT_MAPPER.createObjectNode().put("location", location.location());
        if (createdByTrino) {
            registration.put(CREATED_BY_TRINO, true);
        }
        try {
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

    private Optional<Registration> readRegistration(ConnectorIdentity identity, SchemaTableName table)
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
            JsonNode root = OBJECT_MAPPER.readTree(content);
            JsonNode location = root.get("location");
            if (location == null || !location.isTextual()) {
                throw new TrinoException(ICEDB_INVALID_REGISTRATION, format("Registration %s%s of table %s has no location: %s", warehouse.root(), key, table, new String(content, StandardCharsets.UTF_8)));
            }
            return Optional.of(new Registration(IcedbTableLocation.parse(location.asText()), root.path(CREATED_BY_TRINO).asBoolean(false)));
        }
        catch (IOException | IllegalArgumentException e) {
            throw new TrinoException(ICEDB_INVALID_REGISTRATION, format("Invalid registration %s%s of table %s", warehouse.root(), key, table), e);
        }
    }

    private record Registration(IcedbTableLocation location, boolean createdByTrino) {}

    /**
     * Where a table created without {@code location} lives: {@code <warehouse>/<schema>/<table>/}.
     */
    public IcedbTableLocation tableDirectory(SchemaTableName table)
    {
        if (table.getTableName().endsWith(MATERIALIZED_VIEW_STORAGE_SUFFIX)) {
            String view = table.getTableName().substring(0, table.getTableName().length() - MATERIALIZED_VIEW_STORAGE_SUFFIX.length());
            return materializedViewDirectory(new SchemaTableName(table.getSchemaName(), view));
        }
        return warehouse.child(table.getSchemaName()).child(table.getTableName());
    }

    /**
     * The directory of materialized view {@code view}: its storage table, whose {@code _icedb/} holds the view's definition.
     */
    public IcedbTableLocation materializedViewDirectory(SchemaTableName view)
    {
        return warehouse.child(view.getSchemaName()).child(MATERIALIZED_VIEWS_DIRECTORY).child(view.getTableName());
    }

    /**
     * The names of the directories under the schema's materialized view directory (each a view when it holds a definition).
     */
    public List<String> listMaterializedViewDirectories(ConnectorIdentity identity, String schema)
    {
        if (!isValidName(schema)) {
            return ImmutableList.of();
        }
        return listChildren(identity, warehouse.child(schema).child(MATERIALIZED_VIEWS_DIRECTORY));
    }

    private String registrationKey(SchemaTableName table)
    {
        return TablePaths.icedbPrefix(tableDirectory(table).prefix()) + REGISTRATION_FILE;
    }

    public void createSchema(ConnectorIdentity identity, String schemaName, Map<String, Object> properties)
    {
        if (!properties.isEmpty()) {
            throw new TrinoException(INVALID_SCHEMA_PROPERTY, "Schema properties are not supported: " + properties.keySet());
        }
        checkNewName(schemaName, "schema");
        if (schemaExists(identity, schemaName)) {
            throw new TrinoException(ALREADY_EXISTS, format("Schema '%s' already exists", schemaName));
        }
        IcedbTableLocation schema = warehouse.child(schemaName);
        try {
            fileIoFactory.create(identity, schema).overwrite(TablePaths.icedbPrefix(schema.prefix()) + SCHEMA_MARKER_FILE, "{}".getBytes(StandardCharsets.UTF_8));
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to create schema '%s' at %s", schemaName, schema), e);
        }
    }

    public void dropSchema(ConnectorIdentity identity, String schemaName, boolean cascade)
    {
        if (!schemaExists(identity, schemaName)) {
            throw new SchemaNotFoundException(schemaName);
        }
        if (cascade) {
            throw new TrinoException(NOT_SUPPORTED, "This connector does not support dropping schemas with CASCADE option");
        }
        if (!listTables(identity, Optional.of(schemaName)).isEmpty() || !listMaterializedViewDirectories(identity, schemaName).isEmpty()) {
            throw new TrinoException(SCHEMA_NOT_EMPTY, format("Cannot drop non-empty schema '%s'", schemaName));
        }
        IcedbTableLocation schema = warehouse.child(schemaName);
        try {
            fileSystemFactory.create(identity).deleteDirectory(schema.directory());
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to drop schema '%s' at %s", schemaName, schema), e);
        }
    }

    /**
     * Drops {@code table}: runs {@code deleteTableObjects} (which deletes exactly the objects the table owns, see
     * {@link IcedbTableDeletion}), then removes its registration; a table registered with {@code register_table} is
     * only unregistered.
     */
    public void dropTable(ConnectorIdentity identity, SchemaTableName table, IcedbTableLocation location, Runnable deleteTableObjects)
    {
        Optional<Registration> registration = readRegistration(identity, table);
        try {
            if (registration.isPresent() && !registration.get().createdByTrino()) {
                // registered with register_table: the table's objects are not ours to delete
                fileIoFactory.create(identity, warehouse).delete(registrationKey(table));
                return;
            }
            if (location.prefix().isEmpty()) {
                throw new TrinoException(NOT_SUPPORTED, format("Table %s is the whole bucket %s: not dropping it", table, location));
            }
            deleteTableObjects.run();
            if (registration.isPresent()) {
                IcedbTableLocation directory = tableDirectory(table);
                IcedbFileIo warehouseIo = fileIoFactory.create(identity, warehouse);
                warehouseIo.delete(registrationKey(table));
                if (warehouseIo.list(directory.prefix() + "/").isEmpty()) {
                    fileSystemFactory.create(identity).deleteDirectory(directory.directory());
                }
            }
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to drop table %s at %s", table, location.location()), e);
        }
    }

    /**
     * Refuses a name CREATE SCHEMA or CREATE TABLE cannot use (see {@link #isValidName}).
     *
     * @param kind {@code schema} or {@code table}
     */
    public static void checkNewName(String name, String kind)
    {
        if (name.length() > MAX_NAME_LENGTH) {
            throw new TrinoException(NOT_SUPPORTED, format("%s name must be shorter than or equal to %s characters but got %s", kind.equals("schema") ? "Schema" : "Table", MAX_NAME_LENGTH, name.length()));
        }
        if (!isValidName(name)) {
            throw new TrinoException(NOT_SUPPORTED, format("Invalid %s name '%s': it must not start with '_' or '.' nor contain '/'", kind, name));
        }
    }

    public static void checkColumnName(String name)
    {
        if (name.length() > MAX_COLUMN_NAME_LENGTH) {
            throw new TrinoException(NOT_SUPPORTED, format("Column name must be shorter than or equal to %s characters but got %s", MAX_COLUMN_NAME_LENGTH, name.length()));
        }
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
