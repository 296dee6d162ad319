package dev.weaktr.io;

import dev.weaktr.WeaktrException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * A pickle reader that only builds data: dicts ({@code collections.OrderedDict} too), lists, tuples,
 * numbers, strings, None/bool, and PyTorch tensors ({@code torch._utils._rebuild_tensor_v2} over a
 * {@code torch.*Storage} named by a persistent id). Every other global — a class, a function such as
 * {@code os.system} — is refused with a {@link WeaktrException} naming it, before anything is built.
 *
 * <p>All opcodes that import or construct go through {@link #dispatch}: GLOBAL / STACK_GLOBAL resolve only
 * the names above (to Java constructors written here), BUILD is accepted only as the state-dict
 * {@code _metadata} attribute of a dict, and INST / OBJ / EXT* are refused outright. razorvine's own global
 * table (a static registry) is never consulted.
 */
final class RestrictedUnpickler extends Unpickler {
    private final String source;
    private final List<PthTensor> tensors = new ArrayList<>();

    RestrictedUnpickler(String source) {
        this.source = source;
    }

    /** Every tensor met while loading, in pickle order. */
    List<PthTensor> tensors() {
        return tensors;
    }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(resolve(module, name));
                return NO_RETURN_VALUE;
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                stack.add(resolve(String.valueOf(module), String.valueOf(name)));
                return NO_RETURN_VALUE;
            }
            case Opcodes.REDUCE, Opcodes.NEWOBJ -> {
                Object args = stack.pop();
                Object callable = stack.pop();
                if (!(callable instanceof Allowed allowed) || !(args instanceof Object[] a)) {
                    throw refused("a call of " + describe(callable));
                }
                stack.add(allowed.construct(a));
                return NO_RETURN_VALUE;
            }
            case Opcodes.BUILD -> {
                Object state = stack.pop();
                Object target = stack.peek();
                if (target instanceof NumpyDtype dtype && state instanceof Object[] t && t.length > 1) {
                    dtype.byteOrder = String.valueOf(t[1]); // numpy.dtype state: (version, byte order, ...)
                    return NO_RETURN_VALUE;
                }
                // torch's state dicts carry their version table as the attribute `_metadata` (a dict state)
                if (!(target instanceof Map<?, ?>) || !(state instanceof Map<?, ?>)) {
                    throw refused("setting the state of " + describe(target));
                }
                return NO_RETURN_VALUE;
            }
            case Opcodes.EMPTY_DICT -> { // keep the file's key order (razorvine would use a HashMap)
                stack.add(new LinkedHashMap<>());
                return NO_RETURN_VALUE;
            }
            case Opcodes.DICT -> {
                List<Object> items = stack.pop_all_since_marker();
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = 0; i + 1 < items.size(); i += 2) {
                    map.put(items.get(i), items.get(i + 1));
                }
                stack.add(map);
                return NO_RETURN_VALUE;
            }
            case Opcodes.SETITEMS -> {
                List<Object> items = stack.pop_all_since_marker();
                if (!(stack.peek() instanceof Map<?, ?> target)) {
                    throw refused("setting items of " + describe(stack.peek()));
                }
                @SuppressWarnings("unchecked")
                Map<Object, Object> map = (Map<Object, Object>) target;
                for (int i = 0; i + 1 < items.size(); i += 2) {
                    map.put(items.get(i), items.get(i + 1));
                }
                return NO_RETURN_VALUE;
            }
            case Opcodes.INST, Opcodes.OBJ, Opcodes.NEWOBJ_EX, Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4 -> {
                throw refused("pickle opcode " + key + " (object construction)");
            }
            default -> {
                return super.dispatch(key);
            }
        }
    }

    @Override
    protected Object persistentLoad(Object pid) {
        // torch zip format: ('storage', torch.FloatStorage, key, location, numel)
        if (pid instanceof Object[] t && t.length >= 5 && "storage".equals(t[0]) && t[1] instanceof StorageClass c) {
            return new PthStorage(String.valueOf(t[2]), c.type(), ((Number) t[4]).longValue());
        }
        throw refused("persistent id " + describe(pid));
    }

    private WeaktrException refused(String what) {
        return new WeaktrException("refusing to load " + what + " from " + source
                + ": only tensors, dicts, lists, numbers and strings are allowed");
    }

    private static String describe(Object o) {
        return o == null ? "None" : o instanceof Object[] a ? "a tuple of " + a.length : o.getClass().getSimpleName();
    }

    /** A global that may appear: it builds data only. */
    private interface Allowed extends IObjectConstructor {
        @Override
        Object construct(Object[] args);
    }

    /** {@code torch.FloatStorage} etc.: only ever an argument of a persistent id. */
    private record StorageClass(PthStorageType type) implements Allowed {
        @Override
        public Object construct(Object[] args) {
            throw new PickleException("a storage class is not callable here");
        }
    }

    private Object resolve(String module, String name) {
        String global = module + "." + name;
        switch (global) {
            case "collections.OrderedDict", "builtins.dict", "__builtin__.dict" -> {
                return (Allowed) args -> new LinkedHashMap<>();
            }
            case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> {
                return (Allowed) this::rebuildTensor;
            }
            case "numpy.dtype" -> {
                return (Allowed) args -> new NumpyDtype(String.valueOf(args[0]));
            }
            case "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar" -> {
                return (Allowed) this::numpyScalar;
            }
            case "_codecs.encode" -> {
                // protocol 2 pickles bytes as _codecs.encode(text, 'latin1'); decoded here, nothing imported
                return (Allowed) args -> String.valueOf(args[0]).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            }
            case "torch._utils._rebuild_parameter" -> {
                return (Allowed) args -> args[0]; // (data, requires_grad, backward_hooks): the data tensor
            }
            default -> {
                if (module.equals("torch")) {
                    PthStorageType type = PthStorageType.byName(name);
                    if (type != null) {
                        return new StorageClass(type);
                    }
                }
                throw new WeaktrException("refusing to load '" + global + "' from " + source
                        + ": only tensors, dicts, lists, numbers and strings are allowed");
            }
        }
    }

    /** (storage, storage_offset, size, stride, ...): a strided view, read lazily. */
    private Object rebuildTensor(Object[] args) {
        if (args.length < 4 || !(args[0] instanceof PthStorage storage)) {
            throw new WeaktrException(source + ": malformed tensor record in the pickle");
        }
        PthTensor t = new PthTensor(storage, ((Number) args[1]).longValue(), longs(args[2]), longs(args[3]));
        tensors.add(t);
        return t;
    }

    private long[] longs(Object tuple) {
        if (!(tuple instanceof Object[] a)) {
            throw new WeaktrException(source + ": malformed tensor size/stride in the pickle");
        }
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = ((Number) a[i]).longValue();
        }
        return out;
    }

    /**
     * A numpy scalar (e.g. a metric such as {@code 'miou'} saved next to the weights) decoded as data:
     * float or integer types of 1 to 8 bytes become a Double; nothing of numpy is imported.
     */
    private Object numpyScalar(Object[] args) {
        if (args.length < 2 || !(args[0] instanceof NumpyDtype dtype) || !(args[1] instanceof byte[] raw)) {
            throw new WeaktrException(source + ": malformed numpy scalar in the pickle");
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw).order(">".equals(dtype.byteOrder)
                ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
        char kind = dtype.code.charAt(0);
        return switch (kind + ":" + raw.length) {
            case "f:8" -> b.getDouble();
            case "f:4" -> (double) b.getFloat();
            case "i:8", "u:8" -> (double) b.getLong();
            case "i:4" -> (double) b.getInt();
            case "b:1" -> (double) b.get();
            default -> throw refused("numpy scalar of dtype '" + dtype.code + "'");
        };
    }

    /** {@code numpy.dtype(code, ...)}: only its code and byte order are kept. */
    private static final class NumpyDtype {
        final String code;
        String byteOrder = "<";

        NumpyDtype(String code) {
            this.code = code.isEmpty() ? "?" : code;
        }
    }

    /** A storage named by a persistent id: its zip entry {@code data/<key>}, element type and length. */
    record PthStorage(String key, PthStorageType type, long numel) {}
}
