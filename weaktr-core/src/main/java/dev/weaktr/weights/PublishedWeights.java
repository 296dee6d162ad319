package dev.weaktr.weights;

import java.util.Locale;

/**
 * A published backbone file that {@code weaktr weights get NAME} may download: its official URL and how the
 * download is verified.
 *
 * @param name the name users type (the model/encoder preset it fits, e.g. {@code deit-small})
 * @param fileName the file name in the cache (the official one)
 * @param url the official download URL
 * @param sha256 lower-case hex SHA-256: the whole digest, or a prefix of at least 8 hex digits where only that is
 *     published (torch.hub's convention: the hash prefix in the file name, checked with {@code startswith}), or
 *     {@code null} where no checksum is known — then only the length and the container format are checked
 * @param format the container: {@code zip} (PyTorch ≥ 1.6 {@code .pth/.pt} and numpy {@code .npz} are zip files)
 * @param description what it is, for {@code weaktr weights list}
 */
public record PublishedWeights(String name, String fileName, String url, String sha256, String format, String description) {
    public PublishedWeights {
        if (sha256 != null) {
            sha256 = sha256.toLowerCase(Locale.ROOT);
            if (!sha256.matches("[0-9a-f]{8,64}")) {
                throw new IllegalArgumentException("sha256 of " + name + " must be 8..64 hex digits: " + sha256);
            }
        }
    }

    /** Whether {@code digest} (64 hex digits) matches the known checksum; true when none is known. */
    public boolean matches(String digest) {
        return sha256 == null || digest.startsWith(sha256);
    }

    /** "full SHA-256", "SHA-256 prefix cd65a155" or "no published checksum". */
    public String checksumKind() {
        return sha256 == null ? "no published checksum (length and format checked)"
                : sha256.length() == 64 ? "SHA-256" : "SHA-256 prefix " + sha256 + " (torch.hub convention)";
    }

    /** The same file from another host: {@code mirror} + the file name (a company mirror; the tests' local server). */
    public PublishedWeights fromMirror(String mirror) {
        return new PublishedWeights(name, fileName, mirror.endsWith("/") ? mirror + fileName : mirror + "/" + fileName,
                sha256, format, description);
    }
}
