package io.trino.plugin.icedb.catalog;

import io.icedb.engine.io.FileEntry;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.spec.TablePaths;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.plugin.icedb.fileio.IcedbFileIoFactory;
import io.trino.spi.ErrorCodeSupplier;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.security.ConnectorIdentity;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Optional;

import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * Refuses a table location that overlaps what the warehouse holds, so that no table can ever own another's objects:
 * a location may not enclose the warehouse, be a schema's directory, lie inside another table's prefix (a directory
 * with {@code _log/} or a registration), or enclose one. Checked against the storage on CREATE TABLE, CREATE TABLE AS
 * and {@code register_table}; {@code register_table} may name the exact location of an existing table (a second name for
 * it: dropping a registered name only unregisters it).
 */
public final class IcedbLocationChecker
{
    // the object CREATE SCHEMA writes under the schema's directory (IcedbWriteOperations.SCHEMA_MARKER_FILE)
    private static final String SCHEMA_MARKER_FILE = "schema.json";

    private final IcedbFileIoFactory fileIoFactory;
    private final IcedbTableLocation warehouse;

    public IcedbLocationChecker(IcedbFileIoFactory fileIoFactory, IcedbTableLocation warehouse)
    {
        this.fileIoFactory = requireNonNull(fileIoFactory, "fileIoFactory is null");
        this.warehouse = requireNonNull(warehouse, "warehouse is null");
    }

    /**
     * @param registering whether {@code location} is registered ({@code register_table}): it then holds a table itself
     * @param errorCode the error of a refused location (an invalid table property or procedure argument)
     */
    public void checkLocation(ConnectorIdentity identity, SchemaTableName table, IcedbTableLocation location, boolean registering, ErrorCodeSupplier errorCode)
    {
        String what = registering ? "register table %s at %s".formatted(table, location) : "create table %s at %s".formatted(table, location);
        if (location.prefix().isEmpty()) {
            throw new TrinoException(errorCode, format("Cannot %s: a table cannot be the whole bucket", what));
        }
        if (location.root().equals(warehouse.root()) && (warehouse.prefix().isEmpty() ? location.prefix().isEmpty() : isSameOrInside(warehouse.prefix(), location.prefix()))) {
            throw new TrinoException(errorCode, format("Cannot %s: the location encloses the warehouse %s", what, warehouse));
        }
        IcedbFileIo fileIo = fileIoFactory.create(identity, location);
        try {
            if (exists(fileIo, TablePaths.icedbPrefix(location.prefix()) + SCHEMA_MARKER_FILE)) {
                throw new TrinoException(errorCode, format("Cannot %s: it is the directory of a schema", what));
            }
            // inside another table: an ancestor directory holds a log or a registration
            String[] segments = location.prefix().split("/");
            StringBuilder ancestor = new StringBuilder();
            for (int i = 0; i < segments.length; i++) {
                String ancestorPrefix = ancestor.toString();
                if (hasObjects(fileIo, TablePaths.logPrefix(ancestorPrefix))) {
                    throw new TrinoException(errorCode, format("Cannot %s: the location is inside the table at %s", what, new IcedbTableLocation(location.root(), ancestorPrefix)));
                }
                if (!ancestorPrefix.isEmpty() && exists(fileIo, TablePaths.icedbPrefix(ancestorPrefix) + IcedbCatalog.REGISTRATION_FILE)) {
                    throw new TrinoException(errorCode, format("Cannot %s: the location is inside the directory of the registered table %s", what, new IcedbTableLocation(location.root(), ancestorPrefix)));
                }
                if (i > 0) {
                    ancestor.append('/');
                }
                ancestor.append(segments[i]);
            }
            // enclosing another table: a directory below holds a log, a schema or a registration of its own
            Optional<String> enclosed = enclosedTable(fileIo.list(location.prefix() + "/"), location.prefix() + "/");
            if (enclosed.isPresent()) {
                throw new TrinoException(errorCode, format("Cannot %s: the location encloses the table or schema at %s", what, new IcedbTableLocation(location.root(), enclosed.get())));
            }
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Cannot %s: failed to check the location: %s", what, e.getMessage()), e);
        }
    }

    private static Optional<String> enclosedTable(List<FileEntry> objects, String directory)
    {
        for (FileEntry object : objects) {
            String rest = object.key().substring(directory.length());
            for (String marker : List.of(TablePaths.LOG_DIRECTORY, TablePaths.ICEDB_DIRECTORY)) {
                int at = rest.indexOf("/" + marker + "/");
                if (at > 0) {
                    return Optional.of(directory + rest.substring(0, at));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isSameOrInside(String prefix, String candidateParent)
    {
        return prefix.equals(candidateParent) || prefix.startsWith(candidateParent + "/");
    }

    private static boolean hasObjects(IcedbFileIo fileIo, String prefix)
            throws IOException
    {
        return !fileIo.list(prefix).isEmpty();
    }

    private static boolean exists(IcedbFileIo fileIo, String key)
            throws IOException
    {
        try {
            fileIo.size(key);
            return true;
        }
        catch (NoSuchFileException _) {
            return false;
        }
    }
}
