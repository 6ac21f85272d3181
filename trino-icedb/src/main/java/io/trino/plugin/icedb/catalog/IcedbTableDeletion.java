package io.trino.plugin.icedb.catalog;

import io.airlift.log.Logger;
import io.icedb.engine.identity.TableIdentity;
import io.icedb.engine.io.FileEntry;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.lease.MaintenanceLease;
import io.icedb.engine.spec.TableOwnership;
import io.icedb.engine.spec.TablePaths;
import io.trino.filesystem.TrinoFileSystem;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.plugin.icedb.maintenance.IcedbMaintenance;
import io.trino.plugin.icedb.maintenance.IcedbTableLease;
import io.trino.plugin.icedb.maintenance.MaintainedTable;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.SchemaTableName;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * DROP TABLE of a table whose objects are ours: under the table's lease, marks its identity dropped (so a concurrent
 * INSERT fails instead of committing into the dropped table), then deletes exactly the objects the table owns
 * ({@link TableOwnership}: {@code P/_log/}, {@code P/_data/}, {@code P/_icedb/}, minus any table nested there) — logs
 * first, so readers stop seeing the table before its parts go — and the lease and identity last. Works on a table whose
 * logs no longer fold: it reads none of them.
 */
public final class IcedbTableDeletion
{
    private static final Logger log = Logger.get(IcedbTableDeletion.class);

    private final IcedbMaintenance maintenance;

    public IcedbTableDeletion(IcedbMaintenance maintenance)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
    }

    /**
     * Drops table {@code name} at {@code location} as {@link #drop(ConnectorSession, MaintainedTable, TrinoFileSystem)} does.
     */
    public static List<String> drop(IcedbMaintenance maintenance, TrinoFileSystemFactory fileSystemFactory, ConnectorSession session, SchemaTableName name, IcedbTableLocation location)
    {
        return new IcedbTableDeletion(maintenance).drop(session, maintenance.table(session, name, location), fileSystemFactory.create(session.getIdentity()));
    }

    /**
     * @return the objects under the table's prefix that it does not own and that were kept
     */
    public List<String> drop(ConnectorSession session, MaintainedTable table, TrinoFileSystem fileSystem)
    {
        return IcedbTableLease.withLease(maintenance, session, table, "drop", lease -> {
            IcedbFileIo io = table.fileIo();
            String prefix = table.prefix();
            TableIdentity.markDropped(io, prefix, TableIdentity.read(io, prefix), maintenance.clock().millis());

            List<String> keys = io.list(prefix + "/").stream().map(FileEntry::key).toList();
            TableOwnership ownership = TableOwnership.of(prefix, keys);
            String identityKey = TableIdentity.key(prefix);
            String leasePrefix = MaintenanceLease.leasePrefix(prefix);
            List<String> owned = keys.stream().filter(ownership::owns).toList();
            List<String> kept = keys.stream().filter(key -> !ownership.owns(key)).toList();
            io.deleteAll(owned.stream().filter(key -> key.startsWith(TablePaths.logPrefix(prefix))).toList());
            io.deleteAll(owned.stream().filter(key -> key.startsWith(TablePaths.dataPrefix(prefix))).toList());
            io.deleteAll(owned.stream().filter(key -> key.startsWith(TablePaths.icedbPrefix(prefix)) && !key.equals(identityKey) && !key.startsWith(leasePrefix)).toList());
            // a log an INSERT created after the listing: that INSERT fails at its identity check and removes it too
            io.deleteAll(io.list(TablePaths.logPrefix(prefix)).stream().map(FileEntry::key).toList());

            lease.abandon();
            io.deleteAll(io.list(leasePrefix).stream().map(FileEntry::key).toList());
            io.delete(identityKey);
            if (kept.isEmpty()) {
                // nothing else lived there: also remove the directories a local file system keeps
                fileSystem.deleteDirectory(table.location().directory());
            }
            else {
                log.warn("DROP TABLE %s kept %s objects under %s that the table does not own: %s", table, kept.size(), table.location(), kept);
            }
            return kept;
        });
    }
}
