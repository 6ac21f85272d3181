package io.trino.plugin.icedb.writer;

import com.google.common.collect.ImmutableMap;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.Util;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

/**
 * The stream under trino-parquet's writer that adds entries to the footer's {@code key_value_metadata} (that writer
 * writes none of its own but the time zone). Bytes pass through until {@link #holdFooter()}, called just before the
 * writer closes; from then on the last {@value #WINDOW} bytes are held back, and on {@link #close()} the footer at
 * their end is parsed, the entries added and the footer written again. Column chunks, page indexes and bloom filters
 * come before the footer, so their offsets stay valid. A footer larger than the window (or one that does not parse)
 * is written as it was, without the entries: readers then simply do not find them.
 */
final class ParquetFooterMetadataStream
        extends OutputStream
{
    static final int WINDOW = 1 << 20;
    private static final byte[] MAGIC = "PAR1".getBytes(US_ASCII);

    private final OutputStream delegate;
    private final Map<String, String> entries;
    private boolean holding;
    private byte[] held;
    private int heldCount;
    private long writtenBytes;
    private boolean closed;

    ParquetFooterMetadataStream(OutputStream delegate, Map<String, String> entries)
    {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.entries = ImmutableMap.copyOf(entries);
    }

    /**
     * From now on, hold back the end of the file (the writer is about to write its last row group and the footer).
     */
    void holdFooter()
    {
        if (!entries.isEmpty()) {
            holding = true;
            held = new byte[2 * WINDOW];
        }
    }

    /**
     * The bytes written to the underlying stream: after {@link #close()}, the file's size.
     */
    long getWrittenBytes()
    {
        return writtenBytes;
    }

    @Override
    public void write(int b)
            throws IOException
    {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length)
            throws IOException
    {
        if (!holding) {
            delegate.write(bytes, offset, length);
            writtenBytes += length;
            return;
        }
        if (length >= WINDOW) {
            passHeld(heldCount);
            delegate.write(bytes, offset, length - WINDOW);
            writtenBytes += length - WINDOW;
            System.arraycopy(bytes, offset + length - WINDOW, held, 0, WINDOW);
            heldCount = WINDOW;
            return;
        }
        System.arraycopy(bytes, offset, held, heldCount, length);
        heldCount += length;
        if (heldCount > WINDOW) {
            passHeld(heldCount - WINDOW);
        }
    }

    // writes the first bytes of the held ones through
    private void passHeld(int count)
            throws IOException
    {
        delegate.write(held, 0, count);
        writtenBytes += count;
        System.arraycopy(held, count, held, 0, heldCount - count);
        heldCount -= count;
    }

    @Override
    public void flush()
            throws IOException
    {
        delegate.flush();
    }

    @Override
    public void close()
            throws IOException
    {
        if (closed) {
            return;
        }
        closed = true;
        try (delegate) {
            if (holding) {
                writeTail();
            }
        }
    }

    private void writeTail()
            throws IOException
    {
        byte[] footer = rewrittenFooter();
        if (footer == null) {
            passHeld(heldCount);
            return;
        }
        int footerStart = heldCount - MAGIC.length - Integer.BYTES - footerLength();
        delegate.write(held, 0, footerStart);
        delegate.write(footer);
        delegate.write(new byte[] {(byte) footer.length, (byte) (footer.length >>> 8), (byte) (footer.length >>> 16), (byte) (footer.length >>> 24)});
        delegate.write(MAGIC);
        writtenBytes += footerStart + footer.length + Integer.BYTES + MAGIC.length;
        heldCount = 0;
    }

    private int footerLength()
    {
        int at = heldCount - MAGIC.length - Integer.BYTES;
        return (held[at] & 0xFF) | (held[at + 1] & 0xFF) << 8 | (held[at + 2] & 0xFF) << 16 | (held[at + 3] & 0xFF) << 24;
    }

    // the footer with the entries added, or null to leave the file as the writer wrote it
    private byte[] rewrittenFooter()
    {
        if (heldCount < MAGIC.length + Integer.BYTES) {
            return null;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (held[heldCount - MAGIC.length + i] != MAGIC[i]) {
                return null;
            }
        }
        int length = footerLength();
        int start = heldCount - MAGIC.length - Integer.BYTES - length;
        if (length <= 0 || start < 0) {
            return null;
        }
        try {
            FileMetaData metadata = Util.readFileMetaData(new ByteArrayInputStream(held, start, length));
            entries.forEach((key, value) -> metadata.addToKey_value_metadata(new KeyValue(key).setValue(value)));
            ByteArrayOutputStream footer = new ByteArrayOutputStream(length + 256);
            Util.writeFileMetaData(metadata, footer);
            return footer.toByteArray();
        }
        catch (IOException | RuntimeException _) {
            return null;
        }
    }
}
