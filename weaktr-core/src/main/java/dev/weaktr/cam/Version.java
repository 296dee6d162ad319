package dev.weaktr.cam;

/** The toolkit version recorded in run manifests. */
final class Version {
    static final String VERSION = "0.1.0";

    private Version() {}
}
