package io.trino.plugin.icedb;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.google.inject.Inject;
import com.google.inject.Provider;
import io.trino.spi.classloader.ThreadContextClassLoader;
import io.trino.spi.connector.ConnectorTransactionHandle;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

/**
 * One {@link IcedbMetadata} per transaction, made on first use. The metadata holds the snapshots the transaction
 * planned with, so the split manager sees exactly the snapshot that planning fixed.
 */
public final class IcedbTransactionManager
{
    private final Provider<IcedbMetadata> metadataFactory;
    private final ClassLoader classLoader;
    private final ConcurrentMap<ConnectorTransactionHandle, MemoizedMetadata> transactions = new ConcurrentHashMap<>();

    @Inject
    public IcedbTransactionManager(Provider<IcedbMetadata> metadataFactory)
    {
        this.metadataFactory = requireNonNull(metadataFactory, "metadataFactory is null");
        this.classLoader = IcedbTransactionManager.class.getClassLoader();
    }

    public void begin(ConnectorTransactionHandle transaction)
    {
        MemoizedMetadata previous = transactions.putIfAbsent(transaction, new MemoizedMetadata());
        checkState(previous == null, "transaction already exists: %s", transaction);
    }

    public IcedbMetadata get(ConnectorTransactionHandle transaction)
    {
        MemoizedMetadata metadata = transactions.get(transaction);
        checkArgument(metadata != null, "no such transaction: %s", transaction);
        return metadata.get();
    }

    public void commit(ConnectorTransactionHandle transaction)
    {
        MemoizedMetadata metadata = transactions.remove(transaction);
        checkArgument(metadata != null, "no such transaction: %s", transaction);
        metadata.ifCreated(IcedbMetadata::commit);
    }

    public void rollback(ConnectorTransactionHandle transaction)
    {
        MemoizedMetadata metadata = transactions.remove(transaction);
        checkArgument(metadata != null, "no such transaction: %s", transaction);
        metadata.ifCreated(IcedbMetadata::rollback);
    }

    private final class MemoizedMetadata
    {
        @GuardedBy("this")
        private IcedbMetadata metadata;

        public synchronized IcedbMetadata get()
        {
            if (metadata == null) {
                try (ThreadContextClassLoader _ = new ThreadContextClassLoader(classLoader)) {
                    // a new instance each time (IcedbMetadata is bound without scope)
                    metadata = metadataFactory.get();
                }
            }
            return metadata;
        }

        public synchronized void ifCreated(Consumer<IcedbMetadata> action)
        {
            if (metadata != null) {
                action.accept(metadata);
            }
        }
    }
}
