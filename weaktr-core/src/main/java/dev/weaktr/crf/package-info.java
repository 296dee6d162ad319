/**
 * Fully connected CRF (Krähenbühl and Koltun 2011) in pure Java, computed as pydensecrf does it
 * (peers.md §5): {@link dev.weaktr.crf.PermutohedralLattice} filters, {@link dev.weaktr.crf.MeanField}
 * runs inference with symmetric normalisation, {@link dev.weaktr.crf.Unaries} builds unaries,
 * {@link dev.weaktr.crf.CrfConfig} holds the per-repository presets, {@link dev.weaktr.crf.DenseCrf} is the
 * entry point and {@link dev.weaktr.crf.CrfRunner} spreads images over threads.
 *
 * <p>Layouts at the public boundary are label-major: probabilities and Q are {@code [M][H][W]} row-major,
 * label maps {@code [H][W]}. Inside, values are pixel-major {@code [N][M]} so that each lattice vertex's
 * M values are contiguous.
 */
package dev.weaktr.crf;
