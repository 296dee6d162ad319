package dev.weaktr.io;

import dev.weaktr.WeaktrException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A NumPy {@code .npz} archive (a zip of {@code .npy} arrays), e.g. the AugReg ViT checkpoints with their JAX
 * names ({@code Transformer/encoderblock_0/...}, backbones-spec §6.3). Arrays are keyed by entry name without
 * {@code .npy}.
 */
public final class Npz {
    private Npz() {}

    /** True when {@code file} is a zip whose entries are {@code .npy} arrays (not a PyTorch zip checkpoint). */
    public static boolean looksLikeNpz(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            return entries.hasMoreElements() && entries.nextElement().getName().endsWith(".npy");
        } catch (IOException e) {
            return false;
        }
    }

    /** Every float array of the archive, in archive order, as a {@link WeightFile} (format "npz"). */
    public static WeightFile read(Path file) {
        Map<String, float[]> tensors = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (!e.getName().endsWith(".npy")) {
                    continue;
                }
                String name = e.getName().substring(0, e.getName().length() - 4);
                try (InputStream in = zip.getInputStream(e)) {
                    Npy.FloatArray a = Npy.read(in, file + ":" + name);
                    tensors.put(name, a.data());
                    shapes.put(name, java.util.Arrays.stream(a.shape()).asLongStream().toArray());
                }
            }
        } catch (ZipException e) {
            throw new WeaktrException(file + " is not a readable .npz archive (truncated or damaged zip: " + e.getMessage() + ")");
        } catch (IOException e) {
            throw new WeaktrException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return new WeightFile(file, "npz", tensors, shapes, Map.of());
    }
}
