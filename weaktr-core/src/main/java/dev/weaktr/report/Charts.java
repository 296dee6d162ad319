package dev.weaktr.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/** The report's charts: JFreeChart plots drawn by JFreeSVG into inline SVG elements. */
final class Charts {
    /** Tableau-10, one colour per row, the same in every chart and in the gallery header. */
    static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // charts are drawn into SVG, never on a screen
        }
    }

    private int count;

    /** A series of a line chart: its label, x and y values, and its colour index. */
    record Line(String label, double[] x, double[] y, int colour) {}

    /** Grouped bars: one group per class, one bar per row (values in percent; null = undefined). */
    String perClassBars(List<String> classes, List<String> rows, List<Map<String, Double>> values, List<Integer> colours) {
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        for (int r = 0; r < rows.size(); r++) {
            for (String c : classes) {
                d.addValue(values.get(r).get(c), rows.get(r), c);
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(null, null, "IoU (%)", d, PlotOrientation.VERTICAL, true, false, false);
        theme(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer bars = (BarRenderer) plot.getRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setItemMargin(0.02);
        for (int r = 0; r < rows.size(); r++) {
            bars.setSeriesPaint(r, colour(colours.get(r)));
        }
        ((NumberAxis) plot.getRangeAxis()).setRange(0, 100);
        int longest = classes.stream().mapToInt(String::length).max().orElse(0);
        int width = Math.max(760, Math.min(2400, classes.size() * (rows.size() * 9 + 14) + 120));
        if (classes.size() > 12 || longest * 8 > (width - 120) / classes.size()) { // names would be cut: slant them
            plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
            plot.getDomainAxis().setMaximumCategoryLabelWidthRatio(3f);
        }
        return svg(chart, width, 400);
    }

    /** A line chart, one line per series. */
    String lines(String xLabel, String yLabel, List<Line> lines, boolean percent, boolean logY) {
        XYSeriesCollection d = new XYSeriesCollection();
        for (Line l : lines) {
            XYSeries s = new XYSeries(l.label(), false, true);
            for (int i = 0; i < l.x().length; i++) {
                if (Double.isFinite(l.y()[i]) && (!logY || l.y()[i] > 0)) {
                    s.add(l.x()[i], l.y()[i]);
                }
            }
            d.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(null, xLabel, yLabel, d, PlotOrientation.VERTICAL, true, false, false);
        theme(chart);
        XYPlot plot = chart.getXYPlot();
        if (logY) {
            org.jfree.chart.axis.LogAxis axis = new org.jfree.chart.axis.LogAxis(yLabel);
            axis.setSmallestValue(1e-12);
            axis.setLabelFont(plot.getRangeAxis().getLabelFont());
            axis.setTickLabelFont(plot.getRangeAxis().getTickLabelFont());
            plot.setRangeAxis(axis);
        } else {
            ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(percent);
        }
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setDrawSeriesLineAsPath(true); // one <path> per line, not one <line> per segment
        for (int i = 0; i < lines.size(); i++) {
            r.setSeriesPaint(i, colour(lines.get(i).colour()));
            r.setSeriesStroke(i, new BasicStroke(1.6f));
            r.setSeriesShapesVisible(i, lines.get(i).x().length <= 40);
        }
        plot.setRenderer(r);
        return svg(chart, 560, 300);
    }

    private static void theme(JFreeChart chart) {
        StandardChartTheme theme = (StandardChartTheme) StandardChartTheme.createJFreeTheme();
        theme.setExtraLargeFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        theme.setLargeFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        theme.setRegularFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        theme.setSmallFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        theme.setPlotBackgroundPaint(Color.WHITE);
        theme.setDomainGridlinePaint(new Color(0xdddddd));
        theme.setRangeGridlinePaint(new Color(0xdddddd));
        theme.setChartBackgroundPaint(Color.WHITE);
        theme.apply(chart);
        chart.setAntiAlias(true);
    }

    private static String twoDecimals(double v) {
        String s = String.format(java.util.Locale.ROOT, "%.2f", v);
        s = s.indexOf('.') >= 0 ? s.replaceFirst("0+$", "").replaceFirst("\\.$", "") : s;
        return s.equals("-0") ? "0" : s;
    }

    static Color colour(int i) {
        return PALETTE[i % PALETTE.length];
    }

    static String hex(int i) {
        return String.format("#%06x", colour(i).getRGB() & 0xffffff);
    }

    /** The chart as an {@code <svg>} element that scales to its container; ids are unique within the page. */
    private String svg(JFreeChart chart, int width, int height) {
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        g.setDefsKeyPrefix("chart" + (++count) + "-");
        g.setGeomDoubleConverter(Charts::twoDecimals); // coordinates to 1/100 px: the page stays small
        g.setTransformDoubleConverter(Charts::twoDecimals);
        chart.draw(g, new Rectangle(0, 0, width, height));
        return g.getSVGElement("chart" + count, false, new ViewBox(0, 0, width, height), null, null)
                .replaceFirst("<svg ", "<svg class='chart' role='img' style='max-width:" + width + "px' ");
    }
}
