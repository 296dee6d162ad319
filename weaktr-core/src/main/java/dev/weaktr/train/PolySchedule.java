package dev.weaktr.train;

/**
 * The retraining schedule (spec §4.4, official PolynomialLR), stepped per iteration:
 * lr(t) = (base − min)·(1 − t/T)^power + min.
 */
public record PolySchedule(double baseLr, double minLr, double power, long totalIterations) {
    public double lrAt(long iteration) {
        double frac = Math.min(1.0, iteration / (double) Math.max(1, totalIterations));
        return (baseLr - minLr) * Math.pow(1 - frac, power) + minLr;
    }
}
