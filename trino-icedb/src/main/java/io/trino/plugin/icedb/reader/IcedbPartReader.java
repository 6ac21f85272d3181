package io.trino.plugin.icedb.reader;

import com.google.inject.Inject;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.PartitionPath;
import io.trino.plugin.icedb.IcedbColumnHandle;
import io.trino.plugin.icedb.IcedbPageSourceProvider;
import io.trino.plugin.icedb.IcedbSplit;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.spi.Page;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorPageSource;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.SourcePage;
import io.trino.spi.predicate.TupleDomain;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * Reads every row of a part on the node that rewrites it (the coordinator's {@code CALL merge}, later copy-on-write
 * DML): the same Parquet reading as queries, by column name, NULL for a column the part lacks, without a split of the
 * engine's scheduling.
 */
public final class IcedbPartReader
{
    private final IcedbPageSourceProvider pageSourceProvider;

    @Inject
    public IcedbPartReader(IcedbPageSourceProvider pageSourceProvider)
    {
        this.pageSourceProvider = requireNonNull(pageSourceProvider, "pageSourceProvider is null");
    }

    /**
     * Hands every non-empty page of the part, in file order, to {@code consumer}.
     *
     * @param columns the columns to read, in page channel order
     */
    public void read(ConnectorSession session, SchemaTableName table, IcedbTableLocation location, FileMarker part, List<IcedbColumnHandle> columns, Consumer<Page> consumer)
    {
        IcedbSplit split = new IcedbSplit(location.root() + part.path(), 0, Long.MAX_VALUE, part.bytes(), PartitionPath.partitionOf(location.prefix(), part.path()), part.createdMillis());
        try (ConnectorPageSource source = pageSourceProvider.createPageSource(session, table, split, columns, TupleDomain.all())) {
            while (!source.isFinished()) {
                SourcePage page = source.getNextSourcePage();
                if (page != null && page.getPositionCount() > 0) {
                    consumer.accept(page.getPage());
                }
            }
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to close part %s of table %s", part.path(), location), e);
        }
    }
}
