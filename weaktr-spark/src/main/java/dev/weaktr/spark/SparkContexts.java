package dev.weaktr.spark;

import dev.weaktr.WeaktrException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** Starts (or joins) the Spark context the jobs run in, with a clear error for a master that cannot be used. */
public final class SparkContexts {
    private SparkContexts() {}

    /** The context this JVM's jobs run in (one per JVM, as Spark allows). */
    private static JavaSparkContext current;

    /** A context and whether this call started it (then the caller stops it). */
    public record Opened(JavaSparkContext context, boolean started) implements AutoCloseable {
        @Override
        public void close() {
            if (started) {
                context.stop();
            }
        }
    }

    /**
     * The context opened before in this JVM and still running (a test's, or a benchmark's), else a new one for {@code master}
     * ({@code local[*]}, {@code local[N]}, {@code spark://host:port}, {@code yarn}, {@code k8s://...}); null: the
     * master spark-submit set ({@code spark.master}), else {@code local[*]}.
     */
    public static Opened open(String master, String appName) {
        SparkConf conf = new SparkConf().setAppName(appName).setIfMissing("spark.ui.showConsoleProgress", "false");
        if (master != null) {
            if (master.isBlank()) {
                throw new WeaktrException("--master: empty; expected local[*], local[N], spark://HOST:PORT, yarn or k8s://...");
            }
            conf.setMaster(master);
        }
        conf.setIfMissing("spark.master", "local[*]");
        String wanted = conf.get("spark.master");
        if (wanted.startsWith("spark://")) {
            checkReachable(wanted);
        }
        synchronized (SparkContexts.class) {
            if (current != null && !current.sc().isStopped()) {
                if (master != null && !master.equals(current.master())) {
                    throw new WeaktrException("--master " + master + ": this JVM already runs Spark with master "
                            + current.master() + " (one Spark context per JVM)");
                }
                return new Opened(current, false);
            }
        }
        master = wanted;
        if (master.startsWith("local")) {
            conf.setIfMissing("spark.ui.enabled", "false");
        } else if (!conf.contains("spark.jars")) {
            clusterJar().ifPresent(jar -> conf.setJars(new String[] {jar.toString()}));
        }
        try {
            JavaSparkContext sc = new JavaSparkContext(conf);
            synchronized (SparkContexts.class) {
                current = sc;
            }
            return new Opened(sc, true);
        } catch (RuntimeException e) {
            throw new WeaktrException("--master " + master + ": cannot start Spark: " + RemoteFiles.firstLine(e), e);
        }
    }

    /** A standalone master that refuses connections would otherwise leave the job waiting for a minute or more. */
    static void checkReachable(String master) {
        String hosts = master.substring("spark://".length());
        String last = "";
        for (String hostPort : hosts.split(",")) {
            int colon = hostPort.lastIndexOf(':');
            if (colon < 0) {
                throw new WeaktrException("--master " + master + ": expected spark://HOST:PORT");
            }
            int port;
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1).replaceAll("/+$", ""));
            } catch (NumberFormatException e) {
                throw new WeaktrException("--master " + master + ": '" + hostPort.substring(colon + 1) + "' is not a port");
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(hostPort.substring(0, colon), port), 5000);
                return;
            } catch (IOException e) {
                last = e.getMessage();
            }
        }
        throw new WeaktrException("--master " + master + ": cannot reach the Spark master (" + last + ")");
    }

    /** target/weaktr-spark-cluster.jar beside this module's jar, for executors of a cluster started from the CLI. */
    static java.util.Optional<Path> clusterJar() {
        try {
            Path self = Path.of(SparkContexts.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path jar = self.resolveSibling("weaktr-spark-cluster.jar");
            return Files.isRegularFile(jar) && !jar.equals(self) ? java.util.Optional.of(jar) : java.util.Optional.empty();
        } catch (Exception e) {
            return java.util.Optional.empty();
        }
    }
}
