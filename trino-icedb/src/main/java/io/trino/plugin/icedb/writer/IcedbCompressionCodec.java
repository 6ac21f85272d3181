package io.trino.plugin.icedb.writer;

import org.apache.parquet.format.CompressionCodec;

import static java.util.Objects.requireNonNull;

/**
 * The Parquet compression codecs a table's parts may be written with (table property {@code compression_codec}).
 */
public enum IcedbCompressionCodec
{
    NONE(CompressionCodec.UNCOMPRESSED),
    SNAPPY(CompressionCodec.SNAPPY),
    GZIP(CompressionCodec.GZIP),
    ZSTD(CompressionCodec.ZSTD);

    public static final IcedbCompressionCodec DEFAULT = ZSTD;

    private final CompressionCodec parquetCodec;

    IcedbCompressionCodec(CompressionCodec parquetCodec)
    {
        this.parquetCodec = requireNonNull(parquetCodec, "parquetCodec is null");
    }

    public CompressionCodec parquetCodec()
    {
        return parquetCodec;
    }
}
