package dev.weaktr.io;

/**
 * A tensor as a PyTorch pickle describes it: a strided view into a storage (element offset, sizes and
 * strides in elements). Its values are read on demand by {@link PthReader#values}.
 */
record PthTensor(RestrictedUnpickler.PthStorage storage, long offset, long[] shape, long[] stride) {
    long numel() {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }
}
