package io.trino.plugin.icedb;

import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The s3proxy store of {@link TestingIcedbS3Server}, recording every object access as {@code "GET bucket/key"},
 * {@code "HEAD …"}, {@code "PUT …"}, {@code "COPY …"} or {@code "DELETE …"}: what a statement opened and wrote, counted
 * at the storage.
 */
final class RecordingBlobStore
        extends ForwardingBlobStore
{
    private final List<String> accesses = new ArrayList<>();

    RecordingBlobStore(BlobStore delegate)
    {
        super(delegate);
    }

    synchronized List<String> accesses()
    {
        return List.copyOf(accesses);
    }

    private synchronized void record(String operation, String bucket, String key)
    {
        accesses.add(operation + " " + bucket + "/" + key);
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request)
    {
        record("GET", request.bucket(), request.key());
        return super.getBlob(request);
    }

    @Override
    public HeadObjectResponse blobMetadata(HeadObjectRequest request)
    {
        record("HEAD", request.bucket(), request.key());
        return super.blobMetadata(request);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream input)
    {
        record("PUT", request.bucket(), request.key());
        return super.putBlob(request, input);
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request)
    {
        record("COPY", request.destinationBucket(), request.destinationKey());
        return super.copyBlob(request);
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request)
    {
        record("DELETE", request.bucket(), request.key());
        return super.removeBlob(request);
    }
}
