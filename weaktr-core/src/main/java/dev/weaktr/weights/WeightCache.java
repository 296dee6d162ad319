package dev.weaktr.weights;

import dev.weaktr.WeaktrException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.ZipFile;

/**
 * The local cache of published weights ({@code ~/.weaktr/weights} unless told otherwise) and the one place weaktr
 * downloads anything: {@link #download}, called only by {@code weaktr weights get}. A download goes to a temporary
 * file in the cache folder, is checked (HTTP status, length against Content-Length, SHA-256 or its published prefix,
 * an intact zip container) and only then renamed to its name; any failure deletes the temporary file and throws a
 * {@link WeaktrException} with one line saying what was wrong.
 */
public final class WeightCache {
    private final Path dir;

    public WeightCache(Path dir) {
        this.dir = dir;
    }

    /** {@code $WEAKTR_HOME/weights}, else {@code ~/.weaktr/weights}. */
    public static WeightCache standard() {
        String home = System.getenv("WEAKTR_HOME");
        return new WeightCache(home != null && !home.isBlank() ? Path.of(home, "weights")
                : Path.of(System.getProperty("user.home"), ".weaktr", "weights"));
    }

    public Path dir() {
        return dir;
    }

    /** Where {@code w} lives in the cache (whether or not it is there). */
    public Path path(PublishedWeights w) {
        return dir.resolve(w.fileName());
    }

    /** The cached file of {@code w}, if it was downloaded. */
    public Optional<Path> cached(PublishedWeights w) {
        Path p = path(w);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** What a download did. */
    public record Result(Path file, long bytes, String sha256, boolean alreadyCached) {}

    /** Downloads {@code w} into the cache unless it is already there and verifies; returns the file. */
    public Result download(PublishedWeights w, HttpClient http) {
        Optional<Path> have = cached(w);
        if (have.isPresent()) {
            String digest = sha256(have.get());
            if (w.matches(digest)) {
                return new Result(have.get(), size(have.get()), digest, true);
            }
        }
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + w.fileName() + ".", ".part");
            HttpResponse<InputStream> r;
            try {
                r = http.send(HttpRequest.newBuilder(URI.create(w.url())).timeout(Duration.ofMinutes(30)).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw new WeaktrException("cannot download " + w.name() + " from " + w.url() + ": " + describe(e));
            }
            if (r.statusCode() != 200) {
                r.body().close();
                throw new WeaktrException("cannot download " + w.name() + ": HTTP " + r.statusCode() + " from " + w.url());
            }
            long expected = r.headers().firstValueAsLong("Content-Length").orElse(-1);
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            long n = 0;
            try (InputStream in = r.body(); var out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 16];
                for (int k; (k = in.read(buf)) >= 0; ) {
                    md.update(buf, 0, k);
                    out.write(buf, 0, k);
                    n += k;
                }
            } catch (IOException e) {
                throw new WeaktrException("download of " + w.name() + " from " + w.url() + " broke off after " + n + " of "
                        + (expected >= 0 ? expected + " bytes" : "? bytes") + " (" + describe(e) + "); nothing was kept");
            }
            if (expected >= 0 && n != expected) {
                throw new WeaktrException("download of " + w.name() + " is truncated: " + n + " of " + expected
                        + " bytes; nothing was kept");
            }
            String digest = HexFormat.of().formatHex(md.digest());
            if (!w.matches(digest)) {
                throw new WeaktrException("checksum mismatch for " + w.name() + " from " + w.url() + ": SHA-256 " + digest
                        + ", expected " + (w.sha256().length() == 64 ? w.sha256() : w.sha256() + "..") + "; nothing was kept");
            }
            checkFormat(w, tmp, n);
            Path target = path(w);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            return new Result(target, n, digest, false);
        } catch (IOException e) {
            throw new WeaktrException("cannot write into the weights cache " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WeaktrException("download of " + w.name() + " interrupted; nothing was kept");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary name starts with a dot and ends in .part
                }
            }
        }
    }

    /** A zip container must open and list its entries (a cut-off zip has no central directory). */
    private static void checkFormat(PublishedWeights w, Path file, long bytes) {
        if (!w.format().equals("zip")) {
            return;
        }
        try (ZipFile z = new ZipFile(file.toFile())) {
            if (!z.entries().hasMoreElements()) {
                throw new WeaktrException("download of " + w.name() + " is an empty zip; nothing was kept");
            }
        } catch (IOException e) {
            throw new WeaktrException("download of " + w.name() + " (" + bytes + " bytes) is not an intact zip file as "
                    + w.fileName() + " should be (" + e.getMessage() + "); nothing was kept");
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    /** SHA-256 of a file, lower-case hex. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int k; (k = in.read(buf)) >= 0; ) {
                md.update(buf, 0, k);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new WeaktrException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
