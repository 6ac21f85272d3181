package io.icedb.engine.io;

import java.io.IOException;
import java.util.Collection;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Passes every call to another storage; extend it to observe or alter a few calls (latency, counting, fault injection).
 */
public abstract class DelegatingFileIo
        implements IcedbFileIo
{
    private final IcedbFileIo delegate;

    protected DelegatingFileIo(IcedbFileIo delegate)
    {
        this.delegate = requireNonNull(delegate, "delegate is null");
    }

    protected IcedbFileIo delegate()
    {
        return delegate;
    }

    @Override
    public List<FileEntry> list(String prefix)
            throws IOException
    {
        return delegate.list(prefix);
    }

    @Override
    public byte[] read(String key)
            throws IOException
    {
        return delegate.read(key);
    }

    @Override
    public void createExclusive(String key, byte[] data)
            throws IOException
    {
        delegate.createExclusive(key, data);
    }

    @Override
    public void overwrite(String key, byte[] data)
            throws IOException
    {
        delegate.overwrite(key, data);
    }

    @Override
    public void delete(String key)
            throws IOException
    {
        delegate.delete(key);
    }

    @Override
    public void deleteAll(Collection<String> keys)
            throws IOException
    {
        delegate.deleteAll(keys);
    }

    @Override
    public long size(String key)
            throws IOException
    {
        return delegate.size(key);
    }
}
