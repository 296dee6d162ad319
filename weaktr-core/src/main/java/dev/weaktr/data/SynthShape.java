package dev.weaktr.data;

/**
 * The object classes of the synthetic benchmark. Each is a shape (tested in the object's own
 * rotated frame, unit = object radius) with its own texture, so neither outline nor colour alone
 * decides the class; colours are drawn from overlapping ranges (see {@link SynthRenderer}).
 */
enum SynthShape {
    /** Disc with parallel stripes. */
    DISC("striped-disc"),
    /** Square with a checkerboard aligned to its sides. */
    SQUARE("checker-square"),
    /** Equilateral triangle with polka dots. */
    TRIANGLE("dotted-triangle"),
    /** Annulus with radial spokes. */
    RING("spoked-ring"),
    /** Five-pointed star with blocky speckle noise. */
    STAR("speckled-star");

    private static final double TRI_R = 1.2; // circumradius; inradius = R / 2
    private static final double STAR_OUT = 1.15, STAR_IN = 0.5;
    private static final double SECTOR = 2 * Math.PI / 5;

    final String className;

    SynthShape(String className) {
        this.className = className;
    }

    /** Whether local point (u, v) (rotated frame, divided by the radius) lies inside the shape. */
    boolean inside(double u, double v) {
        double rr = u * u + v * v;
        return switch (this) {
            case DISC -> rr <= 1;
            case SQUARE -> Math.abs(u) <= 0.8 && Math.abs(v) <= 0.8;
            case TRIANGLE -> insideTriangle(u, v);
            case RING -> rr <= 1 && rr >= 0.5 * 0.5;
            case STAR -> insideStar(u, v);
        };
    }

    /** Three half-planes with outward normals at 90°, 210° and 330°, each at distance R/2. */
    private static boolean insideTriangle(double u, double v) {
        double h = TRI_R / 2, c = Math.sqrt(3) / 2;
        return v <= h && (-c * u - 0.5 * v) <= h && (c * u - 0.5 * v) <= h;
    }

    /** Folds the angle into one half-sector [0, 36°] and tests against the tip-to-notch edge. */
    private static boolean insideStar(double u, double v) {
        double rho = Math.sqrt(u * u + v * v);
        if (rho <= STAR_IN) {
            return true;
        }
        if (rho > STAR_OUT) {
            return false;
        }
        double a = StrictMath.atan2(v, u) + Math.PI / 2; // a tip points up
        a = a - SECTOR * Math.floor(a / SECTOR);
        a = Math.abs(a - SECTOR / 2);
        a = SECTOR / 2 - a; // 0 at the tip, 36° at the notch
        double px = rho * StrictMath.cos(a), py = rho * StrictMath.sin(a);
        double nx = STAR_IN * StrictMath.cos(SECTOR / 2), ny = STAR_IN * StrictMath.sin(SECTOR / 2);
        // inside if P lies on the origin's side of the line from the tip (STAR_OUT, 0) to the notch (nx, ny)
        double ex = nx - STAR_OUT, ey = ny;
        double crossP = ex * py - ey * (px - STAR_OUT);
        double crossO = ex * 0 - ey * (0 - STAR_OUT);
        return crossP * crossO >= 0;
    }
}
