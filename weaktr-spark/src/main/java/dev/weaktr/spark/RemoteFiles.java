package dev.weaktr.spark;

import dev.weaktr.WeaktrException;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * A folder on a Hadoop-compatible file system ({@code file://}, {@code hdfs://}, {@code s3a://}, ...), as the Spark
 * jobs read and write it: whole small files in and out, each output written atomically (a hidden temporary file in
 * the same folder, then a rename: atomic on local file systems and HDFS; on object stores such as S3A a rename is a
 * copy, so a reader may briefly see a partial file there). Serializable: executors get the driver's Hadoop
 * configuration with it. A plain path (no scheme) is a local folder.
 */
public final class RemoteFiles implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String root; // the folder's URI, without a trailing slash
    private final String flag; // the CLI flag it came from, for messages
    private transient Configuration conf;
    private transient FileSystem fs;

    private RemoteFiles(String root, String flag, Configuration conf) {
        this.root = root;
        this.flag = flag;
        this.conf = conf;
    }

    /**
     * The folder {@code location} (a URI, or a local path), checked to have a file system on the class path.
     *
     * @param flag the CLI flag naming it, for messages (e.g. "--data")
     */
    public static RemoteFiles of(String location, String flag, Configuration conf) {
        URI uri;
        try {
            uri = location.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") && !location.matches("^[A-Za-z]:\\\\.*")
                    ? new URI(location) : Path.of(location).toAbsolutePath().normalize().toUri();
        } catch (java.net.URISyntaxException | java.nio.file.InvalidPathException e) {
            throw new WeaktrException(flag + " " + location + ": not a URI or path (" + e.getMessage() + ")");
        }
        String s = uri.toString();
        while (s.endsWith("/") && !s.endsWith(":///") && !s.endsWith("://")) {
            s = s.substring(0, s.length() - 1);
        }
        RemoteFiles files = new RemoteFiles(s, flag, conf);
        files.fs(); // fails here, on the driver, for a scheme without a file system
        return files;
    }

    /** The folder's URI. */
    public String uri() {
        return root;
    }

    /**
     * The folder as the single-machine commands name it in their JSON sources: a local path for {@code file:}
     * URIs (so the single-machine CLI reads what Spark wrote), else the URI.
     */
    public String display() {
        URI u = URI.create(root);
        return "file".equals(u.getScheme()) ? Path.of(u).toString() : root;
    }

    /** A sub-folder (relative path with '/' separators). */
    public RemoteFiles child(String relative) {
        RemoteFiles c = new RemoteFiles(root + "/" + relative, flag, conf);
        c.fs = fs;
        return c;
    }

    private org.apache.hadoop.fs.Path path(String relative) {
        return new org.apache.hadoop.fs.Path(relative.isEmpty() ? root : root + "/" + relative);
    }

    private FileSystem fs() {
        if (fs == null) {
            if (conf == null) {
                conf = new Configuration();
            }
            try {
                fs = FileSystem.get(URI.create(root), conf);
            } catch (org.apache.hadoop.fs.UnsupportedFileSystemException e) {
                throw new WeaktrException(flag + " " + root + ": no file system for scheme '" + URI.create(root).getScheme()
                        + "' on the class path (" + e.getMessage() + "); expected file://, hdfs://, s3a:// (with hadoop-aws) "
                        + "or another Hadoop file system");
            } catch (IOException | RuntimeException e) {
                throw new WeaktrException(flag + " " + root + ": cannot open its file system: " + firstLine(e), e);
            }
            if (fs instanceof ChecksumFileSystem c) {
                c.setWriteChecksum(false); // no .crc files beside the outputs: the single-machine layout
            }
        }
        return fs;
    }

    public boolean isDirectory(String relative) {
        try {
            return fs().getFileStatus(path(relative)).isDirectory();
        } catch (java.io.FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new WeaktrException(flag + ": cannot read " + path(relative) + ": " + firstLine(e), e);
        }
    }

    public boolean isFile(String relative) {
        try {
            return fs().getFileStatus(path(relative)).isFile();
        } catch (java.io.FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new WeaktrException(flag + ": cannot read " + path(relative) + ": " + firstLine(e), e);
        }
    }

    /** Names of the regular files directly in a sub-folder ("" = this folder); empty when it does not exist. */
    public Set<String> fileNames(String relative) {
        Set<String> names = new HashSet<>();
        try {
            if (!isDirectory(relative)) {
                return names;
            }
            RemoteIterator<LocatedFileStatus> it = fs().listFiles(path(relative), false);
            while (it.hasNext()) {
                LocatedFileStatus s = it.next();
                if (s.isFile()) {
                    names.add(s.getPath().getName());
                }
            }
        } catch (IOException e) {
            throw new WeaktrException(flag + ": cannot list " + path(relative) + ": " + firstLine(e), e);
        }
        return names;
    }

    public byte[] readBytes(String relative) {
        try (InputStream in = fs().open(path(relative))) {
            return in.readAllBytes();
        } catch (java.io.FileNotFoundException e) {
            throw new WeaktrException(flag + ": missing file " + path(relative));
        } catch (IOException e) {
            throw new WeaktrException(flag + ": cannot read " + path(relative) + ": " + firstLine(e), e);
        }
    }

    /** The first {@code n} bytes (fewer if the file is shorter). */
    public byte[] readPrefix(String relative, int n) {
        try (InputStream in = fs().open(path(relative))) {
            return in.readNBytes(n);
        } catch (IOException e) {
            throw new WeaktrException(flag + ": cannot read " + path(relative) + ": " + firstLine(e), e);
        }
    }

    /** Copies a file to a local one (parent folders created). */
    public void copyToLocal(String relative, Path local) {
        try {
            Files.createDirectories(local.toAbsolutePath().getParent());
            Files.write(local, readBytes(relative));
        } catch (IOException e) {
            throw new WeaktrException("cannot write " + local + ": " + e.getMessage(), e);
        }
    }

    /** Copies every regular file of a sub-folder ("" = this folder) into a local folder; returns their names. */
    public List<String> copyFolderToLocal(String relative, Path local) {
        List<String> names = new ArrayList<>(fileNames(relative));
        for (String name : names) {
            copyToLocal(relative.isEmpty() ? name : relative + "/" + name, local.resolve(name));
        }
        return names;
    }

    /**
     * Writes {@code relative} atomically from a local file: its bytes go to a hidden temporary file beside the
     * target, which is then renamed over it. Creates parent folders.
     */
    public void putAtomically(Path local, String relative) {
        org.apache.hadoop.fs.Path target = path(relative);
        org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(target.getParent(),
                "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            FileSystem f = fs();
            f.mkdirs(target.getParent());
            try (OutputStream out = f.create(tmp, true)) {
                Files.copy(local, out);
            }
            if (!f.rename(tmp, target)) {
                // HDFS does not rename over an existing file (a retried task's earlier output): replace it
                f.delete(target, false);
                if (!f.rename(tmp, target)) {
                    throw new IOException("rename of " + tmp + " to " + target + " failed");
                }
            }
        } catch (IOException e) {
            try {
                fs().delete(tmp, false);
            } catch (IOException | RuntimeException ignored) {
                // the temporary file is hidden and named as such; the next run replaces the target anyway
            }
            throw new WeaktrException(flag + ": cannot write " + target + ": " + firstLine(e), e);
        }
    }

    /** Whether a name is one of {@link #putAtomically}'s temporary files. */
    static boolean isTemporary(String name) {
        return name.startsWith(".") && name.matches("\\..+\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.tmp");
    }

    /**
     * Deletes the temporary files {@link #putAtomically} left in a sub-folder ("" = this folder) when its task was
     * killed mid-write; returns how many.
     */
    public int deleteTemporaries(String relative) {
        int n = 0;
        for (String name : fileNames(relative)) {
            if (isTemporary(name)) {
                try {
                    fs().delete(path(relative.isEmpty() ? name : relative + "/" + name), false);
                    n++;
                } catch (IOException e) {
                    throw new WeaktrException(flag + ": cannot delete " + path(relative + "/" + name) + ": " + firstLine(e), e);
                }
            }
        }
        return n;
    }

    /** Checks that the folder can be created/written: makes it (and its parents). */
    public void mkdirs() {
        try {
            if (!fs().mkdirs(path(""))) {
                throw new IOException("mkdirs returned false");
            }
        } catch (IOException e) {
            throw new WeaktrException(flag + " " + root + ": cannot create the folder: " + firstLine(e), e);
        }
    }

    static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeBoolean(conf != null);
        if (conf != null) {
            conf.write(out);
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (in.readBoolean()) {
            conf = new Configuration(false);
            conf.readFields(in);
        }
    }

    @Override
    public String toString() {
        return root;
    }

    /** For {@link FileStatus}-free callers: the size of a file in bytes. */
    public long length(String relative) {
        try {
            return fs().getFileStatus(path(relative)).getLen();
        } catch (IOException e) {
            throw new WeaktrException(flag + ": cannot read " + path(relative) + ": " + firstLine(e), e);
        }
    }
}
