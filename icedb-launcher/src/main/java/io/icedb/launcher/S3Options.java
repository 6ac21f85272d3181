package io.icedb.launcher;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The S3 options of {@code ./icedb inspect} and {@code ./icedb files}, as for {@code ./icedb sql}: flags, else the
 * usual AWS environment variables. The secret key is read from {@code AWS_SECRET_ACCESS_KEY} only: a command line is
 * visible to every user of the machine.
 */
record S3Options(
        Optional<String> endpoint,
        Optional<String> region,
        Optional<String> accessKey,
        Optional<String> secretKey,
        Optional<Boolean> pathStyleAccess)
{
    S3Options
    {
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(region, "region is null");
        requireNonNull(accessKey, "accessKey is null");
        requireNonNull(secretKey, "secretKey is null");
        requireNonNull(pathStyleAccess, "pathStyleAccess is null");
    }

    /**
     * Takes the S3 options out of {@code args}; the other arguments go to {@code rest}.
     */
    static S3Options parse(String[] args, Map<String, String> environment, List<String> rest)
    {
        Optional<String> endpoint = nonBlank(environment.get("AWS_ENDPOINT_URL"));
        Optional<String> region = nonBlank(environment.get("AWS_REGION")).or(() -> nonBlank(environment.get("AWS_DEFAULT_REGION")));
        Optional<String> accessKey = nonBlank(environment.get("AWS_ACCESS_KEY_ID"));
        Optional<String> secretKey = nonBlank(environment.get("AWS_SECRET_ACCESS_KEY"));
        Optional<Boolean> pathStyleAccess = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (flag.equals("--s3-secret-key")) {
                throw new IllegalArgumentException("the S3 secret key is never taken from the command line (other users see it in ps): set AWS_SECRET_ACCESS_KEY");
            }
            if (!flag.startsWith("--s3-")) {
                rest.add(arg);
                continue;
            }
            String value;
            if (arg.contains("=")) {
                value = arg.substring(arg.indexOf('=') + 1);
            }
            else if (i + 1 < args.length) {
                value = args[++i];
            }
            else {
                throw new IllegalArgumentException("missing value for " + flag);
            }
            switch (flag) {
                case "--s3-endpoint" -> endpoint = Optional.of(value);
                case "--s3-region" -> region = Optional.of(value);
                case "--s3-access-key" -> accessKey = Optional.of(value);
                case "--s3-path-style-access" -> pathStyleAccess = Optional.of(parseBoolean(value));
                default -> throw new IllegalArgumentException("unknown S3 option " + flag + " (--s3-endpoint, --s3-region, --s3-access-key, --s3-path-style-access)");
            }
        }
        if (accessKey.isPresent() != secretKey.isPresent()) {
            throw new IllegalArgumentException(accessKey.isPresent()
                    ? "an S3 access key needs its secret key in AWS_SECRET_ACCESS_KEY"
                    : "AWS_SECRET_ACCESS_KEY is set but no access key (--s3-access-key or AWS_ACCESS_KEY_ID)");
        }
        return new S3Options(endpoint, region, accessKey, secretKey, pathStyleAccess);
    }

    private static boolean parseBoolean(String value)
    {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("--s3-path-style-access takes true or false, not '%s'".formatted(value));
        };
    }

    private static Optional<String> nonBlank(String value)
    {
        return Optional.ofNullable(value).filter(text -> !text.isBlank());
    }
}
