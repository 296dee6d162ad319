package dev.weaktr.nn;

/**
 * Forces garbage collections and gives the Cleaner time to free unreachable direct buffers: the event that, between a
 * forward and a backward pass, exposes a tensor the autograd graph keeps over freed Java memory (see
 * {@link Ops#scalar}).
 */
public final class ForcedGc {
    private static Object sink;

    private ForcedGc() {}

    public static void collect() {
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 16; k++) {
                sink = new byte[4 << 20];
            }
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sink = null;
    }
}
