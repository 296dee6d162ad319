package dev.weaktr.io;

import dev.weaktr.WeaktrException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A state dict read from a weights file, whatever its format: safetensors (Hugging Face, timm, weaktr
 * export) or a PyTorch zip checkpoint ({@code .pth}/{@code .pt}), told apart by content, not by name.
 *
 * <p>For PyTorch files the state dict is the object itself or the value under {@code model} (timm, DeiT,
 * official WeakTr), {@code module} or {@code state_dict}; a {@code module.} prefix left by
 * DistributedDataParallel on every key is removed. Non-tensor entries are skipped.
 *
 * @param file where it came from (named in messages)
 * @param format "safetensors" or "pytorch"
 * @param tensors float32 values in C order, by name, in file order
 * @param shapes the shape of each tensor
 * @param metadata safetensors metadata, or the non-tensor scalars beside a PyTorch state dict (e.g. epoch)
 */
public record WeightFile(Path file, String format, Map<String, float[]> tensors, Map<String, long[]> shapes,
        Map<String, String> metadata) {
    private static final List<String> WRAPPERS = List.of("model", "module", "state_dict");

    /** Reads every tensor of the file's state dict. */
    public static WeightFile read(Path file) {
        return switch (sniff(file)) {
            case "safetensors" -> {
                SafeTensors.Content c = SafeTensors.read(file);
                yield new WeightFile(file, "safetensors", c.tensors(), c.shapes(), c.metadata());
            }
            case "zip" -> readPth(file);
            default -> throw new IllegalStateException();
        };
    }

    /** "safetensors" or "zip"; anything else is a {@link WeaktrException} saying what the file looks like. */
    static String sniff(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new WeaktrException("missing weights file: " + file);
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(9);
        } catch (IOException e) {
            throw new WeaktrException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return "zip";
        }
        if (head.length == 9 && head[8] == '{') {
            return "safetensors";
        }
        if (head.length >= 2 && (head[0] & 0xff) == 0x80) {
            throw new WeaktrException(file + " is a legacy (torch < 1.6, non-zip) PyTorch pickle, which weaktr does not "
                    + "read; re-save it with a current torch: torch.save(torch.load(f), f2), or convert it to safetensors");
        }
        throw new WeaktrException(file + " is not a weights file: expected safetensors or a PyTorch zip checkpoint "
                + "(.pth/.pt written by torch.save)");
    }

    private static WeightFile readPth(Path file) {
        try (PthReader reader = PthReader.open(file)) {
            Map<?, ?> dict = stateDict(reader.root(), file);
            Map<String, String> metadata = new LinkedHashMap<>();
            if (reader.root() instanceof Map<?, ?> top && top != dict) {
                top.forEach((k, v) -> {
                    if (v instanceof Number || v instanceof String || v instanceof Boolean) {
                        metadata.put(String.valueOf(k), String.valueOf(v));
                    }
                });
            }
            String strip = commonPrefix(dict.keySet(), "module.");
            Map<String, float[]> tensors = new LinkedHashMap<>();
            Map<String, long[]> shapes = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : dict.entrySet()) {
                if (PthReader.isTensor(e.getValue())) {
                    String name = String.valueOf(e.getKey()).substring(strip.length());
                    tensors.put(name, reader.values(e.getValue(), name));
                    shapes.put(name, PthReader.shape(e.getValue()));
                }
            }
            return new WeightFile(file, "pytorch", tensors, shapes, metadata);
        }
    }

    private static Map<?, ?> stateDict(Object root, Path file) {
        if (!(root instanceof Map<?, ?> map)) {
            throw new WeaktrException(file + " holds a " + (root == null ? "None" : root.getClass().getSimpleName())
                    + ", not a state dict (expected a dict of tensors, or {'model': state_dict})");
        }
        if (hasTensor(map)) {
            return map;
        }
        for (String key : WRAPPERS) {
            if (map.get(key) instanceof Map<?, ?> inner && hasTensor(inner)) {
                return inner;
            }
        }
        throw new WeaktrException(file + " holds no state dict: top-level keys " + new ArrayList<>(map.keySet())
                + "; expected a dict of tensors or one under 'model', 'module' or 'state_dict'");
    }

    private static boolean hasTensor(Map<?, ?> map) {
        return map.values().stream().anyMatch(PthReader::isTensor);
    }

    private static String commonPrefix(java.util.Set<?> keys, String prefix) {
        return !keys.isEmpty() && keys.stream().allMatch(k -> String.valueOf(k).startsWith(prefix)) ? prefix : "";
    }

    /** The shape of a tensor, or null when absent. */
    public long[] shape(String name) {
        return shapes.get(name);
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }
}
